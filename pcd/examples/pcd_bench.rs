//! Measures one PCD configuration: node and CycleFold circuit sizes, time per leaf and per
//! node, accumulator sizes and peak memory (up to the single node), and the time of a depth-3
//! tree (8 leaves, 7 nodes), for a step of about `2^k` constraints.
//!
//! ```text
//! cargo run -p sidecar-pcd --release --example pcd_bench -- <k> [<k> ...]
//! ```
//! Prints one markdown table row per `k`. Peak memory is the process high-water mark, so run
//! one `k` per process when comparing sizes.

#[path = "common/rss.rs"]
mod rss;

use std::time::Instant;

use ark_ff::UniformRand;
use ark_grumpkin::GrumpkinConfig;
use ark_r1cs_std::{alloc::AllocVar, eq::EqGadget};
use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};
use ark_serialize::CanonicalSerialize;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{
    ChainStep, Fq, Fr, G2, KernelPedersenGadget, KernelPedersenKey, KeyVar, NodeCircuit, NodeProof,
    NodeWitness, PcdKeys, Step, decide, finish_node, fold_children, prove_leaf, prove_tree, setup,
};
use sonobe_primitives::{
    algebra::{Val, field::emulated::EmulatedFieldVar},
    commitments::CommitmentOpsGadget,
    utils::null::Null,
};

/// Node-circuit constraints per chained Poseidon hash (circom parameters, width 5), measured
/// as the difference between chain lengths 1 and 0.
fn constraints_per_hash() -> usize {
    let n = |len| {
        setup(
            ChainStep::new(len),
            AnyBackend::Cpu(Cpu::new()),
            ChaCha20Rng::seed_from_u64(0),
        )
        .expect("setup")
        .node_config()
        .n_constraints
    };
    n(1) - n(0)
}

fn instance_bytes(p: &NodeProof) -> [usize; 4] {
    let g = |x: &dyn Fn(&mut Vec<u8>)| {
        let mut v = Vec::new();
        x(&mut v);
        v.len()
    };
    let running = g(&|v| {
        (
            p.running_u.cm_e,
            p.running_u.u,
            p.running_u.cm_w,
            &p.running_u.x,
        )
            .serialize_compressed(v)
            .expect("serialize")
    });
    let cf = g(&|v| {
        (p.cf_u.cm_e, p.cf_u.u, p.cf_u.cm_w, &p.cf_u.x)
            .serialize_compressed(v)
            .expect("serialize")
    });
    let fresh = g(&|v| {
        (p.fresh_u.cm_w, &p.fresh_u.x)
            .serialize_compressed(v)
            .expect("serialize")
    });
    let state = g(&|v| p.state.serialize_compressed(v).expect("serialize"));
    [running, cf, fresh, state]
}

fn witness_bytes(keys: &PcdKeys<ChainStep>) -> [usize; 3] {
    let (c1, c2) = (keys.node_config(), keys.cyclefold_config());
    [
        32 * (c1.n_witnesses + c1.n_constraints),
        32 * c1.n_witnesses,
        32 * (c2.n_witnesses + c2.n_constraints),
    ]
}

/// Constraints per phase of the node circuit (placeholder assignment, setup mode).
fn profile(keys: &PcdKeys<ChainStep>) -> String {
    let (cfg1, cfg2) = (keys.node_config(), keys.cyclefold_config());
    let witness = NodeWitness::placeholder(&cfg1, &cfg2, None, keys.step.width());
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    let mut profile = Vec::new();
    NodeCircuit {
        step: &keys.step,
        poseidon: &keys.poseidon,
        cfg1: &cfg1,
        cfg2: &cfg2,
        witness: &witness,
    }
    .synthesize_profiled(cs, &mut profile)
    .expect("synthesis");
    let mut out = format!(
        "node circuit, constraints per phase (chain of {}):\n",
        keys.step.chain_len()
    );
    let mut last = 0;
    for (name, total) in profile {
        out += &format!("  {name}: {}\n", total - last);
        last = total;
    }
    out
}

