//! The CUDA backend against the conformance suite (arkworks as reference) at 2^10 .. 2^20 and
//! odd sizes, and through `AnyBackend`. On a machine without the NVIDIA driver or a GPU,
//! `Cuda::new` must report `Unavailable` (never panic) and the tests pass after saying so;
//! `SIDECAR_REQUIRE_CUDA=1` turns that into a failure (for GPU hosts).
#![cfg(feature = "cuda")]

use ark_bn254::{Fr, g1, g2};
use sidecar_kernels::testing;
use sidecar_kernels::{AnyBackend, BackendKind, Cuda, Error};

fn cuda() -> Option<Cuda> {
    match Cuda::new() {
        Ok(c) => Some(c),
        Err(e) => {
            assert!(
                matches!(
                    e,
                    Error::Unavailable {
                        backend: "cuda",
                        ..
                    }
                ),
                "{e}"
            );
            assert!(
                std::env::var("SIDECAR_REQUIRE_CUDA").as_deref() != Ok("1"),
                "SIDECAR_REQUIRE_CUDA=1 but: {e}"
            );
            eprintln!("skipping CUDA test: {e}");
            None
        }
    }
}

#[test]
fn cuda_g1_msm_matches_arkworks() {
    let Some(gpu) = cuda() else { return };
    let sizes = [
        1,
        2,
        3,
        31,
        255,
        1 << 10,
        10_007,
        1 << 14,
        (1 << 16) + 3,
        1 << 20,
    ];
    testing::check_msm::<_, g1::Config>(&gpu, &sizes);
}

#[test]
fn cuda_g2_msm_delegates_to_cpu() {
    let Some(gpu) = cuda() else { return };
    testing::check_msm::<_, g2::Config>(&gpu, &[1, 100]);
}

#[test]
fn cuda_fr_ntt_matches_arkworks() {
    let Some(gpu) = cuda() else { return };
    testing::check_ntt::<_, Fr>(&gpu, &(0..=20).collect::<Vec<_>>());
}

#[test]
fn cuda_generator_coset_runs_on_device_and_matches() {
    use ark_ff::FftField;
    use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
    use sidecar_kernels::Ntt;
    let Some(gpu) = cuda() else { return };
    let mut rng = rand::thread_rng();
    for log in [1u32, 10, 16] {
        let n = 1usize << log;
        let coeffs = testing::random_scalars::<Fr>(n, &mut rng);
        let coset = Radix2EvaluationDomain::<Fr>::new(n)
            .unwrap()
            .get_coset(Fr::GENERATOR)
            .unwrap();
        let mut v = coeffs.clone();
        gpu.coset_ntt(&mut v, Fr::GENERATOR).unwrap();
        assert_eq!(v, coset.fft(&coeffs), "n = {n}");
        gpu.coset_intt(&mut v, Fr::GENERATOR).unwrap();
        assert_eq!(v, coeffs, "n = {n}");
    }
}

#[test]
fn cuda_selection_falls_back_without_a_device() {
    let (backend, why) = AnyBackend::select(BackendKind::Auto).unwrap();
    eprintln!("auto: {why}");
    match Cuda::new() {
        Ok(_) => assert_eq!(backend.kind(), BackendKind::Cuda, "{why}"),
        Err(e) => {
            assert_ne!(backend.kind(), BackendKind::Cuda);
            assert!(why.contains(&e.to_string()), "{why}");
            assert!(matches!(
                AnyBackend::select(BackendKind::Cuda),
                Err(Error::Unavailable {
                    backend: "cuda",
                    ..
                })
            ));
        }
    }
}
