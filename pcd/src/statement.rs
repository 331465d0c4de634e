//! The L1 decider's one public input: a SHA-256 hash of everything the L1 and the decider
//! circuit must agree on, so that the circuit sees the very values the L1 folds and checks.
//!
//! ```text
//! h = sha256(r ‖ u ‖ x ‖ x_u ‖ C_W.x ‖ C_W.y ‖ C_E.x ‖ C_E.y ‖ z_1 ‖ .. ‖ z_k) mod r_BN254
//! ```
//!
//! with every element a 32-byte big-endian word: `r` the fold challenge, `(C_W, C_E, u, x)` the
//! root's running instance, `x_u` its fresh instance's input, `z` the root's state. The L1
//! computes it with the SHA-256 precompile; the circuit recomputes it from its own variables
//! (the ones it hashes into `x_u` and folds), so a commitment or value other than the L1's
//! cannot pass. One public input costs one ecMul on L1, where each value as an input would.

use ark_bn254::G1Affine;
use ark_crypto_primitives::crh::sha256::constraints::Sha256Gadget;
use ark_ff::{Field, PrimeField};
use ark_r1cs_std::{boolean::Boolean, convert::ToBitsGadget, fields::fp::FpVar, uint8::UInt8};
use ark_relations::gr1cs::SynthesisError;
use sha2::{Digest, Sha256};
use sidecar_groth16::evm::{field_be, g1_be};

use crate::types::{Fr, G1Var};

/// The values the L1 decider's public input hashes.
#[derive(Clone, Debug, PartialEq)]
pub struct DeciderStatement {
    /// The fold challenge `r`.
    pub r: Fr,
    /// The running instance's `u`.
    pub u: Fr,
    /// The running instance's public input `x`.
    pub x: Fr,
    /// The fresh instance's public input `x_u`.
    pub x_u: Fr,
    /// The running instance's witness commitment `C_W`.
    pub witness: G1Affine,
    /// The running instance's error commitment `C_E`.
    pub error: G1Affine,
    /// The root's state `z`.
    pub state: Vec<Fr>,
}

impl DeciderStatement {
    /// The words hashed, in order.
    pub fn words(&self) -> Vec<[u8; 32]> {
        let mut out: Vec<[u8; 32]> = [self.r, self.u, self.x, self.x_u]
            .into_iter()
            .map(field_be)
            .collect();
        out.extend(g1_be(&self.witness));
        out.extend(g1_be(&self.error));
        out.extend(self.state.iter().map(|z| field_be(*z)));
        out
    }

    /// `h`: the hash of [`Self::words`], reduced into `Fr`.
    pub fn hash(&self) -> Fr {
        Fr::from_be_bytes_mod_order(&Sha256::digest(self.words().concat()))
    }
}

/// The circuit's variables for a [`DeciderStatement`].
pub(crate) struct DeciderStatementVar<'a> {
    pub r: &'a FpVar<Fr>,
    pub u: &'a FpVar<Fr>,
    pub x: &'a FpVar<Fr>,
    pub x_u: &'a FpVar<Fr>,
    pub witness: &'a G1Var,
    pub error: &'a G1Var,
    pub state: &'a [FpVar<Fr>],
}

/// A value given by its little-endian bits (at most 256) as a 32-byte big-endian word.
fn word(mut bits: Vec<Boolean<Fr>>) -> Result<Vec<UInt8<Fr>>, SynthesisError> {
    if bits.len() > 256 {
        return Err(SynthesisError::Unsatisfiable);
    }
    bits.resize(256, Boolean::FALSE);
    Ok(bits.chunks(8).rev().map(UInt8::from_bits_le).collect())
}

impl DeciderStatementVar<'_> {
    /// `h` computed in-circuit. Field elements are decomposed canonically; a commitment's
    /// coordinates are decomposed from their limbs, so the words hashed are the integers
    /// the limbs hold (the L1 hashes canonical coordinates, so only those match).
    pub fn hash(&self) -> Result<FpVar<Fr>, SynthesisError> {
        let mut bytes = Vec::new();
        for f in [self.r, self.u, self.x, self.x_u] {
            bytes.extend(word(f.to_bits_le()?)?);
        }
        for p in [self.witness, self.error] {
            bytes.extend(word(p.x.to_bits_le()?)?);
            bytes.extend(word(p.y.to_bits_le()?)?);
        }
        for z in self.state {
            bytes.extend(word(z.to_bits_le()?)?);
        }
        let digest = Sha256Gadget::digest(&bytes)?;
        let bits = digest
            .0
            .iter()
            .rev()
            .map(|b| b.to_bits_le())
            .collect::<Result<Vec<_>, _>>()?
            .concat();
        // The digest exceeds the modulus in most cases: the sum is reduced, not refused.
        let (low, high) = bits.split_at(Fr::MODULUS_BIT_SIZE as usize - 1);
        let shift = Fr::from(2u64).pow([low.len() as u64]);
        Ok(Boolean::le_bits_to_fp(low)? + Boolean::le_bits_to_fp(high)? * shift)
    }
}

#[cfg(test)]
mod tests {
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_ff::UniformRand;
    use ark_r1cs_std::{GR1CSVar, alloc::AllocVar, eq::EqGadget};
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;

    #[test]
    fn the_circuit_hashes_what_the_l1_hashes() {
        for k in 0..4 {
            hashes_with_state_of(k);
        }
    }

    fn hashes_with_state_of(k: usize) {
        let mut rng = ChaCha20Rng::seed_from_u64(5 + k as u64);
        let g = G1Affine::generator();
        let s = DeciderStatement {
            r: Fr::rand(&mut rng),
            u: Fr::rand(&mut rng),
            x: Fr::rand(&mut rng),
            x_u: Fr::rand(&mut rng),
            witness: (g * Fr::rand(&mut rng)).into_affine(),
            error: (g * Fr::rand(&mut rng)).into_affine(),
            state: (0..k).map(|_| Fr::rand(&mut rng)).collect(),
        };
        let cs = ConstraintSystem::<Fr>::new_ref();
        let f = |v: Fr| FpVar::new_witness(cs.clone(), || Ok(v)).unwrap();
        let (r, u, x, x_u) = (f(s.r), f(s.u), f(s.x), f(s.x_u));
        let p = |v: G1Affine| G1Var::new_witness(cs.clone(), || Ok(v.into_group())).unwrap();
        let (witness, error) = (p(s.witness), p(s.error));
        let state: Vec<_> = s.state.iter().map(|z| f(*z)).collect();
        let var = DeciderStatementVar {
            r: &r,
            u: &u,
            x: &x,
            x_u: &x_u,
            witness: &witness,
            error: &error,
            state: &state,
        };
        let h = var.hash().unwrap();
        assert_eq!(h.value().unwrap(), s.hash(), "{k} state elements");
        h.enforce_equal(&FpVar::new_input(cs.clone(), || Ok(s.hash())).unwrap())
            .unwrap();
        assert!(cs.is_satisfied().unwrap(), "{k} state elements");
    }
}
