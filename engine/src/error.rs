//! The engine's one error type: what went wrong, with the fields a caller needs to act on it.

use std::path::PathBuf;

/// Result alias for engine operations.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// An engine failure. Variants group by what the caller can do: fix the witness or inputs
/// (Groth16), pick another profile, or retry with less work in flight.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Groth16 failed (kernels, synthesis, an unsatisfied witness, a bad key file or proof).
    #[error(transparent)]
    Groth16(#[from] sidecar_groth16::Error),

    /// A hardware profile could not be loaded or is inconsistent.
    #[error("hardware profile {name}: {reason}")]
    Profile {
        /// Profile name or path.
        name: String,
        /// What is wrong.
        reason: String,
    },

    /// The rayon pool for a profile could not be built.
    #[error("cannot build a thread pool of {threads} threads: {reason}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// The pool builder's message.
        reason: String,
    },

    /// A job graph is malformed (unknown dependency, cycle).
    #[error("job graph: {reason}")]
    JobGraph {
        /// What is wrong.
        reason: String,
    },

    /// A job of the graph failed; the graph stops scheduling new jobs.
    #[error("job {job} failed: {source}")]
    Job {
        /// Label of the failing job.
        job: String,
        /// Why it failed.
        source: Box<Error>,
    },

    /// Filesystem error outside key files (cache directory, metadata).
    #[error("i/o error on {}: {source}", path.display())]
    Io {
        /// Path involved.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
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
}
