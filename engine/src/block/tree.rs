//! The proof tree of one block: which proof each node is, and what it depends on.
//!
//! ```text
//!  tx t:  vm(t,0)   vm(t,1)  …            (independent)
//!           │         │
//!         kern(t,0)─▶kern(t,1) ─▶ …  ─▶ base(t)     (kernel chain is sequential)
//!  bases ─▶ merges (pairs, left to right, odd one carried up) ─▶ root
//! ```
//! Node ids are insertion order: every tx's VM and kernel nodes, then the bases (tx order,
//! padding txs included), the merges (children first), the root. A node's `children` are the
//! nodes whose public inputs it is linked to; they are also its scheduling dependencies.

use serde::{Deserialize, Serialize};
use sidecar_circuits::CircuitKind;
use sidecar_circuits::kernel::KernelCircuit;
use sidecar_circuits::rollup::{BlockWitnesses, ProofNode};
use sidecar_circuits::vm::VmCircuit;

use super::error::{BlockError, Result};

/// One public call: its VM execution and the kernel step that consumes it.
#[derive(Clone, Debug)]
pub struct CallWitness {
    /// The VM proof's witness.
    pub vm: VmCircuit,
    /// The kernel step's witness.
    pub kernel: KernelCircuit,
}

/// Every witness of a block's proof tree, as the simulator produces them.
#[derive(Clone, Debug)]
pub struct BlockProofWitnesses {
    /// Public calls of each tx, in tx order (`calls[t]` may be empty; padding txs have none).
    pub calls: Vec<Vec<CallWitness>>,
    /// Base, merge and root witnesses.
    pub rollup: BlockWitnesses,
}

/// A node of the proof tree as recorded in a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeNode {
    /// Node id (index in the tree's node list).
    pub id: usize,
    /// Circuit name ([`CircuitKind::name`]).
    pub kind: String,
    /// The tx this node belongs to (VM, kernel and base nodes).
    pub tx: Option<usize>,
    /// The public call index within the tx (VM and kernel nodes).
    pub call: Option<usize>,
    /// Linked nodes: kernel `[vm, previous step?]`, base `[last kernel step?]`, merge and
    /// root `[left, right]`.
    pub children: Vec<usize>,
}

/// Parses a circuit name back into its kind.
pub fn kind_from_name(name: &str) -> Result<CircuitKind> {
    CircuitKind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| BlockError::Malformed(format!("unknown circuit kind {name:?}")))
}

/// The tree's nodes for `w`, in id order: [`layout_for_calls`] of its calls per tx, checked
/// against the pairing the rollup witnesses were built with.
pub fn layout(w: &BlockProofWitnesses) -> Result<Vec<TreeNode>> {
    let r = &w.rollup;
    if w.calls.len() > r.bases.len() {
        return Err(BlockError::Malformed(format!(
            "{} txs with calls but only {} bases",
            w.calls.len(),
            r.bases.len()
        )));
    }
    let calls: Vec<usize> = (0..r.bases.len())
        .map(|t| w.calls.get(t).map_or(0, Vec::len))
        .collect();
    let nodes = layout_for_calls(&calls)?;
    let first_base = nodes.len() - 2 * r.bases.len() + 1;
    let merges: Vec<&TreeNode> = nodes
        .iter()
        .filter(|n| n.kind == CircuitKind::MergeRollup.name())
        .collect();
    let id_of = |n: ProofNode| match n {
        ProofNode::Base(i) => Some(first_base + i),
        ProofNode::Merge(i) => merges.get(i).map(|m| m.id),
    };
    let pairs = r
        .merges
        .iter()
        .map(|m| (m.left, m.right))
        .chain([r.root_children]);
    let parents = merges.iter().copied().chain(nodes.last());
    let agree = r.merges.len() == merges.len()
        && pairs.zip(parents).all(|((l, rt), p)| {
            [id_of(l), id_of(rt)] == [Some(p.children[0]), Some(p.children[1])]
        });
    if !agree {
        return Err(BlockError::Malformed(
            "the rollup witnesses pair nodes differently from the tree rule".into(),
        ));
    }
    Ok(nodes)
}

/// The tree's nodes for a block whose tx `t` (padding txs included) makes `calls_per_tx[t]`
/// public calls: the same ids and children as [`layout`] gives for that block's witnesses
/// (bases paired left to right, an odd last node carried up, the root over the final two).
/// An L1 verifier derives the tree from `calls_per_tx` alone with this rule.
pub fn layout_for_calls(calls_per_tx: &[usize]) -> Result<Vec<TreeNode>> {
    if calls_per_tx.len() < 2 {
        return Err(BlockError::Malformed(format!(
            "a block has at least 2 bases, got {}",
            calls_per_tx.len()
        )));
    }
    let mut nodes: Vec<TreeNode> = Vec::new();
    let mut push = |kind: CircuitKind, tx, call, children| {
        let id = nodes.len();
        nodes.push(TreeNode {
            id,
            kind: kind.name().into(),
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
    let mut level: Vec<usize> = last_kernel
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
    while level.len() > 2 {
        level = level
            .chunks(2)
            .map(|pair| match *pair {
                [l, r] => push(CircuitKind::MergeRollup, None, None, vec![l, r]),
                _ => pair[0],
            })
            .collect();
    }
    push(CircuitKind::RootRollup, None, None, level);
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(nodes: &[TreeNode]) -> Vec<(&str, Vec<usize>)> {
        nodes
            .iter()
            .map(|n| (n.kind.as_str(), n.children.clone()))
            .collect()
    }

    #[test]
    fn calls_per_tx_fix_the_tree() {
        let (vm, k, b, m, r) = (
            "public-vm",
            "public-kernel",
            "base-rollup",
            "merge-rollup",
            "root-rollup",
        );
        let three = layout_for_calls(&[0, 2, 0]).unwrap();
        assert_eq!(
            shape(&three),
            [
                (vm, vec![]),
                (k, vec![0]),
                (vm, vec![]),
                (k, vec![2, 1]),
                (b, vec![]),
                (b, vec![3]),
                (b, vec![]),
                (m, vec![4, 5]),
                (r, vec![7, 6]),
            ]
        );
        assert_eq!((three[3].tx, three[3].call), (Some(1), Some(1)));
        let five = layout_for_calls(&[0; 5]).unwrap();
        assert_eq!(
            shape(&five)[5..],
            [
                (m, vec![0, 1]),
                (m, vec![2, 3]),
                (m, vec![5, 6]),
                (r, vec![7, 4]),
            ]
        );
        for calls in [vec![1, 0, 3, 0, 2, 1, 0], vec![0, 0], vec![4, 4, 4, 4]] {
            let nodes = layout_for_calls(&calls).unwrap();
            let c: usize = calls.iter().sum();
            assert_eq!(nodes.len(), 2 * c + 2 * calls.len() - 1);
            super::super::LinkSet::build(&nodes).expect("well-formed tree");
        }
        assert!(layout_for_calls(&[3]).is_err());
        assert!(layout_for_calls(&[]).is_err());
    }
}
