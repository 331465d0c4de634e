//! Binary Merkle trees over Poseidon(2): sparse native storage, append-only trees with subtree
//! insertion, and the gadgets that recompute roots from paths.
//!
//! Layout: a tree of height `h` has `2^h` leaf slots; a node is `Poseidon(left, right)`; an
//! empty leaf is `0`, so the root of an empty subtree of height `k` is `ZERO[k]` with
//! `ZERO[0] = 0`, `ZERO[k+1] = Poseidon(ZERO[k], ZERO[k])`. Only non-empty nodes are stored.
//! Paths list siblings bottom-up; bit `i` of the leaf index says whether the node at level `i`
//! is a right child.

mod append;
mod gadget;
mod snapshot;
mod sparse;

pub use append::{AppendTree, SubtreeInsertion};
pub use gadget::{MerklePathVar, check_subtree_insertion, merkle_root_var};
pub use snapshot::{TreeSnapshot, TreeSnapshotVar};
pub use sparse::{MerklePath, SparseTree, merkle_root, zero_hash};

#[cfg(test)]
mod tests;
