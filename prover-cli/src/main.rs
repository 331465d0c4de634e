//! The `sidecar` binary: parses arguments and hands off to the library crates.

use clap::{Parser, Subcommand};

mod commands;

/// Sidecar: a proving engine for rollup block production.
#[derive(Parser)]
#[command(name = "sidecar", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect the circuits of the proof tree.
    #[command(subcommand)]
    Circuits(commands::circuits::CircuitsCommand),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Circuits(cmd) => commands::circuits::run(cmd).map_err(|e| e.to_string()),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
