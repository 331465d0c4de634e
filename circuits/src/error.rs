//! Errors of the circuits crate: invalid user input (txs, blocks, bytecode) named precisely.

/// Result alias for the circuits crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// What went wrong while building witnesses or executing a block. Each variant says which
/// input is at fault so a sequencer can drop the tx and go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No preset has this name.
    #[error("unknown preset {0:?} (expected tiny, devnet or aztec)")]
    UnknownPreset(String),
    /// Assembler text that does not parse.
    #[error("assembler line {line}: {msg}")]
    Asm {
        /// 1-based source line.
        line: usize,
        /// What is wrong.
        msg: String,
    },
    /// Bytecode that cannot be encoded or decoded, or exceeds the preset.
    #[error("invalid bytecode: {0}")]
    Bytecode(String),
    /// A public call faulted (bad jump, limits exceeded, out-of-range comparison, ...).
    #[error("VM fault at pc {pc}: {reason}")]
    VmFault {
        /// Instruction index where the fault happened.
        pc: usize,
        /// What went wrong.
        reason: String,
    },
    /// A public call executed `revert`.
    #[error("public call reverted at pc {pc}")]
    Reverted {
        /// Instruction index of the `revert`.
        pc: usize,
    },
    /// A tx of a block is invalid; the sequencer must drop it.
    #[error("tx {index} is invalid: {reason}")]
    InvalidTx {
        /// Position of the tx in the block.
        index: usize,
        /// Why it is rejected.
        reason: String,
    },
    /// A tx or contract file could not be (de)serialized.
    #[error("serialization: {0}")]
    Serde(String),
    /// A tree has no room for the leaves to insert.
    #[error("tree of height {height} is full: cannot insert {needed} more leaves")]
    TreeFull {
        /// Height of the full tree.
        height: usize,
        /// Leaves that did not fit.
        needed: u64,
    },
    /// A subtree insertion whose leaf count is not a power of two.
    #[error("subtree of {0} leaves: the count must be a power of two")]
    SubtreeSize(usize),
    /// A subtree insertion at an index that is not a multiple of the subtree size.
    #[error("subtree of {size} leaves cannot start at unaligned index {next_index}")]
    UnalignedSubtree {
        /// The tree's next free index.
        next_index: u64,
        /// Leaves in the subtree.
        size: usize,
    },
    /// A nullifier already in the nullifier tree, or twice in one tx: a double spend.
    #[error("double spend: nullifier {nullifier} already exists")]
    DoubleSpend {
        /// The nullifier, hex.
        nullifier: String,
    },
    /// One tx writes the same public data key twice (the kernel must squash to the last write).
    #[error("public data key {key} written twice in one tx")]
    DuplicateWrite {
        /// The key, hex.
        key: String,
    },
    /// More side effects than the preset allows per tx / block.
    #[error("too many {what}: {got} > {max}")]
    TooManyEffects {
        /// Kind of side effect.
        what: &'static str,
        /// Count given.
        got: usize,
        /// Preset maximum.
        max: usize,
    },
    /// A value outside the range a circuit accepts (e.g. a fee above 2^64).
    #[error("{what} out of range: {reason}")]
    OutOfRange {
        /// Which value.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// Witnesses that do not fit together (children of a merge with discontinuous state,
    /// a world state of another preset, ...).
    #[error("inconsistent rollup inputs: {0}")]
    Inconsistent(String),
    /// A world-state file that is corrupt, truncated, of another version or another preset.
    #[error("world state file {path}: {reason}")]
    StateFile {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing the world state failed.
    #[error("world state I/O: {0}")]
    Io(#[from] std::io::Error),
    /// A public kernel step cannot be built (call order, per-tx maxima).
    #[error("public kernel: {0}")]
    Kernel(String),
    /// A proof tree that no block has: ids out of order, a child after its parent, wrong child
    /// kinds, fewer than two txs.
    #[error("malformed proof tree: {0}")]
    MalformedTree(String),
    /// Public inputs of linked tree nodes disagree: the proofs are not of one block.
    #[error("tree linkage broken: {0}")]
    BrokenLink(String),
    /// Constraint synthesis failed.
    #[error("synthesis: {0}")]
    Synthesis(String),
    /// Bytes that are not a valid witness encoding ([`crate::AnyCircuit::from_bytes`]): wrong
    /// magic, version, kind or preset, truncated, trailing bytes, or a shape the preset forbids.
    #[error("witness encoding: {0}")]
    WitnessEncoding(String),
}
