//! Block data as a sequencer proposes and reveals it: `abi.encode(BlockHeader, bytes body)`.
//!
//! The header carries what the L1 checks against the root rollup's public inputs (chain id, block number,
//! timestamp, coinbase, in hash, out hash) and the tree shape (`callsPerTx`: public calls of each base rollup's tx,
//! padding txs included), from which the verifier derives every node of the proof tree. The body is opaque to the
//! L1 (the engine's block-file JSON). The proposal's data hash is `keccak256` of the whole encoding.

use crate::error::{NodeError, Result};
use alloy::primitives::{B256, Bytes, keccak256};
use alloy::sol_types::SolValue;

alloy::sol! {
    /// The block header as the rollup contract decodes it from revealed data.
    #[derive(Debug, PartialEq, Eq)]
    struct BlockHeader {
        uint256 chainId;
        uint256 blockNumber;
        uint256 timestamp;
        uint256 coinbase;
        uint256 inHash;
        uint256 outHash;
        uint256[] callsPerTx;
    }
}

/// Header plus opaque body: what a proposal's data hash commits to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockData {
    pub header: BlockHeader,
    pub body: Vec<u8>,
}

impl BlockData {
    /// `abi.encode(header, body)`.
    pub fn encode(&self) -> Vec<u8> {
        (self.header.clone(), Bytes::from(self.body.clone())).abi_encode_params()
    }

    /// Inverse of [`BlockData::encode`]; anything else (truncated, trailing or non-canonical bytes) is an error.
    pub fn decode(data: &[u8]) -> Result<Self> {
        let (header, body) = <(BlockHeader, Bytes)>::abi_decode_params_validate(data)
            .map_err(|e| NodeError::Abi(format!("block data: {e}")))?;
        if (header.clone(), body.clone()).abi_encode_params() != data {
            return Err(NodeError::Abi(
                "block data: not in canonical encoding".into(),
            ));
        }
        Ok(Self {
            header,
            body: body.to_vec(),
        })
    }

    /// `keccak256(encode())`, the data hash a sequencer proposes.
    pub fn data_hash(&self) -> B256 {
        keccak256(self.encode())
    }

    /// Hash the rollup stores at reveal and checks the submitted header against: `keccak256(abi.encode(header))`.
    pub fn header_hash(&self) -> B256 {
        keccak256(self.header.abi_encode())
    }

    /// Public calls of each base rollup's tx, as counts.
    pub fn calls_per_tx(&self) -> Result<Vec<usize>> {
        self.header
            .callsPerTx
            .iter()
            .map(|c| {
                usize::try_from(*c)
                    .map_err(|_| NodeError::Abi(format!("callsPerTx entry {c} too large")))
            })
            .collect()
    }
}
