//! # sidecar-kernels
//!
//! The two kernel families every proof system here spends its time in — multi-scalar
//! multiplication ([`Msm`]) and number-theoretic transforms ([`Ntt`]) — as traits with one
//! required method each, and the backends that implement them.
//!
//! ```text
//!   engine (Groth16, folding)  ──calls──▶  Msm<P> / Ntt<F>  ◀──implements──  cpu | cuda | wgpu
//! ```
//!
//! Backends run inside whatever rayon pool the caller has installed, so a hardware profile
//! decides the thread count by calling into the kernels from `pool.install(..)`.

mod error;
pub mod msm;
pub mod ntt;

pub use error::{Error, Result};
pub use msm::Msm;
pub use ntt::{Direction, Ntt};
