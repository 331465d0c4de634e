//! Number-theoretic transforms over a two-adic prime field: the trait every backend implements.
//!
//! For a power-of-two `n`, let `ω = F::get_root_of_unity(n)` (the generator ark-poly's
//! `Radix2EvaluationDomain` uses). The forward transform maps coefficients `a_0..a_{n-1}`
//! (natural order) to evaluations `A(ω^i)` (natural order); the inverse maps them back. The
//! coset forms evaluate at / interpolate from `g·ω^i` for a shift `g` (ark-poly's
//! `get_coset(g)`).

use ark_ff::FftField;

use crate::{Error, Result};

/// Direction of a transform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Coefficients to evaluations.
    Forward,
    /// Evaluations to coefficients (includes the `1/n` scaling).
    Inverse,
}

/// NTT over `F`, in place.
pub trait Ntt<F: FftField>: Send + Sync {
    /// Transforms each of the `values.len() / size` consecutive vectors of length `size`
    /// (a power of two) in place. The one required computation of a backend.
    fn ntt_batch(&self, values: &mut [F], size: usize, dir: Direction) -> Result<()>;

    /// Forward transform of one vector (length a power of two).
    fn ntt(&self, values: &mut [F]) -> Result<()> {
        let n = values.len();
        self.ntt_batch(values, n, Direction::Forward)
    }

    /// Inverse transform of one vector (length a power of two).
    fn intt(&self, values: &mut [F]) -> Result<()> {
        let n = values.len();
        self.ntt_batch(values, n, Direction::Inverse)
    }

    /// Evaluations of the polynomial with coefficients `values` on the coset `shift·H`.
    fn coset_ntt(&self, values: &mut [F], shift: F) -> Result<()> {
        scale_by_powers(values, shift);
        self.ntt(values)
    }

    /// Coefficients of the polynomial whose evaluations on `shift·H` are `values`.
    fn coset_intt(&self, values: &mut [F], shift: F) -> Result<()> {
        self.intt(values)?;
        let inv = shift
            .inverse()
            .ok_or_else(|| Error::invalid("coset shift must be non-zero"))?;
        scale_by_powers(values, inv);
        Ok(())
    }
}

/// Checks the size contract shared by every NTT and returns `log2(size)`.
pub fn check_size<F: FftField>(len: usize, size: usize) -> Result<u32> {
    if size == 0 || !size.is_power_of_two() {
        return Err(Error::invalid(format!(
            "ntt: size {size} is not a power of two"
        )));
    }
    if !len.is_multiple_of(size) {
        return Err(Error::invalid(format!(
            "ntt: {len} values are not a whole number of vectors of size {size}"
        )));
    }
    let log = size.trailing_zeros();
    if log > F::TWO_ADICITY {
        return Err(Error::invalid(format!(
            "ntt: size 2^{log} exceeds the field's two-adicity 2^{}",
            F::TWO_ADICITY
        )));
    }
    Ok(log)
}

/// Multiplies `values[i]` by `g^i`, in parallel chunks.
pub fn scale_by_powers<F: FftField>(values: &mut [F], g: F) {
    use rayon::prelude::*;
    const CHUNK: usize = 1 << 12;
    values
        .par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut pow = g.pow([(c * CHUNK) as u64]);
            for v in chunk {
                *v *= pow;
                pow *= g;
            }
        });
}
