//! The reaper: expired leases go back to their queue (or fail, with no attempts left), and
//! blocks past their deadline fail with their unfinished jobs cancelled. It runs every second
//! in `serve`, and at start-up, which is all crash recovery needs: the state is in the database.

use super::Broker;
use crate::Result;
use crate::db::now_ms;

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reaped {
    /// Jobs whose lease expired and were queued again.
    pub requeued: usize,
    /// Jobs whose lease expired with no attempts left.
    pub failed: usize,
    /// Blocks failed for their deadline.
    pub expired_blocks: usize,
}

impl Broker {
    /// One pass at `now` (ms since the epoch).
    pub async fn reap(&self, now: i64) -> Result<Reaped> {
        let mut out = Reaped::default();
        let mut tx = self.db.pool.begin().await?;
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "UPDATE jobs SET state = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END, \
             error = 'lease expired: no heartbeat from its agent', lease_id = NULL, \
             lease_expires_ms = NULL WHERE state = 'leased' AND lease_expires_ms < $1 \
             RETURNING id, state, kind",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        for (id, state, kind) in &rows {
            self.metrics.timed_out(kind);
            if state == "failed" {
                out.failed += 1;
                Self::fail_blocks_of(
                    &mut tx,
                    id,
                    &format!("job {id} ({kind}): lease expired, no attempts left"),
                )
                .await?;
            } else {
                out.requeued += 1;
                self.metrics.retried(kind);
            }
        }
        let late: Vec<(String,)> = sqlx::query_as(
            "UPDATE blocks SET state = 'failed', error = 'deadline passed', finished_ms = $1 \
             WHERE state IN ('preparing', 'proving') AND deadline_ms IS NOT NULL AND deadline_ms < $1 \
             RETURNING id",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        for (block,) in &late {
            Self::cancel_jobs_of(&mut tx, block).await?;
        }
        out.expired_blocks = late.len();
        tx.commit().await?;
        Ok(out)
    }

    /// [`Broker::reap`] now.
    pub async fn reap_now(&self) -> Result<Reaped> {
        self.reap(now_ms()).await
    }
}
