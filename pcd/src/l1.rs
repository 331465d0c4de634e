//! The L1 decider's proof format: a commit-and-prove Groth16 proof
//! ([`sidecar_groth16::prove_committed`]) whose committed vector is tied to KZG commitments by
//! their evaluations at its challenge `ζ`, with one batched KZG opening at `ζ`. The native
//! [`L1Proof::verify`] here and node-shim's `DeciderVerifier.sol` check the same statement.
//!
//! The circuit proved must allocate its instance variables as `1, a, ζ, y_1..y_c, s_1..s_t`
//! and constrain `y_j` to the evaluation at `ζ` of its own copy of `p_j`'s coefficients (taken
//! from `a`); `s` is the statement. `ζ = keccak256(C_1 ‖ .. ‖ C_c ‖ s ‖ D) mod r` comes after
//! the KZG commitments `C_j`, the statement and the Groth16 commitment `D` to `a`; the openings
//! are batched with `γ = keccak256(ζ ‖ y_1 ‖ .. ‖ y_c) mod r` into one opening of
//! `Σ γ^(j-1)·p_j`. Since `a` was fixed in `D` before `ζ` was drawn, `y_j = p_j(ζ)` for both
//! copies means they are equal except with probability `deg p_j / r`.

use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::CurveGroup;
use ark_ff::{PrimeField, Zero};
use ark_relations::gr1cs::ConstraintSynthesizer;
use rand::{CryptoRng, RngCore};
use sha3::{Digest, Keccak256};
use sidecar_groth16::evm::{field_be, g1_be, g2_be};
use sidecar_groth16::{
    Backend, CommittedProof, CommittedVerifyingKey, PreparedCommittedKey, challenge,
    prove_committed, verify_committed,
};

use crate::{Error, KzgKey, KzgVerifierKey, Opening, Result, evaluate};

/// A proof in the L1 decider's format, with everything the verifier is given.
#[derive(Clone, Debug, PartialEq)]
pub struct L1Proof {
    /// The commit-and-prove Groth16 proof (`D`, `P`, `A`, `B`, `C`).
    pub proof: CommittedProof,
    /// The KZG commitments `C_j`.
    pub commitments: Vec<G1Affine>,
    /// The claimed values `y_j = p_j(ζ)`.
    pub values: Vec<Fr>,
    /// The opening proof of `Σ γ^(j-1)·p_j` at `ζ`.
    pub opening: G1Affine,
    /// The statement inputs `s`.
    pub statement: Vec<Fr>,
}

/// The bytes `ζ` is drawn after (besides `D`): the commitments' coordinates, then the
/// statement, as 32-byte big-endian words.
pub fn transcript_prefix(commitments: &[G1Affine], statement: &[Fr]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * commitments.len() + 32 * statement.len());
    for c in commitments {
        out.extend(g1_be(c).concat());
    }
    for s in statement {
        out.extend(field_be(*s));
    }
    out
}

/// `γ = keccak256(ζ ‖ y_1 ‖ .. ‖ y_c) mod r`, the batching challenge of the openings.
pub fn batching_challenge(zeta: Fr, values: &[Fr]) -> Fr {
    let mut h = Keccak256::new();
    h.update(field_be(zeta));
    for y in values {
        h.update(field_be(*y));
    }
    Fr::from_be_bytes_mod_order(&h.finalize())
}

/// `(Σ γ^(j-1)·C_j, Σ γ^(j-1)·y_j)`.
fn batched(commitments: &[G1Affine], values: &[Fr], gamma: Fr) -> (G1Affine, Fr) {
    let (mut c, mut y, mut power) = (G1Projective::zero(), Fr::zero(), Fr::from(1u64));
    for (cj, yj) in commitments.iter().zip(values) {
        c += *cj * power;
        y += *yj * power;
        power *= gamma;
    }
    (c.into_affine(), y)
}

