//! Block data as a sequencer proposes and reveals it: `abi.encode(BlockHeader, bytes body)`.
//!
//! The header carries what the L1 checks against the root rollup's public inputs (chain id, block number,
//! timestamp, coinbase, in hash, out hash) and the tree shape (`callsPerTx`: public calls of each base rollup's tx,
//! padding txs included), from which the verifier derives every node of the proof tree. The body is opaque to the
//! L1 (the engine's block-file JSON). The proposal's data hash is `keccak256` of the whole encoding.

use crate::contracts::Rollup::HeaderSummary;
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

impl BlockHeader {
    /// What the rollup hashes and checks of this header, as `Rollup.summarize` computes it: the fixed fields and
    /// `keccak256(abi.encode(callsPerTx))`. A folded proof's submission carries it in place of the header.
    pub fn summary(&self) -> HeaderSummary {
        HeaderSummary {
            chainId: self.chainId,
            blockNumber: self.blockNumber,
            timestamp: self.timestamp,
            coinbase: self.coinbase,
            inHash: self.inHash,
            outHash: self.outHash,
            callsHash: keccak256(self.callsPerTx.abi_encode()),
        }
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

    /// Hash the rollup stores at reveal and checks the submitted header against (`Rollup.headerHash`):
    /// `keccak256(abi.encode(summary))`.
    pub fn header_hash(&self) -> B256 {
        keccak256(self.header.summary().abi_encode())
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::U256;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    fn random(rng: &mut ChaCha20Rng) -> BlockData {
        let mut word = || U256::from_be_bytes(rng.r#gen::<[u8; 32]>());
        let header = BlockHeader {
            chainId: word(),
            blockNumber: word(),
            timestamp: word(),
            coinbase: word(),
            inHash: word(),
            outHash: word(),
            callsPerTx: vec![U256::from(2u64), U256::ZERO, U256::from(1u64)],
        };
        let body = (0..rng.gen_range(1..300)).map(|_| rng.r#gen()).collect();
        BlockData { header, body }
    }

    #[test]
    fn encoding_round_trips_and_hashes_the_whole_encoding() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        for _ in 0..8 {
            let d = random(&mut rng);
            let bytes = d.encode();
            assert_eq!(BlockData::decode(&bytes).unwrap(), d);
            assert_eq!(d.data_hash(), keccak256(&bytes));
            assert_eq!(d.calls_per_tx().unwrap(), [2, 0, 1]);
            let mut other = d.clone();
            other.body[0] ^= 1;
            assert_ne!(other.data_hash(), d.data_hash());
            assert_eq!(
                other.header_hash(),
                d.header_hash(),
                "header hash ignores the body"
            );
        }
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let bytes = random(&mut rng).encode();
        let truncated = &bytes[..bytes.len() - 1];
        let mut trailing = bytes.clone();
        trailing.extend_from_slice(&[0u8; 32]);
        let noise: Vec<u8> = (0..200).map(|_| rng.r#gen()).collect();
        for bad in [truncated, &trailing[..], &noise[..], &[][..]] {
            match BlockData::decode(bad) {
                Err(NodeError::Abi(msg)) => assert!(msg.starts_with("block data")),
                other => panic!("expected an ABI error, got {other:?}"),
            }
        }
    }
}
