//! The block-prover interface the node shim drives. The engine implements it over prove-block; the driver only
//! sees block data (bytes) and proof trees.

use crate::contracts::Rollup;
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

/// A block proof in the form the rollup takes it: the Groth16 forest (every proof of the tree, for `submitProof`'s
/// batch verifier) or a folded block decided for the rollup's `DeciderVerifier` (`submitFoldedProof`).
#[derive(Clone, Debug)]
pub enum AnyBlockProof {
    Forest(BlockProof),
    Folded(Box<Rollup::FoldedProof>),
}

impl AnyBlockProof {
    /// Proofs the L1 checks: every node's for a forest, one for a folded block.
    pub fn proofs(&self) -> usize {
        match self {
            AnyBlockProof::Forest(p) => p.nodes.len(),
            AnyBlockProof::Folded(_) => 1,
        }
    }
}

/// Produces block proofs for the L1: Groth16 forests (every proof of the tree) for the batch verifier, and, where the
/// prover has a decider, folded blocks decided for it.
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
    /// Proves `request` as a Groth16 forest; the root's prover id is `request.prover` as a field element.
    fn prove_block(&self, request: &BlockRequest) -> Result<BlockProof>;
    /// Proves `request` in the form this prover submits to the L1 (what the driver lands); by default the forest of
    /// [`Self::prove_block`].
    fn prove_for_l1(&self, request: &BlockRequest) -> Result<AnyBlockProof> {
        self.prove_block(request).map(AnyBlockProof::Forest)
    }
    /// One-line description for logs.
    fn describe(&self) -> String;
}
