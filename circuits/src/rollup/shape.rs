//! The rollup part of the tree rule (re-exported by [`crate::tree`]): which nodes each merge and
//! the root take.
//!
//! One base per tx (padding txs included, at least two). While more than two nodes remain,
//! consecutive pairs of the current level are merged left to right and an odd last node is
//! carried up unchanged; the root takes the final two. Merges are numbered in creation order, so
//! children always come before their parent.

use crate::{Error, Result};

/// A node below the root: `Base(t)` is tx `t`'s base rollup, `Merge(k)` the `k`-th merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProofNode {
    /// The base rollup of tx `t`.
    Base(usize),
    /// Merge number `k` (creation order).
    Merge(usize),
}

/// The merges of a block and the root's children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupShape {
    /// `[left, right]` of each merge, in creation order (children first).
    pub merges: Vec<[ProofNode; 2]>,
    /// `[left, right]` of the root.
    pub root: [ProofNode; 2],
}

/// Fewest base rollups a block has: a block of fewer txs is padded with empty ones.
pub const MIN_TXS: usize = 2;

/// The shape of a block of `bases` base rollups (see the module note); at least [`MIN_TXS`].
pub fn rollup_shape(bases: usize) -> Result<RollupShape> {
    if bases < MIN_TXS {
        return Err(Error::MalformedTree(format!(
            "a block has at least 2 bases, got {bases}"
        )));
    }
    let mut merges = Vec::new();
    let mut level: Vec<ProofNode> = (0..bases).map(ProofNode::Base).collect();
    while level.len() > 2 {
        level = level
            .chunks(2)
            .map(|pair| match *pair {
                [l, r] => {
                    merges.push([l, r]);
                    ProofNode::Merge(merges.len() - 1)
                }
                _ => pair[0],
            })
            .collect();
    }
    Ok(RollupShape {
        merges,
        root: [level[0], level[1]],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProofNode::{Base, Merge};

    #[test]
    fn odd_nodes_are_carried_up() {
        let three = rollup_shape(3).unwrap();
        assert_eq!(three.merges, [[Base(0), Base(1)]]);
        assert_eq!(three.root, [Merge(0), Base(2)]);
        let five = rollup_shape(5).unwrap();
        assert_eq!(
            five.merges,
            [[Base(0), Base(1)], [Base(2), Base(3)], [Merge(0), Merge(1)]]
        );
        assert_eq!(five.root, [Merge(2), Base(4)]);
        assert!(rollup_shape(2).unwrap().merges.is_empty());
        assert!(rollup_shape(1).is_err());
    }
}
