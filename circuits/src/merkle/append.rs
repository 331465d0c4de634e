//! Append-only Merkle tree (note hashes, L1→L2 messages, archive) with aligned subtree
//! insertion.

use ark_bn254::Fr;
use ark_serialize::CanonicalSerialize;

use super::snapshot::TreeSnapshot;
use super::sparse::{MerklePath, SparseTree, merkle_root};
use crate::{Error, Result};

/// An append-only tree: leaves fill slots `0, 1, 2, …` in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendTree {
    tree: SparseTree,
    next_index: u64,
}

/// Witness that `2^k` leaves were written into an empty, aligned slot: the subtree root's
/// sibling path (height `h - k`) is valid for the empty subtree under `old` and for the filled
/// subtree under `new`.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize)]
pub struct SubtreeInsertion {
    /// State before.
    pub old: TreeSnapshot,
    /// State after (`next_index` advanced by `2^k`).
    pub new: TreeSnapshot,
    /// Path of the subtree's root; `path.index = old.next_index >> k`.
    pub path: MerklePath,
    /// The inserted leaves (`2^k` of them).
    pub leaves: Vec<Fr>,
}

impl AppendTree {
    /// An empty tree of the given height.
    pub fn new(height: usize) -> Self {
        Self {
            tree: SparseTree::new(height),
            next_index: 0,
        }
    }

    /// Rebuilds a tree from its leaves in order (one hash per non-empty node).
    pub fn from_leaves(height: usize, leaves: &[Fr]) -> Result<Self> {
        let tree = SparseTree::from_leaves(height, leaves)?;
        Ok(Self {
            tree,
            next_index: leaves.len() as u64,
        })
    }

    /// Height of the tree.
    pub fn height(&self) -> usize {
        self.tree.height()
    }

    /// Root and next free index.
    pub fn snapshot(&self) -> TreeSnapshot {
        TreeSnapshot {
            root: self.tree.root(),
            next_index: self.next_index,
        }
    }

    /// Leaf `index` (0 for an empty slot).
    pub fn leaf(&self, index: u64) -> Fr {
        self.tree.leaf(index)
    }

    /// All leaves written so far, in order.
    pub fn leaves(&self) -> Vec<Fr> {
        (0..self.next_index).map(|i| self.tree.leaf(i)).collect()
    }

    /// Membership path of leaf `index`.
    pub fn path(&self, index: u64) -> MerklePath {
        self.tree.path(index)
    }

    /// Path of the node at `level`, position `index` (test helper for forged witnesses).
    #[cfg(test)]
    pub(crate) fn path_from_level_for_test(&self, level: usize, index: u64) -> MerklePath {
        self.tree.path_from(level, index)
    }

    /// Appends one leaf; returns its index.
    pub fn append(&mut self, leaf: Fr) -> Result<u64> {
        if self.next_index >= self.tree.capacity() {
            return Err(Error::TreeFull {
                height: self.height(),
                needed: 1,
            });
        }
        let i = self.next_index;
        self.tree.set_leaf(i, leaf);
        self.next_index += 1;
        Ok(i)
    }

    /// Checks that a subtree of `n` leaves can be inserted now.
    pub fn check_subtree(&self, n: usize) -> Result<()> {
        if !n.is_power_of_two() {
            return Err(Error::SubtreeSize(n));
        }
        let k = n.trailing_zeros() as usize;
        if k > self.height() {
            return Err(Error::TreeFull {
                height: self.height(),
                needed: n as u64,
            });
        }
        if !self.next_index.is_multiple_of(n as u64) {
            return Err(Error::UnalignedSubtree {
                next_index: self.next_index,
                size: n,
            });
        }
        if self.tree.capacity() - self.next_index < n as u64 {
            return Err(Error::TreeFull {
                height: self.height(),
                needed: n as u64,
            });
        }
        Ok(())
    }

    /// Inserts `leaves` (a power-of-two count `2^k`) as one subtree at `next_index`, which must
    /// be a multiple of `2^k`, and returns the insertion witness.
    pub fn insert_subtree(&mut self, leaves: &[Fr]) -> Result<SubtreeInsertion> {
        self.check_subtree(leaves.len())?;
        let n = leaves.len();
        let k = n.trailing_zeros() as usize;
        let old = self.snapshot();
        let path = self.tree.path_from(k, self.next_index >> k);
        for (j, l) in leaves.iter().enumerate() {
            self.tree.set_leaf(self.next_index + j as u64, *l);
        }
        self.next_index += n as u64;
        let new = self.snapshot();
        debug_assert_eq!(path.root(merkle_root(leaves)), new.root);
        Ok(SubtreeInsertion {
            old,
            new,
            path,
            leaves: leaves.to_vec(),
        })
    }

    /// The witness shape of a `2^k`-leaf insertion with placeholder values (for blank circuits).
    pub fn blank_insertion(height: usize, k: usize) -> SubtreeInsertion {
        let mut t = Self::new(height);
        t.insert_subtree(&vec![Fr::from(1u64); 1 << k])
            .expect("an empty tree has room")
    }
}
