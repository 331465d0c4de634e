//! Folding with commitments on the wgpu backend gives the proofs the CPU-backed keys accept.
//! Needs `--features wgpu` and a Vulkan adapter (Mesa's lavapipe is enough).

#![cfg(feature = "wgpu")]

mod common;

use ark_ff::UniformRand;
use sidecar_kernels::{AnyBackend, BackendKind};
use sidecar_pcd::{ChainStep, Fr, decide, prove_leaf, setup};

#[test]
fn wgpu_commitments_match_the_cpu_keys() {
    let (backend, why) = match AnyBackend::select(BackendKind::Wgpu) {
        Ok(b) => b,
        Err(e) => {
            assert!(
                std::env::var_os("SIDECAR_REQUIRE_WGPU").is_none(),
                "wgpu required but unavailable: {e}"
            );
            eprintln!("skipping: {e}");
            return;
        }
    };
    eprintln!("backend: {why}");
    let gpu = setup(ChainStep::new(1), backend, common::rng(1)).expect("setup on wgpu");
    let cpu = common::keys();
    assert_eq!(gpu.pp_hash, cpu.pp_hash, "same generators, same parameters");

    let mut rng = common::rng(50);
    let leaf = prove_leaf(&gpu, Fr::rand(&mut rng), &mut rng).expect("leaf on wgpu");
    decide(cpu, &leaf).expect("CPU-backed decider accepts the wgpu-committed leaf");
}
