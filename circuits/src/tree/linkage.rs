//! Tree linkage as plain equalities between public inputs, derived from the tree layout.
//!
//! Every check a verifier of the whole tree must add to the per-proof pairing checks is one of:
//! * `link (a, i, b, j)`: input `i` of node `a` equals input `j` of node `b`;
//! * `zero (a, i)` / `nonzero (a, i)`;
//! * `value (a, i, v)`: input `i` of node `a` equals the integer `v`.
//!
//! Arithmetic between a parent's own inputs (merged fee, out hash, `left.end = right.start`) is
//! enforced inside the merge and root circuits, so equalities suffice. The rules (positions are
//! the circuits' named public-input layouts):
//!
//! | node | checks |
//! |------|--------|
//! | kernel step j | `bytecode, calldata, outputs hash` = its VM's; j = 0: `prev_state_hash = 0`; j > 0: `prev_state_hash` = step j−1's `new_state_hash`, same `tx_hash` and `start_root`, step j−1's `effects_hash = 0` |
//! | base of tx t | `num_calls` = the number of kernel steps the tree gives tx t (the block's declared calls per tx) |
//! | base with calls | `effects_hash` = last step's `≠ 0`; `tx_hash` = last step's; last step's `start_root` = the base's start public data root |
//! | bases t, t+1 | end state of t = start state of t+1 (tx order) |
//! | merge | left / right outputs = the left / right child's outputs |
//! | root | left / right outputs = the left / right child's outputs |
//!
//! A base whose tx declares no call has no kernel link; its circuit then forces its effects to
//! be the tx's private part with no public data write, and its `num_calls` to the tx's (bound by
//! `tx_hash`), so declaring 0 calls for a tx that makes calls is rejected here.
//!
//! The per-edge part is [`edge_rule`] and [`absent_rule`], which the folded tree enforces
//! in-circuit; [`LinkSet::build`] applies them to a tree and also checks it is well formed:
//! ids in order, children before parents, each node but the root with exactly one parent,
//! child kinds, txs and calls as above.

use ark_bn254::Fr;
use ark_ff::Zero;
use serde::{Deserialize, Serialize};

use super::node::TreeNode;
use crate::kernel::KernelPublicInputs as K;
use crate::rollup::{BasePublicInputs as B, MergePublicInputs, RollupOutputs, RootPublicInputs};
use crate::state::reference::PartialStateReference;
use crate::vm::VmPublicInputs as V;
use crate::{CircuitKind, Error, Result};

/// Width of a rollup node's outputs (start, end, fee, out hash).
pub const OUTPUTS: usize = RollupOutputs::NUM_FIELDS;

/// Equalities and (non-)zero checks between public inputs of the tree's nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSet {
    /// `[a, i, b, j]`: input `i` of node `a` equals input `j` of node `b`.
    pub links: Vec<[usize; 4]>,
    /// `[a, i]`: input `i` of node `a` is zero.
    pub zero: Vec<[usize; 2]>,
    /// `[a, i]`: input `i` of node `a` is not zero.
    pub nonzero: Vec<[usize; 2]>,
    /// `[a, i, v]`: input `i` of node `a` equals the integer `v`.
    #[serde(default)]
    pub values: Vec<[usize; 3]>,
}

fn malformed(msg: String) -> Error {
    Error::MalformedTree(msg)
}

fn broken(msg: String) -> Error {
    Error::BrokenLink(msg)
}

/// The checks one edge of the tree adds between a parent's inputs and one child's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EdgeRule {
    /// `(i, j)`: parent input `i` equals child input `j`.
    pub links: Vec<(usize, usize)>,
    /// Child inputs that must be zero.
    pub child_zero: Vec<usize>,
    /// Child inputs that must not be zero.
    pub child_nonzero: Vec<usize>,
}

/// The rule for `parent`'s child in `slot` (0 first) being a `child`; `None` where the tree
/// never puts such a child. Besides these, a base's `num_calls` equals the length of the
/// kernel chain below it, 0 without one (the tree's call count; the folded tree counts the
/// chain in-circuit).
pub fn edge_rule(parent: CircuitKind, slot: usize, child: CircuitKind) -> Option<EdgeRule> {
    use CircuitKind::{BaseRollup, MergeRollup, PublicKernel, PublicVm, RootRollup};
    let links = |pairs: &[(usize, usize)]| EdgeRule {
        links: pairs.to_vec(),
        ..EdgeRule::default()
    };
    match (parent, slot, child) {
        (PublicKernel, 0, PublicVm) => Some(links(&[
            (K::BYTECODE_HASH, V::BYTECODE_HASH),
            (K::CALLDATA_HASH, V::CALLDATA_HASH),
            (K::OUTPUTS_HASH, V::OUTPUTS_HASH),
        ])),
        (PublicKernel, 1, PublicKernel) => Some(EdgeRule {
            child_zero: vec![K::EFFECTS_HASH],
            ..links(&[
                (K::PREV_STATE_HASH, K::NEW_STATE_HASH),
                (K::TX_HASH, K::TX_HASH),
                (K::START_ROOT, K::START_ROOT),
            ])
        }),
        (BaseRollup, 0, PublicKernel) => Some(EdgeRule {
            child_nonzero: vec![K::EFFECTS_HASH],
            ..links(&[
                (B::EFFECTS_HASH, K::EFFECTS_HASH),
                (B::TX_HASH, K::TX_HASH),
                (
                    B::OUTPUTS + PartialStateReference::PUBLIC_DATA_ROOT,
                    K::START_ROOT,
                ),
            ])
        }),
        (MergeRollup | RootRollup, 0 | 1, BaseRollup | MergeRollup) => {
            let first = match (parent, slot) {
                (MergeRollup, 0) => MergePublicInputs::LEFT,
                (MergeRollup, _) => MergePublicInputs::RIGHT,
                (_, 0) => RootPublicInputs::LEFT,
                _ => RootPublicInputs::RIGHT,
            };
            Some(links(
                &(0..OUTPUTS).map(|i| (first + i, i)).collect::<Vec<_>>(),
            ))
        }
        _ => None,
    }
}