/// In-circuit (over `Fr`) costs the decider projection is built from: one Grumpkin Pedersen
/// term `v_i * G_i` (emulated `Fq` scalar), and one emulated `Fq` product with reduction.
fn decider_ingredients() -> (usize, usize) {
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let n = 16;
    let key = KernelPedersenKey::<GrumpkinConfig>::sample(n, &mut rng).expect("key");
    let v: Vec<Fq> = (0..n).map(|_| Fq::rand(&mut rng)).collect();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let ck = KeyVar::new_constant(cs.clone(), &key).expect("key var");
    let vs = Vec::<EmulatedFieldVar<Fr, Fq>>::new_witness(cs.clone(), || Ok(&v[..])).expect("v");
    let cm = <G2 as Val>::Var::new_witness(cs.clone(), || Ok(key.commit(&v).expect("commit")))
        .expect("cm");
    let before = cs.num_constraints();
    KernelPedersenGadget::<GrumpkinConfig>::open(&ck, &vs, &Null, &cm).expect("open");
    let per_term = (cs.num_constraints() - before) / n;

    let cs = ConstraintSystem::<Fr>::new_ref();
    let (a, b) = (Fq::rand(&mut rng), Fq::rand(&mut rng));
    let av = EmulatedFieldVar::<Fr, Fq>::new_witness(cs.clone(), || Ok(a)).expect("a");
    let bv = EmulatedFieldVar::<Fr, Fq>::new_witness(cs.clone(), || Ok(b)).expect("b");
    let cv = EmulatedFieldVar::<Fr, Fq>::new_witness(cs.clone(), || Ok(a * b)).expect("c");
    let before = cs.num_constraints();
    let prod: EmulatedFieldVar<Fr, Fq> = (av * &bv).try_into().expect("reduce");
    prod.enforce_equal(&cv).expect("eq");
    (per_term, cs.num_constraints() - before)
}

fn main() {
    let ks: Vec<u32> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("k is an integer"))
        .collect();
    let per_hash = constraints_per_hash();
    println!("constraints per chained Poseidon hash: {per_hash}");
    let (per_term, per_mul) = decider_ingredients();
    println!(
        "in-circuit over Fr: Grumpkin Pedersen term {per_term}, emulated Fq product {per_mul}"
    );
    let mut rows = Vec::new();
    println!(
        "| log2 step | hashes | step constraints | node constraints | CycleFold constraints | \
         setup s | leaf s | node fold s | node circuit s | decide s | U / cfU / u / z bytes | \
         W+E / w / cfW+cfE bytes | peak RSS MiB | depth-3 tree s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let ks_first = ks.first().copied().unwrap_or_default();
    let mut phases = String::new();
    for k in ks.iter().copied() {
        let hashes = ((1usize << k) / per_hash).max(1);
        let t = Instant::now();
        let keys = setup(
            ChainStep::new(hashes),
            AnyBackend::Cpu(Cpu::new()),
            &mut rng,
        )
        .expect("setup");
        let setup_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let a = prove_leaf(&keys, ark_bn254::Fr::rand(&mut rng), &mut rng).expect("leaf");
        let leaf_s = t.elapsed().as_secs_f64();
        let b = prove_leaf(&keys, ark_bn254::Fr::rand(&mut rng), &mut rng).expect("leaf");
        let t = Instant::now();
        let folding = fold_children(&keys, &a, &b, &mut rng).expect("fold");
        let fold_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let node = finish_node(&keys, folding, &mut rng).expect("node");
        let circuit_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        decide(&keys, &node).expect("decider accepts");
        let decide_s = t.elapsed().as_secs_f64();
        let peak = rss::peak_rss_mib();
        let leaves: Vec<Fr> = (0..8).map(|_| Fr::rand(&mut rng)).collect();
        let t = Instant::now();
        let root = prove_tree(&keys, &leaves, &mut rng).expect("tree");
        let tree_s = t.elapsed().as_secs_f64();
        decide(&keys, &root).expect("decider accepts the root");
        let (c1, c2) = (keys.node_config(), keys.cyclefold_config());
        let [ru, cu, fu, z] = instance_bytes(&node);
        let [rw, fw, cw] = witness_bytes(&keys);
        let (m1, n1) = (c1.n_constraints, c1.n_witnesses);
        let (m2, n2) = (c2.n_constraints, c2.n_witnesses);
        let projected = 2 * m1 + (n1 + m1) + 2 * m2 * per_mul + (n2 + m2) * per_term;
        rows.push(format!("| {k} | {m1} | {n1} | {projected} |"));
        if k == ks_first {
            phases = profile(&keys);
        }
        println!(
            "| {k} | {hashes} | {} | {} | {} | {setup_s:.1} | {leaf_s:.2} | {fold_s:.2} | \
             {circuit_s:.2} | {decide_s:.2} | {ru} / {cu} / {fu} / {z} | {rw} / {fw} / {cw} | \
             {peak} | {tree_s:.1} |",
            hashes * per_hash,
            c1.n_constraints,
            c2.n_constraints,
        );
    }
    print!("{phases}");
    println!("projected decider circuit (constraints over Fr):");
    println!("| log2 step | node m1 | node n1 | projected decider |");
    println!("|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
