//! Blocks through the broker: a submitted block is simulated (an invalid tx is refused at
//! once), recorded, then prepared in the background (keys, witnesses and their artifacts, one
//! job per node, children as dependencies) and proven by agents; its status shows every node.
//!
//! A block's id is the hash of its request (block file and prover id), so submitting it twice
//! is one block; a failed or cancelled block submitted again is tried again, and only its
//! unfinished jobs run.

use std::sync::Arc;

use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tree::BlockTree;
use sidecar_circuits::tx::fr_hex;
use sidecar_circuits::{Preset, PresetName};
use sidecar_engine::block::BlockFile;
use sqlx::Row;

use crate::broker::{Broker, JobSpec};
use crate::db::now_ms;
use crate::groth16::{self, Params};
use crate::service::Service;
use crate::{Error, Result};

/// A generated block: `txs` txs of the workload generator at `preset`, from `seed`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Preset.
    pub preset: PresetName,
    /// Txs.
    pub txs: usize,
    /// Seed.
    #[serde(default = "one")]
    pub seed: u64,
}

fn one() -> u64 {
    1
}

/// `POST /v1/blocks`: a block file or a workload to generate one, proven on the preset's
/// genesis state (as `prove-block` without `--state`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockSubmission {
    /// The block.
    #[serde(default)]
    pub block: Option<BlockFile>,
    /// Or a block to generate.
    #[serde(default)]
    pub workload: Option<Workload>,
    /// Prover id bound by the root rollup (0x hex, default 0x01).
    #[serde(default)]
    pub prover_id: Option<String>,
    /// Seconds from submission after which the block fails if not proven.
    #[serde(default)]
    pub deadline_s: Option<u64>,
}

/// What the broker stores as the block's request.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Request {
    block: BlockFile,
    #[serde(with = "fr_hex")]
    prover_id: Fr,
}

/// A node of a block, as its status shows it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NodeStatus {
    /// Node id.
    pub node: i64,
    /// Circuit queue.
    pub kind: String,
    /// Children (node ids).
    pub children: Vec<usize>,
    /// Its job.
    pub job: String,
    /// The job's state.
    pub state: String,
    /// The agent on it (or that proved it).
    pub agent: Option<String>,
}

/// `GET /v1/blocks/{id}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BlockStatus {
    /// Id.
    pub id: String,
    /// Preset.
    pub preset: String,
    /// Txs.
    pub txs: i64,
    /// `preparing`, `proving`, `assembling`, `done`, `failed` or `cancelled`.
    pub state: String,
    /// Why it failed.
    pub error: Option<String>,
    /// Submitted, ms since the epoch.
    pub created_ms: i64,
    /// Finished.
    pub finished_ms: Option<i64>,
    /// Deadline.
    pub deadline_ms: Option<i64>,
    /// Nodes proven.
    pub done: usize,
    /// Nodes in all (0 while preparing).
    pub total: usize,
    /// Every node with its job.
    pub nodes: Vec<NodeStatus>,
}

/// A file of a finished block's bundle.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BundleFile {
    /// Path inside the bundle.
    pub path: String,
    /// Artifact.
    pub hash: String,
    /// Bytes.
    pub size: u64,
}

