//! The service's errors, by what the caller can do about them: fix the request (`BadRequest`,
//! `TooLarge`), authenticate (`Unauthorized`), look elsewhere (`NotFound`), stop (`Conflict`:
//! the lease is no longer theirs), or retry later (`Db`, `Io`, `Engine`: the broker's side).

use std::path::PathBuf;

/// Errors of the broker, the API and the agents.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request body is larger than the configured limit.
    #[error("request body over {limit} bytes")]
    TooLarge {
        /// The limit, bytes.
        limit: usize,
    },
    /// Missing or wrong bearer token.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// No such block, job or artifact.
    #[error("{what} {id} not found")]
    NotFound {
        /// `block`, `job` or `artifact`.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The lease is not (or no longer) the caller's: expired, reassigned, or the job finished.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The proving engine failed.
    #[error("engine: {0}")]
    Engine(#[from] sidecar_engine::Error),
    /// An HTTP call to the broker failed (agents and clients).
    #[error("broker at {url}: {reason}")]
    Http {
        /// The URL called.
        url: String,
        /// What went wrong (status and the broker's message, or the transport error).
        reason: String,
        /// HTTP status, when one came back.
        status: Option<u16>,
    },
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether retrying the same work elsewhere may succeed (a job failing with it is retried).
    pub fn retryable(&self) -> bool {
        match self {
            Self::Db(_) | Self::Io { .. } => true,
            Self::Http { status, .. } => status.is_none_or(|s| s >= 500),
            Self::Engine(e) => !matches!(
                e,
                sidecar_engine::Error::Groth16(sidecar_groth16::Error::Unsatisfied { .. })
                    | sidecar_engine::Error::Malformed(_)
            ),
            _ => false,
        }
    }
}

/// The service's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
