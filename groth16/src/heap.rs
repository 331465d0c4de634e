//! Freed heap handed back to the operating system after a circuit's synthesis.

/// Returns the allocator's free pages to the operating system (glibc's `malloc_trim`; nothing
/// elsewhere). Synthesizing a decider-sized circuit frees gigabytes of small blocks that glibc
/// keeps for reuse, while the large buffers that follow (matrices, queries, the QAP) are mapped
/// afresh: without this both count against the machine's memory.
pub(crate) fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointers and only releases pages no allocation owns.
    unsafe {
        libc::malloc_trim(0);
    }
}