impl Service {
    /// Checks and records a submission, starts preparing it, and returns its status.
    pub async fn submit_block(self: &Arc<Self>, sub: BlockSubmission) -> Result<BlockStatus> {
        let prover_id = match &sub.prover_id {
            Some(s) => {
                fr_hex::from_hex(s).map_err(|e| Error::BadRequest(format!("prover_id: {e}")))?
            }
            None => Fr::from(1u64),
        };
        let max_txs = self.config.max_txs;
        let block = match (sub.block, sub.workload) {
            (Some(b), None) => b,
            (None, Some(w)) => {
                if w.txs == 0 || w.txs > max_txs {
                    return Err(Error::BadRequest(format!("workload.txs: 1 to {max_txs}")));
                }
                tokio::task::spawn_blocking(move || {
                    let preset = Preset::get(w.preset);
                    BlockFile::generate(&preset, &WorldState::genesis(&preset), w.txs, w.seed)
                })
                .await
                .map_err(|e| Error::BadRequest(format!("workload: {e}")))??
            }
            _ => {
                return Err(Error::BadRequest(
                    "give exactly one of `block` and `workload`".into(),
                ));
            }
        };
        if block.txs.is_empty() || block.txs.len() > max_txs {
            return Err(Error::BadRequest(format!(
                "block has {} txs: 1 to {max_txs} accepted",
                block.txs.len()
            )));
        }
        // Simulate now: an invalid tx is the client's error, reported before anything is stored.
        let checked = block.clone();
        let tree = tokio::task::spawn_blocking(move || groth16::simulate(&checked, prover_id))
            .await
            .map_err(|e| Error::BadRequest(format!("block: {e}")))?
            .map_err(|e| Error::BadRequest(format!("block: {e}")))?;
        let txs = block.txs.len() as i64;
        let preset = block.preset.to_string();
        let request = serde_json::to_vec(&Request { block, prover_id }).expect("serializes");
        let request = self.artifacts.put(&request).await?;
        let id = crate::artifacts::hash_of(format!("block\0{request}").as_bytes());
        let now = now_ms();
        let deadline = sub
            .deadline_s
            .map(|s| now + (s as i64).saturating_mul(1000));
        let pool = &self.broker.db.pool;
        let inserted = sqlx::query(
            "INSERT INTO blocks (id, preset, txs, state, request, created_ms, deadline_ms) \
             VALUES ($1, $2, $3, 'preparing', $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id.clone())
        .bind(preset)
        .bind(txs)
        .bind(request)
        .bind(now)
        .bind(deadline)
        .execute(pool)
        .await?
        .rows_affected();
        let restarted = sqlx::query(
            "UPDATE blocks SET state = 'preparing', error = NULL, finished_ms = NULL, \
             deadline_ms = $2 WHERE id = $1 AND state IN ('failed', 'cancelled')",
        )
        .bind(id.clone())
        .bind(deadline)
        .execute(pool)
        .await?
        .rows_affected();
        if inserted + restarted > 0 {
            self.spawn_prepare(id.clone(), Some(tree));
        }
        self.block_status(&id).await
    }

    /// Prepares block `id` in the background (see [`Service::prepare`]) from its simulated
    /// `tree` (simulated again from the stored request when `None`); a failure fails the block
    /// with its reason.
    pub(crate) fn spawn_prepare(self: &Arc<Self>, id: String, tree: Option<BlockTree>) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.prepare(&id, tree).await {
                tracing::warn!("block {id}: {e}");
                let _ = sqlx::query(
                    "UPDATE blocks SET state = 'failed', error = $2, finished_ms = $3 \
                     WHERE id = $1 AND state = 'preparing'",
                )
                .bind(id)
                .bind(e.to_string())
                .bind(now_ms())
                .execute(&me.broker.db.pool)
                .await;
            }
        });
    }

    /// Keys, witnesses and jobs of block `id`, then `proving` (or `assembling` when every job
    /// is already done).
    async fn prepare(self: &Arc<Self>, id: &str, tree: Option<BlockTree>) -> Result<()> {
        let (request,): (String,) = sqlx::query_as("SELECT request FROM blocks WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&self.broker.db.pool)
            .await?;
        let req: Request = serde_json::from_slice(&self.artifacts.get(&request).await?)
            .map_err(|e| Error::BadRequest(format!("stored request: {e}")))?;
        let me = self.clone();
        let mut prepared = tokio::task::spawn_blocking(move || {
            let tree = match tree {
                Some(t) => t,
                None => groth16::simulate(&req.block, req.prover_id)?,
            };
            let (preset, txs) = (req.block.preset, req.block.txs.len());
            groth16::prepare_block(&|k, p| me.keys_for(k, p), preset, txs, tree)
        })
        .await
        .map_err(|e| Error::BadRequest(format!("prepare: {e}")))??;
        let mut key_refs = std::collections::BTreeMap::new();
        for k in &prepared.keys {
            let pk = self.key_artifact(&k.pk_path).await?;
            let vk = self.artifacts.put(&k.vk).await?;
            key_refs.insert(k.kind, (pk, vk, k.constraints));
        }
        prepared.meta.keys = key_refs
            .iter()
            .map(|(k, (_, vk, c))| (*k, (vk.clone(), *c)))
            .collect();
        let mut witnesses = Vec::with_capacity(prepared.nodes.len());
        for n in &prepared.nodes {
            witnesses.push(self.artifacts.put(&n.witness).await?);
        }
        let max_attempts = 1 + self.config.retries;
        let mut tx = self.broker.db.pool.begin().await?;
        let mut job_ids: Vec<String> = Vec::with_capacity(prepared.nodes.len());
        for (n, witness) in prepared.nodes.iter().zip(witnesses) {
            let (pk, vk, _) = &key_refs[&n.node.kind];
            let params = Params {
                circuit: n.node.kind,
                preset: prepared.meta.preset,
                vk: vk.clone(),
                public_inputs: n.public_inputs.clone(),
            };
            let spec = JobSpec {
                system: groth16::SYSTEM.into(),
                kind: groth16::queue_of(n.node.kind).into(),
                depth: n.depth,
                inputs: vec![witness, pk.clone()],
                deps: n
                    .node
                    .children
                    .iter()
                    .map(|&c| job_ids[c].clone())
                    .collect(),
                params: serde_json::to_value(&params).expect("serializes"),
                max_attempts,
            };
            let job = Broker::enqueue_on(&mut tx, &spec).await?;
            sqlx::query(
                "INSERT INTO block_jobs (block, node, job) VALUES ($1, $2, $3) \
                 ON CONFLICT (block, node) DO UPDATE SET job = excluded.job",
            )
            .bind(id.to_string())
            .bind(n.node.id as i64)
            .bind(job.clone())
            .execute(&mut *tx)
            .await?;
            job_ids.push(job);
        }
        sqlx::query(
            "UPDATE blocks SET state = 'proving', meta = $2 WHERE id = $1 AND state = 'preparing'",
        )
        .bind(id.to_string())
        .bind(serde_json::to_string(&prepared.meta).expect("serializes"))
        .execute(&mut *tx)
        .await?;
        let all_done = sqlx::query(
            "UPDATE blocks SET state = 'assembling' WHERE id = $1 AND state = 'proving' \
             AND NOT EXISTS (SELECT 1 FROM block_jobs bj JOIN jobs j ON j.id = bj.job \
                 WHERE bj.block = $1 AND j.state <> 'done')",
        )
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        tracing::info!("block {id}: {} jobs enqueued", job_ids.len());
        if all_done > 0 {
            self.assemble.notify_one();
        }
        Ok(())
    }

    /// The status of block `id`, with every node.
    pub async fn block_status(&self, id: &str) -> Result<BlockStatus> {
        let pool = &self.broker.db.pool;
        let row = sqlx::query(
            "SELECT id, preset, txs, state, error, created_ms, finished_ms, deadline_ms, meta \
             FROM blocks WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "block",
            id: id.into(),
        })?;
        let meta: Option<groth16::BlockMeta> = row
            .try_get::<Option<String>, _>(8)?
            .and_then(|m| serde_json::from_str(&m).ok());
        let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT bj.node, bj.job, j.kind, j.state, j.agent FROM block_jobs bj \
             JOIN jobs j ON j.id = bj.job WHERE bj.block = $1 ORDER BY bj.node",
        )
        .bind(id.to_string())
        .fetch_all(pool)
        .await?;
        let nodes: Vec<NodeStatus> = rows
            .into_iter()
            .map(|(node, job, kind, state, agent)| NodeStatus {
                children: meta
                    .as_ref()
                    .and_then(|m| m.nodes.get(node as usize))
                    .map(|n| n.children.clone())
                    .unwrap_or_default(),
                node,
                kind,
                job,
                state,
                agent,
            })
            .collect();
        let done = nodes.iter().filter(|n| n.state == "done").count();
        let total = meta.map_or(0, |m| m.nodes.len());
        status_of(&row, done, total, nodes)
    }

    /// The most recent blocks (newest first), without their nodes.
    pub async fn recent_blocks(&self, limit: i64) -> Result<Vec<BlockStatus>> {
        let rows = sqlx::query(
            "SELECT b.id, b.preset, b.txs, b.state, b.error, b.created_ms, b.finished_ms, \
             b.deadline_ms, \
             (SELECT COUNT(*) FROM block_jobs bj JOIN jobs j ON j.id = bj.job \
                 WHERE bj.block = b.id AND j.state = 'done'), \
             (SELECT COUNT(*) FROM block_jobs bj WHERE bj.block = b.id) \
             FROM blocks b ORDER BY b.created_ms DESC, b.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.broker.db.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let (done, total): (i64, i64) = (row.try_get(8)?, row.try_get(9)?);
                status_of(row, done as usize, total as usize, Vec::new())
            })
            .collect()
    }

    /// Cancels block `id`: it fails as `cancelled`, and its unfinished jobs no other block needs
    /// are cancelled (agents on them learn it at their next heartbeat).
    pub async fn cancel_block(&self, id: &str) -> Result<BlockStatus> {
        let mut tx = self.broker.db.pool.begin().await?;
        let n = sqlx::query(
            "UPDATE blocks SET state = 'cancelled', error = 'cancelled by a client', finished_ms = $2 \
             WHERE id = $1 AND state IN ('preparing', 'proving')",
        )
        .bind(id.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n > 0 {
            Broker::cancel_jobs_of(&mut tx, id).await?;
        }
        tx.commit().await?;
        self.block_status(id).await
    }

    /// The files of block `id`'s bundle ([`Error::Conflict`] until it is done).
    pub async fn bundle_files(&self, id: &str) -> Result<Vec<BundleFile>> {
        let status = self.block_status(id).await?;
        if status.state != "done" {
            return Err(Error::Conflict(format!(
                "block {id} is {}, not done",
                status.state
            )));
        }
        let (bundle,): (Option<String>,) =
            sqlx::query_as("SELECT bundle FROM blocks WHERE id = $1")
                .bind(id.to_string())
                .fetch_one(&self.broker.db.pool)
                .await?;
        Ok(bundle
            .and_then(|b| serde_json::from_str(&b).ok())
            .unwrap_or_default())
    }
}

/// A block's status from a row whose first eight columns are `id, preset, txs, state, error,
/// created_ms, finished_ms, deadline_ms`.
fn status_of(
    row: &sqlx::any::AnyRow,
    done: usize,
    total: usize,
    nodes: Vec<NodeStatus>,
) -> Result<BlockStatus> {
    Ok(BlockStatus {
        id: row.try_get(0)?,
        preset: row.try_get(1)?,
        txs: row.try_get(2)?,
        state: row.try_get(3)?,
        error: row.try_get(4)?,
        created_ms: row.try_get(5)?,
        finished_ms: row.try_get(6)?,
        deadline_ms: row.try_get(7)?,
        done,
        total,
        nodes,
    })
}
