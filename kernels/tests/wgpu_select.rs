//! `AnyBackend` over wgpu: explicit selection, `auto` skipping software adapters, and the
//! routing of every curve and field (BN254 G1 / Fr to the device, G2 and Grumpkin to the CPU)
//! checked with the conformance suite.
#![cfg(feature = "wgpu")]

use ark_bn254::{Fr, g1, g2};
use sidecar_kernels::testing;
use sidecar_kernels::{AnyBackend, BackendKind, Error, Wgpu};

fn wgpu_backend() -> Option<AnyBackend> {
    match AnyBackend::select(BackendKind::Wgpu) {
        Ok((backend, why)) => {
            assert_eq!(backend.kind(), BackendKind::Wgpu);
            assert!(why.starts_with("wgpu requested"), "{why}");
            Some(backend)
        }
        Err(e) => {
            assert!(
                matches!(
                    e,
                    Error::Unavailable {
                        backend: "wgpu",
                        ..
                    }
                ),
                "{e}"
            );
            assert!(
                std::env::var("SIDECAR_REQUIRE_WGPU").as_deref() != Ok("1"),
                "SIDECAR_REQUIRE_WGPU=1 but no wgpu adapter: {e}"
            );
            eprintln!("skipping wgpu test: {e}");
            None
        }
    }
}

#[test]
fn wgpu_any_backend_routes_every_curve_and_field() {
    let Some(backend) = wgpu_backend() else {
        return;
    };
    testing::check_msm::<_, g1::Config>(&backend, &[1, 33, 1000]);
    testing::check_msm::<_, g2::Config>(&backend, &[1, 33]);
    testing::check_msm::<_, ark_grumpkin::GrumpkinConfig>(&backend, &[1, 33]);
    testing::check_ntt::<_, Fr>(&backend, &[0, 1, 5, 10]);
    // Grumpkin's scalar field (BN254 Fq) has two-adicity 1.
    testing::check_ntt::<_, ark_grumpkin::Fr>(&backend, &[0, 1]);
}

#[test]
fn wgpu_auto_prefers_hardware_and_explains_its_choice() {
    let (backend, why) = AnyBackend::select(BackendKind::Auto).unwrap();
    eprintln!("auto: {why}");
    assert!(why.starts_with("auto:"), "{why}");
    match Wgpu::new() {
        // A software adapter (llvmpipe) is slower than the CPU backend: auto must not take it.
        Ok(w) if w.is_software() => {
            assert_ne!(backend.kind(), BackendKind::Wgpu, "{why}");
            assert!(why.contains("software"), "{why}");
        }
        Ok(_) => assert_ne!(backend.kind(), BackendKind::Cpu, "{why}"),
        Err(e) => assert!(why.contains(&e.to_string()), "{why}"),
    }
}

#[test]
fn wgpu_prepared_bases_from_another_backend_are_rejected() {
    use sidecar_kernels::Msm;
    let Some(backend) = wgpu_backend() else {
        return;
    };
    let (cpu, _) = AnyBackend::select(BackendKind::Cpu).unwrap();
    let bases = testing::random_bases::<g1::Config>(4, &mut rand::thread_rng());
    let scalars = testing::random_scalars::<Fr>(4, &mut rand::thread_rng());
    let prepared = cpu.prepare(&bases).unwrap();
    assert!(matches!(
        backend.msm_prepared(&prepared, &scalars),
        Err(Error::InvalidInput { .. })
    ));
}
