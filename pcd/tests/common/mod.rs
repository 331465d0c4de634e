//! Shared fixtures: keys for a small step (one chained hash), built once per test binary,
//! and proven subtrees reused across tests.

use std::sync::OnceLock;

use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{Fr, NodeProof, PcdKeys, StepCircuit, prove_leaf, setup};

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn keys() -> &'static PcdKeys {
    static KEYS: OnceLock<PcdKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        setup(StepCircuit::new(1), AnyBackend::Cpu(Cpu::new()), rng(1)).expect("setup")
    })
}

/// Two proven leaves with random inputs.
pub fn two_leaves() -> &'static (NodeProof, NodeProof) {
    static LEAVES: OnceLock<(NodeProof, NodeProof)> = OnceLock::new();
    LEAVES.get_or_init(|| {
        let mut r = rng(2);
        let k = keys();
        let a = prove_leaf(k, Fr::rand(&mut r), &mut r).expect("leaf");
        let b = prove_leaf(k, Fr::rand(&mut r), &mut r).expect("leaf");
        (a, b)
    })
}