/// Parent inputs that must be zero when `parent` has no child in `slot`; `None` where the
/// child is required.
pub fn absent_rule(parent: CircuitKind, slot: usize) -> Option<Vec<usize>> {
    match (parent, slot) {
        (CircuitKind::PublicVm, 0 | 1) | (CircuitKind::BaseRollup, 0 | 1) => Some(vec![]),
        (CircuitKind::PublicKernel, 1) => Some(vec![K::PREV_STATE_HASH]),
        _ => None,
    }
}

/// Whether `n`'s children belong where the tree puts them: a kernel step's VM is the same
/// call, its previous step the call before in the same tx, a base's kernel step is its tx's.
fn same_tx_and_call(n: &TreeNode, nodes: &[TreeNode]) -> bool {
    let is = |c: usize, call: Option<usize>| nodes[c].tx == n.tx && nodes[c].call == call;
    match (n.kind, n.children.as_slice()) {
        (CircuitKind::PublicKernel, [vm, rest @ ..]) => {
            is(*vm, n.call)
                && match rest {
                    [] => n.call == Some(0),
                    [p] => n.call.is_some_and(|j| j > 0 && is(*p, Some(j - 1))),
                    _ => false,
                }
        }
        (CircuitKind::BaseRollup, [k]) => nodes[*k].tx == n.tx,
        _ => true,
    }
}

impl LinkSet {
    /// The checks for the tree `nodes` (see the module note); errors if it is malformed.
    pub fn build(nodes: &[TreeNode]) -> Result<Self> {
        let kinds: Vec<CircuitKind> = nodes.iter().map(|n| n.kind).collect();
        let mut parents = vec![0usize; nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            if n.id != i {
                return Err(malformed(format!("node {i} is listed with id {}", n.id)));
            }
            for &c in &n.children {
                if c >= i {
                    return Err(malformed(format!(
                        "node {i} has child {c} that is not earlier"
                    )));
                }
                parents[c] += 1;
            }
        }
        let Some(root) = kinds.len().checked_sub(1) else {
            return Err(malformed("empty tree".into()));
        };
        if kinds[root] != CircuitKind::RootRollup {
            return Err(malformed("the last node is not the root rollup".into()));
        }
        if let Some(i) = (0..root).find(|&i| parents[i] != 1) {
            return Err(malformed(format!(
                "node {i} has {} parents, expected 1",
                parents[i]
            )));
        }
        let mut s = Self::default();
        let mut bases = Vec::new();
        for (a, n) in nodes.iter().enumerate() {
            let shape_err = || {
                malformed(format!(
                    "node {a} ({}) has children {:?}",
                    n.kind.name(),
                    n.children
                ))
            };
            if n.children.len() > 2 || !same_tx_and_call(n, nodes) {
                return Err(shape_err());
            }
            for slot in 0..2 {
                match n.children.get(slot) {
                    Some(&c) => {
                        let rule = edge_rule(n.kind, slot, kinds[c]).ok_or_else(shape_err)?;
                        s.links
                            .extend(rule.links.iter().map(|&(i, j)| [a, i, c, j]));
                        s.zero.extend(rule.child_zero.iter().map(|&j| [c, j]));
                        s.nonzero.extend(rule.child_nonzero.iter().map(|&j| [c, j]));
                    }
                    None => {
                        let zero = absent_rule(n.kind, slot).ok_or_else(shape_err)?;
                        s.zero.extend(zero.iter().map(|&i| [a, i]));
                    }
                }
            }
            if n.kind == CircuitKind::BaseRollup {
                let calls = match n.children.first() {
                    Some(&k) => nodes[k].call.ok_or_else(shape_err)? + 1,
                    None => 0,
                };
                s.values.push([a, B::NUM_CALLS, calls]);
                bases.push(a);
            }
        }
        for pair in bases.windows(2) {
            for i in 0..PartialStateReference::NUM_FIELDS {
                s.links.push([
                    pair[0],
                    B::OUTPUTS + RollupOutputs::END + i,
                    pair[1],
                    B::OUTPUTS + RollupOutputs::START + i,
                ]);
            }
        }
        Ok(s)
    }

    /// Checks every link against `inputs[node]`; the error names the first failing check.
    pub fn check(&self, inputs: &[Vec<Fr>]) -> Result<()> {
        let get = |a: usize, i: usize| {
            inputs
                .get(a)
                .and_then(|v| v.get(i))
                .copied()
                .ok_or_else(|| malformed(format!("node {a} has no public input {i}")))
        };
        for &[a, i, b, j] in &self.links {
            if get(a, i)? != get(b, j)? {
                return Err(broken(format!("node {a} input {i} ≠ node {b} input {j}")));
            }
        }
        for &[a, i] in &self.zero {
            if !get(a, i)?.is_zero() {
                return Err(broken(format!("node {a} input {i} must be zero")));
            }
        }
        for &[a, i] in &self.nonzero {
            if get(a, i)?.is_zero() {
                return Err(broken(format!("node {a} input {i} must not be zero")));
            }
        }
        for &[a, i, v] in &self.values {
            if get(a, i)? != Fr::from(v as u64) {
                return Err(broken(format!(
                    "node {a} input {i} must be {v} (the tx's declared public calls)"
                )));
            }
        }
        Ok(())
    }
}
