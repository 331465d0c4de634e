//! Native simulation around the circuits: circuit statistics per preset.

mod stats;

pub use stats::{CircuitStats, circuit_stats, stats_of};
