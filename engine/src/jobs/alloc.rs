//! An exact heap high-water mark: a global allocator that counts live bytes.
//!
//! The resident-set figures of [`super::peak`] miss memory the allocator reuses (a proof whose
//! buffers fit in pages kept from earlier work shows almost no RSS growth). A binary that
//! installs [`CountingAlloc`] as its `#[global_allocator]` makes [`super::measure_peak`] report
//! the live-heap growth instead: the largest number of bytes allocated at once while the
//! measured closure ran, minus what was live when it began. Counting costs two relaxed atomic
//! operations per allocation and deallocation.
//!
//! Memory-mapped key files are not heap: they are shared page cache and stay outside the
//! figure, as they should for a budget of concurrent proofs (every job maps the same file).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The system allocator with live-byte and high-water counters.
///
/// ```ignore
/// #[global_allocator]
/// static ALLOC: sidecar_engine::jobs::CountingAlloc = sidecar_engine::jobs::CountingAlloc;
/// ```
pub struct CountingAlloc;

impl CountingAlloc {
    fn grow(bytes: usize) {
        let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }

    fn shrink(bytes: usize) {
        LIVE.fetch_sub(bytes, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's layout unchanged; the counters
// only observe sizes and never touch the memory.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        INSTALLED.store(true, Ordering::Relaxed);
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            Self::grow(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        INSTALLED.store(true, Ordering::Relaxed);
        // SAFETY: forwarded contract of `GlobalAlloc::alloc_zeroed`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            Self::grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract of `GlobalAlloc::dealloc`.
        unsafe { System.dealloc(ptr, layout) };
        Self::shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::realloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Grow first: a moving realloc holds both blocks for a moment.
            Self::grow(new_size);
            Self::shrink(layout.size());
        }
        p
    }
}

/// Whether [`CountingAlloc`] is this process's allocator (it has served an allocation).
pub fn counting_installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// Bytes currently allocated through [`CountingAlloc`].
pub fn live_heap() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Resets the high-water mark to the current live bytes and returns them.
pub fn reset_heap_peak() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

/// Largest live byte count since the last [`reset_heap_peak`].
pub fn heap_peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}
