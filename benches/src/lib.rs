//! # sidecar-benches
//!
//! Side-by-side measurements of sidecar against the arkworks peer. The criterion benches in
//! `benches/` use the input generators here; [`kernels::run`] and [`groth16::run`] are the
//! libraries behind `sidecar bench kernels` and `sidecar bench groth16`, producing one
//! [`KernelRecord`] per (operation, size).
//!
//! Timing discipline: ours and the peer run interleaved on the same inputs, in the caller's
//! rayon pool, and each figure is the median of several runs.

pub mod groth16;
pub mod kernels;

pub use kernels::{KernelBenchConfig, KernelOp, KernelRecord};
