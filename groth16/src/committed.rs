//! Commit-and-prove Groth16: a proof that commits to a vector of the circuit's values before
//! a challenge is drawn, and hands that challenge to the circuit as a public input.
//!
//! Why: a circuit that checks a vector against an outside commitment by evaluating both at a
//! Fiat–Shamir point (the decider: the folded witness `W`, `E` against their KZG commitments)
//! is sound only if the vector is fixed before the point is drawn. A plain Groth16 witness is
//! chosen after the prover knows every public input, the point included, and a relaxed R1CS
//! witness has the freedom to match any one evaluation (`E` absorbs whatever `W` leaves), so
//! without this the check binds nothing.
//!
//! Construction. The circuit allocates its instance variables as `1, a_1..a_k, ζ, x_1..x_m`:
//! the committed values `a` are public-input wires whose values the verifier never sees. The
//! key is ark-groth16's, so `IC_i = (β·u_i(τ) + α·v_i(τ) + w_i(τ))/γ` for every instance
//! variable; setup adds a fresh `σ`, the knowledge bases `σ·IC_i` for `i ≤ k` and `σ·G2`. The
//! prover sends `D = Σ a_i·IC_i`, `P = Σ a_i·σ·IC_i` and a Groth16 proof of
//! `z = (1, a, ζ, x, w)` with `ζ = `[`challenge`]`(bind, D)`. The verifier recomputes `ζ`,
//! checks `e(D, σ·G2) = e(P, G2)` (only the `IC_i`, `i ≤ k`, have published `σ`-multiples,
//! so `D` is a combination of them whose coefficients the prover knows) and Groth16's
//! equation with `IC_0 + D + ζ·IC_{k+1} + Σ x_j·IC_{k+1+j}` as the public-input term, through
//! ark-groth16's verifier. `D` is not hiding: the committed values need no secrecy here.

use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine, G2Projective, g1};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{PrimeField, UniformRand, Zero};
use ark_relations::gr1cs::ConstraintSynthesizer;
use rand::{CryptoRng, RngCore};
use sha3::{Digest, Keccak256};
use sidecar_kernels::Msm;
use std::sync::atomic::AtomicBool;

use crate::evm::g1_be;
use crate::prover::{PreparedKey, assignment, prove_assignment};
use crate::{Backend, Error, Proof, ProvingKey, Result, VerifyingKey, generate_keys};

/// `ζ = keccak256(bind ‖ D.x ‖ D.y) mod r`, coordinates as 32-byte big-endian words (the
/// identity as zeros): what a Solidity verifier computes with
/// `uint256(keccak256(abi.encodePacked(bind, Dx, Dy))) % r`. `bind` is everything else the
/// challenge must come after (the decider: the accumulator's commitments).
pub fn challenge(bind: &[u8], commitment: &G1Affine) -> Fr {
    let mut h = Keccak256::new();
    h.update(bind);
    for w in g1_be(commitment) {
        h.update(w);
    }
    Fr::from_be_bytes_mod_order(&h.finalize())
}

/// A proving key whose first `committed` public-input wires are committed, not revealed.
#[derive(Clone, Debug, PartialEq)]
pub struct CommittedKey {
    /// The Groth16 key (ark-groth16's CRS format): its `IC_1..IC_k` are the commitment bases.
    pub key: ProvingKey,
    /// `k`, the number of committed values.
    pub committed: usize,
    /// `σ·IC_i` for `i = 1..=k`.
    pub knowledge_bases: Vec<G1Affine>,
    /// `σ·G2`.
    pub sigma_g2: G2Affine,
}

/// What the verifier needs: the Groth16 key, `k` and `σ·G2`.
#[derive(Clone, Debug)]
pub struct CommittedVerifyingKey {
    /// The Groth16 verifying key (its inputs: `a_1..a_k, ζ, x`).
    pub key: VerifyingKey,
    /// `k`, the number of committed values.
    pub committed: usize,
    /// `σ·G2`.
    pub sigma_g2: G2Affine,
}

/// A proof with its commitment `D` and the knowledge element `P = σ·D`.
#[derive(Clone, Debug, PartialEq)]
pub struct CommittedProof {
    /// The Groth16 proof.
    pub proof: Proof,
    /// `D = Σ a_i·IC_i`.
    pub commitment: G1Affine,
    /// `P = Σ a_i·σ·IC_i`.
    pub knowledge: G1Affine,
}

