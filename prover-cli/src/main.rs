//! The `sidecar` binary: parses arguments and hands off to the library crates.

use clap::{Parser, Subcommand};

mod commands;

/// Counts live heap bytes so per-circuit peak memory (stored with the keys) is exact.
#[global_allocator]
static ALLOC: sidecar_engine::jobs::CountingAlloc = sidecar_engine::jobs::CountingAlloc;

/// Sidecar: a proving engine for rollup block production.
#[derive(Parser)]
#[command(name = "sidecar", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Benchmarks against the arkworks peer.
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
    /// Inspect the circuits of the proof tree.
    #[command(subcommand)]
    Circuits(commands::circuits::CircuitsCommand),
    /// Run sequencers and provers through the block lifecycle on an L1 (embedded devchain,
    /// anvil, or a JSON-RPC URL), proving every block with the engine.
    Node(commands::node::NodeArgs),
    /// Prove a synthetic R1CS end to end (cached keys, profile pool, ark-groth16 check).
    Prove(commands::prove::ProveArgs),
    /// Prove a whole block's proof tree under a hardware profile and write a proof bundle.
    ProveBlock(commands::prove_block::ProveBlockArgs),
    /// Verify a proof bundle written by `prove-block`, from its files alone.
    VerifyBlock(commands::verify_block::VerifyBlockArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bench(cmd) => commands::bench::run(cmd).map_err(|e| e.to_string()),
        Command::Circuits(cmd) => commands::circuits::run(cmd).map_err(|e| e.to_string()),
        Command::Node(args) => commands::node::run(args).map_err(|e| e.to_string()),
        Command::Prove(args) => commands::prove::run(args).map_err(|e| e.to_string()),
        Command::ProveBlock(args) => commands::prove_block::run(args).map_err(|e| e.to_string()),
        Command::VerifyBlock(args) => commands::verify_block::run(args).map_err(|e| e.to_string()),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
