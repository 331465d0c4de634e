//! The wgpu backend against the shared conformance suite (arkworks as reference) and the CPU
//! backend, on random inputs of sizes 1 .. 2^14 including non-powers of two.
//!
//! Without an adapter the tests print why and pass, unless `SIDECAR_REQUIRE_WGPU=1` (CI sets
//! it after installing Mesa's software Vulkan driver), in which case a missing adapter fails.
#![cfg(feature = "wgpu")]

use std::sync::OnceLock;

use ark_bn254::{Fr, G1Affine, g1, g2};
use ark_ec::CurveGroup;
use rand::{SeedableRng, rngs::StdRng};
use sidecar_kernels::testing::{self, random_bases, random_scalars};
use sidecar_kernels::{Cpu, Direction, Error, Msm, Ntt, Wgpu};

/// One backend for the whole test binary: opening a device and compiling shaders is slow on a
/// software driver.
fn backend() -> Option<&'static Wgpu> {
    static GPU: OnceLock<Result<Wgpu, String>> = OnceLock::new();
    match GPU.get_or_init(|| Wgpu::new().map_err(|e| e.to_string())) {
        Ok(b) => Some(b),
        Err(reason) => {
            assert!(
                std::env::var("SIDECAR_REQUIRE_WGPU").as_deref() != Ok("1"),
                "SIDECAR_REQUIRE_WGPU=1 but no wgpu adapter: {reason}"
            );
            eprintln!("skipping wgpu test: {reason}");
            None
        }
    }
}

const MSM_SIZES: [usize; 9] = [1, 2, 3, 7, 64, 255, 1000, 4097, 1 << 14];

#[test]
fn wgpu_g1_msm_matches_arkworks() {
    let Some(gpu) = backend() else { return };
    eprintln!("wgpu adapter: {}", gpu.adapter());
    testing::check_msm::<_, g1::Config>(gpu, &MSM_SIZES);
}

#[test]
fn wgpu_g1_msm_matches_cpu_backend() {
    let Some(gpu) = backend() else { return };
    let cpu = Cpu::new();
    let mut rng = StdRng::seed_from_u64(0x6e_7075);
    for n in [5usize, 333, 2048, 12_345] {
        let bases: Vec<G1Affine> = random_bases(n, &mut rng);
        let scalars: Vec<Fr> = random_scalars(n, &mut rng);
        let prepared = Msm::<g1::Config>::prepare(gpu, &bases).unwrap();
        let got = gpu.msm_prepared(&prepared, &scalars).unwrap();
        assert_eq!(
            got.into_affine(),
            cpu.msm(&bases, &scalars).unwrap().into_affine(),
            "n = {n}"
        );
    }
}

#[test]
fn wgpu_g2_msm_delegates_to_cpu() {
    let Some(gpu) = backend() else { return };
    testing::check_msm::<_, g2::Config>(gpu, &[1, 17, 300]);
}

#[test]
fn wgpu_fr_ntt_matches_arkworks() {
    let Some(gpu) = backend() else { return };
    testing::check_ntt::<_, Fr>(gpu, &(0..=14).collect::<Vec<_>>());
}

#[test]
fn wgpu_fr_ntt_matches_cpu_backend() {
    let Some(gpu) = backend() else { return };
    let cpu = Cpu::new();
    let mut rng = StdRng::seed_from_u64(0x4e_5454);
    for log in [1u32, 6, 13] {
        let n = 1usize << log;
        let values: Vec<Fr> = random_scalars(3 * n, &mut rng);
        for dir in [Direction::Forward, Direction::Inverse] {
            let (mut a, mut b) = (values.clone(), values.clone());
            gpu.ntt_batch(&mut a, n, dir).unwrap();
            cpu.ntt_batch(&mut b, n, dir).unwrap();
            assert_eq!(a, b, "{dir:?}, n = {n}");
        }
    }
}

#[test]
fn wgpu_rejects_bad_input_without_touching_the_device() {
    let Some(gpu) = backend() else { return };
    let mut v: Vec<Fr> = random_scalars(6, &mut StdRng::seed_from_u64(3));
    assert!(matches!(gpu.ntt(&mut v), Err(Error::InvalidInput { .. })));
    let bases: Vec<G1Affine> = random_bases(2, &mut StdRng::seed_from_u64(4));
    assert!(matches!(
        gpu.msm(&bases, &v),
        Err(Error::InvalidInput { .. })
    ));
}
