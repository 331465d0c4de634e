//! BN254 Fr NTT through sppark (natural order in and out, one device round trip per vector).
//!
//! sppark's roots of unity for alt_bn128 are arkworks' (`Fr::get_root_of_unity(2^k)` for every
//! `k ≤ 28`), and its coset shift is `Fr::GENERATOR` (5): a coset transform with that shift
//! runs entirely on the device; other shifts scale on the host (the trait's default path).

use ark_bn254::Fr;
use ark_ff::{FftField, Field};

use super::ffi;
use crate::ntt::{check_size, scale_by_powers};
use crate::{Direction, Error, Result};

/// Transforms the `values.len() / size` vectors of `values` in place.
pub(crate) fn ntt(values: &mut [Fr], size: usize, dir: Direction, coset: bool) -> Result<()> {
    let log = check_size::<Fr>(values.len(), size)?;
    if values.is_empty() || (log == 0 && !coset) {
        return Ok(());
    }
    let count = values.len() / size;
    // SAFETY: `values` is a live, exclusive slice of `count · 2^log` Fr, the layout of
    // sppark's `fr_t`; the call returns only after copying the results back.
    let status = unsafe {
        ffi::sidecar_cuda_fr_ntt(
            values.as_mut_ptr().cast(),
            log,
            count,
            dir == Direction::Inverse,
            coset,
        )
    };
    ffi::check(status, values.len() * 32)
}

/// Coset transform with an arbitrary `shift`: on the device when it is sppark's built-in
/// shift, else host-side scaling around a plain transform.
pub(crate) fn coset(values: &mut [Fr], shift: Fr, dir: Direction) -> Result<()> {
    let n = values.len();
    if shift == Fr::GENERATOR && n > 1 {
        return ntt(values, n, dir, true);
    }
    match dir {
        Direction::Forward => {
            check_size::<Fr>(n, n)?;
            scale_by_powers(values, shift);
            ntt(values, n, dir, false)
        }
        Direction::Inverse => {
            let inv = shift
                .inverse()
                .ok_or_else(|| Error::invalid("coset shift must be non-zero"))?;
            ntt(values, n, dir, false)?;
            scale_by_powers(values, inv);
            Ok(())
        }
    }
}
