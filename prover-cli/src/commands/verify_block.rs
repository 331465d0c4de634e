//! `sidecar verify-block DIR`: verifies a bundle from its files alone — every proof with
//! ark-groth16 under the bundle's verifying keys (their SHA-256 checked), both proof encodings,
//! the tree linkage and the header — independently of the process that proved it.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use sidecar_engine::block::{encode_bundle, verify_bundle_with};

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
    /// Also write the interim L1 encoding (JSON, see docs/prove-block.md) here.
    #[arg(long)]
    pub l1_out: Option<PathBuf>,
}

/// Runs `verify-block`; an invalid bundle is an error (non-zero exit).
pub fn run(args: VerifyBlockArgs) -> Result<(), BoxError> {
    let t = Instant::now();
    let report = verify_bundle_with(&args.dir, args.trusted_keys.as_deref())?;
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
        let batch = encode_bundle(&args.dir)?;
        std::fs::write(path, serde_json::to_string_pretty(&batch)?)?;
        println!("L1 encoding written to {}", path.display());
    }
    Ok(())
}
