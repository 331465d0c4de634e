//! What the block orchestrator reports while it works (the library never prints).

use std::time::Duration;

use sidecar_circuits::CircuitKind;

use crate::jobs::CacheOutcome;

/// An event of `prove_block`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum BlockEvent {
    /// Keys of one circuit are ready.
    KeysReady {
        /// Which circuit.
        kind: CircuitKind,
        /// Cache hit, created, or rebuilt (and why).
        outcome: CacheOutcome,
        /// Time taken.
        elapsed: Duration,
    },
    /// Proving starts: how many proofs of each circuit.
    ProvingStarted {
        /// Counts per circuit kind, leaves first.
        counts: Vec<(CircuitKind, usize)>,
    },
    /// One proof is done.
    Proved {
        /// Its circuit.
        kind: CircuitKind,
        /// Its wall time.
        elapsed: Duration,
    },
}

/// Receives [`BlockEvent`]s on the orchestrating thread.
pub trait Progress {
    /// Called for every event.
    fn event(&mut self, event: &BlockEvent);
}

/// Ignores every event.
impl Progress for () {
    fn event(&mut self, _: &BlockEvent) {}
}
