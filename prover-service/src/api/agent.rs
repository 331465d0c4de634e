//! Agent routes: lease, heartbeat, complete (the proof is checked before it is accepted),
//! fail.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApiError, ApiJson, ApiResult};
use crate::Error;
use crate::artifacts::is_hash;
use crate::broker::LeaseRequest;
use crate::groth16::{self, Params};
use crate::service::Service;

/// A lease named by the agent.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaseRef {
    /// Job.
    pub job: String,
    /// Lease.
    pub lease: String,
}

/// `POST /v1/agent/complete`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    /// Job.
    pub job: String,
    /// Lease.
    pub lease: String,
    /// The output artifact (uploaded first).
    pub output: String,
    /// The agent's figures.
    #[serde(default)]
    pub report: serde_json::Value,
}

/// `POST /v1/agent/fail`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailRequest {
    /// Job.
    pub job: String,
    /// Lease.
    pub lease: String,
    /// What went wrong.
    pub error: String,
    /// Whether another attempt may succeed.
    pub retryable: bool,
}

pub(super) async fn lease(
    State(svc): State<Arc<Service>>,
    ApiJson(req): ApiJson<LeaseRequest>,
) -> ApiResult<Response> {
    if req.agent.is_empty() || req.agent.len() > 128 || req.name.len() > 256 {
        return Err(
            Error::BadRequest("agent: 1 to 128 characters; name: at most 256".into()).into(),
        );
    }
    Ok(match svc.broker.lease(&req).await? {
        Some(l) => Json(l).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

pub(super) async fn heartbeat(
    State(svc): State<Arc<Service>>,
    ApiJson(r): ApiJson<LeaseRef>,
) -> ApiResult<Json<serde_json::Value>> {
    let expires = svc.broker.heartbeat(&r.job, &r.lease).await?;
    Ok(Json(json!({ "expires_ms": expires })))
}

pub(super) async fn complete(
    State(svc): State<Arc<Service>>,
    ApiJson(r): ApiJson<CompleteRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    if !is_hash(&r.output) || !svc.artifacts.exists(&r.output) {
        return Err(
            Error::BadRequest(format!("output {}: upload the artifact first", r.output)).into(),
        );
    }
    let job = svc.broker.job(&r.job).await?;
    if job.system == groth16::SYSTEM {
        let params: Params = serde_json::from_value(job.params.clone())
            .map_err(|e| Error::BadRequest(format!("job params: {e}")))?;
        let vk = svc.artifacts.get(&params.vk).await?;
        let proof = svc.artifacts.get(&r.output).await?;
        let ok = tokio::task::spawn_blocking(move || {
            groth16::check_proof(&vk, &params.public_inputs, &proof)
        })
        .await
        .unwrap_or(false);
        if !ok {
            let state = svc
                .broker
                .fail(&r.job, &r.lease, "the uploaded proof does not verify", true)
                .await?;
            return Err(ApiError(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "the proof does not verify for job {}; the job is {state}",
                    r.job
                ),
            ));
        }
    }
    let done = svc
        .broker
        .complete(&r.job, &r.lease, &r.output, &r.report)
        .await?;
    if !done.blocks_ready.is_empty() {
        svc.assemble.notify_one();
    }
    Ok(Json(
        json!({ "accepted": true, "blocks_ready": done.blocks_ready }),
    ))
}

pub(super) async fn fail(
    State(svc): State<Arc<Service>>,
    ApiJson(r): ApiJson<FailRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let state = svc
        .broker
        .fail(&r.job, &r.lease, &r.error, r.retryable)
        .await?;
    Ok(Json(json!({ "state": state })))
}
