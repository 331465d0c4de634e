//! Poseidon over BN254 `Fr`, circom-compatible (x^5 S-box, circomlib's round constants and MDS
//! matrices for widths t = 2..=13), natively and as an R1CS gadget over `FpVar<Fr>`.
//!
//! * [`hash`] / [`hash_var`] with 1..=12 inputs is exactly circomlib's `Poseidon(n)` (state
//!   `[0, x_1, …, x_n]`, output the first state element after the permutation).
//! * Longer (or empty) inputs use a fixed, length-prefixed chain ([`hash_many`]):
//!   `h_0 = n`, `h_{i+1} = Poseidon(h_i, chunk_i)` over chunks of at most 11 elements, result
//!   `h_last`. Its shape depends only on `n`, so circuits with a fixed input length have a fixed
//!   shape.
//!
//! Parameters come from the `light-poseidon` crate (which is tested against circomlib) and are
//! built once per width; the permutation itself is ours so native and in-circuit code share one
//! round schedule.

mod gadget;
mod native;
mod params;

pub use gadget::{hash_many_var, hash_var, hash2_var, permute_var};
pub use native::{hash, hash_many, hash2, permute};
pub use params::{MAX_ARITY, PoseidonParams, params};

/// Number of data elements absorbed per link of the [`hash_many`] chain (the chaining value
/// takes the twelfth slot of a width-13 permutation).
pub const CHAIN_CHUNK: usize = MAX_ARITY - 1;

#[cfg(test)]
mod tests;
