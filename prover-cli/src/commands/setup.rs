//! `sidecar setup`: the KZG reference string folded blocks are proven over (`prove-block
//! --proof-system folding --srs FILE`), from a ceremony's `.ptau` file or the dev ceremony,
//! checked and written as one SRS file; with `--decider`, the key of the decider of a preset's
//! folded blocks over such an SRS, made ahead of the first submission and cached with the keys.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde_json::json;
use sidecar_circuits::Preset;
use sidecar_engine::folding::{BlockDecider, decider_key_path, write_srs};
use sidecar_pcd::{Origin, Srs, read_ptau};

use crate::args::ProverArgs;
use crate::exit::CliError;

/// G1 powers kept by default: the node circuit's longest vector at `tiny` and `devnet`
/// (494,633 constraints at `devnet`) fits.
const DEFAULT_POWERS: usize = 1 << 19;

/// Arguments of `setup`.
#[derive(Args)]
pub struct SetupArgs {
    /// A snarkjs `.ptau` file over BN254 (what public powers-of-tau ceremonies publish). Every
    /// point is checked; a file that fails a check is refused.
    #[arg(long, conflicts_with = "dev", required_unless_present_any = ["dev", "decider"])]
    pub ptau: Option<PathBuf>,
    /// The dev ceremony instead: τ is derived from a public label, so anyone can forge
    /// openings. For the quick start and tests only, never for a real chain.
    #[arg(long)]
    pub dev: bool,
    /// Make the decider key of `--preset`'s folded blocks over the SRS `--srs` instead, and
    /// cache it in `--keys` (what `node` and `prove-block --submit` with `--proof-system
    /// folding` load; minutes and about 17 GB at `devnet`). An existing key for the same circuit
    /// is kept. Whoever makes it could forge proofs for its verifier: a real chain takes it from
    /// a phase-2 ceremony.
    #[arg(long, conflicts_with_all = ["ptau", "dev"], requires = "srs")]
    pub decider: bool,
    /// With --decider: the SRS file the blocks are folded over.
    #[arg(long, requires = "decider")]
    pub srs: Option<PathBuf>,
    #[command(flatten)]
    pub prover: ProverArgs,
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

/// Runs `setup --decider`.
fn decider(args: SetupArgs) -> Result<(), CliError> {
    let srs = super::srs_arg(args.srs.as_deref())?.expect("clap requires --srs");
    let engine = super::engine_for(&args.prover.machine)?;
    let preset = Preset::get(args.prover.preset.into());
    let t = Instant::now();
    let (_, outcome) = BlockDecider::open(
        engine.runtime(),
        &preset,
        &srs,
        engine.groth16().backend().clone(),
        &args.prover.keys,
    )?;
    let path = decider_key_path(&args.prover.keys, &preset);
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let digest = hex::encode(srs.digest());
    if args.json {
        return super::print_json(&json!({
            "key": path.display().to_string(),
            "preset": preset.name.to_string(),
            "srs_digest": digest,
            "outcome": format!("{outcome:?}"),
            "bytes": bytes,
            "seconds": t.elapsed().as_secs_f64(),
        }));
    }
    println!(
        "decider key of {} blocks over SRS {digest}: {outcome:?} in {:.1} s, {} ({:.0} MiB)",
        preset.name,
        t.elapsed().as_secs_f64(),
        path.display(),
        bytes as f64 / 1048576.0
    );
    Ok(())
}

/// Runs `setup`.
pub fn run(args: SetupArgs) -> Result<(), CliError> {
    if args.decider {
        return decider(args);
    }
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
