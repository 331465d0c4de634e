//! Key generation: extract both circuits' R1CS, make commitment keys of the right length,
//! and hash everything into `pp_hash`, which every node absorbs first.
//!
//! The primary (G1) generators are either hashed to the curve ([`setup`]: nobody knows a
//! relation, the native decider is the only verifier) or the powers of `τ` of a KZG reference
//! string ([`setup_on_srs`]: every primary commitment is then a KZG commitment to the vector's
//! polynomial, which the L1 can open). The CycleFold (Grumpkin) generators are always hashed.

use std::sync::Arc;

use ark_crypto_primitives::sponge::poseidon::PoseidonConfig;
use ark_ff::PrimeField;
use ark_serialize::CanonicalSerialize;
use ark_std::rand::RngCore;
use sha2::{Digest, Sha256};
use sidecar_kernels::AnyBackend;
use sonobe_fs::{DeciderKey, FoldingSchemeKeyGenerator};
use sonobe_ivc::compilers::cyclefold::circuits::CycleFoldCircuit;
use sonobe_primitives::{
    arithmetizations::{Arith, ArithConfig, r1cs::R1CS},
    circuits::ArithExtractor,
    transcripts::poseidon::poseidon_circom_config,
};

use crate::{
    Result, Srs,
    commit::KernelPedersenKey,
    cyclefold::{CF_PUBLIC_INPUTS, PointRlcCircuit},
    error::Error,
    node::{NodeCircuit, NodeWitness},
    step::Step,
    types::{Fq, Fr, Fs1, Fs2, Key1, Key2},
};

/// Everything a prover and the decider need: both decider keys (R1CS + commitment key), the
/// step logic, the Poseidon parameters of hashes and transcripts, and the parameter hash.
#[derive(Clone)]
pub struct PcdKeys<S> {
    /// Primary (node circuit) key.
    pub key1: Key1,
    /// Secondary (CycleFold circuit) key.
    pub key2: Key2,
    /// The step logic.
    pub step: S,
    /// Poseidon parameters (circom's, width 5) of the node's hashes and transcripts.
    pub poseidon: PoseidonConfig<Fr>,
    /// `pp_hash`: SHA-256 of both keys and the step's parameters, reduced into `Fr`.
    pub pp_hash: Fr,
    /// The node circuit's R1CS (the L1 decider checks the folded accumulator against it).
    pub(crate) node_r1cs: Arc<R1CS<Fr>>,
    /// The CycleFold circuit's R1CS and commitment key (the L1 decider checks the CycleFold
    /// accumulator in-circuit).
    pub(crate) cf_r1cs: Arc<R1CS<Fq>>,
    pub(crate) cf_key: KernelPedersenKey<ark_grumpkin::GrumpkinConfig>,
}

impl<S: Step> PcdKeys<S> {
    /// Shape of the node circuit.
    pub fn node_config(&self) -> ArithConfig {
        self.key1.to_arith_config()
    }

    /// Shape of the CycleFold circuit.
    pub fn cyclefold_config(&self) -> ArithConfig {
        self.key2.to_arith_config()
    }
}

/// Generates keys for `step` with hashed generators from `rng`; commitment MSMs run on
/// `backend`.
pub fn setup<S: Step>(step: S, backend: AnyBackend, rng: impl RngCore) -> Result<PcdKeys<S>> {
    keys(step, None, backend, rng)
}

/// Generates keys for `step` whose primary generators are the first powers of `srs` (an
/// [`Error::Srs`] if it is too short); the CycleFold generators come from `rng`.
pub fn setup_on_srs<S: Step>(
    step: S,
    srs: &Srs,
    backend: AnyBackend,
    rng: impl RngCore,
) -> Result<PcdKeys<S>> {
    keys(step, Some(srs), backend, rng)
}

fn keys<S: Step>(
    step: S,
    srs: Option<&Srs>,
    backend: AnyBackend,
    mut rng: impl RngCore,
) -> Result<PcdKeys<S>> {
    let poseidon = poseidon_circom_config();
    let cs = ArithExtractor::<Fq>::new();
    cs.execute_fn(|cs| PointRlcCircuit::default().verify_point_rlc(cs))?;
    let r1cs2: R1CS<Fq> = cs.arith()?;
    let cfg2 = r1cs2.config();
    if cfg2.n_public_inputs != CF_PUBLIC_INPUTS {
        return Err(Error::shape(
            "CycleFold circuit has an unexpected input count",
        ));
    }

    let cfg1 = ArithConfig {
        n_public_inputs: 1,
        ..Default::default()
    };
    let placeholder = NodeWitness::placeholder(&cfg1, &cfg2, step.placeholder(), step.width());
    let cs = ArithExtractor::<Fr>::new();
    cs.execute_synthesizer(NodeCircuit {
        step: &step,
        poseidon: &poseidon,
        cfg1: &cfg1,
        cfg2: &cfg2,
        witness: &placeholder,
    })?;
    let r1cs1: R1CS<Fr> = cs.arith()?;
    let got = r1cs1.config();
    if got.n_public_inputs != 1 {
        return Err(Error::shape(
            "node circuit must have exactly one public input",
        ));
    }

    let len1 = got.n_constraints.max(got.n_witnesses);
    let len2 = cfg2.n_constraints.max(cfg2.n_witnesses);
    let ck1 = match srs {
        None => KernelPedersenKey::sample(len1, &mut rng)?.with_backend(backend.clone())?,
        Some(srs) if srs.len() < len1 => {
            return Err(Error::srs(format!(
                "the node circuit commits vectors of {len1} entries, the SRS holds {} powers",
                srs.len()
            )));
        }
        Some(srs) => KernelPedersenKey::new(srs.powers_g1()[..len1].to_vec(), backend.clone())?,
    };
    let ck2 = KernelPedersenKey::sample(len2, &mut rng)?.with_backend(backend)?;
    let (node_r1cs, cf_r1cs, cf_key) = (
        Arc::new(r1cs1.clone()),
        Arc::new(r1cs2.clone()),
        ck2.clone(),
    );
    let key1 = Fs1::generate_keys(ck1, r1cs1)?;
    let key2 = Fs2::generate_keys(ck2, r1cs2)?;

    let mut bytes = Vec::new();
    key1.serialize_compressed(&mut bytes)?;
    key2.serialize_compressed(&mut bytes)?;
    step.params().serialize_compressed(&mut bytes)?;
    let pp_hash = Fr::from_le_bytes_mod_order(&Sha256::digest(&bytes));
    Ok(PcdKeys {
        key1,
        key2,
        step,
        poseidon,
        pp_hash,
        node_r1cs,
        cf_r1cs,
        cf_key,
    })
}
