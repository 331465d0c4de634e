//! The interim block proof: every Groth16 proof of a block's proof tree, and its encoding for the L1 verifier.
//!
//! The tree is the engine's (`sidecar_engine::block::layout`): each tx's public calls as VM / kernel pairs, one
//! base rollup per tx (padding included), merges pairing left to right with an odd last node carried up, and the
//! root over the final two. It is fully determined by `calls_per_tx`, which the L1 takes from the block header;
//! `BatchVerifier.sol` derives the same node ids and enforces the same linkage (`LinkSet`). Words are big-endian
//! uint256 (the engine's `l1` encoding): a proof is `A(2) B(4, imaginary part first) C(2)`, a key
//! `α(2) β(4) γ(4) δ(4) IC(2 each)`. Key slot of a circuit = its index in [`CircuitKind::ALL`].

use crate::error::{NodeError, Result};
use alloy::primitives::{Address, B256, U256};
use ark_bn254::{Bn254, Fr};
use ark_ff::PrimeField;
use ark_groth16::{Groth16, Proof, VerifyingKey};
use ark_snark::SNARK;
use sidecar_engine::block::{
    LinkSet, TreeNode, field_be, key_be, kind_from_name, layout_for_calls, load_keys, load_proof,
    proof_be, read_manifest,
};
use std::path::Path;

pub use sidecar_circuits::CircuitKind;
pub use sidecar_circuits::rollup::RootPublicInputs;

/// Key slot of `kind` (its index in [`CircuitKind::ALL`]).
pub fn key_slot(kind: CircuitKind) -> usize {
    CircuitKind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("ALL lists every kind")
}

/// One proof of the tree with its circuit and public inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeProof {
    pub kind: CircuitKind,
    pub proof: Proof<Bn254>,
    pub public_inputs: Vec<Fr>,
}

/// All proofs of one block, in the engine's node order (see the module note).
#[derive(Clone, Debug, PartialEq)]
pub struct BlockProof {
    /// Public calls of each base rollup's tx (padding txs included).
    pub calls_per_tx: Vec<usize>,
    pub nodes: Vec<TreeProof>,
}

/// Verifying keys of the five circuits, by key slot.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockVerifyingKeys {
    keys: [VerifyingKey<Bn254>; 5],
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
pub fn encode_vk(vk: &VerifyingKey<Bn254>) -> Vec<U256> {
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
    /// Keys of the public VM, public kernel, base, merge and root circuits.
    pub fn new(
        vm: VerifyingKey<Bn254>,
        kernel: VerifyingKey<Bn254>,
        base: VerifyingKey<Bn254>,
        merge: VerifyingKey<Bn254>,
        root: VerifyingKey<Bn254>,
    ) -> Self {
        Self {
            keys: [vm, kernel, base, merge, root],
        }
    }

    /// The keys shipped in a prove-block bundle (SHA-256 checked). A bundle only carries the keys of the circuits
    /// it uses, so the block must have public calls.
    pub fn from_bundle(dir: &Path) -> Result<Self> {
        let m = read_manifest(dir)?;
        let mut keys = load_keys(dir, &m)?;
        let mut take = |kind: CircuitKind| {
            keys.remove(kind.name())
                .map(|k| k.inner().clone())
                .ok_or_else(|| {
                    malformed(format!(
                        "{} has no {} key (a block without public calls ships none)",
                        dir.display(),
                        kind.name()
                    ))
                })
        };
        let [vm, kernel, base, merge, root] = CircuitKind::ALL.map(&mut take);
        Ok(Self::new(vm?, kernel?, base?, merge?, root?))
    }

    /// Key of `kind`.
    pub fn get(&self, kind: CircuitKind) -> &VerifyingKey<Bn254> {
        &self.keys[key_slot(kind)]
    }

    /// Public inputs of `kind`'s circuit.
    pub fn num_inputs(&self, kind: CircuitKind) -> usize {
        self.get(kind).gamma_abc_g1.len().saturating_sub(1)
    }

    /// The contract's constructor argument `keys`, by slot.
    pub fn encode(&self) -> [Vec<U256>; 5] {
        self.keys.each_ref().map(encode_vk)
    }
}

