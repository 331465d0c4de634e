//! The block-prover interface the node shim drives. The engine's `prove-block` implements it; tests use the toy
//! fixture in `fixture` (feature `test-fixture`).

use crate::error::Result;
use crate::proof::{BlockProof, BlockVerifyingKeys};
use alloy::primitives::Address;
use ark_bn254::Fr;

/// What a prover is asked to prove: the block `data` revealed on L1 (its keccak is the proposal's data hash),
/// applied on top of `prev_archive`, with `prover` named in the root's public inputs (it gets the prover reward).
#[derive(Clone, Debug)]
pub struct BlockRequest {
    pub slot: u64,
    pub prev_archive: Fr,
    pub data: Vec<u8>,
    pub prover: Address,
}

/// Produces interim block proofs (every proof of the tree) for the L1 batch verifier.
pub trait BlockProver {
    /// Verifying keys of the base, merge and root circuits (deployed into the rollup contract).
    fn verifying_keys(&self) -> &BlockVerifyingKeys;
    /// Genesis archive root the rollup starts from.
    fn genesis_archive(&self) -> Fr;
    /// Builds the block data a sequencer proposes for `slot` (`txs` transactions, deterministic in `seed`).
    fn build_block(&self, slot: u64, txs: usize, seed: u64) -> Vec<u8>;
    /// Proves `request`; the result's root inputs are `[prev_archive, new_archive, keccak(data) mod r, prover]`.
    fn prove_block(&self, request: &BlockRequest) -> Result<BlockProof>;
    /// One-line description for logs.
    fn describe(&self) -> String;
}
