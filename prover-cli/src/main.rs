//! The `sidecar` binary: parses arguments and hands off to the library crates.

use clap::Parser;

/// Sidecar: a proving engine for rollup block production.
#[derive(Parser)]
#[command(name = "sidecar", version, about)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
}
