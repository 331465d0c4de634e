//! One block proven by folding and decided on L1, end to end, with every component real: the dev SRS (2^19 powers),
//! the folding keys of preset `tiny` over it, the decider's Groth16 key, a rollup deployed with that decider on the
//! revm devchain, a 2-tx block sequenced there and folded by the engine (`prove_block_folded`), its root decided for
//! the L1 (`L1Decider::prove`) and landed with `Rollup.submitFoldedProof` in one transaction. Prints times, peak
//! memory and `submitFoldedProof: <N> gas`.
//!
//! ```text
//! cargo run -p sidecar-node-shim --release --example folded_block [-- --write FILE]
//! ```
//! With `--write`, also writes the decided root in `sidecar_node_shim::folded::root_json`'s form with the slot and
//! the block's data: `node-shim/tests/integration/folded_rollup.rs` replays the same chain and lands that fixture. About 8
//! minutes and 20 GB on the 2-core VM (docs/pcd.md). Not a test.

#[path = "../../pcd/examples/common/rss.rs"]
mod rss;

use std::time::Instant;

use alloy::primitives::U256;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::json;
use sidecar_circuits::Preset;
use sidecar_engine::folding::{
    FoldRequest, ROOT_FILE, folding_keys, prove_block_folded, read_node,
};
use sidecar_engine::{Engine, Machine, Profile};
use sidecar_groth16::PreparedCommittedKey;
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_node_shim::deploy::send;
use sidecar_node_shim::folded::{decider_key_words, root_json, submit_folded_call};
use sidecar_node_shim::{BlockData, BlockRequest, Devchain, EngineBlockProver, Node, NodeConfig};
use sidecar_pcd::{KzgKey, L1Decider, Srs};

/// Powers in the dev SRS: the `tiny` node circuit has 279,533 rows.
const SRS_POWERS: usize = 1 << 19;

fn main() {
    let cpu = || AnyBackend::Cpu(Cpu::new());
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let preset = Preset::tiny();
    let srs = Srs::dev(SRS_POWERS).expect("dev srs");
    let keys = folding_keys(&preset, Some(&srs), cpu()).expect("folding keys");
    let decider = L1Decider::new(&keys).expect("decider");
    let t = Instant::now();
    let key = decider.generate_key(&mut rng).expect("decider key");
    let constraints = key.key.r1cs.num_constraints();
    let key_s = t.elapsed().as_secs_f64();
    let prepared = PreparedCommittedKey::from_key(&Cpu::new(), key).expect("prepared key");
    let kzg = KzgKey::new(&srs, cpu()).expect("kzg");
    let words = decider_key_words(prepared.verifying_key(), &kzg.verifier());
    println!(
        "decider: {constraints} constraints, {} committed values; key {key_s:.1} s; peak RSS {} MiB",
        decider.committed(),
        rss::peak_rss_mib()
    );

    let tmp = tempfile::tempdir().expect("temp dir");
    let runtime = Profile::load("minimum")
        .expect("bundled profile")
        .apply_to(&Machine {
            cores: 2,
            ram_bytes: 64 << 30,
        })
        .expect("profile applies");
    let prover = EngineBlockProver::new(
        Engine::with_runtime(runtime, Cpu::new()),
        preset.clone(),
        &tmp.path().join("keys"),
        &tmp.path().join("bundles"),
    )
    .expect("engine prover")
    .with_decider_key(words.clone());
    let mut chain = Devchain::new(6, 9);
    let mut config = NodeConfig::new(2, 1, 2);
    config.txs_per_block = 2;
    let mut node = Node::setup(&mut chain, &prover, config).expect("deployed");
    let slot = node.first_slot;
    let (report, data) = node.open_slot(slot).expect("slot opened");
    let (data, committed) = (
        data.expect("block revealed"),
        report.prover.expect("a prover committed"),
    );
    let header = BlockData::decode(&data).expect("block data").header;
    let request = BlockRequest {
        slot,
        prev_archive: node.archive().expect("archive"),
        data: data.clone(),
        prover: committed,
    };
    let (tree, txs) = prover.block_tree(&request).expect("block tree");
    let out = tmp.path().join("folded");
    let t = Instant::now();
    prove_block_folded(
        prover.engine().runtime(),
        cpu(),
        FoldRequest {
            preset: &preset,
            tree: &tree,
            txs,
            seed: 5,
            srs: Some(&srs),
        },
        &out,
        &mut |_, _| {},
    )
    .expect("folded");
    let fold_s = t.elapsed().as_secs_f64();
    let node_proof = read_node(&out.join(ROOT_FILE)).expect("root node");
    let t = Instant::now();
    let root = decider
        .prove(&Cpu::new(), &prepared, &kzg, &node_proof, &mut rng)
        .expect("decided");
    println!(
        "{txs}-tx block: {} nodes folded in {fold_s:.1} s; decider proof {:.1} s; peak RSS {} MiB",
        tree.nodes().len(),
        t.elapsed().as_secs_f64(),
        rss::peak_rss_mib()
    );
    let rollup = node.deployment.rollup;
    let receipt = send(
        node.l1(),
        committed,
        rollup,
        &submit_folded_call(slot, &header, &root),
        U256::ZERO,
    )
    .expect("accepted on L1");
    println!("submitFoldedProof: {} gas", receipt.gas_used);

    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let path = args.get(i + 1).expect("--write FILE");
        let mut value = root_json(&words, &root);
        value["slot"] = json!(slot);
        value["data"] = json!(format!("0x{}", hex::encode(&data)));
        value["about"] = json!(
            "A 2-tx tiny block folded and decided for the L1 (node-shim/examples/folded_block.rs --write)"
        );
        let text = serde_json::to_string_pretty(&value).expect("JSON") + "\n";
        std::fs::write(path, text).expect("fixture written");
        println!("wrote {path}");
    }
}
