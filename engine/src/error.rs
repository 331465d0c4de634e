//! The engine's one error type: what went wrong, with the fields a caller needs to act on it.

use std::path::PathBuf;

/// Result alias for engine operations.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// An engine failure. Variants group by what the caller can do: fix the block or its inputs
/// (`InvalidTx`, `Circuits`, `Malformed`, `OutputExists`), reject what was verified
/// (`Rejected`), pick another profile, or retry with less work in flight.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A tx of the block cannot be applied; nothing was proven. Fix or drop the tx.
    #[error("tx {index} is invalid: {reason}")]
    InvalidTx {
        /// Position of the tx in the block.
        index: usize,
        /// Why the simulator rejected it.
        reason: String,
    },

    /// The circuits crate refused an input (shape, preset, state file).
    #[error(transparent)]
    Circuits(#[from] sidecar_circuits::Error),

    /// Proving was interrupted; completed proofs are kept in `partial`.
    #[error("interrupted after {done} of {total} proofs; partial output kept in {}", partial.display())]
    Cancelled {
        /// Proofs completed.
        done: usize,
        /// Proofs in the tree.
        total: usize,
        /// Directory holding the completed proofs (no manifest).
        partial: PathBuf,
    },

    /// The output directory exists and holds something other than a bundle; choose another.
    #[error("output directory {} already exists and is not a bundle", .0.display())]
    OutputExists(PathBuf),

    /// A bundle or block file is malformed (missing file, bad JSON, wrong sizes).
    #[error("malformed: {0}")]
    Malformed(String),

    /// A bundle is well-formed but does not verify: the reason names the node and the check.
    #[error("bundle rejected: {0}")]
    Rejected(String),

    /// Groth16 failed (kernels, synthesis, an unsatisfied witness, a bad key file or proof).
    #[error(transparent)]
    Groth16(#[from] sidecar_groth16::Error),

    /// Folding failed, or the folded tree's decider rejected it.
    #[error(transparent)]
    Pcd(#[from] sidecar_pcd::Error),

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

    /// A file or directory could not be read or written (key cache, bundle, block file).
    #[error("{}: {source}", path.display())]
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
