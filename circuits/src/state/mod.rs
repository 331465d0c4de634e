//! World state: the five trees of the rollup (note hash, nullifier, public data, L1→L2
//! messages, archive) and the last block header, with forks for speculative execution and
//! crash-safe persistence.
//!
//! A fork is a full copy ([`WorldState::fork`]); the caller executes against it and keeps it
//! (assigns it back) only if everything succeeded, so a failed tx or block leaves the committed
//! state untouched. [`WorldState::save`] / [`WorldState::open`] persist it (see [`persist`]).

pub mod persist;
pub mod reference;

pub use reference::{PartialStateReference, PartialStateReferenceVar, StateReference};

use crate::indexed::IndexedTree;
use crate::merkle::{AppendTree, TreeSnapshot};
use crate::rollup::header::BlockHeader;
use crate::{Preset, Result};

/// The node's state between blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorldState {
    pub(crate) preset: Preset,
    /// Append-only note hash tree.
    pub note_hash: AppendTree,
    /// Indexed nullifier tree (prefilled with `max_nullifiers_per_tx` keys).
    pub nullifier: IndexedTree,
    /// Indexed public data tree (prefilled with `max_public_data_writes_per_tx` keys).
    pub public_data: IndexedTree,
    /// Append-only L1→L2 message tree.
    pub l1_to_l2: AppendTree,
    /// Archive of block header hashes; leaf `n` is block `n`'s header (leaf 0: genesis).
    pub archive: AppendTree,
    /// Header of the last block (the genesis header at first).
    pub last_header: BlockHeader,
}

impl WorldState {
    /// The genesis state of `preset`: empty trees (indexed ones prefilled), the genesis header
    /// appended to the archive as block 0.
    pub fn genesis(preset: &Preset) -> Self {
        let mut s = Self {
            preset: preset.clone(),
            note_hash: AppendTree::new(preset.note_hash_height),
            nullifier: IndexedTree::new(preset.nullifier_height, preset.max_nullifiers_per_tx),
            public_data: IndexedTree::new(
                preset.public_data_height,
                preset.max_public_data_writes_per_tx,
            ),
            l1_to_l2: AppendTree::new(preset.l1_to_l2_height),
            archive: AppendTree::new(preset.archive_height),
            last_header: BlockHeader::default(),
        };
        s.last_header = BlockHeader::genesis(s.archive.snapshot(), s.state_reference());
        s.archive
            .append(s.last_header.hash())
            .expect("an empty archive has room");
        s
    }

    /// The preset the state was created for.
    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    /// Snapshots of the note hash, nullifier and public data trees.
    pub fn partial_reference(&self) -> PartialStateReference {
        PartialStateReference {
            note_hash: self.note_hash.snapshot(),
            nullifier: self.nullifier.snapshot(),
            public_data: self.public_data.snapshot(),
        }
    }

    /// Snapshots of the L1→L2 tree and the partial state.
    pub fn state_reference(&self) -> StateReference {
        StateReference {
            l1_to_l2: self.l1_to_l2.snapshot(),
            partial: self.partial_reference(),
        }
    }

    /// Snapshot of the archive.
    pub fn archive_snapshot(&self) -> TreeSnapshot {
        self.archive.snapshot()
    }

    /// A copy to execute against speculatively; keep it by assigning it back.
    pub fn fork(&self) -> Self {
        self.clone()
    }

    /// Saves to `path` atomically (see [`persist`]).
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        persist::save(self, path)
    }

    /// Opens a state saved by [`Self::save`], checking its checksum and preset.
    pub fn open(path: &std::path::Path, preset: &Preset) -> Result<Self> {
        persist::open(path, preset)
    }
}
