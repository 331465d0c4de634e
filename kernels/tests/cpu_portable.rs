//! The CPU backend with its BN254 arithmetic forced to the paths of a CPU without BMI2/ADX
//! (`SIDECAR_KERNELS_PORTABLE`: arkworks' product, 128-bit wide products for `Fq2`), against
//! the conformance suite. The path is decided once per
//! process, before the first kernel call, so this binary holds a single test.

use sidecar_kernels::Cpu;
use sidecar_kernels::cpu::field_arithmetic;
use sidecar_kernels::testing::{check_msm, check_ntt};

#[test]
fn portable_field_arithmetic_passes_the_conformance_suite() {
    // SAFETY: the only test of this binary, run before any other thread reads the environment.
    unsafe { std::env::set_var("SIDECAR_KERNELS_PORTABLE", "1") };
    assert_eq!(field_arithmetic(), "portable");
    check_msm::<_, ark_bn254::g1::Config>(&Cpu::new(), &[1, 5, 1000, 1 << 12]);
    check_msm::<_, ark_bn254::g2::Config>(&Cpu::new(), &[1, 33, 1001]);
    check_msm::<_, ark_grumpkin::GrumpkinConfig>(&Cpu::new(), &[3, 999]);
    check_ntt::<_, ark_bn254::Fr>(&Cpu::new(), &[0, 4, 11, 14]);
}
