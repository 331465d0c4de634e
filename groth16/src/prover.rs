//! Our Groth16 prover: witness → `h` through the backend's NTT ([`super::qap`]), then the
//! proof's group elements through the backend's MSM.
//!
//! With `z = (1, x, w)`, fresh `r, s ← Fr`:
//! ```text
//! A = α + Σ z_i·a_i + r·δ                      (G1)
//! B = β + Σ z_i·b_i + s·δ                      (G2, and in G1 for C)
//! C = Σ w_j·l_j + Σ h_k·h_query_k + s·A + r·B_1 − r·s·δ   (G1)
//! ```

use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective, g1, g2};
use ark_ec::CurveGroup;
use ark_ff::UniformRand;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode,
};
use rand::{CryptoRng, RngCore};
use sidecar_kernels::Msm;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Backend, keys::ProvingKey, matrix::R1cs, proof::Proof, qap};
use crate::{Error, Result};

/// A proving key with its bases prepared by backend `B` (tables built, or resident on a
/// device) for repeated proving. The raw bases are not kept.
pub struct PreparedKey<B: Backend> {
    pub(crate) r1cs: R1cs,
    pub(crate) digest: [u8; 32],
    vk: ark_groth16::VerifyingKey<ark_bn254::Bn254>,
    beta_g1: G1Affine,
    delta_g1: G1Affine,
    a: <B as Msm<g1::Config>>::Prepared,
    b_g1: <B as Msm<g1::Config>>::Prepared,
    b_g2: <B as Msm<g2::Config>>::Prepared,
    h: <B as Msm<g1::Config>>::Prepared,
    l: <B as Msm<g1::Config>>::Prepared,
}

/// Proving key parts other than the large queries.
pub(crate) struct KeyParts {
    pub r1cs: R1cs,
    pub digest: [u8; 32],
    pub vk: ark_groth16::VerifyingKey<ark_bn254::Bn254>,
    pub beta_g1: G1Affine,
    pub delta_g1: G1Affine,
}

impl KeyParts {
    /// The parts of a key with matrices `r1cs`, digest `digest` and CRS `crs`.
    fn of(r1cs: R1cs, digest: [u8; 32], crs: &ark_groth16::ProvingKey<ark_bn254::Bn254>) -> Self {
        Self {
            r1cs,
            digest,
            vk: crs.vk.clone(),
            beta_g1: crs.beta_g1,
            delta_g1: crs.delta_g1,
        }
    }
}

/// The G1 queries of a proving key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum G1Query {
    A,
    BG1,
    H,
    L,
}

/// Yields the large queries one at a time (from memory, or decoded from a mapped key file),
/// so that at most one query is resident unprepared.
pub(crate) trait QueryLoader {
    fn g1(&self, which: G1Query) -> Result<Vec<G1Affine>>;
    fn b_g2(&self) -> Result<Vec<G2Affine>>;
}

impl QueryLoader for ark_groth16::ProvingKey<ark_bn254::Bn254> {
    fn g1(&self, which: G1Query) -> Result<Vec<G1Affine>> {
        Ok(match which {
            G1Query::A => self.a_query.clone(),
            G1Query::BG1 => self.b_g1_query.clone(),
            G1Query::H => self.h_query.clone(),
            G1Query::L => self.l_query.clone(),
        })
    }
    fn b_g2(&self) -> Result<Vec<G2Affine>> {
        Ok(self.b_g2_query.clone())
    }
}

/// Hands out an owned key's queries by moving them out, each once.
struct Taken(RefCell<ark_groth16::ProvingKey<ark_bn254::Bn254>>);

impl QueryLoader for Taken {
    fn g1(&self, which: G1Query) -> Result<Vec<G1Affine>> {
        let mut k = self.0.borrow_mut();
        Ok(std::mem::take(match which {
            G1Query::A => &mut k.a_query,
            G1Query::BG1 => &mut k.b_g1_query,
            G1Query::H => &mut k.h_query,
            G1Query::L => &mut k.l_query,
        }))
    }
    fn b_g2(&self) -> Result<Vec<G2Affine>> {
        Ok(std::mem::take(&mut self.0.borrow_mut().b_g2_query))
    }
}

