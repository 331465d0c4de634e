//! Sparse storage of a fixed-height Poseidon Merkle tree and its membership paths.

use std::collections::HashMap;
use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::Zero;
use ark_serialize::CanonicalSerialize;

use crate::poseidon::hash2;

/// Tallest tree supported (2^64 leaf slots).
pub const MAX_HEIGHT: usize = 64;

/// Root of an empty subtree of height `level` (`ZERO[0] = 0`).
pub fn zero_hash(level: usize) -> Fr {
    static ZEROS: OnceLock<Vec<Fr>> = OnceLock::new();
    ZEROS.get_or_init(|| {
        let mut z = vec![Fr::zero()];
        for i in 0..MAX_HEIGHT {
            z.push(hash2(z[i], z[i]));
        }
        z
    })[level]
}

/// Root of the complete tree whose leaves are `leaves` (length a power of two).
pub fn merkle_root(leaves: &[Fr]) -> Fr {
    debug_assert!(leaves.len().is_power_of_two());
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        level = level.chunks(2).map(|p| hash2(p[0], p[1])).collect();
    }
    level[0]
}

/// A membership path: the leaf index and the siblings from the leaf level upwards.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize)]
pub struct MerklePath {
    /// Position of the node the path starts from, at the path's bottom level.
    pub index: u64,
    /// Sibling hashes, bottom-up.
    pub siblings: Vec<Fr>,
}

impl MerklePath {
    /// The root obtained by hashing `node` up along this path.
    pub fn root(&self, node: Fr) -> Fr {
        let mut cur = node;
        for (i, s) in self.siblings.iter().enumerate() {
            cur = if (self.index >> i) & 1 == 1 {
                hash2(*s, cur)
            } else {
                hash2(cur, *s)
            };
        }
        cur
    }
}

/// A Poseidon Merkle tree of fixed height storing only non-empty nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SparseTree {
    height: usize,
    /// `levels[l]` maps a node index at level `l` (0 = leaves) to its hash.
    levels: Vec<HashMap<u64, Fr>>,
}

impl SparseTree {
    /// An empty tree of `height` levels (1..=64).
    pub fn new(height: usize) -> Self {
        assert!(
            (1..=MAX_HEIGHT).contains(&height),
            "tree height {height} out of 1..=64"
        );
        Self {
            height,
            levels: vec![HashMap::new(); height + 1],
        }
    }

    /// The tree whose leaves `0..leaves.len()` are `leaves` (the rest empty), built level by
    /// level with one hash per non-empty node. Errors if the leaves do not fit.
    pub fn from_leaves(height: usize, leaves: &[Fr]) -> crate::Result<Self> {
        let mut t = Self::new(height);
        if leaves.len() as u64 > t.capacity() {
            return Err(crate::Error::TreeFull {
                height,
                needed: leaves.len() as u64,
            });
        }
        let mut level = leaves.to_vec();
        for l in 0..=height {
            for (i, v) in level.iter().enumerate() {
                t.store(l, i as u64, *v);
            }
            if l == height {
                break;
            }
            let z = zero_hash(l);
            level = level
                .chunks(2)
                .map(|p| hash2(p[0], p.get(1).copied().unwrap_or(z)))
                .collect();
        }
        Ok(t)
    }

    /// Height of the tree.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Number of leaf slots, saturated at `u64::MAX` for height 64.
    pub fn capacity(&self) -> u64 {
        1u64.checked_shl(self.height as u32).unwrap_or(u64::MAX)
    }

    /// The node at `level`, position `index`.
    pub fn node(&self, level: usize, index: u64) -> Fr {
        self.levels[level]
            .get(&index)
            .copied()
            .unwrap_or_else(|| zero_hash(level))
    }

    /// The current root.
    pub fn root(&self) -> Fr {
        self.node(self.height, 0)
    }

    /// The leaf at `index` (0 if never set).
    pub fn leaf(&self, index: u64) -> Fr {
        self.node(0, index)
    }

    /// Sets the node at `level`/`index` and rehashes up to the root. `index` must be below
    /// `2^(height - level)`.
    pub fn set_node(&mut self, level: usize, index: u64, value: Fr) {
        let mut idx = index;
        let mut cur = value;
        for l in level..self.height {
            self.store(l, idx, cur);
            let sib = self.node(l, idx ^ 1);
            cur = if idx & 1 == 1 {
                hash2(sib, cur)
            } else {
                hash2(cur, sib)
            };
            idx >>= 1;
        }
        self.store(self.height, 0, cur);
    }

    /// Sets leaf `index` and rehashes its path.
    pub fn set_leaf(&mut self, index: u64, value: Fr) {
        self.set_node(0, index, value);
    }

    fn store(&mut self, level: usize, index: u64, value: Fr) {
        if value == zero_hash(level) {
            self.levels[level].remove(&index);
        } else {
            self.levels[level].insert(index, value);
        }
    }

    /// Path from the node at `level`/`index` to the root (`height - level` siblings).
    pub fn path_from(&self, level: usize, index: u64) -> MerklePath {
        let siblings = (level..self.height)
            .map(|l| self.node(l, (index >> (l - level)) ^ 1))
            .collect();
        MerklePath { index, siblings }
    }

    /// Membership path of leaf `index`.
    pub fn path(&self, index: u64) -> MerklePath {
        self.path_from(0, index)
    }
}
