//! An agent: a stateless process that leases jobs its allow-list accepts, proves them with the
//! engine under its hardware profile, uploads the proofs and reports back. It runs one proof
//! per slot (the profile's threads over its per-proof width), heartbeats every third of the
//! lease while proving, and stops a proof whose lease it lost. Inputs are downloaded into its
//! work directory (proving keys are kept there by hash, so each is fetched once).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use sidecar_engine::{Engine, Keys};
use sidecar_kernels::AnyBackend;

use crate::broker::{Lease, LeaseRequest};
use crate::client::Client;
use crate::groth16::{self, Params};
use crate::{Error, Result};

/// How an agent runs.
#[derive(Clone, Debug)]
pub struct AgentConfig {
    /// Broker URL.
    pub broker: String,
    /// Agent token.
    pub token: String,
    /// Queues it serves.
    pub kinds: Vec<String>,
    /// Work directory (downloaded keys and inputs).
    pub work_dir: PathBuf,
    /// Readable name.
    pub name: String,
    /// Wait between empty polls.
    pub poll: Duration,
    /// Stop after this many jobs (all slots together).
    pub max_jobs: Option<usize>,
}

struct Shared {
    engine: Arc<Engine<AnyBackend>>,
    client: Client,
    config: AgentConfig,
    id: String,
    keys: Mutex<HashMap<String, Arc<Keys<AnyBackend>>>>,
    done: AtomicUsize,
    stop: Arc<AtomicBool>,
}

/// Runs the agent until `stop` is set (or `max_jobs` are done) and returns the jobs it
/// completed.
pub fn run(
    engine: Arc<Engine<AnyBackend>>,
    config: AgentConfig,
    stop: Arc<AtomicBool>,
) -> Result<usize> {
    for sub in ["keys", "inputs"] {
        let d = config.work_dir.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
    }
    let rt = engine.runtime();
    let slots = (rt.threads() / rt.proof_threads().max(1)).max(1);
    let shared = Shared {
        client: Client::new(&config.broker, &config.token),
        id: format!("{:016x}", rand::random::<u64>()),
        engine,
        config,
        keys: Mutex::new(HashMap::new()),
        done: AtomicUsize::new(0),
        stop,
    };
    tracing::info!(
        "agent {} ({}): {slots} slot(s), kinds {}",
        shared.id,
        shared.config.name,
        shared.config.kinds.join(",")
    );
    std::thread::scope(|s| {
        for _ in 0..slots {
            s.spawn(|| slot(&shared));
        }
    });
    Ok(shared.done.load(Ordering::SeqCst))
}

fn finished(sh: &Shared) -> bool {
    sh.stop.load(Ordering::SeqCst)
        || sh
            .config
            .max_jobs
            .is_some_and(|m| sh.done.load(Ordering::SeqCst) >= m)
}

fn slot(sh: &Shared) {
    let req = LeaseRequest {
        agent: sh.id.clone(),
        name: sh.config.name.clone(),
        kinds: sh.config.kinds.clone(),
    };
    while !finished(sh) {
        match sh.client.post::<_, Lease>("/v1/agent/lease", &req) {
            Ok(Some(lease)) => {
                if let Err(e) = handle(sh, &lease) {
                    tracing::warn!("job {}: {e}", lease.job);
                }
            }
            Ok(None) => std::thread::sleep(sh.config.poll),
            Err(e) => {
                tracing::warn!("lease: {e}");
                std::thread::sleep(sh.config.poll.max(Duration::from_secs(1)));
            }
        }
    }
}

/// The proving key stored as artifact `hash`, downloaded once and loaded once (slots wait for
/// each other here, so two never fetch the same key).
fn keys(sh: &Shared, hash: &str) -> Result<Arc<Keys<AnyBackend>>> {
    let mut cache = sh.keys.lock().expect("not poisoned");
    if let Some(k) = cache.get(hash) {
        return Ok(k.clone());
    }
    let path = sh.config.work_dir.join("keys").join(format!("{hash}.pk"));
    if !path.is_file() {
        sh.client.download(hash, &path)?;
    }
    let k = Arc::new(sh.engine.load_keys(&path, None)?);
    cache.insert(hash.to_string(), k.clone());
    Ok(k)
}

