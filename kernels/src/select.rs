//! Run-time backend choice: a [`BackendKind`] names what the user asked for, [`AnyBackend`]
//! is the backend actually used, and [`AnyBackend::select`] says why it was chosen.
//!
//! Backends compiled in behind features add a variant to [`AnyBackend`] and [`AnyPrepared`]
//! and an arm to each `match` below; callers never name a concrete backend type.

use core::fmt;
use core::str::FromStr;

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::FftField;

#[cfg(any(feature = "cuda", feature = "wgpu"))]
use crate::gpu;
use crate::{Cpu, CpuBases, Direction, Error, Msm, Ntt, Result};

/// The backend a user asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// The CPU backend, always available.
    Cpu,
    /// NVIDIA GPUs through CUDA.
    Cuda,
    /// Any GPU (or a software Vulkan device) through wgpu.
    Wgpu,
    /// The fastest backend usable on this machine, falling back to the CPU.
    Auto,
}

impl BackendKind {
    /// Every kind, in the order shown to users.
    pub const ALL: [BackendKind; 4] = [Self::Cpu, Self::Cuda, Self::Wgpu, Self::Auto];

    /// The lowercase name used on command lines and in configs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Cuda => "cuda",
            Self::Wgpu => "wgpu",
            Self::Auto => "auto",
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BackendKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.name() == lower)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown backend {s:?}: expected one of cpu, cuda, wgpu, auto"
                ))
            })
    }
}

/// A backend chosen at run time; implements [`Msm`] and [`Ntt`] by dispatching.
#[derive(Clone, Debug)]
pub enum AnyBackend {
    /// The CPU backend.
    Cpu(Cpu),
    /// The CUDA backend (BN254 G1 MSM and Fr NTT on the GPU, the rest on the CPU).
    #[cfg(feature = "cuda")]
    Cuda(crate::Cuda),
    /// The wgpu backend (BN254 G1 MSM and Fr NTT on the GPU, the rest on the CPU).
    #[cfg(feature = "wgpu")]
    Wgpu(std::sync::Arc<crate::Wgpu>),
}

/// Bases prepared by whichever backend an [`AnyBackend`] holds.
#[derive(Clone, Debug)]
pub enum AnyPrepared<P: SWCurveConfig> {
    /// Prepared by the CPU backend.
    Cpu(CpuBases<P>),
    /// Prepared by the CUDA backend.
    #[cfg(feature = "cuda")]
    Cuda(gpu::GpuBases<P, crate::CudaBases>),
    /// Prepared by the wgpu backend.
    #[cfg(feature = "wgpu")]
    Wgpu(gpu::GpuBases<P, crate::wgpu::PreparedG1>),
}

impl AnyBackend {
    /// The backend for `kind` and a one-line reason for the choice. Asking explicitly for a
    /// backend this build or machine cannot run is an [`Error::Unavailable`]; `Auto` always
    /// succeeds.
    pub fn select(kind: BackendKind) -> Result<(AnyBackend, String)> {
        match kind {
            BackendKind::Cpu => Ok((AnyBackend::Cpu(Cpu::new()), "cpu requested".into())),
            BackendKind::Cuda => open_cuda().map(|b| (b, "cuda requested".into())),
            BackendKind::Wgpu => {
                open_wgpu(true).map(|(b, why)| (b, format!("wgpu requested: {why}")))
            }
            BackendKind::Auto => {
                // CUDA, then wgpu on a hardware adapter, then the CPU; each miss says why.
                let mut misses = Vec::new();
                match open_cuda() {
                    Ok(b) => return Ok((b, "auto: cuda device found".into())),
                    Err(e) => misses.push(e.to_string()),
                }
                match open_wgpu(false) {
                    Ok((b, why)) => {
                        return Ok((b, format!("auto: wgpu on {why} ({})", misses.join("; "))));
                    }
                    Err(e) => misses.push(e.to_string()),
                }
                Ok((
                    AnyBackend::Cpu(Cpu::new()),
                    format!("auto: using cpu ({})", misses.join("; ")),
                ))
            }
        }
    }

    /// The kind of the backend actually held.
    pub fn kind(&self) -> BackendKind {
        match self {
            AnyBackend::Cpu(_) => BackendKind::Cpu,
            #[cfg(feature = "cuda")]
            AnyBackend::Cuda(_) => BackendKind::Cuda,
            #[cfg(feature = "wgpu")]
            AnyBackend::Wgpu(_) => BackendKind::Wgpu,
        }
    }
}

#[cfg(not(all(feature = "cuda", feature = "wgpu")))]
fn not_built(backend: &'static str) -> Error {
    Error::Unavailable {
        backend,
        reason: format!("this build does not include it (rebuild with `--features {backend}`)"),
    }
}

/// The CUDA backend, or why not.
fn open_cuda() -> Result<AnyBackend> {
    #[cfg(feature = "cuda")]
    return crate::Cuda::new().map(AnyBackend::Cuda);
    #[cfg(not(feature = "cuda"))]
    return Err(not_built("cuda"));
}

/// The wgpu backend and its adapter's name, or why not. Software adapters (Mesa's llvmpipe)
/// are slower than the CPU backend: only an explicit request (`allow_software`) takes them.
fn open_wgpu(allow_software: bool) -> Result<(AnyBackend, String)> {
    #[cfg(feature = "wgpu")]
    {
        let b = crate::Wgpu::new()?;
        if b.is_software() && !allow_software {
            return Err(Error::Unavailable {
                backend: "wgpu",
                reason: format!("adapter {} is a software (CPU) device", b.adapter()),
            });
        }
        let name = b.adapter();
        Ok((AnyBackend::Wgpu(std::sync::Arc::new(b)), name))
    }
    #[cfg(not(feature = "wgpu"))]
    {
        let _ = allow_software;
        Err(not_built("wgpu"))
    }
}

