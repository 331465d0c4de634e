//! The Groth16 crate's one error type: what went wrong, with the fields a caller needs to act on it.

use std::path::PathBuf;

/// Result alias for Groth16 operations.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// A Groth16 failure. Variants group by what the caller can do: fix the witness or inputs,
/// regenerate a key file, or try another kernels backend.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Proving stopped at a phase boundary because the caller asked it to.
    #[error("proving cancelled before {phase}")]
    Cancelled {
        /// The phase that did not start.
        phase: &'static str,
    },

    /// A kernel (MSM / NTT) failed; the inner error says whether another backend may help.
    #[error(transparent)]
    Kernel(#[from] sidecar_kernels::Error),

    /// Circuit synthesis failed (missing assignment, division by zero, ...): fix the circuit.
    #[error("circuit synthesis failed: {0}")]
    Synthesis(#[from] ark_relations::gr1cs::SynthesisError),

    /// The witness does not satisfy the constraint system; nothing was proven.
    #[error("witness does not satisfy R1CS constraint {index} (of {total}): a·z · b·z ≠ c·z")]
    Unsatisfied {
        /// Index of the first unsatisfied R1CS constraint (synthesis order).
        index: usize,
        /// Number of constraints in the system.
        total: usize,
    },

    /// The circuit does not have the shape the proving key was generated for.
    #[error("circuit shape mismatch: key expects {expected}, circuit has {found}")]
    ShapeMismatch {
        /// What the key expects (counts of instance / witness variables).
        expected: String,
        /// What the circuit synthesized.
        found: String,
    },

    /// The circuit uses constraint predicates other than plain R1CS, which Groth16 cannot prove.
    #[error("unsupported constraint system: {reason}")]
    UnsupportedCircuit {
        /// What is not supported.
        reason: String,
    },

    /// A commit-and-prove circuit's values disagree with the key's layout
    /// (`1, a_1..a_k, ζ, x`): the committed values or the challenge are not where they
    /// should be, or the committed values changed with the challenge.
    #[error("commit-and-prove layout: {reason}")]
    CommittedLayout {
        /// What disagrees.
        reason: String,
    },

    /// The number of public inputs given to `verify` differs from the verifying key's.
    #[error("verify: {given} public inputs given, verifying key expects {expected}")]
    PublicInputCount {
        /// Inputs the key expects.
        expected: usize,
        /// Inputs the caller passed.
        given: usize,
    },

    /// A proof's byte encoding is malformed (wrong length, point off the curve or subgroup).
    #[error("malformed proof encoding: {reason}")]
    ProofEncoding {
        /// What is wrong.
        reason: String,
    },

    /// A key file is unusable; regenerate it (`setup`) — the key cache does so by itself.
    #[error("key file {}: {kind}", path.display())]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        kind: KeyFileError,
    },

    /// Writing a key file failed.
    #[error("i/o error on {}: {source}", path.display())]
    Io {
        /// Path involved.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
}

/// Why a key file was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The file could not be opened or mapped.
    #[error("cannot read: {0}")]
    Unreadable(String),
    /// The file does not start with the key magic: not a sidecar key.
    #[error("not a sidecar proving key (bad magic)")]
    BadMagic,
    /// Written by another format version.
    #[error("format version {found}, this build reads version {supported}")]
    UnsupportedVersion {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        supported: u32,
    },
    /// For another curve.
    #[error("curve id {found}, expected {expected} (BN254)")]
    WrongCurve {
        /// Curve id in the file.
        found: u32,
        /// Curve id expected.
        expected: u32,
    },
    /// Shorter than its header says.
    #[error("truncated: {needed} bytes needed, file has {actual}")]
    Truncated {
        /// Bytes the header requires.
        needed: u64,
        /// Bytes present.
        actual: u64,
    },
    /// Header or a section does not match its checksum.
    #[error("checksum mismatch in {section}")]
    Checksum {
        /// Which part is corrupt.
        section: String,
    },
    /// The key was generated for another circuit.
    #[error("key is for circuit {found}, expected {expected}")]
    WrongCircuit {
        /// Digest expected by the caller (hex).
        expected: String,
        /// Digest in the file (hex).
        found: String,
    },
    /// The layout is inconsistent (bad section table, undecodable section).
    #[error("malformed: {0}")]
    Malformed(String),
}

impl Error {
    /// A [`Error::KeyFile`] for `path`.
    pub fn key_file(path: impl Into<PathBuf>, kind: KeyFileError) -> Self {
        Self::KeyFile {
            path: path.into(),
            kind,
        }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
