//! A tree's public state: its root and the next free leaf index.

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use crate::gadgets::var_struct;

/// Root and next free leaf index of one tree (append-only and indexed trees fill leaves left to
/// right).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct TreeSnapshot {
    /// Merkle root.
    pub root: Fr,
    /// Index of the first empty leaf.
    pub next_index: u64,
}

impl TreeSnapshot {
    /// The two field elements `[root, next_index]`, in that order.
    pub fn to_fields(&self) -> [Fr; 2] {
        [self.root, Fr::from(self.next_index)]
    }
}

/// In-circuit [`TreeSnapshot`].
#[derive(Clone, Debug)]
pub struct TreeSnapshotVar {
    /// Merkle root.
    pub root: FpVar<Fr>,
    /// Index of the first empty leaf.
    pub next_index: FpVar<Fr>,
}

impl TreeSnapshotVar {
    /// `[root, next_index]`.
    pub fn to_fields(&self) -> Vec<FpVar<Fr>> {
        vec![self.root.clone(), self.next_index.clone()]
    }
}

var_struct!(TreeSnapshot => TreeSnapshotVar {
    root: FpVar<Fr> = |s: &TreeSnapshot| s.root,
    next_index: FpVar<Fr> = |s: &TreeSnapshot| Fr::from(s.next_index),
} + enforce_equal);
