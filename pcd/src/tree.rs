//! Proving whole trees of the synthetic step: leaves, and a full binary tree level by level.

use ark_std::rand::RngCore;

use crate::{
    Error, Result,
    chain::ChainStep,
    prover::{Children, NodeProof, prove_node},
    setup::PcdKeys,
    types::Fr,
};

/// Proves a leaf of the synthetic step with input `input`.
pub fn prove_leaf(keys: &PcdKeys<ChainStep>, input: Fr, rng: impl RngCore) -> Result<NodeProof> {
    prove_node(keys, Some(input), Children::None, rng)
}

/// Proves an inner node of the synthetic step over two children of equal height.
pub fn prove_pair(
    keys: &PcdKeys<ChainStep>,
    left: &NodeProof,
    right: &NodeProof,
    rng: impl RngCore,
) -> Result<NodeProof> {
    prove_node(keys, None, Children::Both(left, right), rng)
}

/// Proves a full binary tree of the synthetic step over `leaves` (a power of two), level by
/// level; returns the root.
pub fn prove_tree(
    keys: &PcdKeys<ChainStep>,
    leaves: &[Fr],
    mut rng: impl RngCore,
) -> Result<NodeProof> {
    if leaves.is_empty() || !leaves.len().is_power_of_two() {
        return Err(Error::LeafCount(leaves.len()));
    }
    let mut level = leaves
        .iter()
        .map(|a| prove_leaf(keys, *a, &mut rng))
        .collect::<Result<Vec<_>>>()?;
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| prove_pair(keys, &pair[0], &pair[1], &mut rng))
            .collect::<Result<Vec<_>>>()?;
    }
    level.pop().ok_or(Error::LeafCount(0))
}
