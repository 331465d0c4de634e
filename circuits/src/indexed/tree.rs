//! Native indexed Merkle tree: leaves, key index, membership and low-leaf witnesses.

use std::collections::BTreeMap;

use ark_bn254::Fr;
use ark_ff::Zero;
use ark_serialize::CanonicalSerialize;

use super::leaf::IndexedLeaf;
use crate::merkle::{MerklePath, SparseTree, TreeSnapshot};
use crate::{Error, Result};

/// An indexed Merkle tree (see the module note for the leaf format and prefill).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedTree {
    pub(super) tree: SparseTree,
    /// Leaf slots in index order; `None` is an empty slot (hash 0).
    pub(super) leaves: Vec<Option<IndexedLeaf>>,
    /// Key → leaf index, for every stored key.
    pub(super) by_key: BTreeMap<Fr, u64>,
}

/// A leaf with its index and membership path: a membership witness for `leaf.key`, or a
/// non-membership witness for any key it is the low leaf of.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize)]
pub struct LowLeafWitness {
    /// The leaf preimage.
    pub leaf: IndexedLeaf,
    /// Its path (index = leaf index).
    pub path: MerklePath,
}

impl IndexedTree {
    /// A tree of `height` prefilled with keys `0..prefill` (`prefill ≥ 1`).
    pub fn new(height: usize, prefill: usize) -> Self {
        assert!(
            prefill >= 1 && (prefill as u64) < (1u64 << height.min(63)),
            "bad prefill"
        );
        let leaves: Vec<IndexedLeaf> = (0..prefill as u64)
            .map(|i| {
                let last = i + 1 == prefill as u64;
                IndexedLeaf {
                    key: Fr::from(i),
                    next_key: if last { Fr::zero() } else { Fr::from(i + 1) },
                    next_index: if last { 0 } else { i + 1 },
                    value: Fr::zero(),
                }
            })
            .collect();
        Self::from_leaves(height, leaves.into_iter().map(Some).collect())
            .expect("prefill fits the tree")
    }

    /// Rebuilds a tree from its leaf slots in index order (as saved by the world state).
    pub fn from_leaves(height: usize, leaves: Vec<Option<IndexedLeaf>>) -> Result<Self> {
        let hashes: Vec<Fr> = leaves
            .iter()
            .map(|l| l.map_or(Fr::zero(), |l| l.hash()))
            .collect();
        let tree = SparseTree::from_leaves(height, &hashes)?;
        let mut by_key = BTreeMap::new();
        for (i, l) in leaves.iter().enumerate() {
            if let Some(l) = l
                && by_key.insert(l.key, i as u64).is_some()
            {
                return Err(Error::Inconsistent(format!("key {} stored twice", l.key)));
            }
        }
        Ok(Self {
            tree,
            leaves,
            by_key,
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
            next_index: self.leaves.len() as u64,
        }
    }

    /// Leaf slots in index order.
    pub fn leaves(&self) -> &[Option<IndexedLeaf>] {
        &self.leaves
    }

    /// Whether `key` is stored.
    pub fn contains(&self, key: Fr) -> bool {
        self.by_key.contains_key(&key)
    }

    /// Value stored under `key`, if any.
    pub fn get(&self, key: Fr) -> Option<Fr> {
        self.by_key.get(&key).map(|i| self.leaf_at(*i).value)
    }

    pub(super) fn leaf_at(&self, index: u64) -> IndexedLeaf {
        self.leaves[index as usize].expect("indexed keys point at stored leaves")
    }

    pub(super) fn witness_at(&self, index: u64) -> LowLeafWitness {
        LowLeafWitness {
            leaf: self.leaf_at(index),
            path: self.tree.path(index),
        }
    }

    /// Membership witness of `key`, if stored.
    pub fn membership(&self, key: Fr) -> Option<LowLeafWitness> {
        self.by_key.get(&key).map(|i| self.witness_at(*i))
    }

    /// Index of the largest stored key below `key` (exists for every `key > 0`).
    pub(super) fn low_index(&self, key: Fr) -> Option<u64> {
        self.by_key.range(..key).next_back().map(|(_, i)| *i)
    }

    /// Non-membership witness of `key` (its low leaf), or `None` if `key` is stored or 0.
    pub fn non_membership(&self, key: Fr) -> Option<LowLeafWitness> {
        if self.contains(key) {
            return None;
        }
        self.low_index(key).map(|i| self.witness_at(i))
    }
}
