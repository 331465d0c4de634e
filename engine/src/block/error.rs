//! Errors of block proving and bundle verification, grouped by what the caller can do.

use std::path::PathBuf;

/// Result alias for the block module.
pub type Result<T, E = BlockError> = core::result::Result<T, E>;

/// A block-proving or bundle failure.
#[derive(Debug, thiserror::Error)]
pub enum BlockError {
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

    /// The engine failed (keys, proving, scheduling).
    #[error(transparent)]
    Engine(#[from] crate::Error),

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

    /// The output directory already exists and is not empty; choose another or remove it.
    #[error("output directory {} already exists and is not empty", .0.display())]
    OutputExists(PathBuf),

    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },

    /// A bundle is malformed (missing file, bad JSON, wrong sizes): it cannot be verified.
    #[error("malformed bundle: {0}")]
    Malformed(String),

    /// A bundle is well-formed but does not verify: the reason names the node and the check.
    #[error("bundle rejected: {0}")]
    Rejected(String),
}

impl BlockError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
