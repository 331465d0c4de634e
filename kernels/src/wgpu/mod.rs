//! The wgpu backend: WGSL compute shaders for BN254, on Vulkan, Metal or DX12.
//!
//! Layers, bottom up:
//! - `shaders/*.wgsl`: pure kernels — Montgomery arithmetic on eight 32-bit limbs
//!   (`field.wgsl`, instantiated for Fq and Fr by prepending constants), Jacobian G1 arithmetic
//!   (`g1.wgsl`), MSM bucket accumulation (`msm.wgsl`), radix-2 NTT passes (`ntt.wgsl`);
//! - [`context`]: the safe runtime — device, buffers, dispatch geometry, read-back, errors;
//! - [`shader`]: source composition and pipelines;
//! - [`buckets`], [`msm`], [`ntt`]: host orchestration of the algorithms.
//!
//! Field elements travel in arkworks' own Montgomery representation, so no conversion happens
//! on either side. Only 32-bit integer operations are used (no `SHADER_INT64`, no subgroups),
//! which every adapter offers. G1 MSM and Fr NTT run on the device; G2 MSM delegates to
//! [`Cpu`](crate::Cpu). Calls on one [`Wgpu`] are serialised (one device, one queue).

mod buckets;
mod context;
mod msm;
mod ntt;
mod shader;

use std::sync::{Mutex, MutexGuard};

pub use msm::PreparedG1;

use crate::{Cpu, Error, Result};

/// The wgpu backend. Implements `Msm<ark_bn254::g1::Config>` on the GPU,
/// `Msm<ark_bn254::g2::Config>` on the CPU, and `Ntt<ark_bn254::Fr>` on the GPU.
pub struct Wgpu {
    gpu: context::Gpu,
    pipelines: shader::Pipelines,
    twiddles: Mutex<ntt::TwiddleCache>,
    cpu: Cpu,
    busy: Mutex<()>,
}

impl Wgpu {
    /// Opens the best adapter and compiles the shaders. No adapter (no Vulkan / Metal / DX12
    /// driver) is [`Error::Unavailable`]; a shader the driver rejects is [`Error::Device`].
    pub fn new() -> Result<Self> {
        let gpu = context::Gpu::open()?;
        let pipelines = shader::Pipelines::compile(&gpu);
        gpu.device
            .poll(::wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::Device {
                backend: context::BACKEND,
                reason: e.to_string(),
            })?;
        gpu.take_errors()?;
        Ok(Self {
            gpu,
            pipelines,
            twiddles: Mutex::new(Default::default()),
            cpu: Cpu::default(),
            busy: Mutex::new(()),
        })
    }

    /// The adapter in use, e.g. `"llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan)"`.
    pub fn adapter(&self) -> String {
        format!("{} ({:?})", self.gpu.info.name, self.gpu.info.backend)
    }

    /// Whether the adapter is a software rasteriser on the CPU (e.g. Mesa's llvmpipe), which
    /// is correct but slower than the CPU backend.
    pub fn is_software(&self) -> bool {
        self.gpu.info.device_type == ::wgpu::DeviceType::Cpu
    }

    fn lock(&self) -> Result<MutexGuard<'_, ()>> {
        self.busy.lock().map_err(|_| Error::Device {
            backend: context::BACKEND,
            reason: "a previous call panicked while holding the device".into(),
        })
    }
}

impl core::fmt::Debug for Wgpu {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Wgpu({})", self.adapter())
    }
}

impl crate::gpu::DeviceBackend for Wgpu {
    fn cpu(&self) -> &Cpu {
        &self.cpu
    }
}
