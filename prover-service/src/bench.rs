//! The broker's own benchmark: no-op jobs enqueued (a thousand per transaction, as a block's
//! jobs are), then leased and completed by many concurrent agents against one broker process,
//! with the process's resident set read after each round. Agents call the broker in-process
//! (no HTTP), so the figure is the broker and its database, not the network.

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::Result;
use crate::broker::{Broker, JobSpec, LeaseRequest};
use crate::db::Db;
use crate::metrics::Metrics;

/// One round's figures.
#[derive(Clone, Debug, Serialize)]
pub struct Round {
    /// Jobs in the round.
    pub jobs: usize,
    /// Concurrent agents.
    pub agents: usize,
    /// Jobs enqueued per second.
    pub enqueue_per_s: f64,
    /// Jobs leased and completed per second (all agents).
    pub lease_complete_per_s: f64,
    /// Jobs per second from the first enqueue to the last completion.
    pub end_to_end_per_s: f64,
    /// Resident set of the process after the round, bytes.
    pub rss_bytes: Option<u64>,
}

fn noop(round: u64, i: usize) -> JobSpec {
    JobSpec {
        system: "noop".into(),
        kind: ["vm", "kernel", "base", "merge", "root"][i % 5].into(),
        depth: (i % 7) as i64,
        inputs: vec![format!("{round:016x}{i:048x}")],
        deps: vec![],
        params: serde_json::Value::Null,
        max_attempts: 1,
    }
}

/// Runs `jobs` no-op jobs through the broker on `db` with `agents` concurrent agents.
pub async fn round(db: &Db, jobs: usize, agents: usize) -> Result<Round> {
    let broker = Broker::new(db.clone(), 30_000, Arc::new(Metrics::new()));
    let tag = rand::random::<u64>();
    let start = Instant::now();
    for chunk in (0..jobs).collect::<Vec<_>>().chunks(1000) {
        let mut tx = db.pool.begin().await?;
        for &i in chunk {
            Broker::enqueue_on(&mut tx, &noop(tag, i)).await?;
        }
        tx.commit().await?;
    }
    let enqueued = start.elapsed().as_secs_f64();
    let drain = Instant::now();
    let mut tasks = Vec::with_capacity(agents);
    for a in 0..agents {
        let broker = broker.clone();
        tasks.push(tokio::spawn(async move {
            let req = LeaseRequest {
                agent: format!("bench-{tag:x}-{a}"),
                name: format!("bench agent {a}"),
                kinds: ["vm", "kernel", "base", "merge", "root"]
                    .map(String::from)
                    .to_vec(),
            };
            let mut done = 0usize;
            while let Some(l) = broker.lease(&req).await? {
                broker
                    .complete(&l.job, &l.lease, &l.inputs[0], &serde_json::Value::Null)
                    .await?;
                done += 1;
            }
            Ok::<usize, crate::Error>(done)
        }));
    }
    let mut done = 0;
    for t in tasks {
        done += t.await.expect("bench agent task")?;
    }
    let drained = drain.elapsed().as_secs_f64();
    Ok(Round {
        jobs: done,
        agents,
        enqueue_per_s: jobs as f64 / enqueued,
        lease_complete_per_s: done as f64 / drained,
        end_to_end_per_s: done as f64 / start.elapsed().as_secs_f64(),
        rss_bytes: sidecar_engine::jobs::current_rss(),
    })
}
