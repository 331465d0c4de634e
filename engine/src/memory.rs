//! A byte budget shared by concurrent jobs: reserve before starting, release on drop.
//!
//! A request larger than the whole budget is clamped to the budget, so an oversized job
//! still runs — alone — instead of failing: running out of budget degrades parallelism,
//! never correctness.

use std::sync::{Arc, Condvar, Mutex};

#[derive(Debug)]
struct State {
    in_use: u64,
}

/// A memory budget of `capacity` bytes. Cheap to clone; clones share the same budget.
#[derive(Clone, Debug)]
pub struct MemoryBudget {
    capacity: u64,
    shared: Arc<(Mutex<State>, Condvar)>,
}

/// Bytes held from a [`MemoryBudget`]; released when dropped.
#[derive(Debug)]
pub struct Reservation {
    bytes: u64,
    budget: MemoryBudget,
}

impl MemoryBudget {
    /// A budget of `capacity` bytes (at least one byte).
    pub fn new(capacity: u64) -> Self {
        Self {
            capacity: capacity.max(1),
            shared: Arc::new((Mutex::new(State { in_use: 0 }), Condvar::new())),
        }
    }

    /// Total bytes.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Bytes reserved right now.
    pub fn in_use(&self) -> u64 {
        self.lock().in_use
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the counter inconsistent (single
        // additions), so a poisoned lock is still usable.
        self.shared.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserves `bytes` (clamped to the capacity) if they are free now.
    pub fn try_reserve(&self, bytes: u64) -> Option<Reservation> {
        let bytes = bytes.min(self.capacity);
        let mut s = self.lock();
        (s.in_use + bytes <= self.capacity).then(|| {
            s.in_use += bytes;
            Reservation {
                bytes,
                budget: self.clone(),
            }
        })
    }

    /// Reserves `bytes` (clamped to the capacity), waiting until they are free. Do not call
    /// from inside a pool whose other jobs hold the reservations you wait for.
    pub fn reserve(&self, bytes: u64) -> Reservation {
        let bytes = bytes.min(self.capacity);
        let mut s = self.lock();
        while s.in_use + bytes > self.capacity {
            s = self.shared.1.wait(s).unwrap_or_else(|p| p.into_inner());
        }
        s.in_use += bytes;
        Reservation {
            bytes,
            budget: self.clone(),
        }
    }
}

impl Reservation {
    /// Bytes held.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut s = self.budget.lock();
        s.in_use -= self.bytes;
        self.budget.shared.1.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn reservations_add_up_and_release() {
        let b = MemoryBudget::new(1000);
        let r1 = b.try_reserve(600).unwrap();
        assert!(b.try_reserve(500).is_none());
        let r2 = b.try_reserve(400).unwrap();
        assert_eq!(b.in_use(), 1000);
        drop(r1);
        assert_eq!(b.in_use(), 400);
        drop(r2);
        assert_eq!(b.in_use(), 0);
    }

    #[test]
    fn oversized_request_is_clamped_and_runs_alone() {
        let b = MemoryBudget::new(100);
        let r = b.try_reserve(10_000).unwrap();
        assert_eq!(r.bytes(), 100);
        assert!(b.try_reserve(1).is_none());
    }

    #[test]
    fn blocking_reserve_waits_for_release() {
        let b = MemoryBudget::new(10);
        let held = b.reserve(7);
        let b2 = b.clone();
        let t = std::thread::spawn(move || b2.reserve(5).bytes());
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(b.in_use(), 7, "the waiter must not have taken bytes yet");
        drop(held);
        assert_eq!(t.join().unwrap(), 5);
        assert_eq!(b.in_use(), 0);
    }
}