impl<B: Backend> PreparedKey<B> {
    /// Prepares every query of `pk` with `backend`.
    pub fn new(backend: &B, pk: &ProvingKey) -> Result<Self> {
        let parts = KeyParts::of(pk.r1cs.clone(), pk.digest, &pk.crs);
        Self::from_parts(backend, parts, &pk.crs)
    }

    /// [`Self::new`] consuming the key: its matrices move into the prepared key instead of being
    /// copied (at millions of constraints they are gigabytes), and each query is freed as soon as
    /// it is prepared.
    pub fn from_key(backend: &B, pk: ProvingKey) -> Result<Self> {
        let ProvingKey { crs, r1cs, digest } = pk;
        let parts = KeyParts::of(r1cs, digest, &crs);
        Self::from_parts(backend, parts, &Taken(RefCell::new(crs)))
    }

    pub(crate) fn from_parts(
        backend: &B,
        parts: KeyParts,
        loader: &dyn QueryLoader,
    ) -> Result<Self> {
        let vars = (parts.r1cs.num_instance + parts.r1cs.num_witness) as usize;
        let n = parts.r1cs.domain_size();
        let nw = parts.r1cs.num_witness as usize;
        if parts.vk.gamma_abc_g1.len() != parts.r1cs.num_instance as usize {
            return Err(shape(
                format!("{} vk inputs", parts.r1cs.num_instance),
                parts.vk.gamma_abc_g1.len(),
            ));
        }
        let g1 = |which: G1Query, len: usize| -> Result<<B as Msm<g1::Config>>::Prepared> {
            let bases = loader.g1(which)?;
            if bases.len() != len {
                return Err(shape(
                    format!("{len} bases in query {which:?}"),
                    bases.len(),
                ));
            }
            Ok(Msm::<g1::Config>::prepare(backend, &bases)?)
        };
        let a = g1(G1Query::A, vars)?;
        let b_g1 = g1(G1Query::BG1, vars)?;
        let h = g1(G1Query::H, n - 1)?;
        let l = g1(G1Query::L, nw)?;
        let b2 = loader.b_g2()?;
        if b2.len() != vars {
            return Err(shape(format!("{vars} bases in query B (G2)"), b2.len()));
        }
        let b_g2 = Msm::<g2::Config>::prepare(backend, &b2)?;
        Ok(Self {
            a,
            b_g1,
            b_g2,
            h,
            l,
            r1cs: parts.r1cs,
            digest: parts.digest,
            vk: parts.vk,
            beta_g1: parts.beta_g1,
            delta_g1: parts.delta_g1,
        })
    }

    /// Digest of the circuit this key proves.
    pub fn circuit_digest(&self) -> [u8; 32] {
        self.digest
    }

    /// Number of R1CS constraints of the circuit.
    pub fn num_constraints(&self) -> usize {
        self.r1cs.num_constraints()
    }

    /// The matching verifying key.
    pub fn verifying_key(&self) -> super::VerifyingKey {
        super::VerifyingKey::new(self.vk.clone())
    }
}

fn shape(expected: String, found: usize) -> Error {
    Error::ShapeMismatch {
        expected,
        found: found.to_string(),
    }
}

/// Synthesizes `circuit` with its witness and returns the full assignment
/// `z = (1, x, w)`, checking its shape against the key's matrices; `w` ends with the values of
/// the matrices' outlined variables.
pub fn assignment<C: ConstraintSynthesizer<Fr>>(circuit: C, r1cs: &R1cs) -> Result<Vec<Fr>> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove {
        construct_matrices: false,
        generate_lc_assignments: false,
    });
    circuit.generate_constraints(cs.clone())?;
    cs.finalize();
    let (ni, nw) = (
        cs.num_instance_variables() as u64,
        cs.num_witness_variables() as u64 + r1cs.outlined,
    );
    if (ni, nw) != (r1cs.num_instance, r1cs.num_witness) {
        return Err(Error::ShapeMismatch {
            expected: format!(
                "{} instance / {} witness variables",
                r1cs.num_instance, r1cs.num_witness
            ),
            found: format!("{ni} instance / {nw} witness variables"),
        });
    }
    let mut z = cs.instance_assignment()?;
    z.extend(cs.witness_assignment()?);
    drop(cs);
    r1cs.extend_outlined(&mut z);
    Ok(z)
}

