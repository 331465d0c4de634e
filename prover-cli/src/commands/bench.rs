//! `sidecar bench kernels` and `sidecar bench groth16`: our MSM / NTT kernels and our Groth16
//! prover against the arkworks peers, side by side.
//!
//! The thread count comes from `--threads`, else from the hardware profile's pool
//! (`--profile`, default `minimum`). Records go to stdout as a table or, with `--json`, as a
//! JSON array of `{"op","size","threads","ours_ms","peer","peer_ms","ratio","cpu_ms"}`
//! (`cpu_ms`: the CPU backend on the same inputs when `--backend` picked a GPU, else null).
//! The 1-minute load average before and after the run, and the CPU backend's BN254 field
//! arithmetic (`mulx-adx+ifma`, `mulx-adx` or `portable`), go under the table (to stderr with `--json`), with a
//! warning when the load exceeds [`BUSY_LOAD`] at the start: ratios taken on a busy machine
//! are not comparable (docs/benchmarks.md). `bench groth16` prints the same records and lines,
//! with `size` the circuit's evaluation domain (`2^log`, 8 slots short of it in constraints).

use clap::{Args, Subcommand};
use sidecar_benches::kernels::{self, KernelBenchConfig};
use sidecar_benches::{KernelRecord, groth16};
use sidecar_engine::capacity::load_average;
use sidecar_kernels::BackendKind;

use crate::args::MachineArgs;
use crate::exit::CliError;

/// A 1-minute load average above this at the start of `bench kernels` draws a warning.
pub const BUSY_LOAD: f64 = 1.0;

/// Benchmarks.
#[derive(Subcommand)]
pub enum BenchCommand {
    /// G1 MSM and Fr NTT: ours against arkworks, interleaved, median of `--reps` runs.
    Kernels(KernelsArgs),
    /// Groth16 prove on a synthetic circuit: ours against ark-groth16 on the same key,
    /// interleaved, median of `--reps` runs, every proof verified.
    Groth16(Groth16Args),
    /// The proving service's broker: no-op jobs enqueued, leased and completed by concurrent
    /// agents in one process, with its resident set after each round (docs/service.md).
    Broker(BrokerArgs),
}

