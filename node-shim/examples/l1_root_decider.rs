//! Decides a real root for the L1, end to end: a two-leaf tree of the synthetic step on a dev
//! SRS, the decider's Groth16 key ([`sidecar_pcd::L1Decider::generate_key`]), the proof, and
//! both checks the L1 makes — the commitments it folds equal the proof's KZG commitments, and
//! the proof verifies ([`sidecar_pcd::L1Proof::verify`], through ark-groth16's verifier).
//! Prints constraints, times, the proving key's size and the peak memory.
//!
//! ```text
//! cargo run -p sidecar-node-shim --release --example l1_root_decider [-- --write FILE]
//! ```
//! With `--write`, also writes what the L1 is given (the decider's key words, the fold data, the
//! state, the proof) as JSON of 32-byte big-endian hex words: `node-shim/tests/integration/decider_verifier.rs`
//! checks that fixture on the EVM. About 8 minutes and 18 GB on the 2-core VM (docs/pcd.md).
//! Not a test.

#[path = "../../pcd/examples/common/rss.rs"]
mod rss;

use std::time::Instant;

use ark_ff::UniformRand;
use ark_serialize::{CanonicalSerialize, Compress};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::json;
use sidecar_groth16::PreparedCommittedKey;
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_node_shim::folded::{decider_key_words, root_json};
use sidecar_pcd::{
    ChainStep, Fr, KzgKey, L1Decider, Srs, fold_instance, prove_leaf, prove_pair, setup_on_srs,
};

fn main() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let srs = Srs::dev(1 << 18).expect("srs");
    let cpu = || AnyBackend::Cpu(Cpu::new());
    let keys = setup_on_srs(ChainStep::new(1), &srs, cpu(), &mut rng).expect("pcd keys");
    let a = prove_leaf(&keys, Fr::rand(&mut rng), &mut rng).expect("leaf");
    let b = prove_leaf(&keys, Fr::rand(&mut rng), &mut rng).expect("leaf");
    let root = prove_pair(&keys, &a, &b, &mut rng).expect("root");
    let kzg = KzgKey::new(&srs, cpu()).expect("kzg");
    let decider = L1Decider::new(&keys).expect("decider");
    println!("committed values: {}", decider.committed());

    let t = Instant::now();
    let key = decider.generate_key(&mut rng).expect("decider key");
    let keys_s = t.elapsed().as_secs_f64();
    let constraints = key.key.r1cs.num_constraints();
    let key_mib = (key.key.crs.serialized_size(Compress::No)
        + key.knowledge_bases.serialized_size(Compress::No)) as f64
        / (1 << 20) as f64;
    println!("constraints: {constraints}; keys {keys_s:.1} s; proving key {key_mib:.0} MiB");
    let t = Instant::now();
    let prepared = PreparedCommittedKey::from_key(&Cpu::new(), key).expect("prepared key");
    let prepare_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let proof = decider
        .prove(&Cpu::new(), &prepared, &kzg, &root, &mut rng)
        .expect("decider proof");
    let prove_s = t.elapsed().as_secs_f64();
    let f = &proof.fold;
    let folded = fold_instance(&f.running, &f.fresh, &f.cross, f.statement.r);
    assert_eq!(
        proof.proof.commitments,
        [folded.witness, folded.error],
        "the L1's folded commitments are the proof's KZG commitments"
    );
    assert_eq!(proof.proof.statement, [f.statement.hash()]);
    let t = Instant::now();
    let ok = proof
        .proof
        .verify(prepared.verifying_key(), &kzg.verifier())
        .expect("well-formed");
    let verify_s = t.elapsed().as_secs_f64();
    assert!(ok, "the decider proof verifies");
    println!(
        "prepare {prepare_s:.1} s; prove {prove_s:.1} s; verify {verify_s:.3} s; peak RSS {} MiB",
        rss::peak_rss_mib()
    );
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let path = args.get(i + 1).expect("--write FILE");
        let mut value = root_json(
            &decider_key_words(prepared.verifying_key(), &kzg.verifier()),
            &proof,
        );
        value["about"] = json!(
            "A root decided for the L1 by sidecar_pcd::L1Decider (node-shim/examples/l1_root_decider.rs --write)"
        );
        let text = serde_json::to_string_pretty(&value).expect("JSON") + "\n";
        std::fs::write(path, text).expect("fixture written");
        println!("wrote {path}");
    }
}
