//! The nodes of a block's proof tree, derived from the public calls of each tx alone.
//!
//! ```text
//!  tx t:  vm(t,0)   vm(t,1)  …            (independent)
//!           │         │
//!         kern(t,0)─▶kern(t,1) ─▶ …  ─▶ base(t)     (kernel chain is sequential)
//!  bases ─▶ merges (pairs, left to right, odd one carried up) ─▶ root
//! ```
//! Node ids are list order: every tx's VM and kernel nodes (call order), then the bases (tx
//! order, padding txs included), the merges ([`crate::rollup::rollup_shape`] order), the root. A node's
//! `children` are the nodes whose public inputs it is linked to; they are also its scheduling
//! dependencies.

use serde::{Deserialize, Serialize};

use crate::rollup::{ProofNode, rollup_shape};
use crate::{CircuitKind, Result};

/// A node of the proof tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeNode {
    /// Node id (index in the tree's node list).
    pub id: usize,
    /// Its circuit.
    pub kind: CircuitKind,
    /// The tx this node belongs to (VM, kernel and base nodes).
    pub tx: Option<usize>,
    /// The public call index within the tx (VM and kernel nodes).
    pub call: Option<usize>,
    /// Linked nodes: kernel `[vm, previous step?]`, base `[last kernel step?]`, merge and
    /// root `[left, right]`.
    pub children: Vec<usize>,
}

/// The tree of a block whose tx `t` (padding txs included, at least 2 txs) makes
/// `calls_per_tx[t]` public calls. The L1 verifier derives the same tree from the same counts.
pub fn tree_for_calls(calls_per_tx: &[usize]) -> Result<Vec<TreeNode>> {
    let shape = rollup_shape(calls_per_tx.len())?;
    let mut nodes: Vec<TreeNode> = Vec::new();
    let mut push = |kind: CircuitKind, tx, call, children| {
        let id = nodes.len();
        nodes.push(TreeNode {
            id,
            kind,
            tx,
            call,
            children,
        });
        id
    };
    let mut last_kernel = Vec::with_capacity(calls_per_tx.len());
    for (t, &calls) in calls_per_tx.iter().enumerate() {
        let mut prev = None;
        for j in 0..calls {
            let vm = push(CircuitKind::PublicVm, Some(t), Some(j), vec![]);
            let children = [Some(vm), prev].into_iter().flatten().collect();
            prev = Some(push(CircuitKind::PublicKernel, Some(t), Some(j), children));
        }
        last_kernel.push(prev);
    }
    let bases: Vec<usize> = last_kernel
        .into_iter()
        .enumerate()
        .map(|(t, k)| {
            push(
                CircuitKind::BaseRollup,
                Some(t),
                None,
                k.into_iter().collect(),
            )
        })
        .collect();
    let mut merges = Vec::with_capacity(shape.merges.len());
    let id = |n: ProofNode, merges: &[usize]| match n {
        ProofNode::Base(t) => bases[t],
        ProofNode::Merge(k) => merges[k],
    };
    for [l, r] in &shape.merges {
        let children = vec![id(*l, &merges), id(*r, &merges)];
        merges.push(push(CircuitKind::MergeRollup, None, None, children));
    }
    let children = shape.root.iter().map(|n| id(*n, &merges)).collect();
    push(CircuitKind::RootRollup, None, None, children);
    Ok(nodes)
}

/// The public calls of each tx of `tree` (the inverse of [`tree_for_calls`] on its output).
pub fn calls_per_tx(tree: &[TreeNode]) -> Vec<usize> {
    let bases = tree.iter().filter(|n| n.kind == CircuitKind::BaseRollup);
    bases
        .map(|b| {
            tree.iter()
                .filter(|n| n.kind == CircuitKind::PublicKernel && n.tx == b.tx)
                .count()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use CircuitKind::{
        BaseRollup as B, MergeRollup as M, PublicKernel as K, PublicVm as V, RootRollup as R,
    };

    fn shape(nodes: &[TreeNode]) -> Vec<(CircuitKind, Vec<usize>)> {
        nodes.iter().map(|n| (n.kind, n.children.clone())).collect()
    }

    #[test]
    fn calls_per_tx_fix_the_tree() {
        let three = tree_for_calls(&[0, 2, 0]).unwrap();
        assert_eq!(
            shape(&three),
            [
                (V, vec![]),
                (K, vec![0]),
                (V, vec![]),
                (K, vec![2, 1]),
                (B, vec![]),
                (B, vec![3]),
                (B, vec![]),
                (M, vec![4, 5]),
                (R, vec![7, 6]),
            ]
        );
        assert_eq!((three[3].tx, three[3].call), (Some(1), Some(1)));
        let five = tree_for_calls(&[0; 5]).unwrap();
        assert_eq!(
            shape(&five)[5..],
            [
                (M, vec![0, 1]),
                (M, vec![2, 3]),
                (M, vec![5, 6]),
                (R, vec![7, 4])
            ]
        );
        for calls in [vec![1, 0, 3, 0, 2, 1, 0], vec![0, 0], vec![4, 4, 4, 4]] {
            let nodes = tree_for_calls(&calls).unwrap();
            let c: usize = calls.iter().sum();
            assert_eq!(nodes.len(), 2 * c + 2 * calls.len() - 1);
            assert_eq!(calls_per_tx(&nodes), calls);
            super::super::LinkSet::build(&nodes).expect("well-formed tree");
        }
        assert!(tree_for_calls(&[3]).is_err());
        assert!(tree_for_calls(&[]).is_err());
    }

    #[test]
    fn kinds_serialize_by_name() {
        let node = &tree_for_calls(&[1, 0]).unwrap()[1];
        let json = serde_json::to_string(node).unwrap();
        assert!(json.contains(r#""kind":"public-kernel""#), "{json}");
        assert_eq!(&serde_json::from_str::<TreeNode>(&json).unwrap(), node);
        let bad = json.replace("public-kernel", "private-kernel");
        assert!(serde_json::from_str::<TreeNode>(&bad).is_err());
    }
}
