//! Poseidon as an R1CS gadget over `FpVar<Fr>`: the same round schedule as the native code.
//!
//! Cost: 3 constraints per S-box (x², x⁴, x⁵); round constants and the MDS layer are linear and
//! free; the first S-box on the constant capacity element is folded away. Width 3 (two-to-one)
//! costs 8·3·3 + 57·3 − 3 = 240 constraints.

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::SynthesisError;

use super::CHAIN_CHUNK;
use super::params::{MAX_ARITY, params};

/// The Poseidon permutation of width `state.len()` (2..=13) over variables.
pub fn permute_var(state: &mut [FpVar<Fr>]) -> Result<(), SynthesisError> {
    let p = params(state.len() - 1);
    let t = p.width;
    for r in 0..p.rounds() {
        for (i, s) in state.iter_mut().enumerate() {
            *s += p.ark[r * t + i];
        }
        if p.is_full_round(r) {
            for s in state.iter_mut() {
                *s = sbox_var(s)?;
            }
        } else {
            state[0] = sbox_var(&state[0])?;
        }
        let next: Vec<FpVar<Fr>> = (0..t)
            .map(|i| {
                state
                    .iter()
                    .zip(&p.mds[i])
                    .fold(FpVar::zero(), |acc, (s, m)| acc + s * *m)
            })
            .collect();
        state.clone_from_slice(&next);
    }
    Ok(())
}

fn sbox_var(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let x2 = x.square()?;
    let x4 = x2.square()?;
    Ok(x4 * x)
}

/// In-circuit [`super::hash`]: circom `Poseidon(n)` for 1..=12 inputs, the chain otherwise.
pub fn hash_var(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    if inputs.is_empty() || inputs.len() > MAX_ARITY {
        return hash_many_var(inputs);
    }
    let mut state = Vec::with_capacity(inputs.len() + 1);
    state.push(FpVar::zero());
    state.extend_from_slice(inputs);
    permute_var(&mut state)?;
    Ok(state.swap_remove(0))
}

/// In-circuit [`super::hash2`].
pub fn hash2_var(l: &FpVar<Fr>, r: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    hash_var(&[l.clone(), r.clone()])
}

/// In-circuit [`super::hash_many`] (the length is fixed by the circuit shape).
pub fn hash_many_var(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let mut h = FpVar::Constant(Fr::from(inputs.len() as u64));
    if inputs.is_empty() {
        return hash_var(&[h]);
    }
    for chunk in inputs.chunks(CHAIN_CHUNK) {
        let mut link = Vec::with_capacity(chunk.len() + 1);
        link.push(h);
        link.extend_from_slice(chunk);
        h = hash_var(&link)?;
    }
    Ok(h)
}
