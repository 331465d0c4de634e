//! The CPU backend against the generic conformance suite, for every curve and field it serves.

use sidecar_kernels::testing::{check_msm, check_ntt, msm_sizes, ntt_logs};
use sidecar_kernels::{AnyBackend, BackendKind, Cpu};

#[test]
fn cpu_msm_bn254_g1() {
    check_msm::<_, ark_bn254::g1::Config>(&Cpu::new(), &msm_sizes());
}

#[test]
fn cpu_msm_bn254_g2() {
    check_msm::<_, ark_bn254::g2::Config>(&Cpu::new(), &[1, 2, 5, 33, 256, 1001, 4096]);
}

#[test]
fn cpu_msm_grumpkin() {
    check_msm::<_, ark_grumpkin::GrumpkinConfig>(&Cpu::new(), &[1, 3, 64, 999, 1 << 12]);
}

#[test]
fn cpu_ntt_bn254_fr() {
    check_ntt::<_, ark_bn254::Fr>(&Cpu::new(), &ntt_logs());
}

#[test]
fn cpu_ntt_bn254_fr_large_uses_fused_layers() {
    check_ntt::<_, ark_bn254::Fr>(&Cpu::new(), &[17, 18]);
}

/// Grumpkin's scalar field is BN254's base field, whose two-adicity is 1.
#[test]
fn cpu_ntt_grumpkin_fr() {
    check_ntt::<_, ark_grumpkin::Fr>(&Cpu::new(), &[0, 1]);
}

#[test]
fn cpu_inside_a_two_thread_pool() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    pool.install(|| {
        check_msm::<_, ark_bn254::g1::Config>(&Cpu::new(), &[1, 5000, 1 << 14]);
        check_ntt::<_, ark_bn254::Fr>(&Cpu::new(), &[3, 14]);
    });
}

#[test]
fn any_backend_dispatches_to_cpu() {
    let (backend, _) = AnyBackend::select(BackendKind::Cpu).unwrap();
    check_msm::<_, ark_bn254::g1::Config>(&backend, &[1, 100, 2049]);
    check_ntt::<_, ark_bn254::Fr>(&backend, &[0, 4, 11]);
}
