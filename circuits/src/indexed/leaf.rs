//! The indexed-tree leaf and its hash.

use ark_bn254::Fr;
use ark_ff::Zero;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::SynthesisError;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use crate::gadgets::var_struct;
use crate::poseidon::{hash, hash_var};

/// One leaf: a key, the next larger key in the tree (0 = none), that key's leaf index, and the
/// value stored under the key (0 for nullifiers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct IndexedLeaf {
    /// The key (nullifier or public data slot).
    pub key: Fr,
    /// Next larger key in the tree, or 0 if `key` is the largest.
    pub next_key: Fr,
    /// Leaf index of `next_key` (0 if none).
    pub next_index: u64,
    /// Value stored under `key`.
    pub value: Fr,
}

impl IndexedLeaf {
    /// `Poseidon(key, next_key, next_index, value)`.
    pub fn hash(&self) -> Fr {
        hash(&[
            self.key,
            self.next_key,
            Fr::from(self.next_index),
            self.value,
        ])
    }

    /// Whether `k` falls strictly between this leaf's key and its successor.
    pub fn is_low_leaf_of(&self, k: Fr) -> bool {
        self.key < k && (self.next_key.is_zero() || k < self.next_key)
    }
}

/// In-circuit [`IndexedLeaf`].
#[derive(Clone, Debug)]
pub struct IndexedLeafVar {
    /// The key.
    pub key: FpVar<Fr>,
    /// Next larger key, or 0.
    pub next_key: FpVar<Fr>,
    /// Leaf index of `next_key`.
    pub next_index: FpVar<Fr>,
    /// Stored value.
    pub value: FpVar<Fr>,
}

impl IndexedLeafVar {
    /// In-circuit [`IndexedLeaf::hash`].
    pub fn hash(&self) -> Result<FpVar<Fr>, SynthesisError> {
        hash_var(&[
            self.key.clone(),
            self.next_key.clone(),
            self.next_index.clone(),
            self.value.clone(),
        ])
    }
}

var_struct!(IndexedLeaf => IndexedLeafVar {
    key: FpVar<Fr> = |l: &IndexedLeaf| l.key,
    next_key: FpVar<Fr> = |l: &IndexedLeaf| l.next_key,
    next_index: FpVar<Fr> = |l: &IndexedLeaf| Fr::from(l.next_index),
    value: FpVar<Fr> = |l: &IndexedLeaf| l.value,
});
