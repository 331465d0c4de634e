//! Measures the decider's primary half in the L1 format (`RelaxedCheck` proved with
//! commit-and-prove Groth16 and opened with KZG) for a random relaxed instance of a synthetic
//! R1CS of `m` rows and `m` witness variables: constraints, committed values, key generation,
//! preparation, proving and native verification time, proving-key size and peak memory.
//!
//! ```text
//! cargo run -p sidecar-pcd --release --example l1_decider_bench -- <m> [<m> ...]
//! ```
//! Prints one markdown table row per `m`. Peak memory is the process high-water mark, so run one
//! `m` per process when comparing sizes.

#[path = "common/rss.rs"]
mod rss;

use std::time::Instant;

use ark_bn254::Fr;
use ark_ff::UniformRand;
use ark_serialize::{CanonicalSerialize, Compress};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::synthetic::Synthetic;
use sidecar_groth16::{CommittedKey, PreparedCommittedKey, synthesize_matrices};
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{KzgKey, RelaxedCheck, Srs, prove_l1, relaxed_error};

fn main() {
    println!(
        "| R1CS rows | decider constraints | committed | keys (s) | prepare (s) | prove (s) | verify (s) | proving key (MiB) | peak RSS (MiB) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for arg in std::env::args().skip(1) {
        let m: usize = arg.parse().expect("a row count");
        let mut rng = ChaCha20Rng::seed_from_u64(m as u64);
        let r1cs = synthesize_matrices(Synthetic::new(m, 1, 1)).expect("matrices");
        let committed = r1cs.num_witness as usize + r1cs.num_constraints();
        let t = Instant::now();
        let key =
            CommittedKey::generate(RelaxedCheck::shape(&r1cs), committed, &mut rng).expect("keys");
        let keys_s = t.elapsed().as_secs_f64();
        let constraints = key.key.r1cs.num_constraints();
        let key_mib = (key.key.crs.serialized_size(Compress::No)
            + key.knowledge_bases.serialized_size(Compress::No)) as f64
            / (1 << 20) as f64;
        let t = Instant::now();
        let prepared = PreparedCommittedKey::new(&Cpu::new(), &key).expect("prepared");
        let prepare_s = t.elapsed().as_secs_f64();
        drop(key);
        let srs = Srs::dev(m.next_power_of_two()).expect("srs");
        let kzg = KzgKey::new(&srs, AnyBackend::Cpu(Cpu::new())).expect("kzg");
        let u = Fr::rand(&mut rng);
        let x = vec![Fr::rand(&mut rng)];
        let w: Vec<Fr> = (0..r1cs.num_witness).map(|_| Fr::rand(&mut rng)).collect();
        let e = relaxed_error(&r1cs, u, &x, &w).expect("error vector");
        let check = RelaxedCheck::new(&r1cs, u, x.clone(), w.clone(), e.clone(), Fr::from(0u64));
        let polys = check.polys();
        let t = Instant::now();
        let proof = prove_l1(
            &Cpu::new(),
            &prepared,
            &kzg,
            &polys,
            &polys.concat(),
            &check.statement(),
            |zeta| RelaxedCheck::new(&r1cs, u, x.clone(), w.clone(), e.clone(), zeta),
            &mut rng,
        )
        .expect("proof");
        let prove_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        assert!(
            proof
                .verify(prepared.verifying_key(), &kzg.verifier())
                .expect("verdict")
        );
        let verify_s = t.elapsed().as_secs_f64();
        println!(
            "| {m} | {constraints} | {committed} | {keys_s:.1} | {prepare_s:.1} | {prove_s:.1} | {verify_s:.2} | {key_mib:.0} | {} |",
            rss::peak_rss_mib()
        );
    }
}
