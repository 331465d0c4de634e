//! The CUDA backend: sppark's BN254 templates, instantiated in `kernels/cuda/*.cu`.
//!
//! Layers, bottom up:
//! - `kernels/cuda/*.cu`: the sppark instantiations (Pippenger MSM over alt_bn128 G1 with xyzz
//!   buckets; NTT over Fr), compiled by nvcc for sm_90 from `build.rs`;
//! - [`ffi`]: the `extern "C"` declarations and CUDA error codes mapped to [`Error`];
//! - [`msm`], [`ntt`]: safe wrappers (resident bases, slices in and out).
//!
//! [`Cuda::new`] asks the runtime for a device first, so a host without the NVIDIA driver or a
//! GPU gets [`Error::Unavailable`] (CUDA errors 35 and 100) and `auto` selection falls back.
//! G1 MSM and Fr NTT run on the GPU; G2 MSM delegates to [`Cpu`](crate::Cpu).

mod ffi;
mod msm;
mod ntt;

use ark_bn254::{Fr, g1, g2};
use ark_ec::short_weierstrass::{Affine, Projective};

pub use msm::CudaBases;
// sppark's host-side field arithmetic (the final window sums of an MSM) calls into blst's
// assembly; naming the crate makes rustc link its library.
use blst as _;

use crate::{Cpu, Direction, Error, Msm, Ntt, Result};

/// The CUDA backend. Implements `Msm<ark_bn254::g1::Config>` and `Ntt<ark_bn254::Fr>` on the
/// GPU and `Msm<ark_bn254::g2::Config>` on the CPU.
#[derive(Clone, Debug, Default)]
pub struct Cuda {
    cpu: Cpu,
}

impl Cuda {
    /// A handle on the CUDA device, or [`Error::Unavailable`] when there is no usable one.
    pub fn new() -> Result<Self> {
        let count = device_count()?;
        if count == 0 {
            return Err(Error::Unavailable {
                backend: ffi::BACKEND,
                reason: "no GPU with compute capability >= 7.0 and cooperative launch".into(),
            });
        }
        Ok(Self { cpu: Cpu::new() })
    }
}

/// Number of usable CUDA devices; `Unavailable` without a driver or device.
pub fn device_count() -> Result<usize> {
    let mut count = 0i32;
    // SAFETY: `count` is a live i32 the callee writes.
    let status = unsafe { ffi::sidecar_cuda_device_count(&mut count) };
    ffi::check(status, 0)?;
    Ok(count.max(0) as usize)
}

impl Msm<g1::Config> for Cuda {
    type Prepared = CudaBases;

    fn prepare(&self, bases: &[Affine<g1::Config>]) -> Result<CudaBases> {
        msm::prepare(bases)
    }

    fn prepared_len(&self, prepared: &CudaBases) -> usize {
        prepared.len()
    }

    fn msm_prepared_batch(
        &self,
        prepared: &CudaBases,
        scalars: &[&[Fr]],
    ) -> Result<Vec<Projective<g1::Config>>> {
        scalars.iter().map(|s| msm::msm(prepared, s)).collect()
    }
}

/// G2 runs on the CPU backend (sppark's G2 needs an Fp2 build of its own; G2 MSMs are a
/// small share of a Groth16 proof).
impl Msm<g2::Config> for Cuda {
    type Prepared = <Cpu as Msm<g2::Config>>::Prepared;

    fn prepare(&self, bases: &[Affine<g2::Config>]) -> Result<Self::Prepared> {
        self.cpu.prepare(bases)
    }

    fn prepared_len(&self, prepared: &Self::Prepared) -> usize {
        <Cpu as Msm<g2::Config>>::prepared_len(&self.cpu, prepared)
    }

    fn msm_prepared_batch(
        &self,
        prepared: &Self::Prepared,
        scalars: &[&[Fr]],
    ) -> Result<Vec<Projective<g2::Config>>> {
        self.cpu.msm_prepared_batch(prepared, scalars)
    }

    fn msm(&self, bases: &[Affine<g2::Config>], scalars: &[Fr]) -> Result<Projective<g2::Config>> {
        self.cpu.msm(bases, scalars)
    }
}

impl Ntt<Fr> for Cuda {
    fn ntt_batch(&self, values: &mut [Fr], size: usize, dir: Direction) -> Result<()> {
        ntt::ntt(values, size, dir, false)
    }

    fn coset_ntt(&self, values: &mut [Fr], shift: Fr) -> Result<()> {
        ntt::coset(values, shift, Direction::Forward)
    }

    fn coset_intt(&self, values: &mut [Fr], shift: Fr) -> Result<()> {
        ntt::coset(values, shift, Direction::Inverse)
    }
}

impl crate::gpu::DeviceBackend for Cuda {
    fn cpu(&self) -> &Cpu {
        &self.cpu
    }
}
