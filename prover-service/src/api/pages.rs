//! Open routes (metrics, health, the dashboard page) and the dashboard's data.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse};
use serde::Serialize;

use super::ApiResult;
use crate::blocks::BlockStatus;
use crate::db::now_ms;
use crate::metrics::{Snapshot, text_format};
use crate::service::Service;

/// An agent as last seen.
#[derive(Clone, Debug, Serialize)]
pub struct AgentView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kinds it accepts.
    pub kinds: String,
    /// Last seen, ms since the epoch.
    pub last_seen_ms: i64,
    /// Whether seen within two lease lengths.
    pub alive: bool,
    /// Job it holds.
    pub job: Option<String>,
    /// Jobs it completed.
    pub jobs_done: i64,
}

async fn agent_list(svc: &Service) -> crate::Result<Vec<AgentView>> {
    let rows: Vec<(String, String, String, i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT a.id, a.name, a.kinds, a.last_seen_ms, \
         (SELECT MIN(j.id) FROM jobs j WHERE j.agent = a.id AND j.state = 'leased'), \
         (SELECT COUNT(*) FROM jobs j WHERE j.agent = a.id AND j.state = 'done') \
         FROM agents a ORDER BY a.last_seen_ms DESC LIMIT 200",
    )
    .fetch_all(&svc.broker.db.pool)
    .await?;
    let alive_after = now_ms() - 2 * svc.config.lease_ms;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, kinds, last_seen_ms, job, jobs_done)| AgentView {
                alive: last_seen_ms >= alive_after,
                id,
                name,
                kinds,
                last_seen_ms,
                job,
                jobs_done,
            },
        )
        .collect())
}

pub(super) async fn agents(State(svc): State<Arc<Service>>) -> ApiResult<Json<Vec<AgentView>>> {
    Ok(Json(agent_list(&svc).await?))
}

/// What the dashboard shows.
#[derive(Serialize)]
pub(super) struct Overview {
    blocks: Vec<BlockStatus>,
    current: Option<BlockStatus>,
    agents: Vec<AgentView>,
    queues: Vec<(String, String, i64)>,
}

pub(super) async fn overview(State(svc): State<Arc<Service>>) -> ApiResult<Json<Overview>> {
    let blocks = svc.recent_blocks(20).await?;
    let pick = blocks
        .iter()
        .find(|b| matches!(b.state.as_str(), "proving" | "assembling" | "preparing"))
        .or(blocks.first())
        .map(|b| b.id.clone());
    let current = match pick {
        Some(id) => Some(svc.block_status(&id).await?),
        None => None,
    };
    Ok(Json(Overview {
        blocks,
        current,
        agents: agent_list(&svc).await?,
        queues: svc.broker.counts().await?,
    }))
}

/// `/metrics`: OpenMetrics when the scraper asks for it (Prometheus does), the Prometheus text
/// format otherwise.
pub(super) async fn metrics(
    State(svc): State<Arc<Service>>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let pool = &svc.broker.db.pool;
    let blocks: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM blocks GROUP BY state ORDER BY state")
            .fetch_all(pool)
            .await
            .map_err(crate::Error::from)?;
    let jobs = svc.broker.counts().await?;
    let leases = jobs.iter().filter(|j| j.1 == "leased").map(|j| j.2).sum();
    let (agents_alive,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM agents WHERE last_seen_ms >= $1")
            .bind(now_ms() - 2 * svc.config.lease_ms)
            .fetch_one(pool)
            .await
            .map_err(crate::Error::from)?;
    let snapshot = Snapshot {
        jobs,
        blocks,
        leases,
        agents_alive,
        artifacts_bytes: svc.artifacts.total_bytes().await?,
    };
    let body = svc.broker.metrics.render(&snapshot);
    let openmetrics = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("application/openmetrics-text"));
    Ok(if openmetrics {
        (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            body,
        )
    } else {
        (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text_format(&body),
        )
    })
}

pub(super) async fn health() -> &'static str {
    "ok\n"
}

pub(super) async fn dashboard() -> Html<&'static str> {
    Html(include_str!("../../dashboard.html"))
}
