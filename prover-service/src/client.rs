//! A blocking HTTP client of the service, for agents and for `prove-block --broker`: JSON
//! calls with the bearer token, artifact upload and hash-checked download, and fetching a
//! finished block's bundle into a directory (through `DIR.partial` and a rename, as
//! `prove-block` writes it).

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use sidecar_engine::block::{check_out, partial_dir, replace_dir};

use crate::blocks::{BlockStatus, BlockSubmission, BundleFile};
use crate::{Error, Result};

/// Largest JSON response read, bytes.
const MAX_JSON: u64 = 256 << 20;

/// A client of one broker.
#[derive(Clone)]
pub struct Client {
    base: String,
    token: String,
    http: ureq::Agent,
}

impl Client {
    /// A client of the broker at `base` (`http://host:port`) with `token`.
    pub fn new(base: &str, token: &str) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(600)))
            .build();
        Self {
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            http: config.into(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// The response's body as `R` (`None` for 204), or its error.
    fn answer<R: DeserializeOwned>(
        &self,
        url: &str,
        got: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Option<R>> {
        let mut resp = got.map_err(|e| Error::Http {
            url: url.into(),
            reason: e.to_string(),
            status: None,
        })?;
        let status = resp.status().as_u16();
        if status == 204 {
            return Ok(None);
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_JSON)
            .read_to_vec()
            .map_err(|e| Error::Http {
                url: url.into(),
                reason: e.to_string(),
                status: Some(status),
            })?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&body)
                .map(Some)
                .map_err(|e| Error::Http {
                    url: url.into(),
                    reason: format!("response: {e}"),
                    status: Some(status),
                });
        }
        let reason = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_string))
            .unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
        Err(match status {
            409 => Error::Conflict(reason),
            _ => Error::Http {
                url: url.into(),
                reason,
                status: Some(status),
            },
        })
    }

    /// `POST path` with a JSON body.
    pub fn post<T: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &T,
    ) -> Result<Option<R>> {
        let url = self.url(path);
        let got = self
            .http
            .post(&url)
            .header("Authorization", &self.auth())
            .send_json(body);
        self.answer(&url, got)
    }

    /// `GET path` as JSON.
    pub fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R> {
        let url = self.url(path);
        let got = self
            .http
            .get(&url)
            .header("Authorization", &self.auth())
            .call();
        self.answer(&url, got)?.ok_or_else(|| Error::Http {
            url,
            reason: "empty response".into(),
            status: Some(204),
        })
    }

    /// Uploads `bytes` as an artifact and returns its hash.
    pub fn upload(&self, bytes: &[u8]) -> Result<String> {
        let url = self.url("/v1/artifacts");
        let got = self
            .http
            .put(&url)
            .header("Authorization", &self.auth())
            .header("Content-Type", "application/octet-stream")
            .send(bytes);
        let v: serde_json::Value = self.answer(&url, got)?.unwrap_or_default();
        let hash = v["hash"].as_str().unwrap_or_default().to_string();
        if hash != crate::artifacts::hash_of(bytes) {
            return Err(Error::Http {
                url,
                reason: format!("the broker stored {hash:?}, not the upload's hash"),
                status: None,
            });
        }
        Ok(hash)
    }

    /// Downloads artifact `hash` to `dest` (through a temporary file, its hash checked).
    pub fn download(&self, hash: &str, dest: &Path) -> Result<()> {
        let url = self.url(&format!("/v1/artifacts/{hash}"));
        let got = self
            .http
            .get(&url)
            .header("Authorization", &self.auth())
            .call();
        let resp = got.map_err(|e| Error::Http {
            url: url.clone(),
            reason: e.to_string(),
            status: None,
        })?;
        let status = resp.status().as_u16();
        if status != 200 {
            return self.answer::<serde_json::Value>(&url, Ok(resp)).map(|_| ());
        }
        let tmp = dest.with_extension(format!("{:016x}.download", rand::random::<u64>()));
        let mut file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut reader = resp.into_body().into_reader();
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = std::io::Read::read(&mut reader, &mut buf).map_err(|e| Error::Http {
                url: url.clone(),
                reason: e.to_string(),
                status: None,
            })?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n]).map_err(|e| Error::io(&tmp, e))?;
        }
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        if hex::encode(hasher.finalize()) != hash {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::Http {
                url,
                reason: "downloaded bytes do not match their hash".into(),
                status: None,
            });
        }
        std::fs::rename(&tmp, dest).map_err(|e| Error::io(dest, e))
    }

    /// Submits a block.
    pub fn submit_block(&self, sub: &BlockSubmission) -> Result<BlockStatus> {
        self.post("/v1/blocks", sub)?.ok_or_else(|| Error::Http {
            url: self.url("/v1/blocks"),
            reason: "empty response".into(),
            status: Some(204),
        })
    }

    /// Block `id`'s status.
    pub fn block(&self, id: &str) -> Result<BlockStatus> {
        self.get(&format!("/v1/blocks/{id}"))
    }

    /// Writes finished block `id`'s bundle to `out` (absent, empty, or an earlier bundle,
    /// which it replaces), complete once `out` exists.
    pub fn fetch_bundle(&self, id: &str, out: &Path) -> Result<()> {
        check_out(out)?;
        let files: Vec<BundleFile> = self.get(&format!("/v1/blocks/{id}/bundle"))?;
        let partial = partial_dir(out);
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
        }
        for f in &files {
            if f.path
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..")
            {
                return Err(Error::BadRequest(format!("bundle file path {:?}", f.path)));
            }
            let dest = partial.join(&f.path);
            let dir = dest.parent().expect("joined paths have a parent");
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            self.download(&f.hash, &dest)?;
        }
        Ok(replace_dir(out, &partial)?)
    }
}
