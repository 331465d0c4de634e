//! The broker's guarantees, on SQLite and (where `SIDECAR_TEST_POSTGRES` names a server, as
//! `scripts/test.sh` does) on PostgreSQL: idempotent enqueue, dependencies, root-first queues,
//! kind allow-lists, lease expiry, refused late results, retries for retryable errors only,
//! and no job leased twice by concurrent agents.

use std::collections::HashSet;
use std::sync::Arc;

use sidecar_prover_service::Error;
use sidecar_prover_service::broker::{Broker, JobSpec, LeaseRequest};
use sidecar_prover_service::db::{Db, now_ms};
use sidecar_prover_service::metrics::Metrics;

/// Every database under test, each fresh.
async fn databases(dir: &std::path::Path) -> Vec<Db> {
    let mut out = vec![
        Db::open(&format!("sqlite://{}", dir.join("broker.db").display()))
            .await
            .expect("sqlite opens"),
    ];
    if let Ok(url) = std::env::var("SIDECAR_TEST_POSTGRES") {
        let admin = Db::open(&url)
            .await
            .expect("SIDECAR_TEST_POSTGRES reachable");
        let name = format!("t{:016x}", rand::random::<u64>());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin.pool)
            .await
            .expect("create database");
        let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
        out.push(
            Db::open(&format!("{base}/{name}"))
                .await
                .expect("test database opens"),
        );
    }
    out
}

fn spec(seed: &str, kind: &str, depth: i64, deps: Vec<String>) -> JobSpec {
    JobSpec {
        system: "noop".into(),
        kind: kind.into(),
        depth,
        inputs: vec![format!("{seed}-{:x}", rand::random::<u64>())],
        deps,
        params: serde_json::json!({ "seed": seed }),
        max_attempts: 3,
    }
}

fn agent(name: &str, kinds: &[&str]) -> LeaseRequest {
    LeaseRequest {
        agent: format!("{name}-{:x}", rand::random::<u32>()),
        name: name.into(),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
    }
}

const ALL: [&str; 5] = ["vm", "kernel", "base", "merge", "root"];

async fn for_each_db<F, Fut>(f: F)
where
    F: Fn(Broker) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    for db in databases(dir.path()).await {
        f(Broker::new(db, 30_000, Arc::new(Metrics::new()))).await;
    }
}

