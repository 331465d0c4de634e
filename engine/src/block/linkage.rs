//! Tree linkage as plain equalities between public inputs, derived from the tree layout.
//!
//! Every check a verifier of the whole tree must add to the per-proof pairing checks is one of:
//! * `link (a, i, b, j)`: input `i` of node `a` equals input `j` of node `b`;
//! * `zero (a, i)` / `nonzero (a, i)`.
//!
//! Arithmetic between a parent's own inputs (merged fee, out hash, `left.end = right.start`) is
//! enforced inside the merge and root circuits, so equalities suffice. The rules:
//!
//! | node | checks |
//! |------|--------|
//! | kernel step j | `bytecode, calldata, outputs hash [4..7] = its VM's [0..3]`; j = 0: `prev_state_hash [2] = 0`; j > 0: `[2] = step j−1's new_state_hash [3]`, same `tx_hash [0]` and `start_root [1]`, step j−1's `effects_hash [7] = 0` |
//! | base with calls | `effects_hash [14] = last step's [7] ≠ 0`; `last step's start_root [1] = base start public data root [4]` |
//! | bases t, t+1 | `end [6..12] of t = start [0..6] of t+1` (tx order) |
//! | merge | `left [14..28] = left child's outputs [0..14]`, `right [28..42] = right child's [0..14]` |
//! | root | `left [10..24] = left child's [0..14]`, `right [24..38] = right child's [0..14]` |
//!
//! [`LinkSet::build`] also checks the tree is well formed: ids in order, children before
//! parents, each node but the root with exactly one parent, child kinds as above.

use serde::{Deserialize, Serialize};
use sidecar_circuits::CircuitKind;

use super::error::{BlockError, Result};
use super::tree::{TreeNode, kind_from_name};

/// Width of a rollup node's outputs (start, end, fee, out hash).
pub const OUTPUTS: usize = 14;

/// Equalities and (non-)zero checks between public inputs of the tree's nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSet {
    /// `[a, i, b, j]`: input `i` of node `a` equals input `j` of node `b`.
    pub links: Vec<[usize; 4]>,
    /// `[a, i]`: input `i` of node `a` is zero.
    pub zero: Vec<[usize; 2]>,
    /// `[a, i]`: input `i` of node `a` is not zero.
    pub nonzero: Vec<[usize; 2]>,
}

fn bad(msg: String) -> BlockError {
    BlockError::Rejected(msg)
}

impl LinkSet {
    /// The checks for the tree `nodes` (see the module note); errors if it is malformed.
    pub fn build(nodes: &[TreeNode]) -> Result<Self> {
        let kinds: Vec<CircuitKind> = nodes
            .iter()
            .map(|n| kind_from_name(&n.kind))
            .collect::<Result<_>>()?;
        let mut parents = vec![0usize; nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            if n.id != i {
                return Err(bad(format!("node {i} is listed with id {}", n.id)));
            }
            for &c in &n.children {
                if c >= i {
                    return Err(bad(format!("node {i} has child {c} that is not earlier")));
                }
                parents[c] += 1;
            }
        }
        let Some(root) = kinds.len().checked_sub(1) else {
            return Err(bad("empty tree".into()));
        };
        if kinds[root] != CircuitKind::RootRollup {
            return Err(bad("the last node is not the root rollup".into()));
        }
        if let Some(i) = (0..root).find(|&i| parents[i] != 1) {
            return Err(bad(format!(
                "node {i} has {} parents, expected 1",
                parents[i]
            )));
        }
        let mut s = Self::default();
        let mut bases = Vec::new();
        for (a, n) in nodes.iter().enumerate() {
            let child_kinds: Vec<CircuitKind> = n.children.iter().map(|&c| kinds[c]).collect();
            let shape_err = || {
                bad(format!(
                    "node {a} ({}) has children {:?}",
                    n.kind, n.children
                ))
            };
            match kinds[a] {
                CircuitKind::PublicVm if n.children.is_empty() => {}
                CircuitKind::PublicKernel => {
                    s.kernel(a, n, &child_kinds, nodes).ok_or_else(shape_err)?
                }
                CircuitKind::BaseRollup => {
                    match child_kinds[..] {
                        [] => {}
                        [CircuitKind::PublicKernel] if nodes[n.children[0]].tx == n.tx => {
                            let k = n.children[0];
                            s.links.push([a, 14, k, 7]);
                            s.nonzero.push([k, 7]);
                            s.links.push([k, 1, a, 4]);
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
                    let first = if kinds[a] == CircuitKind::MergeRollup {
                        OUTPUTS
                    } else {
                        10
                    };
                    for (side, &c) in n.children.iter().enumerate() {
                        for i in 0..OUTPUTS {
                            s.links.push([a, first + side * OUTPUTS + i, c, i]);
                        }
                    }
                }
                _ => return Err(shape_err()),
            }
        }
        for pair in bases.windows(2) {
            for i in 0..6 {
                s.links.push([pair[0], 6 + i, pair[1], i]);
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
        for i in 0..3 {
            self.links.push([a, 4 + i, vm, i]);
        }
        match (kinds.get(1), n.call?) {
            (None, 0) if kinds.len() == 1 => self.zero.push([a, 2]),
            (Some(CircuitKind::PublicKernel), j) if j > 0 && kinds.len() == 2 => {
                let p = n.children[1];
                if !same_call(p, Some(j - 1)) {
                    return None;
                }
                self.links
                    .extend([[a, 2, p, 3], [a, 0, p, 0], [a, 1, p, 1]]);
                self.zero.push([p, 7]);
            }
            _ => return None,
        }
        Some(())
    }

    /// Checks every link against `inputs[node]`; the error names the first failing check.
    pub fn check(&self, inputs: &[Vec<ark_bn254::Fr>]) -> Result<()> {
        use ark_ff::Zero;
        let get = |a: usize, i: usize| {
            inputs
                .get(a)
                .and_then(|v| v.get(i))
                .copied()
                .ok_or_else(|| bad(format!("node {a} has no public input {i}")))
        };
        for &[a, i, b, j] in &self.links {
            if get(a, i)? != get(b, j)? {
                return Err(bad(format!(
                    "link broken: node {a} input {i} ≠ node {b} input {j}"
                )));
            }
        }
        for &[a, i] in &self.zero {
            if !get(a, i)?.is_zero() {
                return Err(bad(format!("node {a} input {i} must be zero")));
            }
        }
        for &[a, i] in &self.nonzero {
            if get(a, i)?.is_zero() {
                return Err(bad(format!("node {a} input {i} must not be zero")));
            }
        }
        Ok(())
    }
}
