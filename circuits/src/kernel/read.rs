//! Checking a storage read against the public data tree at the tx's start root.
//!
//! Public data is an indexed Merkle tree of leaves `(key, value, next_key, next_index)`,
//! hashed as `Poseidon(key, value, next_key, next_index)`, sorted by key through `next_key`
//! (`next_key = 0` marks the largest key). A read of `key` returning `value` is valid when
//! * a leaf with `leaf.key = key`, `leaf.value = value` is in the tree (membership), or
//! * `value = 0` and a low leaf with `low.key < key < low.next_key` (or `low.next_key = 0`)
//!   is in the tree (non-membership).
//!
//! Keys are full-width field elements, so comparisons decompose both sides into 254 bits.

use ark_bn254::Fr;
use ark_ff::AdditiveGroup;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

use crate::merkle::{MerklePath, MerklePathVar};
use crate::poseidon::hash;

/// A public data tree leaf.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PublicDataLeaf {
    /// The key (`Poseidon(contract, slot)`).
    pub key: Fr,
    /// The stored value.
    pub value: Fr,
    /// The next larger key in the tree (0 if none).
    pub next_key: Fr,
    /// Index of the leaf holding `next_key`.
    pub next_index: u64,
}

impl PublicDataLeaf {
    /// `Poseidon(key, value, next_key, next_index)`.
    pub fn hash(&self) -> Fr {
        hash(&[
            self.key,
            self.value,
            self.next_key,
            Fr::from(self.next_index),
        ])
    }
}

/// Evidence for a read from the tree: the exact leaf (`member`) or the low leaf, with its path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeRead {
    /// True for membership, false for low-leaf non-membership.
    pub member: bool,
    /// The leaf.
    pub leaf: PublicDataLeaf,
    /// Its path to the start root.
    pub path: MerklePath,
}

impl TreeRead {
    /// A placeholder for reads that are not checked against the tree (shape only).
    pub fn unused(height: usize) -> Self {
        Self {
            member: false,
            leaf: PublicDataLeaf::default(),
            path: MerklePath {
                index: 0,
                siblings: vec![Fr::ZERO; height],
            },
        }
    }

    /// Whether this evidence proves that `key` reads as `value` under `root` (native check).
    pub fn verifies(&self, root: Fr, key: Fr, value: Fr) -> bool {
        let ok_leaf = if self.member {
            self.leaf.key == key && self.leaf.value == value
        } else {
            value == Fr::ZERO
                && self.leaf.key < key
                && (key < self.leaf.next_key || self.leaf.next_key == Fr::ZERO)
        };
        ok_leaf && self.path.root(self.leaf.hash()) == root
    }
}

/// `a < b` as integers in `[0, r)`, via canonical bit decompositions.
pub fn lt_var(a: &FpVar<Fr>, b: &FpVar<Fr>) -> Result<Boolean<Fr>, SynthesisError> {
    let (ab, bb) = (a.to_bits_le()?, b.to_bits_le()?);
    // Scan from the least significant bit: lt ← (¬a_i ∧ b_i) ∨ (a_i = b_i ∧ lt).
    let mut lt = Boolean::FALSE;
    for (x, y) in ab.iter().zip(&bb) {
        let strictly = !x & y;
        let same = x.is_eq(y)?;
        lt = &strictly | &(&same & &lt);
    }
    Ok(lt)
}

/// Enforces, when `enabled`, that `ev` proves `key ↦ value` under `root`.
pub fn enforce_tree_read(
    cs: &ConstraintSystemRef<Fr>,
    enabled: &Boolean<Fr>,
    root: &FpVar<Fr>,
    key: &FpVar<Fr>,
    value: &FpVar<Fr>,
    ev: &TreeRead,
) -> Result<(), SynthesisError> {
    let w = |x: Fr| FpVar::new_witness(cs.clone(), || Ok(x));
    let member = Boolean::new_witness(cs.clone(), || Ok(ev.member))?;
    let (lk, lv, ln) = (w(ev.leaf.key)?, w(ev.leaf.value)?, w(ev.leaf.next_key)?);
    let li = w(Fr::from(ev.leaf.next_index))?;
    let path = MerklePathVar::new_witness(cs.clone(), || Ok(ev.path.clone()))?;
    let leaf_hash = crate::poseidon::hash_var(&[lk.clone(), lv.clone(), ln.clone(), li])?;
    path.root(&leaf_hash)?
        .conditional_enforce_equal(root, enabled)?;
    let as_member = enabled & &member;
    lk.conditional_enforce_equal(key, &as_member)?;
    lv.conditional_enforce_equal(value, &as_member)?;
    let as_absent = enabled & &!&member;
    value.conditional_enforce_equal(&FpVar::zero(), &as_absent)?;
    lt_var(&lk, key)?.conditional_enforce_equal(&Boolean::TRUE, &as_absent)?;
    let above = &lt_var(key, &ln)? | &ln.is_zero()?;
    above.conditional_enforce_equal(&Boolean::TRUE, &as_absent)
}
