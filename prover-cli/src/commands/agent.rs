//! `sidecar agent`: proves jobs for a broker (docs/service.md) until Ctrl-C, or until
//! `--max-jobs` are done.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;
use sidecar_prover_service::agent::{AgentConfig, default_work_dir, run as run_agent};
use sidecar_prover_service::groth16::QUEUES;

use crate::args::MachineArgs;
use crate::exit::{CliError, Exit};

/// Arguments of `agent`.
#[derive(Args)]
pub struct AgentArgs {
    /// Broker URL.
    #[arg(long, env = "SIDECAR_BROKER")]
    pub broker: String,
    /// Agent token of the broker.
    #[arg(long, env = "SIDECAR_AGENT_TOKEN")]
    pub token: String,
    /// Job kinds this agent proves (vm, kernel, base, merge, root).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "vm,kernel,base,merge,root"
    )]
    pub kinds: Vec<String>,
    #[command(flatten)]
    pub machine: MachineArgs,
    /// Work directory (downloaded keys and inputs); default `out/agents/agent-<pid>`.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Name shown by the broker (default: host and pid).
    #[arg(long)]
    pub name: Option<String>,
    /// Milliseconds between polls when no job is queued.
    #[arg(long, default_value_t = 250, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub poll_ms: u64,
    /// Exit after this many jobs.
    #[arg(long)]
    pub max_jobs: Option<usize>,
}

/// Runs `agent`.
pub fn run(args: AgentArgs) -> Result<(), CliError> {
    if let Some(k) = args.kinds.iter().find(|k| !QUEUES.contains(&k.as_str())) {
        return Err(CliError::usage(format!(
            "--kinds: unknown kind {k:?} (known: {})",
            QUEUES.join(", ")
        )));
    }
    let engine = Arc::new(super::engine_for(&args.machine)?);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(Exit::Interrupted as i32);
        }
        eprintln!("\ninterrupt: finishing the jobs in hand (Ctrl-C again to abort)");
    })
    .map_err(|e| CliError::new(Exit::Internal, e))?;
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let config = AgentConfig {
        broker: args.broker,
        token: args.token,
        kinds: args.kinds,
        work_dir: args
            .work_dir
            .unwrap_or_else(|| default_work_dir(&PathBuf::from("out/agents"))),
        name: args
            .name
            .unwrap_or_else(|| format!("{}:{}", host.trim(), std::process::id())),
        poll: Duration::from_millis(args.poll_ms),
        max_jobs: args.max_jobs,
    };
    let done = run_agent(engine, config, stop)?;
    println!("agent stopped after {done} job(s)");
    Ok(())
}
