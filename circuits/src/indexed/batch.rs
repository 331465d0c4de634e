//! Native batch insertion: one tx's keys (nullifiers, or public data writes) into an indexed
//! tree, with the witness the batch gadget checks.
//!
//! Entries are processed in order. A zero key is padding (its slot stays empty). A key already
//! stored is an update (public data only: the leaf's value is replaced in place; its slot in
//! the batch subtree stays empty). Any other key is inserted: its low leaf is either a tree
//! leaf (updated in place to point at the new leaf) or a leaf inserted earlier in the same
//! batch (updated in the pending subtree). After all entries, the `n` pending leaves are
//! appended as one aligned subtree at the tree's `next_index`.

use std::collections::HashSet;

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField, Zero};
use ark_serialize::{
    CanonicalDeserialize, CanonicalSerialize, Compress, Read, SerializationError, Valid, Validate,
    Write,
};

use super::leaf::IndexedLeaf;
use super::tree::IndexedTree;
use crate::merkle::{MerklePath, TreeSnapshot};
use crate::{Error, Result};

/// How one entry of a batch is proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryMode {
    /// Key 0: nothing inserted.
    Padding,
    /// The key is stored at the witnessed leaf; its value is replaced.
    Update,
    /// Insert; the low leaf is the witnessed tree leaf.
    LowInTree,
    /// Insert; the low leaf is the pending leaf of entry `i` (< this entry) of the batch.
    LowInBatch(usize),
}

/// A tag byte (0 padding, 1 update, 2 low leaf in the tree, 3 low leaf in the batch), then for
/// [`EntryMode::LowInBatch`] the entry index as a `u64`.
impl CanonicalSerialize for EntryMode {
    fn serialize_with_mode<W: Write>(
        &self,
        mut writer: W,
        compress: Compress,
    ) -> Result<(), SerializationError> {
        match *self {
            EntryMode::Padding => 0u8.serialize_with_mode(writer, compress),
            EntryMode::Update => 1u8.serialize_with_mode(writer, compress),
            EntryMode::LowInTree => 2u8.serialize_with_mode(writer, compress),
            EntryMode::LowInBatch(i) => {
                3u8.serialize_with_mode(&mut writer, compress)?;
                (i as u64).serialize_with_mode(writer, compress)
            }
        }
    }

    fn serialized_size(&self, _compress: Compress) -> usize {
        match self {
            EntryMode::LowInBatch(_) => 9,
            _ => 1,
        }
    }
}

impl Valid for EntryMode {
    const TRIVIAL_CHECK: bool = true;

    fn check(&self) -> Result<(), SerializationError> {
        Ok(())
    }
}

/// Unknown tags and an index beyond `usize` are [`SerializationError::InvalidData`]; whether the
/// index names an earlier entry is the batch's check, not the mode's.
impl CanonicalDeserialize for EntryMode {
    fn deserialize_with_mode<R: Read>(
        mut reader: R,
        compress: Compress,
        validate: Validate,
    ) -> Result<Self, SerializationError> {
        match u8::deserialize_with_mode(&mut reader, compress, validate)? {
            0 => Ok(EntryMode::Padding),
            1 => Ok(EntryMode::Update),
            2 => Ok(EntryMode::LowInTree),
            3 => {
                let i = u64::deserialize_with_mode(reader, compress, validate)?;
                usize::try_from(i)
                    .map(EntryMode::LowInBatch)
                    .map_err(|_| SerializationError::InvalidData)
            }
            _ => Err(SerializationError::InvalidData),
        }
    }
}

/// Witness of one entry: the mode and, for tree modes, the tree leaf before the change and its
/// path under the root current at that point of the batch. Other modes carry an arbitrary
/// valid leaf/path (ignored by the gadget) so the shape is fixed.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize)]
pub struct EntryWitness {
    /// The key (0 = padding).
    pub key: Fr,
    /// The value (0 for nullifiers).
    pub value: Fr,
    /// Which case applies.
    pub mode: EntryMode,
    /// Tree leaf touched (low leaf or updated leaf), before the change.
    pub low_leaf: IndexedLeaf,
    /// Its path.
    pub low_path: MerklePath,
}

/// Witness of a whole batch.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize)]
pub struct BatchInsertion {
    /// State before.
    pub old: TreeSnapshot,
    /// One witness per entry, in order.
    pub entries: Vec<EntryWitness>,
    /// Path of the (empty) subtree slot at `old.next_index`, after the in-place updates.
    pub subtree_path: MerklePath,
    /// State after.
    pub new: TreeSnapshot,
}

