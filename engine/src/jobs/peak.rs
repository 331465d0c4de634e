//! Peak memory of a closure.
//!
//! Where the binary installs [`super::CountingAlloc`], the figure is exact: the live-heap
//! high-water mark during the closure minus the live heap before it. Otherwise it comes from
//! the kernel's resident-set accounting: write `5` to `/proc/self/clear_refs` (resets the peak-RSS mark `VmHWM` to the
//! current RSS, Linux ≥ 4.0), run the closure, and report `VmHWM − VmRSS(before)`. The
//! figure is process-wide, so it is only meaningful while nothing else runs — the scheduler
//! measures a circuit's first job alone. If the reset is refused, the old mark stays and the
//! result can only overestimate (the safe direction for a budget). Before measuring, freed
//! heap memory is handed back to the OS (glibc `malloc_trim`), otherwise a proof whose
//! allocations fit in memory the allocator kept from earlier work would show almost no growth.
//! Off Linux: `None`.

/// Runs `f` and returns its result with the memory growth it caused, in bytes: live heap when
/// [`super::CountingAlloc`] is installed, resident set otherwise.
pub fn measure_peak<T>(f: impl FnOnce() -> T) -> (T, Option<u64>) {
    if super::alloc::counting_installed() {
        let before = super::alloc::reset_heap_peak();
        let out = f();
        let growth = super::alloc::heap_peak().saturating_sub(before);
        return (out, Some(growth as u64));
    }
    release_free_heap();
    let before = status_kb("VmRSS:");
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let out = f();
    let peak = status_kb("VmHWM:");
    let growth = match (before, peak) {
        (Some(b), Some(p)) => Some(p.saturating_sub(b) * 1024),
        _ => None,
    };
    (out, growth)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_free_heap() {
    unsafe extern "C" {
        fn malloc_trim(pad: usize) -> i32;
    }
    // SAFETY: glibc's malloc_trim takes no pointers and only returns free pages to the OS.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_free_heap() {}

/// Current resident set size of this process, bytes.
pub fn current_rss() -> Option<u64> {
    status_kb("VmRSS:").map(|k| k * 1024)
}

/// Peak resident set size of this process since start (or the last reset), bytes.
pub fn peak_rss() -> Option<u64> {
    status_kb("VmHWM:").map(|k| k * 1024)
}

fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_touched_allocation_is_seen() {
        if current_rss().is_none() {
            return; // no /proc: nothing to measure on this platform
        }
        let size = 64 << 20;
        let (sum, peak) = measure_peak(|| {
            let v = vec![3u8; size];
            v.iter().step_by(4096).map(|&b| b as u64).sum::<u64>()
        });
        assert_eq!(sum, 3 * (size as u64 / 4096));
        let peak = peak.expect("linux reports VmHWM");
        assert!(
            peak >= size as u64 * 9 / 10,
            "peak {peak} below the 64 MiB touched"
        );
    }
}