impl<P: SWCurveConfig> Msm<P> for AnyBackend {
    type Prepared = AnyPrepared<P>;

    fn prepare(&self, bases: &[Affine<P>]) -> Result<AnyPrepared<P>> {
        match self {
            AnyBackend::Cpu(b) => Ok(AnyPrepared::Cpu(b.prepare(bases)?)),
            #[cfg(feature = "cuda")]
            AnyBackend::Cuda(b) => Ok(AnyPrepared::Cuda(gpu::prepare(b, bases)?)),
            #[cfg(feature = "wgpu")]
            AnyBackend::Wgpu(b) => Ok(AnyPrepared::Wgpu(gpu::prepare(&**b, bases)?)),
        }
    }

    fn prepared_len(&self, prepared: &AnyPrepared<P>) -> usize {
        match prepared {
            AnyPrepared::Cpu(p) => p.len(),
            #[cfg(feature = "cuda")]
            AnyPrepared::Cuda(p) => p.len(),
            #[cfg(feature = "wgpu")]
            AnyPrepared::Wgpu(p) => p.len(),
        }
    }

    fn on_device(&self, prepared: &AnyPrepared<P>) -> bool {
        match prepared {
            AnyPrepared::Cpu(_) => false,
            #[cfg(feature = "cuda")]
            AnyPrepared::Cuda(p) => p.on_device(),
            #[cfg(feature = "wgpu")]
            AnyPrepared::Wgpu(p) => p.on_device(),
        }
    }

    fn msm_prepared_batch(
        &self,
        prepared: &AnyPrepared<P>,
        scalars: &[&[P::ScalarField]],
    ) -> Result<Vec<Projective<P>>> {
        match (self, prepared) {
            (AnyBackend::Cpu(b), AnyPrepared::Cpu(p)) => b.msm_prepared_batch(p, scalars),
            #[cfg(feature = "cuda")]
            (AnyBackend::Cuda(b), AnyPrepared::Cuda(p)) => gpu::msm_prepared_batch(b, p, scalars),
            #[cfg(feature = "wgpu")]
            (AnyBackend::Wgpu(b), AnyPrepared::Wgpu(p)) => {
                gpu::msm_prepared_batch(&**b, p, scalars)
            }
            #[cfg(any(feature = "cuda", feature = "wgpu"))]
            _ => Err(Error::invalid("bases were prepared by a different backend")),
        }
    }

    fn msm(&self, bases: &[Affine<P>], scalars: &[P::ScalarField]) -> Result<Projective<P>> {
        match self {
            AnyBackend::Cpu(b) => b.msm(bases, scalars),
            #[cfg(feature = "cuda")]
            AnyBackend::Cuda(b) => gpu::msm(b, bases, scalars),
            #[cfg(feature = "wgpu")]
            AnyBackend::Wgpu(b) => gpu::msm(&**b, bases, scalars),
        }
    }
}

impl<F: FftField> Ntt<F> for AnyBackend {
    fn ntt_batch(&self, values: &mut [F], size: usize, dir: Direction) -> Result<()> {
        match self {
            AnyBackend::Cpu(b) => b.ntt_batch(values, size, dir),
            #[cfg(feature = "cuda")]
            AnyBackend::Cuda(b) => gpu::ntt_batch(b, values, size, dir),
            #[cfg(feature = "wgpu")]
            AnyBackend::Wgpu(b) => gpu::ntt_batch(&**b, values, size, dir),
        }
    }

    fn coset_ntt(&self, values: &mut [F], shift: F) -> Result<()> {
        match self {
            AnyBackend::Cpu(b) => b.coset_ntt(values, shift),
            #[cfg(feature = "cuda")]
            AnyBackend::Cuda(b) => gpu::coset(b, values, shift, false),
            #[cfg(feature = "wgpu")]
            AnyBackend::Wgpu(b) => gpu::coset(&**b, values, shift, false),
        }
    }

    fn coset_intt(&self, values: &mut [F], shift: F) -> Result<()> {
        match self {
            AnyBackend::Cpu(b) => b.coset_intt(values, shift),
            #[cfg(feature = "cuda")]
            AnyBackend::Cuda(b) => gpu::coset(b, values, shift, true),
            #[cfg(feature = "wgpu")]
            AnyBackend::Wgpu(b) => gpu::coset(&**b, values, shift, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_strings() {
        for kind in BackendKind::ALL {
            assert_eq!(kind.to_string().parse::<BackendKind>().unwrap(), kind);
        }
        assert_eq!(" CPU ".parse::<BackendKind>().unwrap(), BackendKind::Cpu);
        assert!(matches!(
            "tpu".parse::<BackendKind>(),
            Err(Error::InvalidInput { .. })
        ));
    }

    // With a GPU feature on a GPU host the choice differs; tests/{cuda,wgpu}_*.rs cover that.
    #[cfg(not(any(feature = "cuda", feature = "wgpu")))]
    #[test]
    fn select_reports_unavailable_gpu_and_falls_back_on_auto() {
        assert!(matches!(
            AnyBackend::select(BackendKind::Cuda),
            Err(Error::Unavailable {
                backend: "cuda",
                ..
            })
        ));
        let (backend, why) = AnyBackend::select(BackendKind::Auto).unwrap();
        assert_eq!(backend.kind(), BackendKind::Cpu);
        assert!(why.contains("cpu"));
    }
}
