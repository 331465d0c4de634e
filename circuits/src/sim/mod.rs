//! Native simulation around the circuits.
//!
//! * [`simulate_block`]: executes a block's txs against a [`crate::state::WorldState`] and
//!   returns every witness of the proof tree (VM and kernel per public call, base per tx,
//!   merges, root), or rejects the first invalid tx by index before any proving;
//! * [`workload`]: seeded generators of valid (and, on request, invalid) txs;
//! * [`circuit_stats`]: constraint counts per preset.

mod block;
mod stats;
mod view;
pub mod workload;

pub use block::{SimulatedBlock, TxWitnesses, simulate_block, simulate_tx};
pub use stats::{CircuitStats, circuit_stats, stats_of};
pub use view::CallView;
