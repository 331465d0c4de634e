//! `sidecar capacity`: measures every circuit on this box (or reuses a recent measurement of
//! the same build, preset and backend), then answers per circuit (time and peak memory
//! against the profile's per-proof limits) and per tier (largest block in a slot, txs per
//! second, boxes for a 1,024-tx block, transfer, disk), and predicts blocks on this box.
//! `--json FILE` writes the whole report, `--plot FILE.svg` the time-against-txs curves.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use sidecar_circuits::{Preset, PresetName};
use sidecar_engine::Profile;
use sidecar_engine::capacity::{
    CapacityReport, FLEET_BLOCK_TXS, MAX_PLANNED_TXS, MeasureRequest, Measurement, Planner,
};
use sidecar_engine::jobs::KeyCache;

use crate::args::ProverArgs;
use crate::exit::CliError;

const MIB: f64 = 1048576.0;

/// Which proof systems to plan for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SystemsArg {
    /// Groth16 only (one proof per node).
    Groth16,
    /// Groth16 and the folded tree.
    Both,
}

/// Arguments of `capacity`.
#[derive(Args)]
pub struct CapacityArgs {
    #[command(flatten)]
    pub prover: ProverArgs,
    /// Slot length in seconds: the time a block's proof has.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub slot_seconds: u64,
    /// Block sizes to predict on this box under --profile (txs, comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "16,64",
          value_parser = clap::value_parser!(u64).range(1..=MAX_PLANNED_TXS as u64))]
    pub txs: Vec<u64>,
    /// Proof systems to measure and plan.
    #[arg(long, value_enum, default_value_t = SystemsArg::Both)]
    pub proof_systems: SystemsArg,
    /// Measure again even if a recent measurement of this build is stored.
    #[arg(long)]
    pub remeasure: bool,
    /// Reuse a stored measurement at most this many hours old.
    #[arg(long, default_value_t = 168)]
    pub max_age_hours: u64,
    /// Write the report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the plot (SVG) to this file.
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

/// Runs `capacity`.
pub fn run(args: CapacityArgs) -> Result<(), CliError> {
    let profile = super::load_profile(&args.prover.machine.profile)?;
    let (backend, why) = profile.backend(args.prover.machine.backend.into())?;
    tracing::info!("backend: {why}");
    let preset = Preset::get(PresetName::from(args.prover.preset));
    let cache = KeyCache::new(&args.prover.keys)?;
    let scratch = args.prover.keys.join("capacity-scratch");
    let req = MeasureRequest {
        preset: &preset,
        backend,
        cache: &cache,
        build: crate::VERSION,
        folding: args.proof_systems == SystemsArg::Both,
        scratch: &scratch,
    };
    let stored = (!args.remeasure)
        .then(|| Measurement::stored(&req, args.max_age_hours * 3600))
        .flatten();
    let measurement = match stored {
        Some(m) => {
            tracing::info!(
                "reusing the measurement stored in {}",
                cache.dir().display()
            );
            m
        }
        None => {
            let t = Instant::now();
            let m = Measurement::take(&req, &mut |what| tracing::info!("measuring {what}"))?;
            tracing::info!("measured in {:.0} s", t.elapsed().as_secs_f64());
            m
        }
    };
    let tiers = tiers(&profile)?;
    let txs: Vec<usize> = args.txs.iter().map(|&t| t as usize).collect();
    let planner = Planner::new(&measurement, &preset);
    let report = planner.report(&profile, &tiers, args.slot_seconds as f64, &txs)?;
    print_report(&report);
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
        println!("report written to {}", path.display());
    }
    if let Some(path) = &args.plot {
        crate::plot::write_svg(&report, path)?;
        println!("plot written to {}", path.display());
    }
    Ok(())
}

/// The built-in CPU tiers, and `profile` too when it is not one of them.
fn tiers(profile: &Profile) -> Result<Vec<Profile>, CliError> {
    let mut tiers = ["minimum", "recommended", "ideal"]
        .into_iter()
        .map(super::load_profile)
        .collect::<Result<Vec<_>, _>>()?;
    if !tiers.iter().any(|t| t.name == profile.name) && !profile.gpu {
        tiers.push(profile.clone());
    }
    Ok(tiers)
}

fn load_text(load: Option<[f64; 3]>) -> String {
    load.map_or("n/a".into(), |l| {
        format!("{:.2} {:.2} {:.2}", l[0], l[1], l[2])
    })
}

fn print_report(r: &CapacityReport) {
    let m = &r.measurement;
    println!(
        "measured: preset {} on {}, this box {} cores / {:.1} GiB, build {}; load average \
         before {}, after {}",
        m.preset,
        m.backend,
        m.machine_cores,
        m.machine_ram_bytes as f64 / (MIB * 1024.0),
        m.build,
        load_text(m.load_before),
        load_text(m.load_after)
    );
    println!("\nper proof, against profile {}'s limits:", r.profile);
    println!(
        "{:<8} {:<14} {:>7} {:>9} {:>9} {:>9}  {:<28} basis",
        "system", "circuit", "threads", "seconds", "peak MiB", "proof B", "verdict"
    );
    for c in &r.circuits {
        let k = &c.check;
        println!(
            "{:<8} {:<14} {:>7} {:>9.3} {:>9} {:>9}  {:<28} {}",
            c.proof_system.name(),
            c.circuit,
            k.threads,
            k.time_s,
            k.peak_bytes
                .map_or("?".into(), |b| format!("{:.0}", b as f64 / MIB)),
            k.proof_bytes,
            k.verdict(),
            c.basis
        );
    }
    println!(
        "\nper tier, one block per {} s slot (a {FLEET_BLOCK_TXS}-tx block on one box and \
         across boxes):",
        r.slot_s
    );
    println!(
        "{:<12} {:<8} {:>5} {:>9} {:>8} {:>10} {:>10} {:>12} {:>7} {:>11} {:>10}  basis",
        "tier",
        "system",
        "cores",
        "max txs",
        "txs/s",
        "1024 s",
        "crit. s",
        "best width",
        "boxes",
        "moved GiB",
        "disk yrs"
    );
    for t in &r.tiers {
        println!(
            "{:<12} {:<8} {:>5} {:>9} {:>8.3} {:>10.1} {:>10.1} {:>12} {:>7} {:>11.2} {:>10.1}  {}",
            t.tier,
            t.proof_system.name(),
            t.cores,
            format!(
                "{}{}",
                if t.max_txs_capped { "≥" } else { "" },
                t.max_txs_in_slot
            ),
            t.txs_per_s,
            t.block_1024.total_s,
            t.block_1024.critical_path_s,
            format!("{} ({:.0} s)", t.best_width, t.best_width_s),
            t.boxes_for_1024.map_or("never".into(), |k| k.to_string()),
            t.transfer_bytes_1024 as f64 / (MIB * 1024.0),
            t.disk_years,
            t.basis
        );
    }
    println!("\nthis box under profile {} (predicted):", r.profile);
    for (system, b) in &r.this_box {
        println!(
            "  {:>5} txs {:<8} {:>8.1} s  (simulate {:.1}, keys {:.1}, prove {:.1}, decide {:.1}; \
             critical path {:.1})",
            b.txs,
            system.name(),
            b.total_s,
            b.simulate_s,
            b.keys_s,
            b.prove_s,
            b.decide_s,
            b.critical_path_s
        );
    }
    println!("\nassumptions:");
    for a in &r.assumptions {
        println!("  - {a}");
    }
}
