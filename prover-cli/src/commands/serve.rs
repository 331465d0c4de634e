//! `sidecar serve`: the proving service (docs/service.md). Opens (and migrates) the database,
//! resumes what a previous process left, and serves the API until Ctrl-C / SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use sidecar_prover_service::{Service, ServiceConfig, api};

use crate::commands::load_profile;
use crate::exit::{CliError, Exit};

/// Arguments of `serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Database: `sqlite://FILE` (created if missing) or `postgres://USER@HOST:PORT/DB`.
    #[arg(
        long,
        env = "SIDECAR_DB",
        default_value = "sqlite://out/service/broker.db"
    )]
    pub db: String,
    /// Address to listen on.
    #[arg(long, env = "SIDECAR_LISTEN", default_value = "127.0.0.1:8710")]
    pub listen: SocketAddr,
    /// Artifact store (witnesses, keys, proofs, bundles), content-addressed on disk.
    #[arg(
        long,
        env = "SIDECAR_ARTIFACTS",
        default_value = "out/service/artifacts"
    )]
    pub artifacts: PathBuf,
    /// Key cache of the broker (keys are created here and shipped to agents).
    #[arg(long, env = "SIDECAR_KEYS", default_value = "out/keys")]
    pub keys: PathBuf,
    /// Bearer token of clients.
    #[arg(long, env = "SIDECAR_CLIENT_TOKEN")]
    pub client_token: String,
    /// Bearer token of agents.
    #[arg(long, env = "SIDECAR_AGENT_TOKEN")]
    pub agent_token: String,
    /// Lease length in seconds (agents heartbeat at a third of it).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub lease_s: u64,
    /// Retries of a job after a retryable failure or an expired lease.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=10))]
    pub retries: u64,
    /// Hardware profile of the broker's own work (key generation, checks) and of the limits
    /// bundles are summarized against.
    #[arg(long, env = "SIDECAR_PROFILE", default_value = "minimum")]
    pub profile: String,
}

/// Runs `serve`.
pub fn run(args: ServeArgs) -> Result<(), CliError> {
    for (name, t) in [
        ("--client-token", &args.client_token),
        ("--agent-token", &args.agent_token),
    ] {
        if t.len() < 8 {
            return Err(CliError::usage(format!("{name}: at least 8 characters")));
        }
    }
    if let Some(path) = args.db.strip_prefix("sqlite://")
        && let Some(dir) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let profile = load_profile(&args.profile)?;
    let mut config = ServiceConfig::new(
        &args.db,
        &args.artifacts,
        &args.keys,
        &args.client_token,
        &args.agent_token,
    );
    config.lease_ms = args.lease_s as i64 * 1000;
    config.retries = args.retries as i64;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let svc = Service::open(config, &profile).await?;
        svc.resume().await?;
        svc.spawn_background();
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| {
                CliError::new(Exit::Internal, format!("listen on {}: {e}", args.listen))
            })?;
        tracing::info!(
            "serving on http://{} (database {}, artifacts {})",
            args.listen,
            args.db,
            args.artifacts.display()
        );
        axum::serve(listener, api::router(svc))
            .with_graceful_shutdown(async {
                let ctrl_c = tokio::signal::ctrl_c();
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                        .expect("SIGTERM handler installs");
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
                tracing::info!("shutting down");
            })
            .await?;
        Ok::<(), CliError>(())
    })
}
