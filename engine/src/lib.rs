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
pub mod capacity;
pub mod folding;
pub mod jobs;

/// The arkworks types the API takes, at the versions it is built with, so a caller need not
/// pin `ark-bn254` / `ark-relations` itself.
pub mod ark {
    pub use ark_bn254::{Bn254, Fr, G1Affine, G2Affine};
    pub use ark_relations::gr1cs::{
        ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable,
    };
}

mod budget;
mod engine;
mod error;
mod memory;
mod pools;
mod profile;

pub use budget::BudgetCheck;
pub use engine::{Engine, Keys};
pub use error::{Error, Result};
pub use memory::{MemoryBudget, Reservation};
pub use pools::PoolLease;
pub use profile::{Budgets, Family, Machine, Profile, ProofBudget, Runtime};
