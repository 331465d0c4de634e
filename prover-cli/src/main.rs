//! The `sidecar` binary: parses arguments, sets up logging, hands off to the library crates, and
//! exits with a code a script can use (see `exit.rs`).

use clap::{Parser, Subcommand};

mod args;
mod commands;
mod exit;
mod plot;

/// Counts live heap bytes so per-circuit peak memory (stored with the keys) is exact.
#[global_allocator]
static ALLOC: sidecar_engine::jobs::CountingAlloc = sidecar_engine::jobs::CountingAlloc;

/// Version and the commit the binary was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("SIDECAR_COMMIT"),
    ")"
);

/// Sidecar: a proving engine for rollup block production.
///
/// Exit codes: 0 success, 1 internal error, 2 usage error, 3 rejected (a proof, bundle or L1
/// submission did not verify), 4 bad input, 130 interrupted.
#[derive(Parser)]
#[command(name = "sidecar", version = VERSION, about)]
struct Cli {
    /// More log output (-v: debug, -vv: trace), on stderr.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Only errors on stderr, and no progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prove jobs for a broker (`sidecar serve`): lease, prove with the engine, upload, report.
    Agent(commands::agent::AgentArgs),
    /// Benchmarks against the arkworks peer.
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
    /// What this box and each hardware tier prove in a slot: every circuit measured here,
    /// checked against the profile's per-proof limits, and the block's job graph modelled.
    Capacity(commands::capacity::CapacityArgs),
    /// Inspect the circuits of the proof tree.
    #[command(subcommand)]
    Circuits(commands::circuits::CircuitsCommand),
    /// Key cache tools.
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
    /// Run sequencers and provers through the block lifecycle on an L1 (embedded devchain,
    /// anvil, or a JSON-RPC URL), proving every block with the engine.
    Node(commands::node::NodeArgs),
    /// Prove a synthetic R1CS end to end (cached keys, profile pool, ark-groth16 check).
    Prove(commands::prove::ProveArgs),
    /// Prove a whole block's proof tree under a hardware profile and write a proof bundle.
    ProveBlock(commands::prove_block::ProveBlockArgs),
    /// Run the proving service: HTTP API, durable broker (SQLite or PostgreSQL), metrics and
    /// dashboard; agents (`sidecar agent`) do the proving.
    Serve(commands::serve::ServeArgs),
    /// Make the KZG reference string folded blocks are proven over: from a ceremony's `.ptau`
    /// file (snarkjs format), or the insecure dev ceremony; checked, then written as one file.
    Setup(commands::setup::SetupArgs),
    /// Verify a proof bundle written by `prove-block`, from its files alone.
    VerifyBlock(commands::verify_block::VerifyBlockArgs),
}

/// Our crates, whose logs `-v` / `-q` set; dependencies log warnings only (arkworks opens a span
/// per constraint namespace, which an enabled subscriber would record by the million).
const OUR_CRATES: [&str; 8] = [
    "sidecar",
    "sidecar_engine",
    "sidecar_groth16",
    "sidecar_circuits",
    "sidecar_kernels",
    "sidecar_node_shim",
    "sidecar_pcd",
    "sidecar_prover_service",
];

/// Logs to stderr at the level `-v` / `-q` choose (`RUST_LOG` overrides).
fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "info",
        (false, 1) => "debug",
        _ => "trace",
    };
    let directives: Vec<String> = std::iter::once("warn".to_string())
        .chain(OUR_CRATES.iter().map(|c| format!("{c}={level}")))
        .collect();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(directives.join(",")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time()
        .with_target(false)
        .init();
}

fn main() {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    let quiet = cli.quiet;
    let result = match cli.command {
        Command::Agent(args) => commands::agent::run(args),
        Command::Bench(cmd) => commands::bench::run(cmd),
        Command::Capacity(args) => commands::capacity::run(args),
        Command::Circuits(cmd) => commands::circuits::run(cmd),
        Command::Keys(cmd) => commands::keys::run(cmd),
        Command::Node(args) => commands::node::run(args),
        Command::Prove(args) => commands::prove::run(args),
        Command::ProveBlock(args) => commands::prove_block::run(args, quiet),
        Command::Serve(args) => commands::serve::run(args),
        Command::Setup(args) => commands::setup::run(args),
        Command::VerifyBlock(args) => commands::verify_block::run(args),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(e.exit as i32);
    }
}
