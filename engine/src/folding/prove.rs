//! Proving a block's tree by folding, and deciding it: the folded counterpart of the Groth16
//! forest. Keys are derived, not generated: the node circuit is fixed by the preset, and the
//! Pedersen generators are hashed to the curve from a public seed, so a verifier rebuilds the
//! same keys from the preset alone and nobody knows a relation between generators.
//!
//! ```text
//!  BlockTree ─▶ per node: BlockStep::input (assignment) ─▶ pcd::prove_node(children)
//!            waves: every node whose children are proven, in parallel; a child's proof is
//!            dropped once its parent is proven ─▶ root NodeProof ─▶ decide_block ─▶ root inputs
//! ```

use ark_bn254::Fr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use sidecar_circuits::{CircuitKind, Preset, public_input_len, tree::BlockTree};
use sidecar_kernels::AnyBackend;
use sidecar_pcd::{Children, NodeProof, PcdKeys, decide, prove_node, setup};

use super::step::{BlockStep, INPUTS, TAG, tag};
use crate::{Error, Result};

/// Folding keys of a block's tree.
pub type FoldingKeys = PcdKeys<BlockStep>;

/// The keys for `preset` (deterministic; commitment MSMs on `backend`).
pub fn folding_keys(preset: &Preset, backend: AnyBackend) -> Result<FoldingKeys> {
    let seed: [u8; 32] = Sha256::new()
        .chain_update(b"sidecar-folding-generators-v1")
        .chain_update(preset.name.to_string().as_bytes())
        .finalize()
        .into();
    Ok(setup(
        BlockStep::new(preset)?,
        backend,
        ChaCha20Rng::from_seed(seed),
    )?)
}

/// Proves every node of `tree` (children before parents, independent nodes in parallel in the
/// current rayon pool) and returns the root's proof. `seed` feeds the provers' randomness;
/// `done(node)` is called as each node completes.
pub fn fold_tree(
    keys: &FoldingKeys,
    tree: &BlockTree,
    seed: u64,
    done: &(dyn Fn(usize, CircuitKind) + Sync),
) -> Result<NodeProof> {
    let nodes = tree.nodes();
    let mut proofs: Vec<Option<NodeProof>> = vec![None; nodes.len()];
    let mut proven = vec![false; nodes.len()];
    while proven.iter().any(|p| !p) {
        let ready: Vec<usize> = (0..nodes.len())
            .filter(|&i| !proven[i] && nodes[i].children.iter().all(|&c| proven[c]))
            .collect();
        if ready.is_empty() {
            return Err(Error::Malformed("the tree has a cycle".into()));
        }
        let wave = ready
            .par_iter()
            .map(|&i| {
                let input = keys.step.input(&tree.circuits()[i])?;
                let child = |slot: usize| {
                    nodes[i].children.get(slot).map(|&c| {
                        proofs[c]
                            .as_ref()
                            .expect("children are proven in an earlier wave")
                    })
                };
                let children = match (child(0), child(1)) {
                    (None, _) => Children::None,
                    (Some(l), None) => Children::Left(l),
                    (Some(l), Some(r)) => Children::Both(l, r),
                };
                let rng = ChaCha20Rng::seed_from_u64(seed ^ (i as u64).rotate_left(32));
                let proof = prove_node(keys, input, children, rng).map_err(|e| match e {
                    sidecar_pcd::Error::Step { reason } => {
                        Error::Malformed(format!("node {i} ({}): {reason}", nodes[i].kind))
                    }
                    other => Error::Pcd(other),
                })?;
                done(i, nodes[i].kind);
                Ok((i, proof))
            })
            .collect::<Result<Vec<_>>>()?;
        for (i, proof) in wave {
            for &c in &nodes[i].children {
                proofs[c] = None;
            }
            proofs[i] = Some(proof);
            proven[i] = true;
        }
    }
    proofs
        .pop()
        .flatten()
        .ok_or_else(|| Error::Malformed("empty tree".into()))
}

/// Decides the root of a folded block: the accumulators and the root's own instance hold,
/// and its state is a root rollup's. Returns the root rollup's public inputs, for
/// [`crate::block::check_header`].
pub fn decide_block(keys: &FoldingKeys, root: &NodeProof) -> Result<Vec<Fr>> {
    decide(keys, root).map_err(|e| Error::Rejected(e.to_string()))?;
    if root.state.get(TAG) != Some(&tag(CircuitKind::RootRollup)) {
        return Err(Error::Rejected(
            "the folded tree's last node is not a root rollup".into(),
        ));
    }
    let len = public_input_len(CircuitKind::RootRollup);
    Ok(root.state[INPUTS..INPUTS + len].to_vec())
}