/// Proves `circuit` (which carries its witness) under `pk`. Checks that the witness
/// satisfies every constraint of the key's circuit before any group operation.
pub fn prove<B, C, R>(backend: &B, pk: &PreparedKey<B>, circuit: C, rng: &mut R) -> Result<Proof>
where
    B: Backend,
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    prove_until(backend, pk, circuit, rng, &AtomicBool::new(false))
}

/// [`prove`] that gives up with [`Error::Cancelled`] at the next phase boundary (after the
/// witness, the QAP, each MSM) once `stop` is set.
pub fn prove_until<B, C, R>(
    backend: &B,
    pk: &PreparedKey<B>,
    circuit: C,
    rng: &mut R,
    stop: &AtomicBool,
) -> Result<Proof>
where
    B: Backend,
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    if stop.load(Ordering::Relaxed) {
        return Err(Error::Cancelled { phase: "synthesis" });
    }
    let z = assignment(circuit, &pk.r1cs)?;
    prove_assignment(backend, pk, &z, rng, stop)
}

/// The proof for the full assignment `z = (1, x, w)` (from [`assignment`]), with
/// [`prove_until`]'s cancellation points after synthesis.
pub(crate) fn prove_assignment<B, R>(
    backend: &B,
    pk: &PreparedKey<B>,
    z: &[Fr],
    rng: &mut R,
    stop: &AtomicBool,
) -> Result<Proof>
where
    B: Backend,
    R: RngCore + CryptoRng,
{
    let check = |phase: &'static str| {
        if stop.load(Ordering::Relaxed) {
            Err(Error::Cancelled { phase })
        } else {
            Ok(())
        }
    };
    check("QAP")?;
    let h = qap::h_coefficients(backend, &pk.r1cs, z)?;
    let r = Fr::rand(rng);
    let s = Fr::rand(rng);
    let l = pk.r1cs.num_instance as usize;

    let g1_msms = || -> Result<[G1Projective; 4]> {
        check("MSM A")?;
        let a_acc = backend.msm_prepared(&pk.a, z)?;
        check("MSM B1")?;
        let b1_acc = backend.msm_prepared(&pk.b_g1, z)?;
        check("MSM H")?;
        let h_acc = backend.msm_prepared(&pk.h, &h)?;
        check("MSM L")?;
        let l_acc = backend.msm_prepared(&pk.l, &z[l..])?;
        Ok([a_acc, b1_acc, h_acc, l_acc])
    };
    let g2_msm = || -> Result<G2Projective> {
        check("MSM B2")?;
        Ok(backend.msm_prepared(&pk.b_g2, z)?)
    };
    // With the G1 queries on a device, the host's cores are free for the G2 MSM meanwhile;
    // on the CPU each MSM already uses every core, so they run one after another.
    let ([a_acc, b1_acc, h_acc, l_acc], b2_acc) = if Msm::<g1::Config>::on_device(backend, &pk.a) {
        let (g1, g2) = rayon::join(g1_msms, g2_msm);
        (g1?, g2?)
    } else {
        (g1_msms()?, g2_msm()?)
    };

    let a = a_acc + pk.vk.alpha_g1 + pk.delta_g1 * r;
    let b1 = b1_acc + pk.beta_g1 + pk.delta_g1 * s;
    let b2 = b2_acc + pk.vk.beta_g2 + pk.vk.delta_g2 * s;
    let c = l_acc + h_acc + a * s + b1 * r - pk.delta_g1 * (r * s);

    Ok(Proof(ark_groth16::Proof {
        a: a.into_affine(),
        b: b2.into_affine(),
        c: c.into_affine(),
    }))
}
