//! Indexed Merkle trees: a sorted linked list of keys stored in an append-only Poseidon Merkle
//! tree (nullifiers; public data as key → value).
//!
//! Leaf format: `(key, next_key, next_index, value)`, hashed as `Poseidon(key, next_key,
//! next_index, value)`; an unused slot is the empty leaf `0`. `next_key = 0` means "+∞" (the
//! leaf holds the largest key). The nullifier tree stores `value = 0`. Keys are compared as
//! canonical integers in `[0, r)` using full 254-bit decompositions (no truncation).
//!
//! A fresh tree is prefilled with keys `0, 1, …, P−1` (P = the tree's per-tx batch size) so
//! that every key has a low leaf and batches stay aligned; key `0` doubles as the padding
//! marker of a batch. Those keys are reserved: a nullifier below `P` counts as spent, a public
//! data key below `P` reads 0 and is updated in place.
//!
//! * membership of `k`: a leaf with `key = k` under the root;
//! * non-membership of `k`: a low leaf with `low.key < k < low.next_key` (or `next_key = 0`);
//! * batch insertion (one tx's nullifiers or public data writes, see [`batch`]).

mod batch;
mod compare;
mod gadget;
mod leaf;
mod tree;

pub use batch::{BatchInsertion, EntryMode, EntryWitness};
pub use compare::{is_less_than_var, to_canonical_bits};
pub use gadget::{
    BatchInsertionVar, EntryVar, batch_insert_var, check_membership_var, check_non_membership_var,
};
pub use leaf::{IndexedLeaf, IndexedLeafVar};
pub use tree::{IndexedTree, LowLeafWitness};

#[cfg(test)]
mod tests;
