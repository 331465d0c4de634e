//! # sidecar-circuits
//!
//! The circuits of a block's proof tree, written once as gadgets over R1CS variables so the same
//! logic serves Groth16 today and folding later, together with their native counterparts and the
//! simulator that produces every witness.
//!
//! ```text
//!   txs ──▶ simulator ──▶ VM witnesses ──▶ kernel witnesses ──▶ base ──▶ merge … ──▶ root
//!              │                                                  ▲
//!              └──────────── world state (trees, on disk) ────────┘
//! ```

mod any;
pub mod circuit;
pub mod effects;
mod error;
pub mod gadgets;
pub mod indexed;
pub mod kernel;
pub mod merkle;
pub mod poseidon;
pub mod preset;
pub mod rollup;
pub mod sim;
pub mod state;
pub mod tree;
pub mod tx;
pub mod vm;

pub use any::{AnyCircuit, WITNESS_FORMAT_VERSION, WITNESS_MAGIC, public_input_len};
pub use circuit::{BlockCircuit, CircuitKind};
pub use error::{Error, Result};
pub use preset::{Preset, PresetName};
