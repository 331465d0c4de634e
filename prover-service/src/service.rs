//! The service: the broker, the artifact store and the engine that prepares blocks (simulation,
//! keys) and checks what agents return, with the background tasks of `serve`: the reaper (every
//! second) and the assembler (woken when a block's last job completes).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sidecar_circuits::{CircuitKind, Preset, PresetName};
use sidecar_engine::jobs::KeyCache;
use sidecar_engine::{Engine, Profile};
use sidecar_kernels::AnyBackend;
use tokio::sync::Notify;

use crate::artifacts::Artifacts;
use crate::broker::{Broker, DEFAULT_LEASE_MS, DEFAULT_RETRIES};
use crate::db::Db;
use crate::groth16::{KeyFiles, key_files};
use crate::metrics::Metrics;
use crate::{Error, Result};

/// How `serve` is set up.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// Database URL (`sqlite://FILE` or `postgres://…`).
    pub db: String,
    /// Directory of the artifact store (and of bundles being written).
    pub artifacts: PathBuf,
    /// Key cache of the broker (keys are created there and shipped to agents as artifacts).
    pub keys: PathBuf,
    /// Lease length, ms.
    pub lease_ms: i64,
    /// Retries after a retryable failure.
    pub retries: i64,
    /// Bearer token of clients.
    pub client_token: String,
    /// Bearer token of agents.
    pub agent_token: String,
    /// Largest JSON request body, bytes.
    pub max_json_bytes: usize,
    /// Largest artifact upload, bytes.
    pub max_artifact_bytes: u64,
    /// Largest block accepted, txs.
    pub max_txs: usize,
}

impl ServiceConfig {
    /// Defaults for `db` and `artifacts`, with the two tokens.
    pub fn new(
        db: &str,
        artifacts: &Path,
        keys: &Path,
        client_token: &str,
        agent_token: &str,
    ) -> Self {
        Self {
            db: db.into(),
            artifacts: artifacts.into(),
            keys: keys.into(),
            lease_ms: DEFAULT_LEASE_MS,
            retries: DEFAULT_RETRIES,
            client_token: client_token.into(),
            agent_token: agent_token.into(),
            max_json_bytes: 64 << 20,
            max_artifact_bytes: 1 << 30,
            max_txs: 4096,
        }
    }
}

/// The running service's shared state.
pub struct Service {
    /// Configuration.
    pub config: ServiceConfig,
    /// The broker.
    pub broker: Broker,
    /// The artifact store.
    pub artifacts: Artifacts,
    /// The engine used to prepare blocks and create keys.
    pub engine: Arc<Engine<AnyBackend>>,
    /// The key cache.
    pub cache: KeyCache,
    /// Hashes of key files already stored, by (path, modified, length).
    key_hashes: Mutex<HashMap<PathBuf, (SystemTime, u64, String)>>,
    /// Keys checked against their circuits once in this process (checking synthesizes the
    /// circuit, seconds at devnet), by circuit and preset.
    key_files: Mutex<HashMap<(CircuitKind, PresetName), KeyFiles>>,
    /// Wakes the assembler.
    pub(crate) assemble: Notify,
}

impl Service {
    /// Opens the database (migrating it) and the artifact store.
    pub async fn open(config: ServiceConfig, profile: &Profile) -> Result<Arc<Self>> {
        let db = Db::open(&config.db).await?;
        let metrics = Arc::new(Metrics::new());
        let broker = Broker::new(db.clone(), config.lease_ms, metrics);
        let artifacts = Artifacts::open(&config.artifacts, db)?;
        let engine = Engine::new(profile, AnyBackend::Cpu(sidecar_kernels::Cpu::default()))?;
        let cache = KeyCache::new(&config.keys)?;
        Ok(Arc::new(Self {
            config,
            broker,
            artifacts,
            engine: Arc::new(engine),
            cache,
            key_hashes: Mutex::new(HashMap::new()),
            key_files: Mutex::new(HashMap::new()),
            assemble: Notify::new(),
        }))
    }

    /// The keys of `kind` at `preset`: from the key cache (checked against the circuit, or
    /// created) the first time in this process, remembered after.
    pub(crate) fn keys_for(&self, kind: CircuitKind, preset: &Preset) -> Result<KeyFiles> {
        let id = (kind, preset.name);
        if let Some(k) = self.key_files.lock().expect("not poisoned").get(&id) {
            return Ok(k.clone());
        }
        let k = key_files(&self.engine, &self.cache, kind, preset)?;
        self.key_files
            .lock()
            .expect("not poisoned")
            .insert(id, k.clone());
        Ok(k)
    }

    /// Stores the key file at `path` as an artifact (hashing it only when it changed).
    pub(crate) async fn key_artifact(&self, path: &Path) -> Result<String> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let stamp = (meta.modified().map_err(|e| Error::io(path, e))?, meta.len());
        if let Some((m, l, h)) = self.key_hashes.lock().expect("not poisoned").get(path)
            && (*m, *l) == stamp
            && self.artifacts.exists(h)
        {
            return Ok(h.clone());
        }
        let hash = self.artifacts.put_file(path).await?;
        self.key_hashes
            .lock()
            .expect("not poisoned")
            .insert(path.into(), (stamp.0, stamp.1, hash.clone()));
        Ok(hash)
    }

    /// Resumes what a previous process left: blocks still preparing are prepared again,
    /// blocks whose jobs are all done are assembled, expired leases are reaped.
    pub async fn resume(self: &Arc<Self>) -> Result<()> {
        self.broker.reap_now().await?;
        let preparing: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM blocks WHERE state = 'preparing'")
                .fetch_all(&self.broker.db.pool)
                .await?;
        for (id,) in preparing {
            tracing::info!("resuming block {id}: preparing");
            self.spawn_prepare(id, None);
        }
        self.assemble.notify_one();
        Ok(())
    }

    /// Runs the reaper and the assembler until the process ends.
    pub fn spawn_background(self: &Arc<Self>) {
        let me = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                match me.broker.reap_now().await {
                    Ok(r) if r != Default::default() => tracing::info!("reaper: {r:?}"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!("reaper: {e}"),
                }
            }
        });
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = me.assemble.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                }
                if let Err(e) = me.assemble_ready().await {
                    tracing::warn!("assembler: {e}");
                }
            }
        });
    }
}