fn hex(x: Fr) -> String {
    let b = x.into_bigint().to_bytes_be();
    b.iter().map(|v| format!("{v:02x}")).collect()
}

impl IndexedTree {
    /// Checks that [`Self::batch_insert`] would succeed, without changing the tree.
    pub fn check_batch(&self, entries: &[(Fr, Fr)], allow_update: bool) -> Result<()> {
        let n = entries.len();
        if !n.is_power_of_two() {
            return Err(Error::SubtreeSize(n));
        }
        let start = self.leaves.len() as u64;
        if !start.is_multiple_of(n as u64) {
            return Err(Error::UnalignedSubtree {
                next_index: start,
                size: n,
            });
        }
        if self.tree.capacity() - start < n as u64 {
            return Err(Error::TreeFull {
                height: self.height(),
                needed: n as u64,
            });
        }
        let mut seen = HashSet::new();
        for (k, _) in entries.iter().filter(|(k, _)| !k.is_zero()) {
            let dup = !seen.insert(*k);
            if allow_update && dup {
                return Err(Error::DuplicateWrite { key: hex(*k) });
            }
            if !allow_update && (dup || self.contains(*k)) {
                return Err(Error::DoubleSpend { nullifier: hex(*k) });
            }
        }
        Ok(())
    }

    /// Applies a batch of `(key, value)` entries (a power-of-two count; padded with zero keys)
    /// and returns its witness. With `allow_update = false` (nullifiers) a stored key is a
    /// [`Error::DoubleSpend`]; with `true` (public data) it is updated. A key twice in one
    /// batch is rejected. On error the tree is unchanged.
    pub fn batch_insert(
        &mut self,
        entries: &[(Fr, Fr)],
        allow_update: bool,
    ) -> Result<BatchInsertion> {
        self.check_batch(entries, allow_update)?;
        let n = entries.len();
        let start = self.leaves.len() as u64;
        let old = self.snapshot();
        let filler = self.witness_at(0);
        self.leaves.extend(std::iter::repeat_n(None, n));
        let mut witnesses = Vec::with_capacity(n);
        for (j, &(key, value)) in entries.iter().enumerate() {
            let new_index = start + j as u64;
            let mut w = EntryWitness {
                key,
                value,
                mode: EntryMode::Padding,
                low_leaf: filler.leaf,
                low_path: filler.path.clone(),
            };
            if key.is_zero() {
                witnesses.push(w);
                continue;
            }
            if let Some(&i) = self.by_key.get(&key) {
                let tw = self.witness_at(i);
                (w.mode, w.low_leaf, w.low_path) = (EntryMode::Update, tw.leaf, tw.path);
                let updated = IndexedLeaf { value, ..tw.leaf };
                self.leaves[i as usize] = Some(updated);
                self.tree.set_leaf(i, updated.hash());
                witnesses.push(w);
                continue;
            }
            let low_index = self.low_index(key).expect("key 0 is always stored");
            let low = self.leaf_at(low_index);
            debug_assert!(low.is_low_leaf_of(key));
            let relinked = IndexedLeaf {
                next_key: key,
                next_index: new_index,
                ..low
            };
            self.leaves[low_index as usize] = Some(relinked);
            if low_index < start {
                let path = self.tree.path(low_index);
                (w.mode, w.low_leaf, w.low_path) = (EntryMode::LowInTree, low, path);
                self.tree.set_leaf(low_index, relinked.hash());
            } else {
                w.mode = EntryMode::LowInBatch((low_index - start) as usize);
            }
            let leaf = IndexedLeaf {
                key,
                next_key: low.next_key,
                next_index: low.next_index,
                value,
            };
            self.leaves[new_index as usize] = Some(leaf);
            self.by_key.insert(key, new_index);
            witnesses.push(w);
        }
        let k = n.trailing_zeros() as usize;
        let subtree_path = self.tree.path_from(k, start >> k);
        for j in 0..n as u64 {
            if let Some(l) = self.leaves[(start + j) as usize] {
                self.tree.set_leaf(start + j, l.hash());
            }
        }
        Ok(BatchInsertion {
            old,
            entries: witnesses,
            subtree_path,
            new: self.snapshot(),
        })
    }

    /// Witness shape of an `n`-entry batch (all padding) on a fresh tree, for blank circuits.
    pub fn blank_batch(height: usize, n: usize) -> BatchInsertion {
        let mut t = IndexedTree::new(height, n);
        t.batch_insert(&vec![(Fr::zero(), Fr::zero()); n], true)
            .expect("a fresh tree has room")
    }
}
