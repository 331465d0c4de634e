//! Errors of the node shim: one enum for the crate, with the L1 layer's errors folded in.

use alloy::primitives::{Address, Bytes};

/// Errors of the L1 layer (devchain or JSON-RPC).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum L1Error {
    /// The transaction or call reverted; `data` is the raw revert payload (decode with `contracts::decode_revert`).
    #[error("execution reverted: {reason}")]
    Reverted { reason: String, data: Bytes },
    /// The EVM halted (out of gas, invalid opcode, ...).
    #[error("execution halted: {0}")]
    Halted(String),
    /// The EVM rejected the transaction before executing it (nonce, balance, gas cap).
    #[error("transaction invalid: {0}")]
    InvalidTransaction(String),
    /// The JSON-RPC endpoint failed or answered something unexpected.
    #[error("JSON-RPC: {0}")]
    Rpc(String),
    /// The anvil binary is missing or failed to start.
    #[error("anvil: {0}")]
    Anvil(String),
    /// No block with this number exists yet.
    #[error("no block {0}")]
    NoBlock(u64),
    /// The account is not one of the L1's funded accounts, so it cannot send.
    #[error("unknown sender {0}")]
    UnknownAccount(Address),
}

/// Errors of the node shim.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    #[error(transparent)]
    L1(#[from] L1Error),
    /// A contract call reverted with a decoded custom error.
    #[error("{call} reverted: {reason}")]
    Reverted { call: String, reason: String },
    /// solc-js is not installed (run scripts/node-deps.sh) or failed to run.
    #[error("solc-js unavailable: {0}")]
    SolcUnavailable(String),
    /// The Solidity compiler reported errors.
    #[error("solidity compilation failed: {0}")]
    Compile(String),
    /// An ABI value could not be decoded.
    #[error("ABI decoding failed: {0}")]
    Abi(String),
    /// The block prover failed.
    #[error("block prover: {0}")]
    Prover(String),
    /// A block proof does not have the tree shape the L1 expects.
    #[error("malformed block proof: {0}")]
    MalformedProof(String),
    /// Invalid node configuration (counts, windows, funds).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// Signing a prover commitment failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// The engine failed, or rejected a block or bundle.
    #[error("engine: {0}")]
    Engine(#[from] sidecar_engine::Error),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// Result alias of the L1 layer.
pub type L1Result<T> = std::result::Result<T, L1Error>;
/// Result alias of the node shim.
pub type Result<T> = std::result::Result<T, NodeError>;
