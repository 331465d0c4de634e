//! Thread pools of given widths, reused across jobs: a proof of a family whose budget allows
//! `w` cores runs alone in a pool of `w` threads, so its kernels' parallelism is exactly `w`
//! and the CPU time it used can be read from those threads alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{Error, Result};

/// Idle pools by width. Cheap to clone; clones share the pools.
#[derive(Clone, Debug, Default)]
pub struct PoolSet {
    idle: Arc<Mutex<HashMap<usize, Vec<Arc<rayon::ThreadPool>>>>>,
}

/// A pool of one width, held by one job; back to its set when dropped.
#[derive(Debug)]
pub struct PoolLease {
    pool: Option<Arc<rayon::ThreadPool>>,
    width: usize,
    set: PoolSet,
}

impl PoolSet {
    /// An idle pool of `width` threads, built when none is idle.
    pub fn take(&self, width: usize) -> Result<PoolLease> {
        let width = width.max(1);
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&width)
            .and_then(Vec::pop);
        let pool = match idle {
            Some(p) => p,
            None => Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(width)
                    .thread_name(move |i| format!("sidecar-proof{width}-{i}"))
                    .build()
                    .map_err(|e| Error::ThreadPool {
                        threads: width,
                        reason: e.to_string(),
                    })?,
            ),
        };
        Ok(PoolLease {
            pool: Some(pool),
            width,
            set: self.clone(),
        })
    }
}

impl PoolLease {
    /// The pool.
    pub fn pool(&self) -> &Arc<rayon::ThreadPool> {
        self.pool.as_ref().expect("held until dropped")
    }

    /// Its width.
    pub fn width(&self) -> usize {
        self.width
    }

    /// CPU time used so far by the pool's threads, summed. Call it while no job runs in the
    /// pool (before a job is spawned there and after it reported back) for a job's exact
    /// figure; `None` where the platform has no per-thread CPU clock.
    pub fn cpu_time(&self) -> Option<Duration> {
        self.pool()
            .broadcast(|_| thread_cpu_time())
            .into_iter()
            .sum()
    }
}

impl Drop for PoolLease {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            let mut idle = self.set.idle.lock().unwrap_or_else(|p| p.into_inner());
            idle.entry(self.width).or_default().push(pool);
        }
    }
}

/// CPU time of the calling thread.
#[cfg(unix)]
fn thread_cpu_time() -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Option<Duration> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_are_reused_and_count_their_cpu_time() {
        let set = PoolSet::default();
        let lease = set.take(2).unwrap();
        assert_eq!(lease.pool().current_num_threads(), 2);
        let before = lease.cpu_time().unwrap();
        let spin = |n: u64| (0..n).fold(1u64, |a, i| a.wrapping_mul(31).wrapping_add(i));
        let x = lease.pool().install(|| {
            rayon::join(
                || spin(std::hint::black_box(30_000_000)),
                || spin(std::hint::black_box(30_000_000)),
            )
        });
        assert_ne!(x.0, 0);
        let used = lease.cpu_time().unwrap() - before;
        assert!(used > Duration::from_millis(5), "{used:?}");
        let first = Arc::as_ptr(lease.pool());
        drop(lease);
        assert_eq!(Arc::as_ptr(set.take(2).unwrap().pool()), first);
        assert_ne!(Arc::as_ptr(set.take(1).unwrap().pool()), first);
    }
}