impl CommittedKey {
    /// Generates a key for `circuit`, whose instance variables are `1, a_1..a_k, ζ, x` with
    /// `k = committed`; `σ` is drawn from `rng` and dropped, like the rest of the toxic waste.
    pub fn generate<C, R>(circuit: C, committed: usize, rng: &mut R) -> Result<Self>
    where
        C: ConstraintSynthesizer<Fr> + Clone,
        R: RngCore + CryptoRng,
    {
        let key = generate_keys(circuit, rng)?;
        let instances = key.r1cs.num_instance as usize;
        if instances < committed + 2 {
            return Err(Error::CommittedLayout {
                reason: format!(
                    "{instances} instance variables cannot hold 1, {committed} committed values and the challenge"
                ),
            });
        }
        let sigma = loop {
            let s = Fr::rand(rng);
            if !s.is_zero() {
                break s;
            }
        };
        let scaled: Vec<G1Projective> = key.crs.vk.gamma_abc_g1[1..=committed]
            .iter()
            .map(|p| *p * sigma)
            .collect();
        Ok(Self {
            knowledge_bases: G1Projective::normalize_batch(&scaled),
            sigma_g2: (G2Projective::generator() * sigma).into_affine(),
            key,
            committed,
        })
    }

    /// The verifying key.
    pub fn verifying_key(&self) -> CommittedVerifyingKey {
        CommittedVerifyingKey {
            key: self.key.verifying_key(),
            committed: self.committed,
            sigma_g2: self.sigma_g2,
        }
    }
}

/// A [`CommittedKey`] prepared for repeated proving on backend `B`.
pub struct PreparedCommittedKey<B: Backend> {
    key: PreparedKey<B>,
    committed: usize,
    commitment_bases: <B as Msm<g1::Config>>::Prepared,
    knowledge_bases: <B as Msm<g1::Config>>::Prepared,
    verifying_key: CommittedVerifyingKey,
}

impl<B: Backend> PreparedCommittedKey<B> {
    /// [`Self::new`] consuming the key ([`PreparedKey::from_key`]: its matrices are moved, not
    /// copied).
    pub fn from_key(backend: &B, key: CommittedKey) -> Result<Self> {
        let k = key.committed;
        let verifying_key = key.verifying_key();
        Ok(Self {
            commitment_bases: Msm::<g1::Config>::prepare(
                backend,
                &key.key.crs.vk.gamma_abc_g1[1..=k],
            )?,
            knowledge_bases: Msm::<g1::Config>::prepare(backend, &key.knowledge_bases)?,
            key: PreparedKey::from_key(backend, key.key)?,
            committed: k,
            verifying_key,
        })
    }

    /// A commit-and-prove key from its prepared Groth16 key and its commitment parts (`k`,
    /// `σ·IC_1..σ·IC_k`, `σ·G2`): what [`crate::KeyFile::prepare_committed`] reads.
    pub(crate) fn from_prepared(
        backend: &B,
        key: PreparedKey<B>,
        committed: usize,
        knowledge_bases: &[G1Affine],
        sigma_g2: G2Affine,
    ) -> Result<Self> {
        let vk = key.verifying_key();
        let ic = &vk.inner().gamma_abc_g1;
        if knowledge_bases.len() != committed || committed + 2 > ic.len() {
            return Err(Error::CommittedLayout {
                reason: format!(
                    "{committed} committed values, {} knowledge bases, {} input bases",
                    knowledge_bases.len(),
                    ic.len()
                ),
            });
        }
        Ok(Self {
            commitment_bases: Msm::<g1::Config>::prepare(backend, &ic[1..=committed])?,
            knowledge_bases: Msm::<g1::Config>::prepare(backend, knowledge_bases)?,
            key,
            committed,
            verifying_key: CommittedVerifyingKey {
                key: vk,
                committed,
                sigma_g2,
            },
        })
    }

    /// Prepares the Groth16 key and both commitment bases with `backend`.
    pub fn new(backend: &B, key: &CommittedKey) -> Result<Self> {
        let k = key.committed;
        Ok(Self {
            key: PreparedKey::new(backend, &key.key)?,
            committed: k,
            commitment_bases: Msm::<g1::Config>::prepare(
                backend,
                &key.key.crs.vk.gamma_abc_g1[1..=k],
            )?,
            knowledge_bases: Msm::<g1::Config>::prepare(backend, &key.knowledge_bases)?,
            verifying_key: key.verifying_key(),
        })
    }

    /// The verifying key.
    pub fn verifying_key(&self) -> &CommittedVerifyingKey {
        &self.verifying_key
    }

    /// Commits to `values` (`D`, `P`) and derives `ζ` from `bind` and `D`.
    fn commit(&self, backend: &B, values: &[Fr], bind: &[u8]) -> Result<(G1Affine, G1Affine, Fr)> {
        if values.len() != self.committed {
            return Err(Error::CommittedLayout {
                reason: format!(
                    "{} committed values given, the key commits to {}",
                    values.len(),
                    self.committed
                ),
            });
        }
        let d: G1Projective = backend.msm_prepared(&self.commitment_bases, values)?;
        let p: G1Projective = backend.msm_prepared(&self.knowledge_bases, values)?;
        let d = d.into_affine();
        Ok((d, p.into_affine(), challenge(bind, &d)))
    }
}

