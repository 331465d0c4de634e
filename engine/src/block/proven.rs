//! [`ProvenBlock`]: a proven block in memory, as `prove_block` returns it and `read_bundle`
//! reads it back: the tree, every node's proof and public inputs, the verifying keys, and the
//! header and L1→L2 messages the root proves.

use std::collections::BTreeMap;

use ark_bn254::Fr;
use sidecar_circuits::rollup::{BlockHeader, RootPublicInputs as R};
use sidecar_circuits::tree::{TreeNode, calls_per_tx};
use sidecar_circuits::{CircuitKind, PresetName};
use sidecar_groth16::{Proof, VerifyingKey};

use super::bundle::BlockOutputs;

/// A proven node: its proof and public inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeProof {
    /// The proof.
    pub proof: Proof,
    /// Its public inputs.
    pub public_inputs: Vec<Fr>,
}

/// Every proof of one block's tree with what it needs to be verified.
#[derive(Clone, Debug)]
pub struct ProvenBlock {
    /// Preset of every circuit.
    pub preset: PresetName,
    /// Txs of the block (padding txs excluded).
    pub txs: usize,
    /// The new block header.
    pub header: BlockHeader,
    /// The L1→L2 message batch the block consumes, zero-padded.
    pub l1_to_l2_msgs: Vec<Fr>,
    /// The tree's nodes, in id order.
    pub nodes: Vec<TreeNode>,
    /// One proof per node, in node order.
    pub proofs: Vec<NodeProof>,
    /// Verifying keys of the circuits the tree uses.
    pub keys: BTreeMap<CircuitKind, VerifyingKey>,
}

impl ProvenBlock {
    /// The public calls of each tx (padding txs included).
    pub fn calls_per_tx(&self) -> Vec<usize> {
        calls_per_tx(&self.nodes)
    }

    /// The root rollup's public inputs ([`sidecar_circuits::rollup::RootPublicInputs`]).
    pub fn root_inputs(&self) -> &[Fr] {
        self.proofs
            .last()
            .map_or(&[], |p| p.public_inputs.as_slice())
    }

    /// What the root proves, by name.
    pub fn outputs(&self) -> BlockOutputs {
        outputs_of(self.root_inputs(), &self.header)
    }
}

/// Named block outputs from the root's public inputs (`root` has the root's full layout).
pub(crate) fn outputs_of(root: &[Fr], header: &BlockHeader) -> BlockOutputs {
    let at = |i: usize| root.get(i).copied().unwrap_or_default();
    BlockOutputs {
        previous_archive_root: at(R::PREVIOUS_ARCHIVE),
        new_archive_root: at(R::NEW_ARCHIVE),
        out_hash: at(R::OUT_HASH),
        total_fees: at(R::TOTAL_FEES),
        prover_id: at(R::PROVER_ID),
        in_hash: at(R::IN_HASH),
        block_number: header.global.block_number,
    }
}