impl BlockProof {
    /// Reads a prove-block bundle (proof files checked against each other). Its tree must be the one its
    /// `calls_per_tx` derives.
    pub fn from_bundle(dir: &Path) -> Result<Self> {
        let m = read_manifest(dir)?;
        let is = |n: &&sidecar_engine::block::ManifestNode, k: CircuitKind| n.node.kind == k.name();
        let bases = m
            .nodes
            .iter()
            .filter(|n| is(n, CircuitKind::BaseRollup))
            .count();
        let mut calls_per_tx = vec![0usize; bases];
        for n in m.nodes.iter().filter(|n| is(n, CircuitKind::PublicKernel)) {
            match n.node.tx.and_then(|t| calls_per_tx.get_mut(t)) {
                Some(c) => *c += 1,
                None => {
                    return Err(malformed(format!(
                        "node {}: kernel of no base's tx",
                        n.node.id
                    )));
                }
            }
        }
        let nodes = m
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                Ok(TreeProof {
                    kind: kind_from_name(&n.node.kind)?,
                    proof: load_proof(dir, &m, i)?.0,
                    public_inputs: n.public_inputs.clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let tree: Vec<TreeNode> = m.nodes.iter().map(|n| n.node.clone()).collect();
        if layout_for_calls(&calls_per_tx)? != tree {
            return Err(malformed(format!(
                "{}: tree is not the one derived from calls per tx {calls_per_tx:?}",
                dir.display()
            )));
        }
        Ok(Self {
            calls_per_tx,
            nodes,
        })
    }

    /// The tree derived from `calls_per_tx`.
    pub fn tree(&self) -> Result<Vec<TreeNode>> {
        Ok(layout_for_calls(&self.calls_per_tx)?)
    }

    /// Checks node count, kinds and input widths against the tree derived from `calls_per_tx` and `vks`, and
    /// every linkage rule of the tree. The contract performs the same checks.
    pub fn check_shape(&self, vks: &BlockVerifyingKeys) -> Result<()> {
        let tree = self.tree()?;
        if tree.len() != self.nodes.len() {
            return Err(malformed(format!(
                "{} proofs for a tree of {} nodes",
                self.nodes.len(),
                tree.len()
            )));
        }
        for (i, (t, node)) in tree.iter().zip(&self.nodes).enumerate() {
            if node.kind.name() != t.kind {
                return Err(malformed(format!(
                    "node {i} is a {}, the tree has a {}",
                    node.kind.name(),
                    t.kind
                )));
            }
            let want = vks.num_inputs(node.kind);
            if node.public_inputs.len() != want {
                return Err(malformed(format!(
                    "node {i} has {} public inputs, its circuit {want}",
                    node.public_inputs.len()
                )));
            }
        }
        let inputs: Vec<Vec<Fr>> = self.nodes.iter().map(|n| n.public_inputs.clone()).collect();
        LinkSet::build(&tree)?.check(&inputs)?;
        Ok(())
    }

    /// Shape and linkage ([`BlockProof::check_shape`]; an error if broken), then every proof with ark-groth16:
    /// `Ok(false)` if any pairing check fails. The native reference for the L1 batch check.
    pub fn verify_native(&self, vks: &BlockVerifyingKeys) -> Result<bool> {
        self.check_shape(vks)?;
        let prepared = CircuitKind::ALL.map(|k| {
            Groth16::<Bn254>::process_vk(vks.get(k)).map_err(|e| malformed(e.to_string()))
        });
        for node in &self.nodes {
            let pvk = prepared[key_slot(node.kind)]
                .as_ref()
                .map_err(|e| malformed(e.to_string()))?;
            let ok =
                Groth16::<Bn254>::verify_with_processed_vk(pvk, &node.public_inputs, &node.proof)
                    .map_err(|e| malformed(e.to_string()))?;
            if !ok {
                return Ok(false);
            }
        }
        Ok(true)
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
