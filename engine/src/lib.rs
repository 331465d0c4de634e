//! # sidecar-engine
//!
//! Proof systems on top of `sidecar-kernels`, applied under a hardware profile.
//!
//! ```text
//!  profile.toml ─▶ Profile ─▶ Runtime { rayon pool, MemoryBudget }
//!                                 │
//!  circuit (gr1cs) ─▶ Engine::setup ─▶ Keys ──(keys on disk, mmap)──▶ Engine::prove ─▶ Proof
//!                                 │                                         │
//!                                 └── jobs: KeyCache + Scheduler (DAG, root-first, memory-capped)
//! ```
//!
//! Everything that proves runs inside the profile's pool, so the profile's thread count is
//! what the kernels see.

pub mod block;
pub mod jobs;

mod engine;
mod error;
mod memory;
mod profile;

pub use engine::{Engine, Keys};
pub use error::{Error, Result};
pub use memory::{MemoryBudget, Reservation};
pub use profile::{Budgets, Machine, Profile, ProofBudget, Runtime};
