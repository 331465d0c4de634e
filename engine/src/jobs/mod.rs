//! Engine-side scheduling machinery for proof trees, independent of any circuit: a key cache
//! on disk, peak-memory measurement, and a root-first, memory-capped DAG scheduler.

mod alloc;
mod cache;
mod peak;
mod scheduler;

pub use alloc::{CountingAlloc, counting_installed, heap_peak, live_heap, reset_heap_peak};
pub use cache::{CacheOutcome, CachedKeys, CircuitMeta, KeyCache};
pub use peak::{current_rss, measure_peak, peak_rss};
pub use scheduler::{Job, JobGraph, JobId, JobRecord, RunReport, depths, run_graph};
