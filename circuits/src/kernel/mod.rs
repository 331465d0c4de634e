//! The public kernel: one step per public call of a tx, run sequentially.
//!
//! ```text
//!   tx (private part) ─▶ step 0 ─▶ step 1 ─▶ … ─▶ step n−1 ─▶ effects_hash (to the base rollup)
//!                          ▲          ▲                ▲
//!                        VM call 0  VM call 1        VM call n−1   (linked by equal public inputs)
//! ```
//! Each step proves one call's public outputs consistent with the tx, the previous state and
//! the public data tree at the tx's start root (see [`circuit`]). Reads after a write in the
//! same tx see the latest such write (in any earlier call or earlier in the same call).

pub mod circuit;
pub mod read;
pub mod state;

pub use circuit::{KernelCircuit, KernelPublicInputs};
pub use read::TreeRead;
pub use state::{KernelState, public_data_key};
