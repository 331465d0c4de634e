//! `sidecar verify-block DIR`: verifies a bundle from its files alone — every proof with
//! ark-groth16 under the bundle's verifying keys (their SHA-256 checked), both proof encodings,
//! the tree linkage and the header — independently of the process that proved it. A folded
//! bundle (`prove-block --proof-system folding`) is checked by the native decider instead.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde_json::json;
use sidecar_circuits::CircuitKind;
use sidecar_engine::block::{ProvenBlock, read_bundle, verify_block};
use sidecar_engine::folding::{is_folded_bundle, verify_folded_bundle};
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_node_shim::proof::{BlockProof, encode_vk};

use crate::exit::CliError;

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
    /// The KZG reference string a folded bundle was proven over (`prove-block --srs`); its
    /// digest must be the one the manifest names.
    #[arg(long, env = "SIDECAR_SRS")]
    pub srs: Option<PathBuf>,
    /// Print the verdict as JSON on stdout (also when the bundle is rejected).
    #[arg(long)]
    pub json: bool,
}

/// Runs `verify-block`: exit 0 for a valid bundle, 3 for a rejected one, 4 for a malformed one.
pub fn run(args: VerifyBlockArgs) -> Result<(), CliError> {
    if is_folded_bundle(&args.dir) {
        return run_folded(args);
    }
    if args.srs.is_some() {
        return Err(CliError::usage(
            "--srs applies to folded bundles: a Groth16 bundle carries its keys",
        ));
    }
    let t = Instant::now();
    let verdict = read_bundle(&args.dir, args.trusted_keys.as_deref())
        .and_then(|block| verify_block(&block).map(|report| (block, report)));
    let (block, report) = verdict_or_exit(verdict, args.json)?;
    let keys = match &args.trusted_keys {
        Some(k) => format!("keys equal to {}", k.display()),
        None => "under its own keys (pass --trusted-keys to pin them)".into(),
    };
    if let Some(path) = &args.l1_out {
        std::fs::write(path, serde_json::to_string_pretty(&l1_arguments(&block))?)?;
        tracing::info!("L1 encoding written to {}", path.display());
    }
    if args.json {
        let per: serde_json::Map<String, serde_json::Value> = report
            .per_circuit
            .iter()
            .map(|(c, n)| (c.name().to_string(), json!(n)))
            .collect();
        return super::print_json(&json!({
            "valid": true,
            "proofs": report.proofs,
            "links": report.links,
            "per_circuit": per,
            "trusted_keys": args.trusted_keys.as_ref().map(|k| k.display().to_string()),
            "calls_per_tx": block.calls_per_tx(),
            "outputs": serde_json::to_value(block.outputs())?,
            "seconds": t.elapsed().as_secs_f64(),
        }));
    }
    let per: Vec<String> = report
        .per_circuit
        .iter()
        .map(|(c, n)| format!("{n} {c}"))
        .collect();
    println!(
        "bundle {} is valid: {} proofs ({}), {} linkage checks, {keys}, in {:.2} s",
        args.dir.display(),
        report.proofs,
        per.join(", "),
        report.links,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The verification's result, or its error (also printed as `{"valid": false}` with `--json`).
fn verdict_or_exit<T>(verdict: sidecar_engine::Result<T>, json: bool) -> Result<T, CliError> {
    verdict.or_else(|e| {
        let err = CliError::from(e);
        if json {
            super::print_json(&json!({ "valid": false, "error": err.message }))?;
        }
        Err(err)
    })
}

/// `verify-block` on a folded bundle: the keys are derived from the preset, the decider runs
/// on the root, the header is checked against what the root proves.
fn run_folded(args: VerifyBlockArgs) -> Result<(), CliError> {
    if args.trusted_keys.is_some() || args.l1_out.is_some() {
        return Err(CliError::usage(
            "--trusted-keys and --l1-out apply to Groth16 bundles; a folded bundle's keys are \
             derived from its preset and it has no L1 encoding yet",
        ));
    }
    let t = Instant::now();
    let srs = super::srs_arg(args.srs.as_deref())?;
    let verdict = verify_folded_bundle(&args.dir, srs.as_ref(), AnyBackend::Cpu(Cpu::new()));
    let report = verdict_or_exit(verdict, args.json)?;
    let m = &report.manifest;
    if args.json {
        return super::print_json(&json!({
            "valid": true,
            "proof_system": m.proof_system,
            "nodes": report.nodes,
            "calls_per_tx": m.calls_per_tx,
            "outputs": serde_json::to_value(&m.outputs)?,
            "seconds": t.elapsed().as_secs_f64(),
        }));
    }
    println!(
        "folded bundle {} is valid: the decider accepts the root of {} nodes ({} txs at {}), \
         header and L1→L2 messages match the root, in {:.2} s",
        args.dir.display(),
        report.nodes,
        m.txs,
        m.preset,
        t.elapsed().as_secs_f64()
    );
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