fn read_input(sh: &Shared, hash: &str) -> Result<Vec<u8>> {
    let path: PathBuf = sh.config.work_dir.join("inputs").join(hash);
    sh.client.download(hash, &path)?;
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e));
    let _ = std::fs::remove_file(&path);
    bytes
}

/// Heartbeats `lease` until `done`; sets `lost` (and `stop_proof`) if the broker says the lease
/// is no longer held.
fn heartbeat(sh: &Shared, lease: &Lease, done: &AtomicBool, lost: &AtomicBool) {
    let every = Duration::from_millis((lease.lease_ms / 3).max(100) as u64);
    let body = json!({ "job": lease.job, "lease": lease.lease });
    let mut last = Instant::now();
    while !done.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
        if last.elapsed() < every {
            continue;
        }
        last = Instant::now();
        match sh
            .client
            .post::<_, serde_json::Value>("/v1/agent/heartbeat", &body)
        {
            Err(Error::Conflict(why)) => {
                tracing::warn!("job {}: {why}; stopping it", lease.job);
                lost.store(true, Ordering::SeqCst);
                return;
            }
            Err(e) => tracing::warn!("heartbeat: {e}"),
            Ok(_) => {}
        }
    }
}

fn prove(sh: &Shared, lease: &Lease, lost: &AtomicBool) -> Result<(Vec<u8>, groth16::ProofReport)> {
    if lease.system != groth16::SYSTEM || lease.inputs.len() != 2 {
        return Err(Error::BadRequest(format!(
            "job system {:?} with {} inputs: this agent proves `groth16` jobs with 2",
            lease.system,
            lease.inputs.len()
        )));
    }
    let params: Params = serde_json::from_value(lease.params.clone())
        .map_err(|e| Error::BadRequest(format!("job params: {e}")))?;
    let witness = read_input(sh, &lease.inputs[0])?;
    let keys = keys(sh, &lease.inputs[1])?;
    groth16::prove(&sh.engine, &keys, &params, &witness, lost)
}

fn handle(sh: &Shared, lease: &Lease) -> Result<()> {
    let done = AtomicBool::new(false);
    let lost = AtomicBool::new(false);
    let result = std::thread::scope(|s| {
        s.spawn(|| heartbeat(sh, lease, &done, &lost));
        let r = prove(sh, lease, &lost);
        done.store(true, Ordering::SeqCst);
        r
    });
    if lost.load(Ordering::SeqCst) {
        return Err(Error::Conflict(
            "lease lost while proving; result dropped".into(),
        ));
    }
    let refs = json!({ "job": lease.job, "lease": lease.lease });
    match result {
        Ok((proof, report)) => {
            let mut body = refs;
            body["report"] = serde_json::to_value(&report).expect("serializes");
            // A broker briefly away (restarting) does not cost the proof: retried until the
            // lease would have run out.
            let deadline = Instant::now() + Duration::from_millis(lease.lease_ms.max(1000) as u64);
            loop {
                let sent = sh.client.upload(&proof).and_then(|output| {
                    body["output"] = json!(output);
                    sh.client
                        .post::<_, serde_json::Value>("/v1/agent/complete", &body)
                });
                match sent {
                    Err(e) if e.retryable() && Instant::now() < deadline => {
                        tracing::warn!("job {}: {e}; retrying", lease.job);
                        std::thread::sleep(sh.config.poll.max(Duration::from_millis(500)));
                    }
                    other => {
                        other?;
                        break;
                    }
                }
            }
            sh.done.fetch_add(1, Ordering::SeqCst);
            tracing::info!(
                "job {} ({}) proven in {:.2} s",
                lease.job,
                lease.kind,
                report.prove_s
            );
            Ok(())
        }
        Err(e) => {
            let mut body = refs;
            body["error"] = json!(e.to_string());
            body["retryable"] = json!(e.retryable());
            sh.client
                .post::<_, serde_json::Value>("/v1/agent/fail", &body)?;
            Err(e)
        }
    }
}

/// Work directory default for an agent: `base/agent-<pid>`.
pub fn default_work_dir(base: &Path) -> PathBuf {
    base.join(format!("agent-{}", std::process::id()))
}
