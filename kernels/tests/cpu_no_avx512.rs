//! The CPU backend kept off AVX-512 (`SIDECAR_KERNELS_NO_AVX512`: the G1 MSM's bucket
//! additions one pair at a time on the MULX/ADX products, where the CPU has them), against the
//! conformance suite. The path is decided once per process, before the first kernel call, so
//! this binary holds a single test.

use sidecar_kernels::Cpu;
use sidecar_kernels::cpu::field_arithmetic;
use sidecar_kernels::testing::check_msm;

#[test]
fn field_arithmetic_without_avx512_passes_the_conformance_suite() {
    // SAFETY: the only test of this binary, run before any other thread reads the environment.
    unsafe { std::env::set_var("SIDECAR_KERNELS_NO_AVX512", "1") };
    assert!(
        !field_arithmetic().contains("ifma"),
        "{}",
        field_arithmetic()
    );
    check_msm::<_, ark_bn254::g1::Config>(&Cpu::new(), &[1, 5, 1000, 1 << 12]);
}
