//! Snapshots of the state trees as carried through the proof tree.

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use crate::gadgets::var_struct;
use crate::merkle::{TreeSnapshot, TreeSnapshotVar};

/// The trees a tx writes: note hash, nullifier, public data (what base and merge rollups carry).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct PartialStateReference {
    /// Append-only note hash tree.
    pub note_hash: TreeSnapshot,
    /// Indexed nullifier tree.
    pub nullifier: TreeSnapshot,
    /// Indexed public data tree.
    pub public_data: TreeSnapshot,
}

/// The state a block header commits to: the L1→L2 message tree and the partial state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct StateReference {
    /// Append-only L1→L2 message tree.
    pub l1_to_l2: TreeSnapshot,
    /// Note hash, nullifier and public data trees.
    pub partial: PartialStateReference,
}

impl PartialStateReference {
    /// Number of field elements in [`Self::to_fields`].
    pub const NUM_FIELDS: usize = 6;
    /// Position of the public data tree's root in [`Self::to_fields`].
    pub const PUBLIC_DATA_ROOT: usize = 4;

    /// `[note root, note next, nullifier root, nullifier next, public data root, next]`.
    pub fn to_fields(&self) -> Vec<Fr> {
        [self.note_hash, self.nullifier, self.public_data]
            .iter()
            .flat_map(|t| t.to_fields())
            .collect()
    }
}

impl StateReference {
    /// `[l1_to_l2 root, l1_to_l2 next, partial…]` (8 elements).
    pub fn to_fields(&self) -> Vec<Fr> {
        let mut f = self.l1_to_l2.to_fields().to_vec();
        f.extend(self.partial.to_fields());
        f
    }
}

/// In-circuit [`PartialStateReference`].
#[derive(Clone, Debug)]
pub struct PartialStateReferenceVar {
    /// Note hash tree.
    pub note_hash: TreeSnapshotVar,
    /// Nullifier tree.
    pub nullifier: TreeSnapshotVar,
    /// Public data tree.
    pub public_data: TreeSnapshotVar,
}

impl PartialStateReferenceVar {
    /// Same order as [`PartialStateReference::to_fields`].
    pub fn to_fields(&self) -> Vec<FpVar<Fr>> {
        [&self.note_hash, &self.nullifier, &self.public_data]
            .iter()
            .flat_map(|t| t.to_fields())
            .collect()
    }
}

var_struct!(PartialStateReference => PartialStateReferenceVar {
    note_hash: TreeSnapshotVar = |r: &PartialStateReference| r.note_hash,
    nullifier: TreeSnapshotVar = |r: &PartialStateReference| r.nullifier,
    public_data: TreeSnapshotVar = |r: &PartialStateReference| r.public_data,
} + enforce_equal);
