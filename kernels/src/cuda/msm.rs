//! BN254 G1 MSM through sppark's Pippenger, with bases resident on the device.
//!
//! `prepare` copies the bases to the device once (sppark `msm_t` built with the points); each
//! MSM then moves only its scalars (32 bytes each) host → device and one point back. Digit
//! decomposition, sorting, bucket accumulation and reduction all run on the GPU (sppark).
//! arkworks' `Affine` and `Projective` layouts are passed as they are: sppark reads bases with
//! the arkworks stride and returns Jacobian coordinates in Montgomery form.

use core::ffi::c_void;
use core::ptr::NonNull;
use std::sync::Mutex;

use ark_bn254::{Fq, Fr, G1Affine, G1Projective};
use ark_ff::Zero;

use super::ffi;
use crate::msm::check_lengths;
use crate::{Error, Result};

/// G1 bases held on the device. Dropping it frees the device memory.
pub struct CudaBases {
    /// `None` for an empty set of bases (nothing to upload).
    handle: Option<Mutex<Handle>>,
    len: usize,
}

struct Handle(NonNull<c_void>);

// SAFETY: the handle is an sppark `msm_t` owned by this value alone; every use goes through
// the `Mutex`, so the device state it holds is never touched from two threads at once.
unsafe impl Send for Handle {}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `sidecar_cuda_g1_prepare` and is released exactly once.
        unsafe { ffi::sidecar_cuda_g1_release(self.0.as_ptr()) }
    }
}

impl core::fmt::Debug for CudaBases {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "CudaBases({} G1 bases on the device)", self.len)
    }
}

impl CudaBases {
    /// Number of bases.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bases.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Uploads `bases` to the device.
pub(crate) fn prepare(bases: &[G1Affine]) -> Result<CudaBases> {
    if bases.is_empty() {
        return Ok(CudaBases {
            handle: None,
            len: 0,
        });
    }
    let mut raw: *mut c_void = core::ptr::null_mut();
    let stride = core::mem::size_of::<G1Affine>();
    // SAFETY: `bases` is a live slice of `len` values of `stride` bytes; `raw` is written only.
    let status = unsafe {
        ffi::sidecar_cuda_g1_prepare(&mut raw, bases.as_ptr().cast(), bases.len(), stride)
    };
    ffi::check(status, bases.len() * 64)?;
    let handle = NonNull::new(raw).ok_or_else(|| Error::Device {
        backend: ffi::BACKEND,
        reason: "msm preparation returned no handle".into(),
    })?;
    Ok(CudaBases {
        handle: Some(Mutex::new(Handle(handle))),
        len: bases.len(),
    })
}

/// `Σ scalars[i]·bases[i]` over the first `scalars.len()` prepared bases.
pub(crate) fn msm(bases: &CudaBases, scalars: &[Fr]) -> Result<G1Projective> {
    check_lengths(bases.len, scalars.len())?;
    let Some(handle) = bases.handle.as_ref().filter(|_| !scalars.is_empty()) else {
        return Ok(G1Projective::zero());
    };
    let guard = handle.lock().map_err(|_| Error::Device {
        backend: ffi::BACKEND,
        reason: "a previous MSM panicked while holding these bases".into(),
    })?;
    let mut out = [Fq::zero(); 3];
    // SAFETY: the handle is live (held by the guard); `out` has room for three Fq (Jacobian
    // X, Y, Z, which is sppark's `jacobian_t<fp_t>` layout); `scalars` is a live slice of Fr,
    // whose layout is sppark's `fr_t`.
    let status = unsafe {
        ffi::sidecar_cuda_g1_msm(
            guard.0.as_ptr(),
            out.as_mut_ptr().cast(),
            scalars.as_ptr().cast(),
            scalars.len(),
        )
    };
    ffi::check(status, scalars.len() * 32)?;
    let [x, y, z] = out;
    Ok(if z.is_zero() {
        G1Projective::zero()
    } else {
        G1Projective::new_unchecked(x, y, z)
    })
}
