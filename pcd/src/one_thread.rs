//! Test support: where arkworks' satisfiability check runs fast.
//!
//! `ConstraintSystem::is_satisfied` evaluates each constraint with a parallel iterator over its
//! few terms. From a thread outside any rayon pool (a test's thread) each of those tiny jobs is
//! sent to the global pool while the caller sleeps on a latch: two context switches per
//! constraint. The decider circuit's soundness test (8.5M constraints) took 293 s that way, 311 s
//! of its CPU time in the kernel; on the worker of a one-thread pool, where the same iterators run
//! inline, it takes 118 s.

/// Runs `f` on the worker of a fresh one-thread rayon pool.
pub(crate) fn on_one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool")
        .install(f)
}
