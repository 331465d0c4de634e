//! The interim block proof: every Groth16 proof of a block's proof tree, and its encoding for the L1 verifier.
//!
//! Layout (shared with `BatchVerifier.sol`): a block with `t >= 2` leaves has `2t - 1` proofs in heap order; node 0
//! is the root rollup, nodes `1 .. t-1` merges, nodes `t-1 .. 2t-1` base rollups; node i's children are 2i+1 and
//! 2i+2. Every circuit's public inputs start with `[start_state, end_state]`; the root's are
//! `[prev_archive, new_archive, data_hash mod r, prover address]`. Field elements and coordinates are encoded as
//! big-endian uint256 words; G2 coordinates imaginary part first.

use crate::error::{NodeError, Result};
use alloy::primitives::{Address, B256, U256};
use ark_bn254::{Bn254, Fq, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{Groth16, Proof, VerifyingKey};
use ark_snark::SNARK;

/// Number of public inputs of the root rollup that the L1 interprets.
pub const ROOT_INPUTS: usize = 4;

/// Circuit kind of a node of the proof tree; the index matches the contract's verifying-key slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CircuitKind {
    Base = 0,
    Merge = 1,
    Root = 2,
}

impl CircuitKind {
    /// Kind of heap node `node` in a tree with `leaves` leaves.
    pub fn of(node: usize, leaves: usize) -> Self {
        if node == 0 {
            Self::Root
        } else if node + 1 < leaves {
            Self::Merge
        } else {
            Self::Base
        }
    }
}

/// One proof of the tree with its public inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeProof {
    pub proof: Proof<Bn254>,
    pub public_inputs: Vec<Fr>,
}

/// All proofs of one block, heap order (see the module notes).
#[derive(Clone, Debug, PartialEq)]
pub struct BlockProof {
    pub leaves: usize,
    pub nodes: Vec<TreeProof>,
}

/// Verifying keys of the three circuit kinds.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockVerifyingKeys {
    pub base: VerifyingKey<Bn254>,
    pub merge: VerifyingKey<Bn254>,
    pub root: VerifyingKey<Bn254>,
}

/// A block proof as the contract takes it: `(leaves, proofs (8 words each), inputs (concatenated))`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedBlockProof {
    pub leaves: U256,
    pub proofs: Vec<U256>,
    pub inputs: Vec<U256>,
}

/// Big-endian uint256 of a field element's canonical integer.
pub fn field_word<F: PrimeField>(x: F) -> U256 {
    U256::from_be_slice(&x.into_bigint().to_bytes_be())
}

/// `x mod r` of a 32-byte big-endian word (used for the data hash and addresses as public inputs).
pub fn fr_from_word(word: B256) -> Fr {
    Fr::from_be_bytes_mod_order(word.as_slice())
}

/// An address as a field element (it is < 2^160 < r).
pub fn fr_from_address(address: Address) -> Fr {
    Fr::from_be_bytes_mod_order(address.as_slice())
}

fn g1_words(p: &G1Affine) -> [U256; 2] {
    let (x, y) = p.xy().unwrap_or((Fq::from(0u64), Fq::from(0u64)));
    [field_word(x), field_word(y)]
}

fn g2_words(p: &G2Affine) -> [U256; 4] {
    match p.xy() {
        Some((x, y)) => [
            field_word(x.c1),
            field_word(x.c0),
            field_word(y.c1),
            field_word(y.c0),
        ],
        None => [U256::ZERO; 4],
    }
}

/// Flat Solidity layout of a verifying key: alpha(2) beta(4) gamma(4) delta(4) IC(2 each).
pub fn encode_vk(vk: &VerifyingKey<Bn254>) -> Vec<U256> {
    let mut w = Vec::with_capacity(14 + 2 * vk.gamma_abc_g1.len());
    w.extend(g1_words(&vk.alpha_g1));
    w.extend(g2_words(&vk.beta_g2));
    w.extend(g2_words(&vk.gamma_g2));
    w.extend(g2_words(&vk.delta_g2));
    for p in &vk.gamma_abc_g1 {
        w.extend(g1_words(p));
    }
    w
}

/// A Groth16 proof as 8 words: A(2) B(4, imaginary first) C(2).
pub fn encode_proof(proof: &Proof<Bn254>) -> [U256; 8] {
    let (a, b, c) = (g1_words(&proof.a), g2_words(&proof.b), g1_words(&proof.c));
    [a[0], a[1], b[0], b[1], b[2], b[3], c[0], c[1]]
}

impl BlockVerifyingKeys {
    pub fn get(&self, kind: CircuitKind) -> &VerifyingKey<Bn254> {
        match kind {
            CircuitKind::Base => &self.base,
            CircuitKind::Merge => &self.merge,
            CircuitKind::Root => &self.root,
        }
    }

    /// The contract's constructor argument `keys` (BASE, MERGE, ROOT).
    pub fn encode(&self) -> [Vec<U256>; 3] {
        [
            encode_vk(&self.base),
            encode_vk(&self.merge),
            encode_vk(&self.root),
        ]
    }
}

impl BlockProof {
    /// Checks the heap shape and input widths against `vks`, and the tree linkage of start / end states.
    pub fn check_shape(&self, vks: &BlockVerifyingKeys) -> Result<()> {
        let t = self.leaves;
        if t < 2 || self.nodes.len() != 2 * t - 1 {
            return Err(NodeError::MalformedProof(format!(
                "{} proofs for {t} leaves",
                self.nodes.len()
            )));
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let want = vks.get(CircuitKind::of(i, t)).gamma_abc_g1.len() - 1;
            if node.public_inputs.len() != want || want < 2 {
                return Err(NodeError::MalformedProof(format!(
                    "node {i} has {} public inputs, its circuit {want}",
                    node.public_inputs.len()
                )));
            }
        }
        for p in 0..t - 1 {
            let (parent, l, r) = (
                &self.nodes[p],
                &self.nodes[2 * p + 1],
                &self.nodes[2 * p + 2],
            );
            let linked = l.public_inputs[0] == parent.public_inputs[0]
                && l.public_inputs[1] == r.public_inputs[0]
                && r.public_inputs[1] == parent.public_inputs[1];
            if !linked {
                return Err(NodeError::MalformedProof(format!(
                    "children of node {p} do not link"
                )));
            }
        }
        Ok(())
    }

    /// Verifies shape and every proof with ark-groth16 (the native reference for the L1 batch check).
    pub fn verify_native(&self, vks: &BlockVerifyingKeys) -> Result<bool> {
        self.check_shape(vks)?;
        for (i, node) in self.nodes.iter().enumerate() {
            let pvk = Groth16::<Bn254>::process_vk(vks.get(CircuitKind::of(i, self.leaves)))
                .map_err(|e| NodeError::MalformedProof(e.to_string()))?;
            let ok =
                Groth16::<Bn254>::verify_with_processed_vk(&pvk, &node.public_inputs, &node.proof)
                    .map_err(|e| NodeError::MalformedProof(e.to_string()))?;
            if !ok {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Root public inputs `[prev_archive, new_archive, data_hash mod r, prover]`.
    pub fn root_inputs(&self) -> &[Fr] {
        &self.nodes[0].public_inputs
    }

    /// The contract's `(leaves, proofs, inputs)` arguments.
    pub fn encode(&self) -> EncodedBlockProof {
        EncodedBlockProof {
            leaves: U256::from(self.leaves),
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
