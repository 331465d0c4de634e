//! A tree's public state: its root and the next free leaf index.

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{Namespace, SynthesisError};
use core::borrow::Borrow;

/// Root and next free leaf index of one tree (append-only and indexed trees fill leaves left to
/// right).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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

    /// Enforces equality of both fields.
    pub fn enforce_equal(&self, other: &Self) -> Result<(), SynthesisError> {
        self.root.enforce_equal(&other.root)?;
        self.next_index.enforce_equal(&other.next_index)
    }
}

impl AllocVar<TreeSnapshot, Fr> for TreeSnapshotVar {
    fn new_variable<T: Borrow<TreeSnapshot>>(
        cs: impl Into<Namespace<Fr>>,
        f: impl FnOnce() -> Result<T, SynthesisError>,
        mode: AllocationMode,
    ) -> Result<Self, SynthesisError> {
        let cs = cs.into().cs();
        let v = f().map(|v| *v.borrow());
        Ok(Self {
            root: FpVar::new_variable(cs.clone(), || v.map(|v| v.root), mode)?,
            next_index: FpVar::new_variable(cs, || v.map(|v| Fr::from(v.next_index)), mode)?,
        })
    }
}
