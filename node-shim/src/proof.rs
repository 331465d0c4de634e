//! The interim block proof: every Groth16 proof of a block's proof tree, and its encoding for the L1 verifier.
//!
//! The tree is the circuits crate's (`sidecar_circuits::tree::tree_for_calls`): each tx's public calls as VM /
//! kernel pairs, one base rollup per tx (padding included), merges pairing left to right with an odd last node
//! carried up, and the root over the final two. It is fully determined by `calls_per_tx`, which the L1 takes from
//! the block header; `BatchVerifier.sol` derives the same node ids and enforces the same linkage (`LinkSet`). Words
//! are big-endian uint256 (`sidecar_groth16::evm`): a proof is `A(2) B(4, imaginary part first) C(2)`, a key
//! `α(2) β(4) γ(4) δ(4) IC(2 each)`. Key slot of a circuit = [`CircuitKind::slot`].

use crate::error::{NodeError, Result};
use alloy::primitives::{Address, B256, U256};
use ark_bn254::{Bn254, Fr};
use ark_ff::PrimeField;
use ark_groth16::Proof;
use sidecar_circuits::public_input_len;
use sidecar_circuits::tree::{TreeNode, tree_for_calls};
use sidecar_engine::block::{NodeProof, ProvenBlock, read_bundle, verify_tree};
use sidecar_groth16::VerifyingKey;
use sidecar_groth16::evm::{field_be, key_be, proof_be};
use std::collections::BTreeMap;
use std::path::Path;

pub use sidecar_circuits::CircuitKind;
pub use sidecar_circuits::rollup::RootPublicInputs;

/// One proof of the tree with its circuit and public inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeProof {
    pub kind: CircuitKind,
    pub proof: Proof<Bn254>,
    pub public_inputs: Vec<Fr>,
}

/// All proofs of one block, in the tree's node order (see the module note).
#[derive(Clone, Debug, PartialEq)]
pub struct BlockProof {
    /// Public calls of each base rollup's tx (padding txs included).
    pub calls_per_tx: Vec<usize>,
    pub nodes: Vec<TreeProof>,
}

/// Verifying keys of the five circuits, by key slot.
#[derive(Clone, Debug)]
pub struct BlockVerifyingKeys {
    keys: [VerifyingKey; 5],
}

impl PartialEq for BlockVerifyingKeys {
    fn eq(&self, other: &Self) -> bool {
        self.keys
            .iter()
            .zip(&other.keys)
            .all(|(a, b)| a.inner() == b.inner())
    }
}

/// A block proof as the contract takes it: 8 words per node, then every node's inputs concatenated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedBlockProof {
    pub proofs: Vec<U256>,
    pub inputs: Vec<U256>,
}

/// Big-endian uint256 of a field element's canonical integer.
pub fn field_word<F: PrimeField>(x: F) -> U256 {
    U256::from_be_bytes(field_be(x))
}

/// `x mod r` of a 32-byte big-endian word.
pub fn fr_from_word(word: B256) -> Fr {
    Fr::from_be_bytes_mod_order(word.as_slice())
}

/// An address as a field element (it is < 2^160 < r): the root's prover id.
pub fn fr_from_address(address: Address) -> Fr {
    Fr::from_be_bytes_mod_order(address.as_slice())
}

/// Flat Solidity layout of a verifying key.
pub fn encode_vk(vk: &ark_groth16::VerifyingKey<Bn254>) -> Vec<U256> {
    key_be(vk).into_iter().map(U256::from_be_bytes).collect()
}

/// A Groth16 proof as 8 words.
pub fn encode_proof(proof: &Proof<Bn254>) -> [U256; 8] {
    proof_be(proof).map(U256::from_be_bytes)
}

fn malformed(msg: String) -> NodeError {
    NodeError::MalformedProof(msg)
}

impl BlockVerifyingKeys {
    /// Keys by slot (public VM, public kernel, base, merge, root).
    pub fn new(keys: [VerifyingKey; 5]) -> Self {
        Self { keys }
    }

    /// The keys of a proven block; it only carries the keys of the circuits it uses, so the block must have
    /// public calls.
    pub fn from_proven(block: &ProvenBlock) -> Result<Self> {
        let take = |kind: CircuitKind| {
            block.keys.get(&kind).cloned().ok_or_else(|| {
                malformed(format!(
                    "the block has no {} key (a block without public calls ships none)",
                    kind.name()
                ))
            })
        };
        let [vm, kernel, base, merge, root] = CircuitKind::ALL.map(take);
        Ok(Self::new([vm?, kernel?, base?, merge?, root?]))
    }

