//! The L1 decider's size for a preset's block step, without making its key: the folding keys
//! over a dev SRS, the decider circuit synthesized in setup mode (`sidecar_pcd::L1Decider`), and
//! its constraints, variables, committed values and non-zero matrix entries, with the time and
//! the process's peak resident set. Sizes the decider key before spending the minutes and
//! gigabytes making it (`BlockDecider::open`).
//!
//! ```text
//! cargo run -p sidecar-engine --release --example decider_shape -- tiny|devnet|aztec [POWERS]
//! ```
//! `POWERS` (default 2^19) must cover the node circuit's longest committed vector.

#[path = "../../pcd/examples/common/rss.rs"]
mod rss;

use std::time::Instant;

use sidecar_circuits::{Preset, PresetName};
use sidecar_engine::folding::folding_keys;
use sidecar_groth16::synthesize_matrices;
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{L1Decider, Srs};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = match args.first().map(String::as_str) {
        Some("tiny") => PresetName::Tiny,
        Some("devnet") => PresetName::Devnet,
        Some("aztec") => PresetName::Aztec,
        other => panic!("{other:?}: expected tiny, devnet or aztec"),
    };
    let powers = args
        .get(1)
        .map_or(1 << 19, |p| p.parse().expect("POWERS is a number"));
    let preset = Preset::get(name);
    let t = Instant::now();
    let srs = Srs::dev(powers).expect("dev SRS");
    let keys = folding_keys(&preset, Some(&srs), AnyBackend::Cpu(Cpu::new())).expect("keys");
    let keys_s = t.elapsed().as_secs_f64();
    let node = keys.node_config().n_constraints;
    let decider = L1Decider::new(&keys).expect("decider");
    let t = Instant::now();
    let r1cs = synthesize_matrices(decider.shape()).expect("decider matrices");
    let synth_s = t.elapsed().as_secs_f64();
    let nonzeros: usize = r1cs
        .matrices
        .iter()
        .map(|m| (0..m.rows()).map(|i| m.row(i).count()).sum::<usize>())
        .sum();
    println!(
        "| preset | node constraints | decider constraints | instance | witness | committed | non-zeros | folding keys (s) | synthesis (s) | peak RSS (MiB) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {name} | {node} | {} | {} | {} | {} | {nonzeros} | {keys_s:.1} | {synth_s:.1} | {} |",
        r1cs.num_constraints(),
        r1cs.num_instance,
        r1cs.num_witness,
        decider.committed(),
        rss::peak_rss_mib()
    );
}
