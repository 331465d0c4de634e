//! The HTTP API (axum). Clients and agents authenticate with bearer tokens (one each);
//! `/metrics`, `/healthz` and the dashboard page are open (the page asks for the client token
//! and sends it with its API calls). Every error is a JSON `{"error", "status"}` with a 4xx
//! for the caller's mistakes; the broker keeps running whatever is sent.
//!
//! ```text
//! client  POST /v1/blocks            submit a block file or a workload     → 202 block status
//!         GET  /v1/blocks[/{id}]     status (with every node) / recent blocks
//!         POST /v1/blocks/{id}/cancel
//!         GET  /v1/blocks/{id}/bundle  files of the finished bundle (409 until done)
//!         POST /v1/jobs              one witness to prove                  → 202 job
//!         GET  /v1/agents            agents seen
//! both    GET  /v1/jobs/{id}, PUT /v1/artifacts, GET /v1/artifacts/{hash}
//! agent   POST /v1/agent/{lease,heartbeat,complete,fail}
//! open    GET  /metrics, /healthz, /dashboard
//! ```

mod agent;
mod artifacts;
mod blocks;
mod error;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};

pub use error::{ApiError, ApiJson, ApiResult};

use crate::service::Service;

/// Who may call a route.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Client,
    Agent,
    Either,
}

fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// Constant-time comparison of tokens.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

async fn authorize(
    State((svc, role)): State<(Arc<Service>, Role)>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(token) = bearer(&req) else {
        return Err(ApiError(
            StatusCode::UNAUTHORIZED,
            "missing `Authorization: Bearer TOKEN`".into(),
        ));
    };
    let client = same(token, &svc.config.client_token);
    let agent = same(token, &svc.config.agent_token);
    let ok = match role {
        Role::Client => client,
        Role::Agent => agent,
        Role::Either => client || agent,
    };
    if !ok {
        return Err(ApiError(
            StatusCode::UNAUTHORIZED,
            "token not accepted for this route".into(),
        ));
    }
    Ok(next.run(req).await)
}

fn guarded(svc: &Arc<Service>, role: Role, routes: Router<Arc<Service>>) -> Router<Arc<Service>> {
    routes.route_layer(middleware::from_fn_with_state(
        (svc.clone(), role),
        authorize,
    ))
}

async fn not_found() -> ApiError {
    ApiError(StatusCode::NOT_FOUND, "no such route".into())
}

async fn not_allowed() -> ApiError {
    ApiError(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this route".into(),
    )
}

/// The service's routes.
pub fn router(svc: Arc<Service>) -> Router {
    let json_limit = DefaultBodyLimit::max(svc.config.max_json_bytes);
    let client = Router::new()
        .route("/v1/blocks", post(blocks::submit).get(blocks::list))
        .route("/v1/blocks/{id}", get(blocks::status))
        .route("/v1/blocks/{id}/cancel", post(blocks::cancel))
        .route("/v1/blocks/{id}/bundle", get(blocks::bundle))
        .route("/v1/jobs", post(blocks::submit_job))
        .route("/v1/agents", get(pages::agents))
        .route("/v1/overview", get(pages::overview));
    let either = Router::new()
        .route("/v1/jobs/{id}", get(blocks::job))
        .route("/v1/artifacts", put(artifacts::upload))
        .route("/v1/artifacts/{hash}", get(artifacts::download));
    let agent = Router::new()
        .route("/v1/agent/lease", post(agent::lease))
        .route("/v1/agent/heartbeat", post(agent::heartbeat))
        .route("/v1/agent/complete", post(agent::complete))
        .route("/v1/agent/fail", post(agent::fail));
    let open = Router::new()
        .route("/metrics", get(pages::metrics))
        .route("/healthz", get(pages::health))
        .route("/", get(pages::dashboard))
        .route("/dashboard", get(pages::dashboard));
    Router::new()
        .merge(guarded(&svc, Role::Client, client))
        .merge(guarded(&svc, Role::Either, either))
        .merge(guarded(&svc, Role::Agent, agent))
        .merge(open)
        .fallback(not_found)
        .method_not_allowed_fallback(not_allowed)
        .layer(json_limit)
        .with_state(svc)
}
