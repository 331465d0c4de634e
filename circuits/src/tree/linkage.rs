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
//! [`LinkSet::build`] also checks the tree is well formed: ids in order, children before
//! parents, each node but the root with exactly one parent, child kinds as above.

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
            let child_kinds: Vec<CircuitKind> = n.children.iter().map(|&c| kinds[c]).collect();
            let shape_err = || {
                malformed(format!(
                    "node {a} ({}) has children {:?}",
                    n.kind.name(),
                    n.children
                ))
            };
            match kinds[a] {
                CircuitKind::PublicVm if n.children.is_empty() => {}
                CircuitKind::PublicKernel => {
                    s.kernel(a, n, &child_kinds, nodes).ok_or_else(shape_err)?
                }
                CircuitKind::BaseRollup => {
                    match child_kinds[..] {
                        [] => s.values.push([a, B::NUM_CALLS, 0]),
                        [CircuitKind::PublicKernel] if nodes[n.children[0]].tx == n.tx => {
                            let k = n.children[0];
                            let calls = nodes[k].call.ok_or_else(shape_err)? + 1;
                            s.values.push([a, B::NUM_CALLS, calls]);
                            s.links.push([a, B::EFFECTS_HASH, k, K::EFFECTS_HASH]);
                            s.nonzero.push([k, K::EFFECTS_HASH]);
                            s.links.push([a, B::TX_HASH, k, K::TX_HASH]);
                            s.links.push([
                                k,
                                K::START_ROOT,
                                a,
                                B::OUTPUTS + PartialStateReference::PUBLIC_DATA_ROOT,
                            ]);
                        }
                        _ => return Err(shape_err()),
                    }
                    bases.push(a);
                }
                CircuitKind::MergeRollup | CircuitKind::RootRollup => {
                    let rollup = |k: &CircuitKind| {
                        matches!(k, CircuitKind::BaseRollup | CircuitKind::MergeRollup)
                    };
                    if child_kinds.len() != 2 || !child_kinds.iter().all(rollup) {
                        return Err(shape_err());
                    }
                    let sides = if kinds[a] == CircuitKind::MergeRollup {
                        [MergePublicInputs::LEFT, MergePublicInputs::RIGHT]
                    } else {
                        [RootPublicInputs::LEFT, RootPublicInputs::RIGHT]
                    };
                    for (first, &c) in sides.into_iter().zip(&n.children) {
                        for i in 0..OUTPUTS {
                            s.links.push([a, first + i, c, i]);
                        }
                    }
                }
                _ => return Err(shape_err()),
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

    fn kernel(
        &mut self,
        a: usize,
        n: &TreeNode,
        kinds: &[CircuitKind],
        nodes: &[TreeNode],
    ) -> Option<()> {
        let vm = *n.children.first()?;
        let same_call =
            |c: usize, call: Option<usize>| nodes[c].tx == n.tx && nodes[c].call == call;
        if kinds[0] != CircuitKind::PublicVm || !same_call(vm, n.call) {
            return None;
        }
        for (k, v) in [
            (K::BYTECODE_HASH, V::BYTECODE_HASH),
            (K::CALLDATA_HASH, V::CALLDATA_HASH),
            (K::OUTPUTS_HASH, V::OUTPUTS_HASH),
        ] {
            self.links.push([a, k, vm, v]);
        }
        match (kinds.get(1), n.call?) {
            (None, 0) if kinds.len() == 1 => self.zero.push([a, K::PREV_STATE_HASH]),
            (Some(CircuitKind::PublicKernel), j) if j > 0 && kinds.len() == 2 => {
                let p = n.children[1];
                if !same_call(p, Some(j - 1)) {
                    return None;
                }
                self.links.extend([
                    [a, K::PREV_STATE_HASH, p, K::NEW_STATE_HASH],
                    [a, K::TX_HASH, p, K::TX_HASH],
                    [a, K::START_ROOT, p, K::START_ROOT],
                ]);
                self.zero.push([p, K::EFFECTS_HASH]);
            }
            _ => return None,
        }
        Some(())
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
