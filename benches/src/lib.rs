//! # sidecar-benches
//!
//! Side-by-side measurements of sidecar against the arkworks peer. The criterion benches in
//! `benches/` use the input generators here; [`kernels::run`] is the library behind
//! `sidecar bench kernels`, producing one [`KernelRecord`] per (operation, size).
//!
//! Timing discipline: ours and the peer run interleaved on the same inputs, in the caller's
//! rayon pool, and each figure is the median of several runs.

pub mod kernels;

pub use kernels::{KernelBenchConfig, KernelOp, KernelRecord};
