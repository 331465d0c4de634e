//! Building every rollup witness of a block, in proving order, on the tree rule's shape
//! ([`rollup_shape`]). A block with fewer than two txs is padded with empty txs
//! (no effects, no fee), whose bases still append empty subtrees (so every tx moves the trees'
//! next indices by the per-tx maxima).

use ark_bn254::Fr;

use super::base::BaseRollupWitness;
use super::header::GlobalVariables;
use super::merge::MergeRollupWitness;
use super::outputs::RollupOutputs;
use super::root::RootRollupWitness;
use super::shape::{MIN_TXS, ProofNode, rollup_shape};
use crate::effects::ProcessedTx;
use crate::state::WorldState;
use crate::{Error, Result};

/// Every rollup witness of one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockWitnesses {
    /// One per tx (padding txs included), in tx order.
    pub bases: Vec<BaseRollupWitness>,
    /// One per merge of [`rollup_shape`]`(bases.len())`, in its order (children first).
    pub merges: Vec<MergeRollupWitness>,
    /// The root.
    pub root: RootRollupWitness,
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
    let padding = MIN_TXS.saturating_sub(txs.len());
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
    let shape = rollup_shape(bases.len())?;
    let mut merges: Vec<MergeRollupWitness> = Vec::with_capacity(shape.merges.len());
    let outputs = |n: ProofNode, merges: &[MergeRollupWitness]| -> RollupOutputs {
        match n {
            ProofNode::Base(t) => bases[t].outputs(),
            ProofNode::Merge(k) => merges[k].outputs(),
        }
    };
    for [l, r] in shape.merges {
        let w = MergeRollupWitness::build(outputs(l, &merges), outputs(r, &merges))?;
        merges.push(w);
    }
    let [l, r] = shape.root;
    let root = RootRollupWitness::build(
        &mut s,
        outputs(l, &merges),
        outputs(r, &merges),
        l1_to_l2_msgs,
        global,
        prover_id,
    )?;
    *state = s;
    Ok(BlockWitnesses {
        bases,
        merges,
        root,
    })
}