/// Arguments of `bench broker`.
#[derive(Args)]
pub struct BrokerArgs {
    /// Database (`sqlite://FILE` or `postgres://…`); its jobs table grows by the jobs run.
    #[arg(long)]
    pub db: String,
    /// Jobs per round, run in this order in one process.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
    pub jobs: Vec<usize>,
    /// Concurrent agents.
    #[arg(long, default_value_t = 8)]
    pub agents: usize,
    /// Print the rounds as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `bench kernels`.
#[derive(Args)]
pub struct KernelsArgs {
    /// Hardware profile (its pool gives the thread count) and the backend measuring "ours".
    #[command(flatten)]
    pub machine: MachineArgs,
    /// Thread count; overrides the profile's.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub threads: Option<u64>,
    /// Print the records as a JSON array on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// log2 of the sizes to run, for both MSM and NTT (default: MSM 12,14,16,18; NTT 12..=20 step 2).
    #[arg(long, value_delimiter = ',')]
    pub sizes: Option<Vec<u32>>,
    /// Runs per side; the median is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub reps: u64,
}

/// Arguments of `bench groth16`.
#[derive(Args)]
pub struct Groth16Args {
    /// Thread count of the pool both provers run in.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub threads: u64,
    /// Print the records as a JSON array on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// log2 of the circuit sizes (constraints' domain), each from 2^4 to 2^22.
    #[arg(long, value_delimiter = ',', default_value = "14,16,18")]
    pub sizes: Vec<u32>,
    /// Proofs per side; the median is reported.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub reps: u64,
}

/// Runs a `bench` subcommand.
pub fn run(cmd: BenchCommand) -> Result<(), CliError> {
    match cmd {
        BenchCommand::Kernels(args) => kernels_cmd(args),
        BenchCommand::Groth16(args) => groth16_cmd(args),
        BenchCommand::Broker(args) => broker_cmd(args),
    }
}

fn kernels_cmd(args: KernelsArgs) -> Result<(), CliError> {
    let mut config = KernelBenchConfig {
        reps: args.reps as usize,
        ..KernelBenchConfig::default()
    };
    if let Some(logs) = &args.sizes {
        if let Some(bad) = logs.iter().find(|&&l| l > 28) {
            return Err(CliError::input(format!(
                "size 2^{bad} is too large for a kernel benchmark (at most 2^28)"
            )));
        }
        let sizes: Vec<usize> = logs.iter().map(|&l| 1usize << l).collect();
        config.msm_sizes = sizes.clone();
        config.ntt_sizes = sizes;
    }
    let profile = super::load_profile(&args.machine.profile)?;
    let (backend, why) = profile.backend(args.machine.backend.into())?;
    tracing::info!("backend: {why}");
    // A GPU backend is reported against the CPU backend and arkworks in the same run.
    config.cpu_baseline = backend.kind() != BackendKind::Cpu;
    let threads = match args.threads {
        Some(n) => n as usize,
        None => {
            let runtime = profile.apply()?;
            for w in runtime.warnings() {
                tracing::warn!("{w}");
            }
            runtime.threads()
        }
    };
    measured(threads, args.json, || {
        kernels::run(&backend, &config).map_err(|e| CliError::from(e.to_string()))
    })
}

fn groth16_cmd(args: Groth16Args) -> Result<(), CliError> {
    if let Some(bad) = args.sizes.iter().find(|&&l| !(4..=22).contains(&l)) {
        return Err(CliError::input(format!(
            "size 2^{bad} is outside a Groth16 benchmark's range (2^4 to 2^22)"
        )));
    }
    measured(args.threads as usize, args.json, || {
        groth16::run(&args.sizes, args.reps as usize).map_err(|e| CliError::from(e.to_string()))
    })
}

/// Runs `bench` in a pool of `threads` and prints its records with the load average before
/// and after and the CPU field arithmetic, warning when the machine was busy at the start.
fn measured(
    threads: usize,
    json: bool,
    bench: impl FnOnce() -> Result<Vec<KernelRecord>, CliError> + Send,
) -> Result<(), CliError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::from(e.to_string()))?;
    let before = load_average().map(|l| l[0]);
    if let Some(load) = before.filter(|&l| l > BUSY_LOAD) {
        tracing::warn!(
            "load average {load:.2} before the run (above {BUSY_LOAD}): the ratios will not be comparable with an idle machine's"
        );
    }
    let records = pool.install(bench)?;
    let after = load_average().map(|l| l[0]);
    let show = |l: Option<f64>| l.map_or("unknown".to_string(), |l| format!("{l:.2}"));
    let load_line = format!(
        "load average (1 min): {} before, {} after; CPU field arithmetic: {}",
        show(before),
        show(after),
        sidecar_kernels::cpu::field_arithmetic()
    );
    if json {
        println!("{}", serde_json::to_string_pretty(&records)?);
        tracing::info!("{load_line}");
    } else {
        print!("{}", kernels::table(&records));
        println!("{load_line}");
    }
    Ok(())
}

fn broker_cmd(args: BrokerArgs) -> Result<(), CliError> {
    use sidecar_prover_service::{bench, db::Db};
    if args.agents == 0 || args.jobs.contains(&0) {
        return Err(CliError::usage("--agents and --jobs: at least 1"));
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let rounds = runtime.block_on(async {
        let db = Db::open(&args.db).await?;
        let mut rounds = Vec::new();
        for &jobs in &args.jobs {
            let r = bench::round(&db, jobs, args.agents).await?;
            tracing::info!("{jobs} jobs: {:.0} jobs/s end to end", r.end_to_end_per_s);
            rounds.push(r);
        }
        Ok::<_, CliError>(rounds)
    })?;
    if args.json {
        return super::print_json(&serde_json::to_value(&rounds)?);
    }
    println!(
        "{:>8} {:>7} {:>12} {:>17} {:>13} {:>9}",
        "jobs", "agents", "enqueue/s", "lease+complete/s", "end to end/s", "RSS MiB"
    );
    for r in &rounds {
        println!(
            "{:>8} {:>7} {:>12.0} {:>17.0} {:>13.0} {:>9}",
            r.jobs,
            r.agents,
            r.enqueue_per_s,
            r.lease_complete_per_s,
            r.end_to_end_per_s,
            r.rss_bytes
                .map_or("?".into(), |b| format!("{:.1}", b as f64 / 1048576.0))
        );
    }
    Ok(())
}