/// Proves the circuit `circuit(ζ)` under `key`, committing to `values` first: `ζ` is
/// [`challenge`]`(bind, D)` for `D` the commitment to `values`. The circuit must place
/// `values` and then `ζ` as its first instance variables, unchanged by `ζ` (checked, with
/// [`Error::CommittedLayout`]), and its witness must satisfy every constraint (checked before
/// any group operation). Returns the proof and the public inputs after `ζ` (`x`).
pub fn prove_committed<B, C, R>(
    backend: &B,
    key: &PreparedCommittedKey<B>,
    bind: &[u8],
    values: &[Fr],
    circuit: impl FnOnce(Fr) -> C,
    rng: &mut R,
) -> Result<(CommittedProof, Vec<Fr>)>
where
    B: Backend,
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    let (commitment, knowledge, zeta) = key.commit(backend, values, bind)?;
    let z = assignment(circuit(zeta), &key.key.r1cs)?;
    let k = key.committed;
    if z[1..=k] != *values {
        return Err(Error::CommittedLayout {
            reason: "the circuit's first instance variables are not the committed values".into(),
        });
    }
    if z[k + 1] != zeta {
        return Err(Error::CommittedLayout {
            reason:
                "the circuit's instance variable after the committed values is not the challenge"
                    .into(),
        });
    }
    let proof = prove_assignment(backend, &key.key, &z, rng, &AtomicBool::new(false))?;
    let inputs = z[k + 2..key.key.r1cs.num_instance as usize].to_vec();
    Ok((
        CommittedProof {
            proof,
            commitment,
            knowledge,
        },
        inputs,
    ))
}

/// Verifies a commit-and-prove proof of public inputs `x` (those after `ζ`), with `ζ`
/// recomputed from `bind` and the proof's commitment. `Ok(false)`: a well-formed proof that
/// does not verify; a wrong number of inputs is [`Error::PublicInputCount`].
pub fn verify_committed(
    vk: &CommittedVerifyingKey,
    bind: &[u8],
    x: &[Fr],
    proof: &CommittedProof,
) -> Result<bool> {
    let k = vk.committed;
    let Some(expected) = vk.key.num_public_inputs().checked_sub(k + 1) else {
        return Err(Error::CommittedLayout {
            reason: format!(
                "the key has {} public inputs, fewer than {k} committed values and the challenge",
                vk.key.num_public_inputs()
            ),
        });
    };
    if x.len() != expected {
        return Err(Error::PublicInputCount {
            expected,
            given: x.len(),
        });
    }
    let knows = Bn254::multi_pairing(
        [proof.commitment, -proof.knowledge],
        [vk.sigma_g2, G2Affine::generator()],
    );
    if !knows.is_zero() {
        return Ok(false);
    }
    let ic = &vk.key.inner().gamma_abc_g1;
    let zeta = challenge(bind, &proof.commitment);
    let mut inputs = ic[0] + proof.commitment + ic[k + 1] * zeta;
    for (xj, base) in x.iter().zip(&ic[k + 2..]) {
        inputs += *base * xj;
    }
    Ok(
        ark_groth16::Groth16::<Bn254>::verify_proof_with_prepared_inputs(
            vk.key.prepared(),
            &proof.proof.0,
            &inputs,
        )?,
    )
}

#[cfg(test)]
mod soundness {
    //! The attack this module exists for, on the prover's internals: a witness chosen after
    //! the challenge, under a commitment to other values, does not verify.

    use super::*;
    use crate::synthetic::Evaluation;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use sidecar_kernels::Cpu;

    #[test]
    fn soundness_values_changed_after_the_challenge_are_rejected() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let k = 6;
        let key = CommittedKey::generate(Evaluation::shape(&[k]), k, &mut rng).unwrap();
        let backend = Cpu::new();
        let prepared = PreparedCommittedKey::new(&backend, &key).unwrap();
        let bind = b"outside commitment";
        // The prover commits to `p`, then learns ζ and picks `v ≠ p` with v(ζ) = p(ζ).
        let p: Vec<Fr> = (0..k).map(|_| Fr::rand(&mut rng)).collect();
        let (commitment, knowledge, zeta) = prepared.commit(&backend, &p, bind).unwrap();
        let mut v = p.clone();
        v[1] += Fr::from(1u64);
        v[0] -= zeta;
        let circuit = Evaluation::new(vec![v.clone()], zeta);
        assert_eq!(
            circuit.outputs()[0],
            Evaluation::new(vec![p], zeta).outputs()[0]
        );
        let z = assignment(circuit.clone(), &prepared.key.r1cs).unwrap();
        let proof = prove_assignment(
            &backend,
            &prepared.key,
            &z,
            &mut rng,
            &AtomicBool::new(false),
        )
        .unwrap();
        let forged = CommittedProof {
            proof,
            commitment,
            knowledge,
        };
        let vk = prepared.verifying_key();
        assert!(!verify_committed(vk, bind, &circuit.outputs(), &forged).unwrap());
        // The same values under their own commitment verify: the rejection is the swap.
        let (honest, x) = prove_committed(
            &backend,
            &prepared,
            bind,
            &v,
            |zeta| Evaluation::new(vec![v.clone()], zeta),
            &mut rng,
        )
        .unwrap();
        assert!(verify_committed(vk, bind, &x, &honest).unwrap());
    }
}
