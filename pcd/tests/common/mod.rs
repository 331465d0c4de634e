//! Shared fixtures: keys for a small step (one chained hash), built once per test binary,
//! and proven subtrees reused across tests.

#![allow(dead_code)]

use std::sync::OnceLock;

use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{ChainStep, Fr, NodeProof, PcdKeys, decide, prove_leaf, prove_pair, setup};

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn keys() -> &'static PcdKeys<ChainStep> {
    static KEYS: OnceLock<PcdKeys<ChainStep>> = OnceLock::new();
    KEYS.get_or_init(|| {
        setup(ChainStep::new(1), AnyBackend::Cpu(Cpu::new()), rng(1)).expect("setup")
    })
}

/// Four proven leaves with random inputs.
pub fn leaves() -> &'static [NodeProof; 4] {
    static LEAVES: OnceLock<[NodeProof; 4]> = OnceLock::new();
    LEAVES.get_or_init(|| {
        let mut r = rng(2);
        core::array::from_fn(|_| prove_leaf(keys(), Fr::rand(&mut r), &mut r).expect("leaf"))
    })
}

/// Two proven height-1 nodes (over leaves 0,1 and 2,3), both accepted by the decider.
pub fn height_one() -> &'static [NodeProof; 2] {
    static NODES: OnceLock<[NodeProof; 2]> = OnceLock::new();
    NODES.get_or_init(|| {
        let l = leaves();
        let a = prove_pair(keys(), &l[0], &l[1], rng(3)).expect("node");
        let b = prove_pair(keys(), &l[2], &l[3], rng(4)).expect("node");
        decide(keys(), &a).expect("honest node accepted");
        decide(keys(), &b).expect("honest node accepted");
        [a, b]
    })
}

/// Proves a parent over `left`, `right` and asserts the decider rejects it.
pub fn assert_parent_rejected(left: &NodeProof, right: &NodeProof, what: &str) {
    let parent = prove_pair(keys(), left, right, rng(99)).expect("the prover folds anything");
    assert!(decide(keys(), &parent).is_err(), "{what}: parent accepted");
}