    /// The keys shipped in a prove-block bundle (SHA-256 checked); see [`Self::from_proven`].
    pub fn from_bundle(dir: &Path) -> Result<Self> {
        Self::from_proven(&read_bundle(dir, None)?)
    }

    /// Key of `kind`.
    pub fn get(&self, kind: CircuitKind) -> &ark_groth16::VerifyingKey<Bn254> {
        self.keys[kind.slot()].inner()
    }

    /// Public inputs of `kind`'s circuit.
    pub fn num_inputs(&self, kind: CircuitKind) -> usize {
        self.keys[kind.slot()].num_public_inputs()
    }

    /// The keys by kind.
    pub fn by_kind(&self) -> BTreeMap<CircuitKind, VerifyingKey> {
        CircuitKind::ALL
            .into_iter()
            .map(|k| (k, self.keys[k.slot()].clone()))
            .collect()
    }

    /// The contract's constructor argument `keys`, by slot.
    pub fn encode(&self) -> [Vec<U256>; 5] {
        self.keys.each_ref().map(|k| encode_vk(k.inner()))
    }
}

impl BlockProof {
    /// The proofs of a block proven in memory, in node order.
    pub fn from_proven(block: &ProvenBlock) -> Self {
        Self {
            calls_per_tx: block.calls_per_tx(),
            nodes: block
                .nodes
                .iter()
                .zip(&block.proofs)
                .map(|(n, p)| TreeProof {
                    kind: n.kind,
                    proof: p.proof.0.clone(),
                    public_inputs: p.public_inputs.clone(),
                })
                .collect(),
        }
    }

    /// Reads a prove-block bundle (proof files checked against each other).
    pub fn from_bundle(dir: &Path) -> Result<Self> {
        Ok(Self::from_proven(&read_bundle(dir, None)?))
    }

    /// The tree derived from `calls_per_tx`.
    pub fn tree(&self) -> Result<Vec<TreeNode>> {
        tree_for_calls(&self.calls_per_tx).map_err(|e| malformed(e.to_string()))
    }

    /// Checks node count, kinds and input widths against the tree derived from `calls_per_tx` and `vks` (the
    /// contract's checks before any pairing); returns the tree.
    pub fn check_shape(&self, vks: &BlockVerifyingKeys) -> Result<Vec<TreeNode>> {
        let tree = self.tree()?;
        if tree.len() != self.nodes.len() {
            return Err(malformed(format!(
                "{} proofs for a tree of {} nodes",
                self.nodes.len(),
                tree.len()
            )));
        }
        for (i, (t, node)) in tree.iter().zip(&self.nodes).enumerate() {
            if node.kind != t.kind {
                return Err(malformed(format!(
                    "node {i} is a {}, the tree has a {}",
                    node.kind.name(),
                    t.kind.name()
                )));
            }
            let want = vks.num_inputs(node.kind);
            if node.public_inputs.len() != want || want != public_input_len(node.kind) {
                return Err(malformed(format!(
                    "node {i} has {} public inputs, its circuit {want}",
                    node.public_inputs.len()
                )));
            }
        }
        Ok(tree)
    }

    /// The native reference for the L1 batch check: shape ([`BlockProof::check_shape`]), then every proof and
    /// every linkage rule of the tree (`sidecar_engine::block::verify_tree`). `Err` names what fails.
    pub fn verify_native(&self, vks: &BlockVerifyingKeys) -> Result<()> {
        let tree = self.check_shape(vks)?;
        let proofs: Vec<NodeProof> = self
            .nodes
            .iter()
            .map(|n| NodeProof {
                proof: sidecar_groth16::Proof(n.proof.clone()),
                public_inputs: n.public_inputs.clone(),
            })
            .collect();
        verify_tree(&tree, &proofs, &vks.by_kind())?;
        Ok(())
    }

    /// The root rollup's public inputs (see [`RootPublicInputs`]).
    pub fn root_inputs(&self) -> Result<&[Fr]> {
        match self.nodes.last() {
            Some(n)
                if n.kind == CircuitKind::RootRollup
                    && n.public_inputs.len() == RootPublicInputs::LEN =>
            {
                Ok(&n.public_inputs)
            }
            _ => Err(malformed(
                "the last node is not a root rollup with its inputs".into(),
            )),
        }
    }

    /// The contract's `(proofs, inputs)` arguments.
    pub fn encode(&self) -> EncodedBlockProof {
        EncodedBlockProof {
            proofs: self
                .nodes
                .iter()
                .flat_map(|n| encode_proof(&n.proof))
                .collect(),
            inputs: self
                .nodes
                .iter()
                .flat_map(|n| n.public_inputs.iter().map(|x| field_word(*x)))
                .collect(),
        }
    }
}