/// Proves `circuit(ζ)` in the L1 format: commits to the polynomials `polys` with KZG, to
/// `committed` with the Groth16 key, draws `ζ`, proves, and opens the polynomials at `ζ`. The
/// circuit's public inputs after `ζ` must be the evaluations `p_j(ζ)` and then `statement`
/// (checked, [`Error::Rejected`] otherwise).
#[allow(clippy::too_many_arguments)]
pub fn prove_l1<B, C, R>(
    backend: &B,
    key: &PreparedCommittedKey<B>,
    kzg: &KzgKey,
    polys: &[Vec<Fr>],
    committed: &[Fr],
    statement: &[Fr],
    circuit: impl FnOnce(Fr) -> C,
    rng: &mut R,
) -> Result<L1Proof>
where
    B: Backend,
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    let commitments = polys
        .iter()
        .map(|p| kzg.commit(p))
        .collect::<Result<Vec<_>>>()?;
    let prefix = transcript_prefix(&commitments, statement);
    let (proof, x) = prove_committed(backend, key, &prefix, committed, circuit, rng)
        .map_err(|e| Error::rejected(format!("decider proof: {e}")))?;
    let zeta = challenge(&prefix, &proof.commitment);
    let values: Vec<Fr> = polys.iter().map(|p| evaluate(p, zeta)).collect();
    if x != [values.as_slice(), statement].concat() {
        return Err(Error::rejected(
            "the circuit's outputs are not the polynomials' values at the challenge and the statement",
        ));
    }
    let gamma = batching_challenge(zeta, &values);
    let len = polys.iter().map(Vec::len).max().unwrap_or(0);
    let mut combined = vec![Fr::zero(); len];
    let mut power = Fr::from(1u64);
    for p in polys {
        for (c, v) in combined.iter_mut().zip(p) {
            *c += power * v;
        }
        power *= gamma;
    }
    let (c_star, _) = batched(&commitments, &values, gamma);
    let opening = kzg.open(&combined, c_star, zeta)?.proof;
    Ok(L1Proof {
        proof,
        commitments,
        values,
        opening,
        statement: statement.to_vec(),
    })
}

impl L1Proof {
    /// The native verdict, the same statement `DeciderVerifier.sol` checks: the commit-and-prove
    /// proof (through ark-groth16's pairing check) for the values and statement with `ζ` drawn
    /// after the commitments and statement, and the batched opening at `ζ`. A shape that does
    /// not fit the key is an error.
    pub fn verify(&self, vk: &CommittedVerifyingKey, kzg: &KzgVerifierKey) -> Result<bool> {
        if self.commitments.len() != self.values.len() || self.commitments.is_empty() {
            return Err(Error::rejected(format!(
                "{} commitments for {} values",
                self.commitments.len(),
                self.values.len()
            )));
        }
        let prefix = transcript_prefix(&self.commitments, &self.statement);
        let inputs = [self.values.as_slice(), &self.statement].concat();
        if !verify_committed(vk, &prefix, &inputs, &self.proof)
            .map_err(|e| Error::rejected(format!("decider proof: {e}")))?
        {
            return Ok(false);
        }
        let zeta = challenge(&prefix, &self.proof.commitment);
        let gamma = batching_challenge(zeta, &self.values);
        let (commitment, value) = batched(&self.commitments, &self.values, gamma);
        Ok(kzg.verify(&[Opening {
            commitment,
            point: zeta,
            value,
            proof: self.opening,
        }]))
    }
}

/// `DeciderVerifier.sol`'s constructor key: `α(2) β(4) γ(4) δ(4) σ·G2(4) τ·G2(4) IC_0(2)
/// IC_ζ(2)` and the bases of the values and statement inputs (2 each); the committed bases
/// stay off chain (`D` replaces them).
pub fn key_words(vk: &CommittedVerifyingKey, kzg: &KzgVerifierKey) -> Vec<[u8; 32]> {
    let g = vk.key.inner();
    let mut w: Vec<[u8; 32]> = g1_be(&g.alpha_g1).into();
    for p in [
        &g.beta_g2,
        &g.gamma_g2,
        &g.delta_g2,
        &vk.sigma_g2,
        &kzg.tau_g2,
    ] {
        w.extend(g2_be(p));
    }
    w.extend(g1_be(&g.gamma_abc_g1[0]));
    for p in &g.gamma_abc_g1[vk.committed + 1..] {
        w.extend(g1_be(p));
    }
    w
}
