//! Run-time backend choice: a [`BackendKind`] names what the user asked for, [`AnyBackend`]
//! is the backend actually used, and [`AnyBackend::select`] says why it was chosen.
//!
//! Backends compiled in behind features add a variant to [`AnyBackend`] and [`AnyPrepared`]
//! and an arm to each `match` below; callers never name a concrete backend type.

use core::fmt;
use core::str::FromStr;

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::FftField;

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
        Self::ALL.into_iter().find(|k| k.name() == lower).ok_or_else(|| {
            Error::invalid(format!("unknown backend {s:?}: expected one of cpu, cuda, wgpu, auto"))
        })
    }
}

/// A backend chosen at run time; implements [`Msm`] and [`Ntt`] by dispatching.
#[derive(Clone, Debug)]
pub enum AnyBackend {
    /// The CPU backend.
    Cpu(Cpu),
}

/// Bases prepared by whichever backend an [`AnyBackend`] holds.
#[derive(Clone, Debug)]
pub enum AnyPrepared<P: SWCurveConfig> {
    /// Prepared by the CPU backend.
    Cpu(CpuBases<P>),
}

impl AnyBackend {
    /// The backend for `kind` and a one-line reason for the choice. Asking explicitly for a
    /// backend this build or machine cannot run is an [`Error::Unavailable`]; `Auto` always
    /// succeeds.
    pub fn select(kind: BackendKind) -> Result<(AnyBackend, String)> {
        match kind {
            BackendKind::Cpu => Ok((AnyBackend::Cpu(Cpu::new()), "cpu requested".into())),
            BackendKind::Auto => Ok((
                AnyBackend::Cpu(Cpu::new()),
                "auto: no GPU backend in this build, using cpu".into(),
            )),
            BackendKind::Cuda | BackendKind::Wgpu => Err(Error::Unavailable {
                backend: kind.name(),
                reason: "this build does not include it".into(),
            }),
        }
    }

    /// The kind of the backend actually held.
    pub fn kind(&self) -> BackendKind {
        match self {
            AnyBackend::Cpu(_) => BackendKind::Cpu,
        }
    }
}

impl<P: SWCurveConfig> Msm<P> for AnyBackend {
    type Prepared = AnyPrepared<P>;

    fn prepare(&self, bases: &[Affine<P>]) -> Result<AnyPrepared<P>> {
        match self {
            AnyBackend::Cpu(b) => Ok(AnyPrepared::Cpu(b.prepare(bases)?)),
        }
    }

    fn prepared_len(&self, prepared: &AnyPrepared<P>) -> usize {
        match (self, prepared) {
            (AnyBackend::Cpu(b), AnyPrepared::Cpu(p)) => b.prepared_len(p),
        }
    }

    fn msm_prepared_batch(
        &self,
        prepared: &AnyPrepared<P>,
        scalars: &[&[P::ScalarField]],
    ) -> Result<Vec<Projective<P>>> {
        match (self, prepared) {
            (AnyBackend::Cpu(b), AnyPrepared::Cpu(p)) => b.msm_prepared_batch(p, scalars),
        }
    }

    fn msm(&self, bases: &[Affine<P>], scalars: &[P::ScalarField]) -> Result<Projective<P>> {
        match self {
            AnyBackend::Cpu(b) => b.msm(bases, scalars),
        }
    }
}

impl<F: FftField> Ntt<F> for AnyBackend {
    fn ntt_batch(&self, values: &mut [F], size: usize, dir: Direction) -> Result<()> {
        match self {
            AnyBackend::Cpu(b) => b.ntt_batch(values, size, dir),
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
        assert!(matches!("tpu".parse::<BackendKind>(), Err(Error::InvalidInput { .. })));
    }

    #[test]
    fn select_reports_unavailable_gpu_and_falls_back_on_auto() {
        assert!(matches!(
            AnyBackend::select(BackendKind::Cuda),
            Err(Error::Unavailable { backend: "cuda", .. })
        ));
        let (backend, why) = AnyBackend::select(BackendKind::Auto).unwrap();
        assert_eq!(backend.kind(), BackendKind::Cpu);
        assert!(why.contains("cpu"));
    }
}
