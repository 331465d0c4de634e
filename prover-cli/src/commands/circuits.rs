//! `sidecar circuits stats [--preset P]`: constraint and public-input counts of every circuit.

use clap::{Args, Subcommand};
use serde_json::json;
use sidecar_circuits::sim::circuit_stats;
use sidecar_circuits::{Preset, PresetName};

use crate::args::PresetArg;
use crate::exit::CliError;

/// Inspect the circuits of the proof tree.
#[derive(Subcommand)]
pub enum CircuitsCommand {
    /// Print the constraint count of every circuit (blank witness, setup mode).
    Stats(StatsArgs),
}

/// Arguments of `circuits stats`.
#[derive(Args)]
pub struct StatsArgs {
    /// Preset; all three when omitted.
    #[arg(long, value_enum)]
    pub preset: Option<PresetArg>,
    /// Print the counts as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `circuits` subcommand.
pub fn run(cmd: CircuitsCommand) -> Result<(), CliError> {
    match cmd {
        CircuitsCommand::Stats(args) => {
            let presets = match args.preset {
                Some(p) => vec![PresetName::from(p)],
                None => PresetName::ALL.to_vec(),
            };
            let mut rows = Vec::new();
            for name in presets {
                for s in circuit_stats(&Preset::get(name))? {
                    rows.push((name, s));
                }
            }
            if args.json {
                let v: Vec<_> = rows
                    .iter()
                    .map(|(p, s)| {
                        json!({
                            "preset": p.to_string(),
                            "circuit": s.kind.name(),
                            "constraints": s.constraints,
                            "public_inputs": s.public_inputs,
                            "witnesses": s.witnesses,
                            "synthesis_ms": s.synthesis.as_millis() as u64,
                        })
                    })
                    .collect();
                return super::print_json(&json!(v));
            }
            println!(
                "{:<8} {:<14} {:>12} {:>8} {:>12} {:>10}",
                "preset", "circuit", "constraints", "inputs", "witnesses", "synth_ms"
            );
            for (name, s) in rows {
                println!(
                    "{:<8} {:<14} {:>12} {:>8} {:>12} {:>10}",
                    name.to_string(),
                    s.kind.name(),
                    s.constraints,
                    s.public_inputs,
                    s.witnesses,
                    s.synthesis.as_millis()
                );
            }
            Ok(())
        }
    }
}
