//! Test support: where arkworks' satisfiability check runs fast.
//!
//! `ConstraintSystem::is_satisfied` evaluates each constraint with a parallel iterator over its
//! few terms. From a thread outside any rayon pool (a test's thread) each of those tiny jobs is
//! sent to the global pool while the caller sleeps on a latch: two context switches per
//! constraint, which at the decider circuit's 8.5M constraints were four minutes, most of them in
//! the kernel. On the worker of a one-thread pool the same iterators run inline.

/// Runs `f` on the worker of a fresh one-thread rayon pool.
pub(crate) fn on_one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool")
        .install(f)
}
