//! `sidecar bench kernels`: our MSM / NTT kernels against the arkworks peer, side by side.
//!
//! The thread count comes from `--threads`, else from the hardware profile's pool
//! (`--profile`), else from rayon's default (all cores). Records go to stdout as a table and,
//! with `--json FILE`, to a JSON array of
//! `{"op","size","threads","ours_ms","peer","peer_ms","ratio","cpu_ms"}` (`cpu_ms`: the CPU
//! backend on the same inputs when `--backend` picked a GPU, else null).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use sidecar_benches::kernels::{self, KernelBenchConfig};
use sidecar_engine::Profile;
use sidecar_kernels::{AnyBackend, BackendKind};

use super::BoxError;

/// Benchmarks.
#[derive(Subcommand)]
pub enum BenchCommand {
    /// G1 MSM and Fr NTT: ours against arkworks, interleaved, median of `--reps` runs.
    Kernels(KernelsArgs),
}

/// Arguments of `bench kernels`.
#[derive(Args)]
pub struct KernelsArgs {
    /// Hardware profile (minimum, recommended, ideal, or a TOML path) giving the thread count.
    #[arg(long)]
    pub profile: Option<String>,
    /// Thread count; overrides the profile's.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write the records to this file as a JSON array.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// log2 of the sizes to run, for both MSM and NTT (default: MSM 12,14,16,18; NTT 12..=20 step 2).
    #[arg(long, value_delimiter = ',')]
    pub sizes: Option<Vec<u32>>,
    /// Runs per side; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub reps: usize,
    /// Backend measuring "ours": cpu, cuda, wgpu or auto.
    #[arg(long, default_value = "cpu")]
    pub backend: String,
}

/// Runs a `bench` subcommand.
pub fn run(cmd: BenchCommand) -> Result<(), BoxError> {
    match cmd {
        BenchCommand::Kernels(args) => kernels_cmd(args),
    }
}

fn kernels_cmd(args: KernelsArgs) -> Result<(), BoxError> {
    let mut config = KernelBenchConfig {
        reps: args.reps.max(1),
        ..KernelBenchConfig::default()
    };
    if let Some(logs) = &args.sizes {
        if let Some(bad) = logs.iter().find(|&&l| l > 28) {
            return Err(
                format!("size 2^{bad} is too large for a kernel benchmark (at most 2^28)").into(),
            );
        }
        let sizes: Vec<usize> = logs.iter().map(|&l| 1usize << l).collect();
        config.msm_sizes = sizes.clone();
        config.ntt_sizes = sizes;
    }
    let (backend, why) = AnyBackend::select(args.backend.parse::<BackendKind>()?)?;
    eprintln!("backend: {why}");
    // A GPU backend is reported against the CPU backend and arkworks in the same run.
    config.cpu_baseline = backend.kind() != BackendKind::Cpu;

    let pool = match (args.threads, &args.profile) {
        (Some(0), _) => return Err("--threads must be at least 1".into()),
        (Some(n), _) => Some(rayon::ThreadPoolBuilder::new().num_threads(n).build()?),
        (None, Some(name)) => {
            let runtime = Profile::load(name)?.apply()?;
            for w in runtime.warnings() {
                eprintln!("warning: {w}");
            }
            let threads = runtime.threads();
            Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()?,
            )
        }
        (None, None) => None,
    };
    let records = match &pool {
        Some(pool) => pool.install(|| kernels::run(&backend, &config))?,
        None => kernels::run(&backend, &config)?,
    };
    print!("{}", kernels::table(&records));
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&records)? + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {} records to {}", records.len(), path.display());
    }
    Ok(())
}
