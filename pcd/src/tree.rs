//! Proving whole trees: leaves, inner nodes, and a full binary tree level by level.

use ark_std::rand::RngCore;

use crate::{
    Error, Result,
    prover::{NodeProof, finish_node, fold_children, leaf_folding},
    setup::PcdKeys,
    types::Fr,
};

/// Proves a leaf with input `input`.
pub fn prove_leaf(keys: &PcdKeys, input: Fr, rng: impl RngCore) -> Result<NodeProof> {
    finish_node(keys, leaf_folding(keys, input), rng)
}

/// Proves an inner node over two children of equal height.
pub fn prove_node(
    keys: &PcdKeys,
    left: &NodeProof,
    right: &NodeProof,
    mut rng: impl RngCore,
) -> Result<NodeProof> {
    let folding = fold_children(keys, left, right, &mut rng)?;
    finish_node(keys, folding, rng)
}

/// Proves a full binary tree over `leaves` (a power of two), level by level; returns the root.
pub fn prove_tree(keys: &PcdKeys, leaves: &[Fr], mut rng: impl RngCore) -> Result<NodeProof> {
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
            .map(|pair| prove_node(keys, &pair[0], &pair[1], &mut rng))
            .collect::<Result<Vec<_>>>()?;
    }
    level.pop().ok_or(Error::LeafCount(0))
}
