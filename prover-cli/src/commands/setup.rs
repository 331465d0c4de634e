//! `sidecar setup`: the KZG reference string folded blocks are proven over (`prove-block
//! --proof-system folding --srs FILE`), from a ceremony's `.ptau` file or the dev ceremony,
//! checked and written as one SRS file.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde_json::json;
use sidecar_engine::folding::write_srs;
use sidecar_pcd::{Origin, Srs, read_ptau};

use crate::exit::CliError;

/// G1 powers kept by default: the node circuit's longest vector at `tiny` and `devnet`
/// (494,633 constraints at `devnet`) fits.
const DEFAULT_POWERS: usize = 1 << 19;

/// Arguments of `setup`.
#[derive(Args)]
pub struct SetupArgs {
    /// A snarkjs `.ptau` file over BN254 (what public powers-of-tau ceremonies publish). Every
    /// point is checked; a file that fails a check is refused.
    #[arg(long, conflicts_with = "dev", required_unless_present = "dev")]
    pub ptau: Option<PathBuf>,
    /// The dev ceremony instead: τ is derived from a public label, so anyone can forge
    /// openings. For the quick start and tests only, never for a real chain.
    #[arg(long)]
    pub dev: bool,
    /// G1 powers to keep: the longest vector a folding key commits to must fit.
    #[arg(long, default_value_t = DEFAULT_POWERS)]
    pub powers: usize,
    /// The SRS file to write (replaced if it exists).
    #[arg(long, env = "SIDECAR_SRS", default_value = "out/srs.bin")]
    pub out: PathBuf,
    /// Print what was written as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Runs `setup`.
pub fn run(args: SetupArgs) -> Result<(), CliError> {
    let t = Instant::now();
    let srs = match &args.ptau {
        Some(path) => read_ptau(path, args.powers)
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?,
        None => Srs::dev(args.powers).map_err(|e| CliError::input(e.to_string()))?,
    };
    write_srs(&args.out, &srs)?;
    let digest = hex::encode(srs.digest());
    let (source, ceremony) = match srs.origin() {
        Origin::Dev => ("dev".to_string(), json!(null)),
        Origin::Ptau { sha256, power } => (
            "ptau".to_string(),
            json!({ "sha256": hex::encode(sha256), "power": power }),
        ),
    };
    if args.json {
        return super::print_json(&json!({
            "srs": args.out.display().to_string(),
            "powers": srs.len(),
            "digest": digest,
            "source": source,
            "ptau": ceremony,
            "seconds": t.elapsed().as_secs_f64(),
        }));
    }
    if srs.origin() == &Origin::Dev {
        tracing::warn!(
            "dev SRS: τ is public, anyone can forge openings; never use it on a real chain"
        );
    }
    println!(
        "SRS of {} powers ({source}{}) checked and written to {} in {:.1} s; digest {digest}",
        srs.len(),
        match srs.origin() {
            Origin::Ptau { power, .. } => format!(", ceremony power {power}"),
            Origin::Dev => String::new(),
        },
        args.out.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
