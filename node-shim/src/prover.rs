//! The block-prover interface the node shim drives. The engine implements it over prove-block; the driver only
//! sees block data (bytes) and proof trees.

use crate::deploy::DeciderKeyWords;
use crate::error::Result;
use crate::proof::{BlockProof, BlockVerifyingKeys};
use alloy::primitives::Address;
use ark_bn254::Fr;

/// What a prover is asked to prove: the block `data` ([`crate::BlockData::encode`], revealed on L1; its keccak is
/// the proposal's data hash), applied on top of `prev_archive`, with `prover` as the root's prover id (it gets the
/// prover reward).
#[derive(Clone, Debug)]
pub struct BlockRequest {
    pub slot: u64,
    pub prev_archive: Fr,
    pub data: Vec<u8>,
    pub prover: Address,
}

/// Produces interim block proofs (every proof of the tree) for the L1 batch verifier.
pub trait BlockProver {
    /// Verifying keys of all five circuits (deployed into the rollup contract).
    fn verifying_keys(&self) -> &BlockVerifyingKeys;
    /// Key of the decider of folded block proofs, where this prover makes them (the rollup is then deployed with a
    /// `DeciderVerifier` and takes `submitFoldedProof`); none by default.
    fn decider_key(&self) -> Option<DeciderKeyWords> {
        None
    }
    /// Archive root the rollup starts from.
    fn genesis_archive(&self) -> Fr;
    /// Block number of the first block proven on L1.
    fn genesis_block_number(&self) -> u64;
    /// L2 chain id (a rollup deployment parameter, bound by every root proof).
    fn chain_id(&self) -> Fr;
    /// L1->L2 messages a block consumes at most (the size of an inbox batch).
    fn messages_per_block(&self) -> usize;
    /// Builds the block data ([`crate::BlockData::encode`]) a sequencer proposes for `slot` on top of
    /// `prev_archive`: `txs` transactions, deterministic in `seed`, consuming the L1->L2 message batch `messages`
    /// (the inbox's leaves for the block's number).
    fn build_block(
        &self,
        prev_archive: Fr,
        slot: u64,
        txs: usize,
        seed: u64,
        messages: &[Fr],
    ) -> Result<Vec<u8>>;
    /// Proves `request`; the root's prover id is `request.prover` as a field element.
    fn prove_block(&self, request: &BlockRequest) -> Result<BlockProof>;
    /// One-line description for logs.
    fn describe(&self) -> String;
}
