//! `sidecar circuits stats [--preset P]`: constraint and public-input counts of every circuit.

use clap::{Args, Subcommand};
use sidecar_circuits::sim::circuit_stats;
use sidecar_circuits::{Preset, PresetName};

/// Inspect the circuits of the proof tree.
#[derive(Subcommand)]
pub enum CircuitsCommand {
    /// Print the constraint count of every circuit (blank witness, setup mode).
    Stats(StatsArgs),
}

/// Arguments of `circuits stats`.
#[derive(Args)]
pub struct StatsArgs {
    /// Preset: tiny, devnet or aztec; all three when omitted.
    #[arg(long)]
    pub preset: Option<String>,
}

/// Runs a `circuits` subcommand.
pub fn run(cmd: CircuitsCommand) -> Result<(), sidecar_circuits::Error> {
    match cmd {
        CircuitsCommand::Stats(args) => {
            let presets = match args.preset {
                Some(p) => vec![p.parse::<PresetName>()?],
                None => PresetName::ALL.to_vec(),
            };
            println!(
                "{:<8} {:<14} {:>12} {:>8} {:>12} {:>10}",
                "preset", "circuit", "constraints", "inputs", "witnesses", "synth_ms"
            );
            for name in presets {
                for s in circuit_stats(&Preset::get(name))? {
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
            }
            Ok(())
        }
    }
}
