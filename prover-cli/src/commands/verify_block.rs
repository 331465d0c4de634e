//! `sidecar verify-block DIR`: verifies a bundle from its files alone — every proof with
//! ark-groth16 under the bundle's verifying keys (their SHA-256 checked), both proof encodings,
//! the tree linkage and the header — independently of the process that proved it.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde_json::json;
use sidecar_circuits::CircuitKind;
use sidecar_engine::block::{ProvenBlock, read_bundle, verify_block};
use sidecar_node_shim::proof::{BlockProof, encode_vk};

use super::BoxError;

/// Arguments of `verify-block`.
#[derive(Args)]
pub struct VerifyBlockArgs {
    /// Bundle directory written by `prove-block`.
    pub dir: PathBuf,
    /// Directory of trusted verifying keys (`<circuit>.vk`, the layout of a bundle's `keys/`):
    /// the bundle's keys must be byte-identical to them. Without it, the bundle is checked
    /// against the keys it carries.
    #[arg(long)]
    pub trusted_keys: Option<PathBuf>,
    /// Also write the rollup contract's arguments for this block (JSON: `callsPerTx`, `proofs`,
    /// `inputs`, and the verifying keys by slot; see docs/prove-block.md) here.
    #[arg(long)]
    pub l1_out: Option<PathBuf>,
}

/// Runs `verify-block`; an invalid bundle is an error (non-zero exit).
pub fn run(args: VerifyBlockArgs) -> Result<(), BoxError> {
    let t = Instant::now();
    let block = read_bundle(&args.dir, args.trusted_keys.as_deref())?;
    let report = verify_block(&block)?;
    let per: Vec<String> = report
        .per_circuit
        .iter()
        .map(|(c, n)| format!("{n} {c}"))
        .collect();
    let keys = match &args.trusted_keys {
        Some(k) => format!("keys equal to {}", k.display()),
        None => "under its own keys (pass --trusted-keys to pin them)".into(),
    };
    println!(
        "bundle {} is valid: {} proofs ({}), {} linkage checks, {keys}, in {:.2} s",
        args.dir.display(),
        report.proofs,
        per.join(", "),
        report.links,
        t.elapsed().as_secs_f64()
    );
    if let Some(path) = &args.l1_out {
        std::fs::write(path, serde_json::to_string_pretty(&l1_arguments(&block))?)?;
        println!("L1 encoding written to {}", path.display());
    }
    Ok(())
}

/// What the rollup contract takes for `block`: its calls per tx, proof words and input words,
/// and the verifying keys by slot (`null` for a circuit the block does not use).
fn l1_arguments(block: &ProvenBlock) -> serde_json::Value {
    let word = |w: &alloy::primitives::U256| format!("{w:#066x}");
    let enc = BlockProof::from_proven(block).encode();
    let keys: Vec<serde_json::Value> = CircuitKind::ALL
        .iter()
        .map(|k| match block.keys.get(k) {
            Some(vk) => json!({
                "circuit": k.name(),
                "words": encode_vk(vk.inner()).iter().map(word).collect::<Vec<_>>(),
            }),
            None => json!({ "circuit": k.name(), "words": null }),
        })
        .collect();
    json!({
        "callsPerTx": block.calls_per_tx(),
        "proofs": enc.proofs.iter().map(word).collect::<Vec<_>>(),
        "inputs": enc.inputs.iter().map(word).collect::<Vec<_>>(),
        "keys": keys,
    })
}
