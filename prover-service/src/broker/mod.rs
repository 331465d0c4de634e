//! The broker: proof jobs in the database, leased to agents.
//!
//! ```text
//!  enqueue ──▶ waiting ──(last dependency done)──▶ queued ──lease──▶ leased ──complete──▶ done
//!                                                    ▲                  │
//!                                                    └── retryable fail, lease expired (attempts left)
//!                                                                       └─▶ failed (no attempts left,
//!                                                                           or a non-retryable error)
//! ```
//! A job's id is the hash of its system, kind, inputs and dependencies, so enqueuing the same
//! work twice is one job. Queues are per kind, served closest to the root first (smallest
//! `depth`), then oldest. A lease carries a random id; heartbeats extend it, and a result or
//! heartbeat under a lease that is no longer held (expired and reassigned, cancelled, done) is
//! refused without touching the job. Nothing about a job lives in memory: a restarted broker
//! resumes from the database.

mod lease;
mod reaper;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::db::{Db, now_ms};
use crate::metrics::Metrics;
use crate::{Error, Result};

pub use lease::{Completion, Lease, LeaseRequest};
pub use reaper::Reaped;

/// Default lease length (agents heartbeat at a third of it).
pub const DEFAULT_LEASE_MS: i64 = 30_000;
/// Default retries after a retryable failure or an expired lease.
pub const DEFAULT_RETRIES: i64 = 3;

/// Work to enqueue.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobSpec {
    /// Proof system (`groth16`; `noop` for the broker's own benchmark).
    pub system: String,
    /// Queue: the circuit family short name (`vm`, `kernel`, `base`, `merge`, `root`).
    pub kind: String,
    /// Distance from the block's root (root = 0): queues serve the smallest first.
    pub depth: i64,
    /// Input artifacts (hashes), in the order the job's system reads them.
    pub inputs: Vec<String>,
    /// Jobs that must be done first.
    pub deps: Vec<String>,
    /// What the system needs besides the inputs (JSON; not part of the id).
    pub params: serde_json::Value,
    /// Attempts allowed in all (1 + retries).
    pub max_attempts: i64,
}

impl JobSpec {
    /// The content-addressed id: SHA-256 over system, kind, inputs and dependencies.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        for part in [&self.system, &self.kind] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        for list in [&self.inputs, &self.deps] {
            h.update((list.len() as u64).to_le_bytes());
            for s in list {
                h.update(s.as_bytes());
                h.update([0]);
            }
        }
        hex::encode(h.finalize())
    }
}

/// A job as stored.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct JobView {
    /// Id.
    pub id: String,
    /// Proof system.
    pub system: String,
    /// Kind (queue).
    pub kind: String,
    /// Distance from the root.
    pub depth: i64,
    /// `waiting`, `queued`, `leased`, `done`, `failed` or `cancelled`.
    pub state: String,
    /// Attempts made.
    pub attempts: i64,
    /// Agent holding or last holding it.
    pub agent: Option<String>,
    /// Output artifact, once done.
    pub output: Option<String>,
    /// Last error.
    pub error: Option<String>,
    /// The agent's report of the proof (JSON), once done.
    pub report: Option<serde_json::Value>,
    /// Enqueued, ms since the epoch.
    pub created_ms: i64,
    /// Last leased.
    pub started_ms: Option<i64>,
    /// Finished.
    pub finished_ms: Option<i64>,
    /// Its input artifacts.
    pub inputs: Vec<String>,
    /// Its parameters.
    pub params: serde_json::Value,
}

/// Columns read into a [`JobView`], in order.
pub(crate) const JOB_COLUMNS: &str = "id, system, kind, depth, state, attempts, agent, output, \
     error, report, created_ms, started_ms, finished_ms, inputs, params";

pub(crate) fn job_view(row: &sqlx::any::AnyRow) -> Result<JobView> {
    let json = |s: String| serde_json::from_str(&s).unwrap_or(serde_json::Value::Null);
    Ok(JobView {
        id: row.try_get(0)?,
        system: row.try_get(1)?,
        kind: row.try_get(2)?,
        depth: row.try_get(3)?,
        state: row.try_get(4)?,
        attempts: row.try_get(5)?,
        agent: row.try_get(6)?,
        output: row.try_get(7)?,
        error: row.try_get(8)?,
        report: row.try_get::<Option<String>, _>(9)?.map(json),
        created_ms: row.try_get(10)?,
        started_ms: row.try_get(11)?,
        finished_ms: row.try_get(12)?,
        inputs: serde_json::from_str(&row.try_get::<String, _>(13)?).unwrap_or_default(),
        params: json(row.try_get(14)?),
    })
}

/// The broker over its database.
#[derive(Clone)]
pub struct Broker {
    /// The database.
    pub db: Db,
    /// Lease length, ms.
    pub lease_ms: i64,
    /// Counters and histograms.
    pub metrics: Arc<Metrics>,
    /// When each agent's row was last written (one write a second per agent at most).
    seen: Arc<Mutex<HashMap<String, i64>>>,
}

impl Broker {
    /// A broker over `db` with leases of `lease_ms`.
    pub fn new(db: Db, lease_ms: i64, metrics: Arc<Metrics>) -> Self {
        Self {
            db,
            lease_ms,
            metrics,
            seen: Arc::default(),
        }
    }

