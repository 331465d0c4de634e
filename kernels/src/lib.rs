//! # sidecar-kernels
//!
//! The two kernel families every proof system here spends its time in — multi-scalar
//! multiplication ([`Msm`]) and number-theoretic transforms ([`Ntt`]) — as traits with one
//! required method each, and the backends that implement them.
//!
//! ```text
//!   engine (Groth16, folding)  ──calls──▶  Msm<P> / Ntt<F>  ◀──implements──  cpu | cuda | wgpu
//!                                          AnyBackend (select.rs) picks one at run time
//! ```
//!
//! Backends run inside whatever rayon pool the caller has installed, so a hardware profile
//! decides the thread count by calling into the kernels from `pool.install(..)`.
//! With the `test-utils` feature, [`testing`] holds the conformance suite every backend must pass.

pub mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
mod error;
#[cfg(any(feature = "cuda", feature = "wgpu"))]
pub mod gpu;
pub mod msm;
pub mod ntt;
pub mod select;
#[cfg(feature = "test-utils")]
pub mod testing;
#[cfg(feature = "wgpu")]
pub mod wgpu;

#[cfg(feature = "wgpu")]
pub use self::wgpu::Wgpu;
pub use cpu::{Cpu, CpuBases};
#[cfg(feature = "cuda")]
pub use cuda::{Cuda, CudaBases};
pub use error::{Error, Result};
pub use msm::Msm;
pub use ntt::{Direction, Ntt};
pub use select::{AnyBackend, AnyPrepared, BackendKind};
