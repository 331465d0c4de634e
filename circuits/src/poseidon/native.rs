//! Native Poseidon: the permutation and the hashing modes built on it.

use ark_bn254::Fr;
use ark_ff::{Field, Zero};

use super::CHAIN_CHUNK;
use super::params::{MAX_ARITY, params};

/// Applies the Poseidon permutation of width `state.len()` (2..=13) in place.
pub fn permute(state: &mut [Fr]) {
    let p = params(state.len() - 1);
    let t = p.width;
    let mut next = vec![Fr::zero(); t];
    for r in 0..p.rounds() {
        for (i, s) in state.iter_mut().enumerate() {
            *s += p.ark[r * t + i];
        }
        if p.is_full_round(r) {
            state.iter_mut().for_each(|s| *s = sbox(*s));
        } else {
            state[0] = sbox(state[0]);
        }
        for (i, n) in next.iter_mut().enumerate() {
            *n = state.iter().zip(&p.mds[i]).map(|(s, m)| *s * m).sum();
        }
        state.copy_from_slice(&next);
    }
}

fn sbox(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// circomlib `Poseidon(n)` for 1..=12 inputs; other lengths fall back to [`hash_many`].
pub fn hash(inputs: &[Fr]) -> Fr {
    if inputs.is_empty() || inputs.len() > MAX_ARITY {
        return hash_many(inputs);
    }
    let mut state = Vec::with_capacity(inputs.len() + 1);
    state.push(Fr::zero());
    state.extend_from_slice(inputs);
    permute(&mut state);
    state[0]
}

/// Two-to-one compression `Poseidon(l, r)` (width 3), used for Merkle nodes.
pub fn hash2(l: Fr, r: Fr) -> Fr {
    hash(&[l, r])
}

/// Length-prefixed chain for any number of inputs: `h = n`, then `h = Poseidon(h, chunk)` for
/// each chunk of at most 11 inputs, in order. The empty input hashes to `Poseidon(0)`.
pub fn hash_many(inputs: &[Fr]) -> Fr {
    let mut h = Fr::from(inputs.len() as u64);
    if inputs.is_empty() {
        return hash(&[h]);
    }
    for chunk in inputs.chunks(CHAIN_CHUNK) {
        let mut link = Vec::with_capacity(chunk.len() + 1);
        link.push(h);
        link.extend_from_slice(chunk);
        h = hash(&link);
    }
    h
}