    /// Whether `agent`'s row is due a write (at most one a second per agent).
    fn due(&self, agent: &str) -> bool {
        let now = now_ms();
        let mut seen = self.seen.lock().expect("not poisoned");
        if seen.get(agent).is_some_and(|&t| now - t < 1000) {
            return false;
        }
        seen.insert(agent.to_string(), now);
        true
    }

    /// Records that `agent` (already known) is alive.
    pub(crate) async fn touch(&self, agent: &str) -> Result<()> {
        if self.due(agent) {
            sqlx::query("UPDATE agents SET last_seen_ms = $1 WHERE id = $2")
                .bind(now_ms())
                .bind(agent.to_string())
                .execute(&self.db.pool)
                .await?;
        }
        Ok(())
    }

    /// Records that `agent` called (its name and kinds from `describe`), writing its row at
    /// most once a second.
    pub(crate) async fn seen(
        &self,
        agent: &str,
        describe: impl FnOnce() -> (String, String),
    ) -> Result<()> {
        if !self.due(agent) {
            return Ok(());
        }
        let (name, kinds) = describe();
        sqlx::query(
            "INSERT INTO agents (id, name, kinds, last_seen_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, kinds = excluded.kinds, \
             last_seen_ms = excluded.last_seen_ms",
        )
        .bind(agent.to_string())
        .bind(name)
        .bind(kinds)
        .bind(now_ms())
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }

    /// Enqueues `spec` on `conn` (inside the caller's transaction) and returns its id. Work
    /// already known is not added again; a failed or cancelled job of the same id is reset
    /// to be tried again; a done job stays done.
    pub async fn enqueue_on(conn: &mut AnyConnection, spec: &JobSpec) -> Result<String> {
        let id = spec.id();
        let now = now_ms();
        // A new job without dependencies is queued by this one statement.
        let inserted = sqlx::query(
            "INSERT INTO jobs (id, system, kind, depth, inputs, params, state, deps_left, \
             attempts, max_attempts, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id.clone())
        .bind(spec.system.clone())
        .bind(spec.kind.clone())
        .bind(spec.depth)
        .bind(serde_json::to_string(&spec.inputs).expect("strings serialize"))
        .bind(spec.params.to_string())
        .bind(if spec.deps.is_empty() {
            "queued"
        } else {
            "waiting"
        })
        .bind(spec.deps.len() as i64)
        .bind(spec.max_attempts.max(1))
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        let reset = if inserted == 0 {
            sqlx::query(
                "UPDATE jobs SET state = 'waiting', attempts = 0, error = NULL, created_ms = $2 \
                 WHERE id = $1 AND state IN ('failed', 'cancelled')",
            )
            .bind(id.clone())
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected()
        } else {
            0
        };
        if inserted + reset == 0 || (reset == 0 && spec.deps.is_empty()) {
            return Ok(id);
        }
        for dep in &spec.deps {
            sqlx::query("INSERT INTO job_deps (job, dep) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id.clone())
                .bind(dep.clone())
                .execute(&mut *conn)
                .await?;
        }
        // Dependencies already done do not count (one never enqueued does); none left: queued.
        sqlx::query(
            "UPDATE jobs SET deps_left = (SELECT COUNT(*) FROM job_deps d WHERE d.job = $1 \
             AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = d.dep AND j.state = 'done')), \
             state = CASE WHEN EXISTS (SELECT 1 FROM job_deps d WHERE d.job = $1 \
             AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = d.dep AND j.state = 'done')) \
             THEN 'waiting' ELSE 'queued' END \
             WHERE id = $1 AND state = 'waiting'",
        )
        .bind(id.clone())
        .execute(&mut *conn)
        .await?;
        Ok(id)
    }

    /// Enqueues one job in its own transaction.
    pub async fn enqueue(&self, spec: &JobSpec) -> Result<String> {
        let mut tx = self.db.pool.begin().await?;
        let id = Self::enqueue_on(&mut tx, spec).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Job `id`.
    pub async fn job(&self, id: &str) -> Result<JobView> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "job",
                id: id.into(),
            })?;
        job_view(&row)
    }

    /// Jobs per `(kind, state)`.
    pub async fn counts(&self) -> Result<Vec<(String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state ORDER BY kind, state",
        )
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// Marks blocks holding job `job` failed with `why` and cancels their other work.
    pub(crate) async fn fail_blocks_of(
        conn: &mut AnyConnection,
        job: &str,
        why: &str,
    ) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "UPDATE blocks SET state = 'failed', error = $2, finished_ms = $3 \
             WHERE state IN ('preparing', 'proving') \
             AND id IN (SELECT block FROM block_jobs WHERE job = $1) RETURNING id",
        )
        .bind(job.to_string())
        .bind(why.to_string())
        .bind(now_ms())
        .fetch_all(&mut *conn)
        .await?;
        for (block,) in &rows {
            Self::cancel_jobs_of(conn, block).await?;
        }
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Cancels the unfinished jobs of `block` that no other live block needs.
    pub(crate) async fn cancel_jobs_of(conn: &mut AnyConnection, block: &str) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'cancelled', lease_id = NULL, lease_expires_ms = NULL \
             WHERE state IN ('waiting', 'queued', 'leased') \
             AND id IN (SELECT job FROM block_jobs WHERE block = $1) \
             AND NOT EXISTS (SELECT 1 FROM block_jobs bj JOIN blocks b ON b.id = bj.block \
                 WHERE bj.job = jobs.id AND b.id <> $1 AND b.state IN ('preparing', 'proving'))",
        )
        .bind(block.to_string())
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected())
    }
}
