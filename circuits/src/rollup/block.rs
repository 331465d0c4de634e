//! Building every rollup witness of a block, in proving order.
//!
//! Shape: one base per tx; while more than two nodes remain, consecutive pairs are merged left
//! to right and an odd last node is carried up unchanged; the root takes the final two. A block
//! with fewer than two txs is padded with empty txs (no effects, no fee), whose bases still
//! append empty subtrees (so every tx moves the trees' next indices by the per-tx maxima).

use ark_bn254::Fr;

use super::base::BaseRollupWitness;
use super::header::GlobalVariables;
use super::merge::MergeRollupWitness;
use super::outputs::RollupOutputs;
use super::root::RootRollupWitness;
use crate::effects::ProcessedTx;
use crate::state::WorldState;
use crate::{Error, Preset, Result};

/// A node of the proof tree below the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofNode {
    /// `bases[i]`.
    Base(usize),
    /// `merges[i]`.
    Merge(usize),
}

/// A merge with the nodes it consumes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeNode {
    /// The witness.
    pub witness: MergeRollupWitness,
    /// Left child.
    pub left: ProofNode,
    /// Right child.
    pub right: ProofNode,
}

/// Every rollup witness of one block; merges are listed children-first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockWitnesses {
    /// One per tx (padding txs included), in tx order.
    pub bases: Vec<BaseRollupWitness>,
    /// Merges in an order where children precede parents.
    pub merges: Vec<MergeNode>,
    /// The root.
    pub root: RootRollupWitness,
    /// The root's children.
    pub root_children: (ProofNode, ProofNode),
}

/// Applies `txs` (then the messages and the new header) to `state` and returns the witnesses.
/// All or nothing: on error `state` is unchanged and the error names the failing tx.
pub fn build_block(
    state: &mut WorldState,
    txs: &[ProcessedTx],
    l1_to_l2_msgs: &[Fr],
    global: GlobalVariables,
    prover_id: Fr,
) -> Result<BlockWitnesses> {
    let mut s = state.fork();
    let empty = ProcessedTx::padding();
    let padding = 2usize.saturating_sub(txs.len());
    let mut bases = Vec::with_capacity(txs.len() + padding);
    for (index, tx) in txs
        .iter()
        .chain(std::iter::repeat_n(&empty, padding))
        .enumerate()
    {
        let w = BaseRollupWitness::build(&mut s, tx).map_err(|e| Error::InvalidTx {
            index,
            reason: e.to_string(),
        })?;
        bases.push(w);
    }
    let mut merges = Vec::new();
    let mut level: Vec<(ProofNode, RollupOutputs)> = bases
        .iter()
        .enumerate()
        .map(|(i, b)| (ProofNode::Base(i), b.outputs()))
        .collect();
    while level.len() > 2 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        for pair in level.chunks(2) {
            if let [(ln, lo), (rn, ro)] = pair {
                let witness = MergeRollupWitness::build(*lo, *ro)?;
                next.push((ProofNode::Merge(merges.len()), witness.outputs()));
                merges.push(MergeNode {
                    witness,
                    left: *ln,
                    right: *rn,
                });
            } else {
                next.push(pair[0]);
            }
        }
        level = next;
    }
    let root = RootRollupWitness::build(
        &mut s,
        level[0].1,
        level[1].1,
        l1_to_l2_msgs,
        global,
        prover_id,
    )?;
    *state = s;
    Ok(BlockWitnesses {
        bases,
        merges,
        root,
        root_children: (level[0].0, level[1].0),
    })
}

/// Applies two empty txs to `state` and returns their base outputs.
pub(crate) fn apply_blank_children(state: &mut WorldState) -> (RollupOutputs, RollupOutputs) {
    let empty = ProcessedTx::padding();
    let mut out = [RollupOutputs::default(); 2];
    for o in &mut out {
        *o = BaseRollupWitness::build(state, &empty)
            .expect("empty txs apply to genesis")
            .outputs();
    }
    (out[0], out[1])
}

/// Outputs of two empty txs on the genesis state of `preset`.
pub(crate) fn blank_children(preset: &Preset) -> (RollupOutputs, RollupOutputs) {
    apply_blank_children(&mut WorldState::genesis(preset))
}
