//! Errors of the PCD crate: what failed, and whether the input or the proof is to blame.

use ark_relations::gr1cs::SynthesisError;

/// Result alias for PCD operations.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// A PCD failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Building or evaluating a circuit failed (an unsatisfiable assignment during
    /// synthesis, or a malformed constraint system).
    #[error("circuit synthesis failed: {0}")]
    Synthesis(#[from] SynthesisError),
    /// The folding scheme refused its input (shape mismatch, short commitment key, ...).
    #[error("folding failed: {0}")]
    Folding(#[from] sonobe_fs::Error),
    /// A commitment kernel failed.
    #[error("commitment kernel: {0}")]
    Kernel(#[from] sidecar_kernels::Error),
    /// Keys could not be serialized for the parameter hash.
    #[error("serialization: {0}")]
    Serialization(#[from] ark_serialize::SerializationError),
    /// Two children cannot be merged: their subtrees have different heights.
    #[error("children have different heights ({left} and {right})")]
    HeightMismatch {
        /// Height of the left child.
        left: u64,
        /// Height of the right child.
        right: u64,
    },
    /// The step refused a node's witness or children (the node circuit would be
    /// unsatisfiable).
    #[error("step refused the node: {reason}")]
    Step {
        /// Why.
        reason: String,
    },
    /// A tree needs a power-of-two number of leaves, at least one.
    #[error("a tree needs a power-of-two number of leaves, got {0}")]
    LeafCount(usize),
    /// A circuit or key does not have the shape this crate builds (a bug, not bad input).
    #[error("unexpected shape: {reason}")]
    Shape {
        /// What differs.
        reason: String,
    },
    /// A structured reference string (a `.ptau` file, an SRS file of ours) was refused;
    /// `reason` names the failed check.
    #[error("SRS refused: {reason}")]
    Srs {
        /// The check that failed.
        reason: String,
    },
    /// Reading a file failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// The decider rejected an accumulator; `reason` names the failed check.
    #[error("decider rejected the proof: {reason}")]
    Rejected {
        /// The check that failed.
        reason: String,
    },
}

impl Error {
    pub(crate) fn shape(reason: impl Into<String>) -> Self {
        Self::Shape {
            reason: reason.into(),
        }
    }

    /// A [`Error::Step`] error; for [`crate::Step`] implementations.
    pub fn step(reason: impl Into<String>) -> Self {
        Self::Step {
            reason: reason.into(),
        }
    }

    pub(crate) fn srs(reason: impl Into<String>) -> Self {
        Self::Srs {
            reason: reason.into(),
        }
    }

    pub(crate) fn rejected(reason: impl Into<String>) -> Self {
        Self::Rejected {
            reason: reason.into(),
        }
    }
}
