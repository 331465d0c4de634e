//! Block and job routes of clients.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::{ApiJson, ApiResult};
use crate::Error;
use crate::artifacts::is_hash;
use crate::blocks::{BlockStatus, BlockSubmission, BundleFile};
use crate::broker::JobView;
use crate::service::Service;
use crate::single::JobSubmission;

fn check_id(id: &str, what: &'static str) -> Result<(), Error> {
    if is_hash(id) {
        Ok(())
    } else {
        Err(Error::NotFound {
            what,
            id: id.chars().take(80).collect(),
        })
    }
}

pub(super) async fn submit(
    State(svc): State<Arc<Service>>,
    ApiJson(sub): ApiJson<BlockSubmission>,
) -> ApiResult<(StatusCode, Json<BlockStatus>)> {
    Ok((StatusCode::ACCEPTED, Json(svc.submit_block(sub).await?)))
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    limit: Option<i64>,
}

pub(super) async fn list(
    State(svc): State<Arc<Service>>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<BlockStatus>>> {
    let Query(q) = q.map_err(|r| Error::BadRequest(r.body_text()))?;
    Ok(Json(
        svc.recent_blocks(q.limit.unwrap_or(20).clamp(1, 200))
            .await?,
    ))
}

pub(super) async fn status(
    State(svc): State<Arc<Service>>,
    Path(id): Path<String>,
) -> ApiResult<Json<BlockStatus>> {
    check_id(&id, "block")?;
    Ok(Json(svc.block_status(&id).await?))
}

pub(super) async fn cancel(
    State(svc): State<Arc<Service>>,
    Path(id): Path<String>,
) -> ApiResult<Json<BlockStatus>> {
    check_id(&id, "block")?;
    Ok(Json(svc.cancel_block(&id).await?))
}

pub(super) async fn bundle(
    State(svc): State<Arc<Service>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<BundleFile>>> {
    check_id(&id, "block")?;
    Ok(Json(svc.bundle_files(&id).await?))
}

pub(super) async fn submit_job(
    State(svc): State<Arc<Service>>,
    ApiJson(sub): ApiJson<JobSubmission>,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    Ok((StatusCode::ACCEPTED, Json(svc.submit_job(sub).await?)))
}

pub(super) async fn job(
    State(svc): State<Arc<Service>>,
    Path(id): Path<String>,
) -> ApiResult<Json<JobView>> {
    check_id(&id, "job")?;
    Ok(Json(svc.broker.job(&id).await?))
}
