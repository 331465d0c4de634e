//! With `CountingAlloc` installed, `measure_peak` sees a closure's heap even when the memory
//! was allocated and freed before (the case resident-set growth misses).

use sidecar_engine::jobs::{CountingAlloc, counting_installed, live_heap, measure_peak};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn touch(size: usize, seed: u8) -> u64 {
    let v: Vec<u8> = (0..size).map(|i| (i as u8) ^ seed).collect();
    v.iter().step_by(4096).map(|&b| b as u64).sum()
}

#[test]
fn heap_peak_is_exact_and_sees_reused_memory() {
    let size = 48 << 20;
    let seed = rand::random::<u8>();
    let expected = touch(size, seed);
    assert!(counting_installed());
    let (sum, peak) = measure_peak(|| touch(size, seed));
    assert_eq!(sum, expected);
    let peak = peak.expect("the counting allocator always reports");
    assert!(
        peak >= size as u64,
        "peak {peak} below the {size} bytes held"
    );
    assert!(
        peak < size as u64 + (4 << 20),
        "peak {peak} far above {size}"
    );

    // Freed memory leaves the live count (one test: the counters are process-wide).
    let before = live_heap();
    let v = vec![rand::random::<u64>(); 1 << 20];
    assert!(live_heap() >= before + (8 << 20) - (1 << 20));
    drop(v);
    let (_, peak) = measure_peak(|| ());
    assert!(peak.expect("reported") < 1 << 20);
}
