//! R1CS → QAP witness map: the coefficients of `h(X) = (A(X)·B(X) − C(X)) / Z(X)`.
//!
//! Follows ark-groth16's `LibsnarkReduction` exactly, so that `h` pairs with the proving key's
//! `h_query = [τ^i · Z(τ)/δ]_1`: on the domain `H` of size `n` (a power of two ≥ constraints +
//! instance variables), `A` takes the values `(A z)_i` at the first `num_constraints` points
//! and the instance assignment `z_0..z_{l-1}` at the next `l` points; `B` and `C` take
//! `(B z)_i`, `(C z)_i` and zero elsewhere. Interpolate (inverse NTT), evaluate on the coset
//! `g·H` with `g = Fr::GENERATOR` (coset NTT), where `Z(g·ω^i) = g^n − 1` is a non-zero
//! constant, divide pointwise, and interpolate back from the coset.

use ark_bn254::Fr;
use ark_ff::{FftField, Field, Zero};
use rayon::prelude::*;
use sidecar_kernels::{Direction, Ntt, ntt::scale_by_powers};

use super::matrix::R1cs;
use crate::{Error, Result};

/// Returns `h_0..h_{n-2}` for the full assignment `z` (instance then witness), or
/// [`Error::Unsatisfied`] naming the first constraint `z` violates.
pub fn h_coefficients<B: Ntt<Fr>>(backend: &B, r1cs: &R1cs, z: &[Fr]) -> Result<Vec<Fr>> {
    let [az, bz, cz] = r1cs.evaluate(z)?;
    let n = r1cs.domain_size();
    let m = r1cs.num_constraints();
    let l = r1cs.num_instance as usize;

    // Three vectors of length n, back to back, transformed as one batch.
    let mut buf = vec![Fr::zero(); 3 * n];
    buf[..m].copy_from_slice(&az);
    buf[m..m + l].copy_from_slice(&z[..l]);
    buf[n..n + m].copy_from_slice(&bz);
    buf[2 * n..2 * n + m].copy_from_slice(&cz);
    drop((az, bz, cz));

    let g = Fr::GENERATOR;
    backend.ntt_batch(&mut buf, n, Direction::Inverse)?;
    buf.chunks_mut(n).for_each(|v| scale_by_powers(v, g));
    backend.ntt_batch(&mut buf, n, Direction::Forward)?;

    let z_on_coset_inv =
        (g.pow([n as u64]) - Fr::ONE)
            .inverse()
            .ok_or_else(|| Error::UnsupportedCircuit {
                reason: "coset meets the domain".into(),
            })?;
    let (a, rest) = buf.split_at_mut(n);
    let (b, c) = rest.split_at_mut(n);
    a.par_iter_mut()
        .zip(b.par_iter())
        .zip(c.par_iter())
        .for_each(|((a, b), c)| {
            *a = (*a * b - c) * z_on_coset_inv;
        });
    buf.truncate(n);
    backend.coset_intt(&mut buf, g)?;
    // deg h ≤ n − 2 for a satisfying assignment; the key has n − 1 h-query bases.
    debug_assert!(buf[n - 1].is_zero());
    buf.truncate(n - 1);
    Ok(buf)
}
