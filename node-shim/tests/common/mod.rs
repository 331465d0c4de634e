//! Real block proofs for the node shim's tests: the engine's keys for all five circuits at preset `tiny` (created
//! once per test binary in a temp dir) and blocks proven with prove-block (in memory, and equal to their bundles).
#![allow(dead_code)]

pub mod decider;

use alloy::primitives::U256;
use ark_bn254::Fr;
use sidecar_circuits::Preset;
use sidecar_circuits::state::WorldState;
use sidecar_engine::block::{BlockFile, BlockRequest, build_tree, prove_block};
use sidecar_engine::jobs::KeyCache;
use sidecar_engine::{Engine, Machine, Profile};
use sidecar_kernels::Cpu;
use sidecar_node_shim::contracts::Rollup;
use sidecar_node_shim::deploy::view;
use sidecar_node_shim::{
    BlockProof, BlockProver, BlockVerifyingKeys, EngineBlockProver, Node, NodeError,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The engine on this machine's two cores under the `minimum` profile.
pub fn engine() -> Engine<Cpu> {
    let rt = Profile::load("minimum")
        .expect("bundled profile")
        .apply_to(&Machine {
            cores: 2,
            ram_bytes: 64 << 30,
        })
        .expect("profile applies");
    Engine::with_runtime(rt, Cpu::new())
}

/// Key cache directory and the five verifying keys.
pub struct Keys {
    pub dir: tempfile::TempDir,
    pub vks: BlockVerifyingKeys,
}

/// Keys of the five circuits at `tiny`, created on first use.
pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let prover = EngineBlockProver::new(
            engine(),
            Preset::tiny(),
            dir.path(),
            &dir.path().join("bundles"),
        )
        .expect("keys of all five circuits");
        let vks = prover.verifying_keys().clone();
        Keys { dir, vks }
    })
}

/// A proven block: its proof read back from the bundle, and the bundle's directory.
pub struct ProvenBlock {
    pub proof: BlockProof,
    pub bundle: PathBuf,
}

fn bundles_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// Proves a generated genesis block of `txs` txs (seeded workload; with `public_calls == false` every tx is made
/// private-only) with `prover_id` in the root, through prove-block at `tiny`.
pub fn prove(txs: usize, public_calls: bool, seed: u64, prover_id: Fr) -> ProvenBlock {
    static N: AtomicUsize = AtomicUsize::new(0);
    let preset = Preset::tiny();
    let mut state = WorldState::genesis(&preset);
    let mut block = BlockFile::generate(&preset, &state, txs, seed).expect("workload");
    if !public_calls {
        block.txs.iter_mut().for_each(|t| t.public_calls.clear());
    }
    let tree = build_tree(&mut state, &block, prover_id).expect("valid block");
    let cache = KeyCache::new(keys().dir.path()).expect("key cache");
    let out = bundles_dir().join(format!("block-{}", N.fetch_add(1, Ordering::SeqCst)));
    let req = BlockRequest {
        preset: &preset,
        tree,
        txs: block.txs.len(),
    };
    let (proven, _) = prove_block(
        &engine(),
        &cache,
        req,
        &out,
        Arc::new(AtomicBool::new(false)),
        &mut (),
    )
    .expect("block proves");
    let proof = BlockProof::from_proven(&proven);
    assert_eq!(
        BlockProof::from_bundle(&out).expect("bundle reads back"),
        proof,
        "the bundle holds the proofs returned in memory"
    );
    ProvenBlock { proof, bundle: out }
}

/// The decoded revert reason of `r`, which must be a revert.
pub fn reason<T: std::fmt::Debug>(r: Result<T, NodeError>) -> String {
    match r {
        Err(NodeError::Reverted { reason, .. }) => reason,
        other => panic!("expected a revert, got {other:?}"),
    }
}

/// Mines until `slot`'s backup window opens (its proving deadline has passed).
pub fn mine_to_backup(node: &mut Node<'_>, slot: u64) {
    let rollup = node.deployment.rollup;
    let w = view(
        node.l1(),
        rollup,
        &Rollup::windowsCall {
            slot: U256::from(slot),
        },
    )
    .unwrap();
    node.l1().mine_to(w[3].to::<u64>()).unwrap();
}