#[tokio::test]
async fn enqueue_is_idempotent() {
    for_each_db(|b| async move {
        let s = spec("a", "base", 1, vec![]);
        let id1 = b.enqueue(&s).await.unwrap();
        let id2 = b.enqueue(&s).await.unwrap();
        assert_eq!(id1, id2);
        let queued: i64 = b.counts().await.unwrap().iter().map(|c| c.2).sum();
        assert_eq!(queued, 1, "the same work enqueued twice is one job");
        let l = b.lease(&agent("a", &ALL)).await.unwrap().unwrap();
        b.complete(&l.job, &l.lease, "out", &serde_json::json!({}))
            .await
            .unwrap();
        b.enqueue(&s).await.unwrap();
        assert_eq!(
            b.job(&id1).await.unwrap().state,
            "done",
            "a done job stays done"
        );
        assert!(b.lease(&agent("a", &ALL)).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn dependencies_and_root_first_order() {
    for_each_db(|b| async move {
        let leaf = b.enqueue(&spec("leaf", "base", 2, vec![])).await.unwrap();
        let other = b.enqueue(&spec("other", "base", 2, vec![])).await.unwrap();
        let mid = b
            .enqueue(&spec("mid", "merge", 1, vec![leaf.clone()]))
            .await
            .unwrap();
        let root = b
            .enqueue(&spec("root", "root", 0, vec![mid.clone(), other.clone()]))
            .await
            .unwrap();
        assert_eq!(b.job(&mid).await.unwrap().state, "waiting");
        assert_eq!(b.job(&root).await.unwrap().state, "waiting");
        let a = agent("a", &ALL);
        // Only the leaves are queued; take `leaf` (skip `other` if it comes first).
        let mut first = b.lease(&a).await.unwrap().unwrap();
        let mut second = b.lease(&a).await.unwrap().unwrap();
        if first.job != leaf {
            std::mem::swap(&mut first, &mut second);
        }
        assert_eq!(first.job, leaf);
        b.complete(&first.job, &first.lease, "o1", &serde_json::json!({}))
            .await
            .unwrap();
        assert_eq!(b.job(&mid).await.unwrap().state, "queued");
        assert_eq!(
            b.job(&root).await.unwrap().state,
            "waiting",
            "root still waits for `other`"
        );
        b.complete(&second.job, &second.lease, "o2", &serde_json::json!({}))
            .await
            .unwrap();
        // A new leaf (depth 2) and the merge (depth 1) are both queued: the merge goes first.
        let late_leaf = b.enqueue(&spec("late", "base", 2, vec![])).await.unwrap();
        let next = b.lease(&a).await.unwrap().unwrap();
        assert_eq!(next.job, mid, "closest to the root first");
        b.complete(&next.job, &next.lease, "o3", &serde_json::json!({}))
            .await
            .unwrap();
        let next = b.lease(&a).await.unwrap().unwrap();
        assert_eq!(next.job, root);
        assert_eq!(b.job(&late_leaf).await.unwrap().state, "queued");
    })
    .await;
}

#[tokio::test]
async fn agents_get_only_their_kinds() {
    for_each_db(|b| async move {
        let vm = b.enqueue(&spec("v", "vm", 5, vec![])).await.unwrap();
        b.enqueue(&spec("r", "root", 0, vec![])).await.unwrap();
        let l = b.lease(&agent("vm-only", &["vm"])).await.unwrap().unwrap();
        assert_eq!(
            l.job, vm,
            "a deeper vm job, since the root job is not this agent's kind"
        );
        assert!(
            b.lease(&agent("vm-only", &["vm", "kernel"]))
                .await
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            b.lease(&agent("none", &[])).await,
            Err(Error::BadRequest(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn expired_lease_is_requeued_and_its_late_result_refused() {
    for_each_db(|b| async move {
        let id = b.enqueue(&spec("x", "base", 0, vec![])).await.unwrap();
        let dead = b.lease(&agent("dead", &ALL)).await.unwrap().unwrap();
        // No heartbeat: a pass after the lease's end queues it again.
        let r = b.reap(now_ms() + 31_000).await.unwrap();
        assert_eq!(r.requeued, 1);
        let live = b.lease(&agent("live", &ALL)).await.unwrap().unwrap();
        assert_eq!(live.job, id);
        assert_eq!(live.attempt, 2);
        assert!(matches!(
            b.heartbeat(&id, &dead.lease).await,
            Err(Error::Conflict(_))
        ));
        let late = b
            .complete(&id, &dead.lease, "forged", &serde_json::json!({}))
            .await;
        assert!(matches!(late, Err(Error::Conflict(_))), "{late:?}");
        assert_eq!(
            b.job(&id).await.unwrap().state,
            "leased",
            "the late result changed nothing"
        );
        b.heartbeat(&id, &live.lease).await.unwrap();
        b.complete(&id, &live.lease, "real", &serde_json::json!({}))
            .await
            .unwrap();
        let again = b
            .complete(&id, &live.lease, "twice", &serde_json::json!({}))
            .await;
        assert!(
            matches!(again, Err(Error::Conflict(_))),
            "a done job is not completed twice"
        );
        let job = b.job(&id).await.unwrap();
        assert_eq!(
            (job.state.as_str(), job.output.as_deref()),
            ("done", Some("real"))
        );
        assert!(matches!(
            b.fail(&id, &dead.lease, "late", true).await,
            Err(Error::Conflict(_))
        ));
        assert_eq!(b.job(&id).await.unwrap().state, "done");
    })
    .await;
}

#[tokio::test]
async fn only_retryable_failures_are_retried_and_attempts_are_bounded() {
    for_each_db(|b| async move {
        let a = agent("a", &ALL);
        let retry = b.enqueue(&spec("retry", "base", 0, vec![])).await.unwrap();
        let l = b.lease(&a).await.unwrap().unwrap();
        assert_eq!(
            b.fail(&retry, &l.lease, "io", true).await.unwrap(),
            "queued"
        );
        let l = b.lease(&a).await.unwrap().unwrap();
        assert_eq!(
            b.fail(&retry, &l.lease, "io", true).await.unwrap(),
            "queued"
        );
        let l = b.lease(&a).await.unwrap().unwrap();
        assert_eq!(l.attempt, 3);
        assert_eq!(
            b.fail(&retry, &l.lease, "io", true).await.unwrap(),
            "failed",
            "three attempts, then it fails"
        );
        let fatal = b.enqueue(&spec("fatal", "base", 0, vec![])).await.unwrap();
        let l = b.lease(&a).await.unwrap().unwrap();
        assert_eq!(l.job, fatal);
        assert_eq!(
            b.fail(&fatal, &l.lease, "unsatisfied witness", false)
                .await
                .unwrap(),
            "failed"
        );
        let j = b.job(&fatal).await.unwrap();
        assert_eq!(
            (j.attempts, j.error.as_deref()),
            (1, Some("unsatisfied witness"))
        );
        assert!(b.lease(&a).await.unwrap().is_none());
        // Submitting failed work again gives it a fresh set of attempts.
        let s = JobSpec {
            inputs: j.inputs.clone(),
            ..spec("fatal", "base", 0, vec![])
        };
        assert_eq!(b.enqueue(&s).await.unwrap(), fatal);
        assert_eq!(b.job(&fatal).await.unwrap().state, "queued");
    })
    .await;
}

#[tokio::test]
async fn concurrent_agents_never_lease_a_job_twice() {
    for_each_db(|b| async move {
        let n = 300;
        let mut ids = HashSet::new();
        for i in 0..n {
            ids.insert(
                b.enqueue(&spec(&format!("c{i}"), ALL[i % 5], (i % 4) as i64, vec![]))
                    .await
                    .unwrap(),
            );
        }
        let mut tasks = Vec::new();
        for k in 0..8 {
            let b = b.clone();
            tasks.push(tokio::spawn(async move {
                let a = agent(&format!("agent{k}"), &ALL);
                let mut got = Vec::new();
                while let Some(l) = b.lease(&a).await.unwrap() {
                    b.complete(&l.job, &l.lease, "o", &serde_json::json!({}))
                        .await
                        .unwrap();
                    got.push(l.job);
                }
                got
            }));
        }
        let mut seen = Vec::new();
        for t in tasks {
            seen.extend(t.await.unwrap());
        }
        assert_eq!(seen.len(), n, "every job completed once");
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), n, "no job twice");
        for id in ids {
            let j = b.job(&id).await.unwrap();
            assert_eq!((j.state.as_str(), j.attempts), ("done", 1));
        }
    })
    .await;
}

#[tokio::test]
async fn a_block_past_its_deadline_fails_and_its_jobs_stop() {
    for_each_db(|b| async move {
        let leaf = b.enqueue(&spec("d1", "base", 1, vec![])).await.unwrap();
        let root = b
            .enqueue(&spec("d2", "root", 0, vec![leaf.clone()]))
            .await
            .unwrap();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO blocks (id, preset, txs, state, request, created_ms, deadline_ms) \
             VALUES ('blk', 'tiny', 2, 'proving', 'r', $1, $2)",
        )
        .bind(now)
        .bind(now + 1_000)
        .execute(&b.db.pool)
        .await
        .unwrap();
        for (node, job) in [&leaf, &root].into_iter().enumerate() {
            sqlx::query("INSERT INTO block_jobs (block, node, job) VALUES ('blk', $1, $2)")
                .bind(node as i64)
                .bind(job.clone())
                .execute(&b.db.pool)
                .await
                .unwrap();
        }
        let l = b.lease(&agent("a", &ALL)).await.unwrap().unwrap();
        assert_eq!(l.job, leaf);
        assert_eq!(b.reap(now + 500).await.unwrap().expired_blocks, 0);
        let r = b.reap(now + 2_000).await.unwrap();
        assert_eq!((r.expired_blocks, r.requeued), (1, 0));
        let (state, error): (String, Option<String>) =
            sqlx::query_as("SELECT state, error FROM blocks WHERE id = 'blk'")
                .fetch_one(&b.db.pool)
                .await
                .unwrap();
        assert_eq!(
            (state.as_str(), error.as_deref()),
            ("failed", Some("deadline passed"))
        );
        for j in [&leaf, &root] {
            assert_eq!(b.job(j).await.unwrap().state, "cancelled");
        }
        assert!(matches!(
            b.heartbeat(&leaf, &l.lease).await,
            Err(Error::Conflict(_))
        ));
        let late = b
            .complete(&leaf, &l.lease, "o", &serde_json::json!({}))
            .await;
        assert!(
            matches!(late, Err(Error::Conflict(_))),
            "the agent learns to stop"
        );
        assert!(b.lease(&agent("b", &ALL)).await.unwrap().is_none());
    })
    .await;
}
