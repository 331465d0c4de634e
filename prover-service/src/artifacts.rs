//! Artifacts addressed by content: `DIR/ab/<sha256 hex>`, written through a temporary file and a
//! rename (a file that exists is complete), recorded in the `artifacts` table, and never held
//! in the broker's memory: uploads stream to disk while they are hashed, downloads stream
//! from disk.

use std::path::{Path, PathBuf};

use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::db::{Db, now_ms};
use crate::{Error, Result};

/// A content-addressed store on disk.
#[derive(Clone, Debug)]
pub struct Artifacts {
    dir: PathBuf,
    db: Db,
}

/// Whether `s` is a lowercase hex SHA-256 (an artifact id).
pub fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The hex SHA-256 of `bytes`.
pub fn hash_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Artifacts {
    /// The store in `dir` (created if missing), indexed in `db`.
    pub fn open(dir: impl Into<PathBuf>, db: Db) -> Result<Self> {
        let dir = dir.into();
        let tmp = dir.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(Self { dir, db })
    }

    /// Where artifact `hash` lives (whether or not it exists).
    pub fn path(&self, hash: &str) -> PathBuf {
        self.dir.join(&hash[..2]).join(hash)
    }

    /// Whether artifact `hash` is stored.
    pub fn exists(&self, hash: &str) -> bool {
        is_hash(hash) && self.path(hash).is_file()
    }

    fn temp_path(&self) -> PathBuf {
        self.dir
            .join("tmp")
            .join(format!("{:016x}", rand::random::<u64>()))
    }

    /// Moves the complete temporary file `tmp` to its place as `hash` and records it.
    async fn install(&self, tmp: &Path, hash: &str, size: u64) -> Result<()> {
        let path = self.path(hash);
        if path.is_file() {
            let _ = tokio::fs::remove_file(tmp).await;
        } else {
            let parent = path.parent().expect("artifact paths have a parent");
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| Error::io(parent, e))?;
            tokio::fs::rename(tmp, &path)
                .await
                .map_err(|e| Error::io(&path, e))?;
        }
        sqlx::query(
            "INSERT INTO artifacts (hash, size, created_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (hash) DO NOTHING",
        )
        .bind(hash.to_string())
        .bind(size as i64)
        .bind(now_ms())
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }

    /// Stores `bytes` and returns their hash.
    pub async fn put(&self, bytes: &[u8]) -> Result<String> {
        let hash = hash_of(bytes);
        if !self.exists(&hash) {
            let tmp = self.temp_path();
            tokio::fs::write(&tmp, bytes)
                .await
                .map_err(|e| Error::io(&tmp, e))?;
            self.install(&tmp, &hash, bytes.len() as u64).await?;
        }
        Ok(hash)
    }

    /// Stores the file at `src` (copied, not moved) and returns its hash.
    pub async fn put_file(&self, src: &Path) -> Result<String> {
        let file = tokio::fs::File::open(src)
            .await
            .map_err(|e| Error::io(src, e))?;
        let stream =
            tokio_util::io::ReaderStream::new(file).map(|c| c.map_err(|e| Error::io(src, e)));
        self.put_stream(stream, u64::MAX).await
    }

    /// Streams `body` to disk while hashing it; more than `limit` bytes is
    /// [`Error::TooLarge`] and leaves nothing behind.
    pub async fn put_stream<S, B>(&self, mut body: S, limit: u64) -> Result<String>
    where
        S: Stream<Item = Result<B>> + Unpin,
        B: AsRef<[u8]>,
    {
        let tmp = self.temp_path();
        let mut file = tokio::fs::File::create(&tmp)
            .await
            .map_err(|e| Error::io(&tmp, e))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let outcome: Result<()> = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk?;
                let chunk = chunk.as_ref();
                size += chunk.len() as u64;
                if size > limit {
                    return Err(Error::TooLarge {
                        limit: limit as usize,
                    });
                }
                hasher.update(chunk);
                file.write_all(chunk)
                    .await
                    .map_err(|e| Error::io(&tmp, e))?;
            }
            file.sync_all().await.map_err(|e| Error::io(&tmp, e))
        }
        .await;
        drop(file);
        if let Err(e) = outcome {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
        let hash = hex::encode(hasher.finalize());
        self.install(&tmp, &hash, size).await?;
        Ok(hash)
    }

    /// The bytes of artifact `hash` ([`Error::NotFound`] if absent).
    pub async fn get(&self, hash: &str) -> Result<Vec<u8>> {
        if !self.exists(hash) {
            return Err(Error::NotFound {
                what: "artifact",
                id: hash.into(),
            });
        }
        let path = self.path(hash);
        tokio::fs::read(&path)
            .await
            .map_err(|e| Error::io(&path, e))
    }

    /// Total bytes stored, as recorded.
    pub async fn total_bytes(&self) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM artifacts")
                .fetch_one(&self.db.pool)
                .await?;
        Ok(n)
    }
}
