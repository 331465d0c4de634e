//! Errors of the circuits crate: invalid user input (txs, blocks, bytecode) named precisely.

/// Result alias for the circuits crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// What went wrong while building witnesses or executing a block. Each variant says which
/// input is at fault so a sequencer can drop the tx and go on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No preset has this name.
    #[error("unknown preset {0:?} (expected tiny, devnet or aztec)")]
    UnknownPreset(String),
}
