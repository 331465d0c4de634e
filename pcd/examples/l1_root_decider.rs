//! Decides a real root for the L1, end to end: a two-leaf tree of the synthetic step on a dev
//! SRS, the decider's Groth16 key ([`sidecar_pcd::L1Decider::generate_key`]), the proof, and
//! both checks the L1 makes — the commitments it folds equal the proof's KZG commitments, and
//! the proof verifies ([`sidecar_pcd::L1Proof::verify`], through ark-groth16's verifier).
//! Prints constraints, times, the proving key's size and the peak memory.
//!
//! ```text
//! cargo run -p sidecar-pcd --release --example l1_root_decider
//! ```
//! The key generation needs more than 24 GB at 8.5M constraints (the inlined matrices;
//! docs/pcd.md), more than the 2-core CI VM has. Not a test.

#[path = "common/rss.rs"]
mod rss;

use std::time::Instant;

use ark_ff::UniformRand;
use ark_serialize::{CanonicalSerialize, Compress};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::PreparedCommittedKey;
use sidecar_kernels::{AnyBackend, Cpu};
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
    let prepared = PreparedCommittedKey::new(&Cpu::new(), &key).expect("prepared key");
    let prepare_s = t.elapsed().as_secs_f64();
    drop(key);

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
}
