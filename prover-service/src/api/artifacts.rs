//! Artifact upload (streamed to disk, hashed on the way) and download (streamed from disk).

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::{Value, json};

use super::ApiResult;
use crate::Error;
use crate::service::Service;

pub(super) async fn upload(
    State(svc): State<Arc<Service>>,
    body: Body,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let stream = body
        .into_data_stream()
        .map(|c| c.map_err(|e| Error::BadRequest(format!("body: {e}"))));
    let hash = svc
        .artifacts
        .put_stream(stream, svc.config.max_artifact_bytes)
        .await?;
    let size = std::fs::metadata(svc.artifacts.path(&hash)).map_or(0, |m| m.len());
    Ok((
        StatusCode::CREATED,
        Json(json!({ "hash": hash, "size": size })),
    ))
}

pub(super) async fn download(
    State(svc): State<Arc<Service>>,
    Path(hash): Path<String>,
) -> ApiResult<Response> {
    if !svc.artifacts.exists(&hash) {
        return Err(Error::NotFound {
            what: "artifact",
            id: hash.chars().take(80).collect(),
        }
        .into());
    }
    let path = svc.artifacts.path(&hash);
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| Error::io(&path, e))?;
    let len = file
        .metadata()
        .await
        .map_err(|e| Error::io(&path, e))?
        .len();
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, len.to_string()),
        ],
        body,
    )
        .into_response())
}
