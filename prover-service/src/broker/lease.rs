//! Leases: an agent takes the next job of the kinds it accepts, keeps it alive with heartbeats,
//! and ends it with a result or a failure. Every change is conditional on the lease id, so a
//! lease that is no longer held changes nothing.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::Broker;
use crate::db::{now_ms, placeholders};
use crate::{Error, Result};

/// What an agent asks for.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaseRequest {
    /// The agent's id (random per process).
    pub agent: String,
    /// A readable name (host, pid).
    pub name: String,
    /// Kinds it accepts (non-empty).
    pub kinds: Vec<String>,
}

/// A leased job.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Lease {
    /// The job.
    pub job: String,
    /// The lease (quote it in heartbeats and results).
    pub lease: String,
    /// Proof system.
    pub system: String,
    /// Kind.
    pub kind: String,
    /// Input artifacts.
    pub inputs: Vec<String>,
    /// Parameters.
    pub params: serde_json::Value,
    /// This attempt's number (1-based).
    pub attempt: i64,
    /// Lease length, ms (heartbeat well within it).
    pub lease_ms: i64,
}

/// What a completion did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Completion {
    /// Blocks whose every job is now done (ready to assemble).
    pub blocks_ready: Vec<String>,
}

impl Broker {
    /// Leases the next queued job of `req.kinds` (closest to the root first, then oldest), or
    /// `None` when none is queued.
    pub async fn lease(&self, req: &LeaseRequest) -> Result<Option<Lease>> {
        if req.kinds.is_empty() || req.kinds.len() > 16 {
            return Err(Error::BadRequest("kinds: give 1 to 16 job kinds".into()));
        }
        let lease_id = format!("{:032x}", rand::random::<u128>());
        let now = now_ms();
        let sql = format!(
            "UPDATE jobs SET state = 'leased', lease_id = $1, agent = $2, lease_expires_ms = $3, \
             started_ms = $4, attempts = attempts + 1 \
             WHERE state = 'queued' AND id = (SELECT id FROM jobs WHERE state = 'queued' \
             AND kind IN ({}) ORDER BY depth, created_ms, id LIMIT 1{}) \
             RETURNING id, system, kind, inputs, params, attempts",
            placeholders(5, req.kinds.len()),
            self.db.skip_locked()
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(lease_id.clone())
            .bind(req.agent.clone())
            .bind(now + self.lease_ms)
            .bind(now);
        for k in &req.kinds {
            q = q.bind(k.clone());
        }
        let row = q.fetch_optional(&self.db.pool).await?;
        let lease = match row {
            None => None,
            Some(row) => Some(Lease {
                job: row.try_get(0)?,
                lease: lease_id,
                system: row.try_get(1)?,
                kind: row.try_get(2)?,
                inputs: serde_json::from_str(&row.try_get::<String, _>(3)?).unwrap_or_default(),
                params: serde_json::from_str(&row.try_get::<String, _>(4)?)
                    .unwrap_or(serde_json::Value::Null),
                attempt: row.try_get(5)?,
                lease_ms: self.lease_ms,
            }),
        };
        self.seen(&req.agent, || (req.name.clone(), req.kinds.join(",")))
            .await?;
        if let Some(l) = &lease {
            self.metrics.leased(&l.kind);
        }
        Ok(lease)
    }

    /// The job's state, for an error saying why a lease is not held.
    async fn lost(&self, job: &str) -> Error {
        match self.job(job).await {
            Ok(j) => Error::Conflict(format!(
                "lease on job {job} is not held (job is {}{})",
                j.state,
                if j.state == "leased" {
                    " under another lease"
                } else {
                    ""
                }
            )),
            Err(e) => e,
        }
    }

    /// Extends the lease by the lease length; [`Error::Conflict`] if it is not held (the
    /// agent should stop working on the job).
    pub async fn heartbeat(&self, job: &str, lease: &str) -> Result<i64> {
        let now = now_ms();
        let expires = now + self.lease_ms;
        let agent: Option<(Option<String>,)> = sqlx::query_as(
            "UPDATE jobs SET lease_expires_ms = $1 WHERE id = $2 AND lease_id = $3 \
             AND state = 'leased' RETURNING agent",
        )
        .bind(expires)
        .bind(job.to_string())
        .bind(lease.to_string())
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((agent,)) = agent else {
            return Err(self.lost(job).await);
        };
        if let Some(agent) = agent {
            self.touch(&agent).await?;
        }
        Ok(expires)
    }

    /// Records `output` as the result of `job` under `lease`, releases the jobs waiting on it
    /// and returns the blocks it completed. A result under a lease not held is refused
    /// ([`Error::Conflict`]) and changes nothing: a completed job is never completed twice.
    pub async fn complete(
        &self,
        job: &str,
        lease: &str,
        output: &str,
        report: &serde_json::Value,
    ) -> Result<Completion> {
        let now = now_ms();
        let mut tx = self.db.pool.begin().await?;
        let row: Option<(String, Option<i64>)> = sqlx::query_as(
            "UPDATE jobs SET state = 'done', output = $1, report = $2, finished_ms = $3, \
             lease_id = NULL, lease_expires_ms = NULL, error = NULL \
             WHERE id = $4 AND lease_id = $5 AND state = 'leased' RETURNING kind, started_ms",
        )
        .bind(output.to_string())
        .bind(report.to_string())
        .bind(now)
        .bind(job.to_string())
        .bind(lease.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((kind, started)) = row else {
            drop(tx);
            self.metrics.late_result();
            return Err(self.lost(job).await);
        };
        // One statement: every dependent loses a dependency, and one left with none is queued
        // (the CASE reads the row's values before the update).
        sqlx::query(
            "UPDATE jobs SET deps_left = deps_left - 1, state = CASE WHEN state = 'waiting' \
             AND deps_left <= 1 THEN 'queued' ELSE state END \
             WHERE id IN (SELECT job FROM job_deps WHERE dep = $1)",
        )
        .bind(job.to_string())
        .execute(&mut *tx)
        .await?;
        let ready: Vec<(String,)> = sqlx::query_as(
            "UPDATE blocks SET state = 'assembling' WHERE state = 'proving' \
             AND id IN (SELECT block FROM block_jobs WHERE job = $1) \
             AND NOT EXISTS (SELECT 1 FROM block_jobs bj JOIN jobs j ON j.id = bj.job \
                 WHERE bj.block = blocks.id AND j.state <> 'done') RETURNING id",
        )
        .bind(job.to_string())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        self.metrics
            .completed(&kind, started.map(|s| (now - s) as f64 / 1000.0));
        Ok(Completion {
            blocks_ready: ready.into_iter().map(|r| r.0).collect(),
        })
    }

    /// Ends the lease with an error: a retryable error with attempts left queues the job
    /// again; otherwise it fails, and so do the blocks that need it. Returns the job's new
    /// state.
    pub async fn fail(
        &self,
        job: &str,
        lease: &str,
        error: &str,
        retryable: bool,
    ) -> Result<String> {
        let now = now_ms();
        let mut tx = self.db.pool.begin().await?;
        let row: Option<(String, String)> = sqlx::query_as(
            "UPDATE jobs SET state = CASE WHEN $1 = 1 AND attempts < max_attempts \
             THEN 'queued' ELSE 'failed' END, error = $2, lease_id = NULL, lease_expires_ms = NULL, \
             finished_ms = $3 WHERE id = $4 AND lease_id = $5 AND state = 'leased' RETURNING state, kind",
        )
        .bind(i64::from(retryable))
        .bind(error.to_string())
        .bind(now)
        .bind(job.to_string())
        .bind(lease.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((state, kind)) = row else {
            drop(tx);
            return Err(self.lost(job).await);
        };
        if state == "failed" {
            Self::fail_blocks_of(&mut tx, job, &format!("job {job} ({kind}) failed: {error}"))
                .await?;
            self.metrics.failed(&kind);
        } else {
            self.metrics.retried(&kind);
        }
        tx.commit().await?;
        Ok(state)
    }
}
