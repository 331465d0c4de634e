//! Decides a real root for the L1, end to end: a two-leaf tree of the synthetic step on a dev
//! SRS, the decider's Groth16 key ([`sidecar_pcd::L1Decider::generate_key`]), the proof, and
//! both checks the L1 makes — the commitments it folds equal the proof's KZG commitments, and
//! the proof verifies ([`sidecar_pcd::L1Proof::verify`], through ark-groth16's verifier).
//! Prints constraints, times, the proving key's size and the peak memory.
//!
//! ```text
//! cargo run -p sidecar-pcd --release --example l1_root_decider [-- --write FILE]
//! ```
//! With `--write`, also writes what the L1 is given (the decider's key words, the fold data, the
//! state, the proof) as JSON of 32-byte big-endian hex words: `node-shim/tests/decider_verifier.rs`
//! checks that fixture on the EVM. About 8 minutes and 18 GB on the 2-core VM (docs/pcd.md).
//! Not a test.

#[path = "common/rss.rs"]
mod rss;

use std::time::Instant;

use ark_bn254::G1Affine;
use ark_ff::UniformRand;
use ark_serialize::{CanonicalSerialize, Compress};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::json;
use sidecar_groth16::PreparedCommittedKey;
use sidecar_groth16::evm::{field_be, g1_be, proof_be};
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{
    ChainStep, Fr, KzgKey, L1Decider, RootProof, Srs, fold_instance, key_words, prove_leaf,
    prove_pair, setup_on_srs,
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
        let words = key_words(prepared.verifying_key(), &kzg.verifier());
        std::fs::write(path, fixture(&words, &proof)).expect("fixture written");
        println!("wrote {path}");
    }
}

/// The L1's inputs for `root` under the key `words`, as JSON.
fn fixture(words: &[[u8; 32]], root: &RootProof) -> String {
    let hex = |w: &[u8; 32]| {
        json!(format!(
            "0x{}",
            w.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ))
    };
    let fr = |x: &Fr| hex(&field_be(*x));
    let point = |p: &G1Affine| json!(g1_be(p).iter().map(hex).collect::<Vec<_>>());
    let (f, p) = (&root.fold, &root.proof);
    let value = json!({
        "about": "A root decided for the L1 by sidecar_pcd::L1Decider (pcd/examples/l1_root_decider.rs --write)",
        "key": words.iter().map(hex).collect::<Vec<_>>(),
        "running": {
            "witness": point(&f.running.witness),
            "error": point(&f.running.error),
            "u": fr(&f.running.u),
            "x": f.running.x.iter().map(fr).collect::<Vec<_>>(),
        },
        "fresh": {
            "witness": point(&f.fresh.witness),
            "x": f.fresh.x.iter().map(fr).collect::<Vec<_>>(),
        },
        "cross": point(&f.cross),
        "state": f.statement.state.iter().map(fr).collect::<Vec<_>>(),
        "proof": {
            "groth16": proof_be(&p.proof.proof.0).iter().map(hex).collect::<Vec<_>>(),
            "commitment": point(&p.proof.commitment),
            "knowledge": point(&p.proof.knowledge),
            "opening": point(&p.opening),
        },
        "values": p.values.iter().map(fr).collect::<Vec<_>>(),
        "statement": fr(&f.statement.hash()),
    });
    serde_json::to_string_pretty(&value).expect("JSON") + "\n"
}
