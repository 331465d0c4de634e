//! FFI declarations of `kernels/cuda/*.cu` and the mapping of CUDA error codes to [`Error`].
//!
//! Every entry point returns sppark's `RustError` by value (`sppark::Error` on this side, which
//! frees the message); none unwinds across the boundary.

use core::ffi::c_void;

use crate::Error;

/// Backend name used in errors.
pub(crate) const BACKEND: &str = "cuda";

/// `cudaErrorMemoryAllocation`.
const OUT_OF_MEMORY: i32 = 2;
/// `cudaErrorInsufficientDriver`: no driver, or one older than the runtime (13.0).
const NO_DRIVER: i32 = 35;
/// `cudaErrorNoDevice`.
const NO_DEVICE: i32 = 100;

unsafe extern "C" {
    /// Copies `len` affine bases (arkworks layout, `stride` bytes each) to the device; on
    /// success `*handle` owns them until [`sidecar_cuda_g1_release`].
    pub(crate) fn sidecar_cuda_g1_prepare(
        handle: *mut *mut c_void,
        bases: *const c_void,
        len: usize,
        stride: usize,
    ) -> sppark::Error;
    /// `*out = Σ_{i<len} scalars[i]·bases[i]` (Jacobian, Montgomery form); `len` ≤ prepared length.
    pub(crate) fn sidecar_cuda_g1_msm(
        handle: *mut c_void,
        out: *mut c_void,
        scalars: *const c_void,
        len: usize,
    ) -> sppark::Error;
    /// Frees the device bases of `handle`.
    pub(crate) fn sidecar_cuda_g1_release(handle: *mut c_void);
    /// In-place NTT of `count` consecutive vectors of `2^lg_size` Fr elements.
    pub(crate) fn sidecar_cuda_fr_ntt(
        values: *mut c_void,
        lg_size: u32,
        count: usize,
        inverse: bool,
        coset: bool,
    ) -> sppark::Error;
    /// Number of usable devices (compute capability ≥ 7.0 with cooperative launch).
    pub(crate) fn sidecar_cuda_device_count(count: *mut i32) -> sppark::Error;
}

/// `Ok` for `cudaSuccess`, otherwise the error the caller can act on.
pub(crate) fn check(status: sppark::Error, needed_bytes: usize) -> Result<(), Error> {
    if status.code == 0 {
        return Ok(());
    }
    let reason = format!("CUDA error {}: {}", status.code, String::from(&status));
    Err(match status.code {
        OUT_OF_MEMORY => Error::OutOfMemory {
            backend: BACKEND,
            needed_bytes,
        },
        NO_DRIVER | NO_DEVICE => Error::Unavailable {
            backend: BACKEND,
            reason,
        },
        _ => Error::Device {
            backend: BACKEND,
            reason,
        },
    })
}
