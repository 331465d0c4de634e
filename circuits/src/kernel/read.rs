//! Checking a storage read against the public data tree at the tx's start root.
//!
//! The public data tree is the crate's indexed Merkle tree ([`crate::indexed`]) of leaves
//! `(key, next_key, next_index, value)`. A read of `key` returning `value` is valid when
//! * a leaf with `leaf.key = key`, `leaf.value = value` is under the root (membership), or
//! * `value = 0` and a low leaf with `low.key < key < low.next_key` (or `low.next_key = 0`)
//!   is under the root (non-membership), comparing keys as 254-bit integers.

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Zero};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use ark_serialize::CanonicalSerialize;

use crate::indexed::{
    IndexedLeaf, IndexedLeafVar, LowLeafWitness, is_less_than_var, to_canonical_bits,
};
use crate::merkle::{MerklePath, MerklePathVar};

/// Evidence for a read from the tree: the exact leaf (`member`) or the low leaf, with its path.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize)]
pub struct TreeRead {
    /// True for membership, false for low-leaf non-membership.
    pub member: bool,
    /// The leaf and its path.
    pub witness: LowLeafWitness,
}

impl TreeRead {
    /// A placeholder for accesses not checked against the tree (keeps the circuit's shape).
    pub fn unused(height: usize) -> Self {
        Self {
            member: false,
            witness: LowLeafWitness {
                leaf: IndexedLeaf::default(),
                path: MerklePath {
                    index: 0,
                    siblings: vec![Fr::ZERO; height],
                },
            },
        }
    }

    /// Whether this evidence proves that `key` reads as `value` under `root` (native check).
    pub fn verifies(&self, root: Fr, key: Fr, value: Fr) -> bool {
        let leaf = &self.witness.leaf;
        let ok = if self.member {
            leaf.key == key && leaf.value == value
        } else {
            value.is_zero() && leaf.is_low_leaf_of(key)
        };
        ok && self.witness.path.root(leaf.hash()) == root
    }
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
    let member = Boolean::new_witness(cs.clone(), || Ok(ev.member))?;
    let leaf = IndexedLeafVar::new_witness(cs.clone(), || Ok(ev.witness.leaf))?;
    let path = MerklePathVar::new_witness(cs.clone(), || Ok(ev.witness.path.clone()))?;
    path.root(&leaf.hash()?)?
        .conditional_enforce_equal(root, enabled)?;
    let as_member = enabled & &member;
    leaf.key.conditional_enforce_equal(key, &as_member)?;
    leaf.value.conditional_enforce_equal(value, &as_member)?;
    let as_absent = enabled & &!&member;
    value.conditional_enforce_equal(&FpVar::zero(), &as_absent)?;
    let key_bits = to_canonical_bits(key)?;
    let one = FpVar::one();
    is_less_than_var(&to_canonical_bits(&leaf.key)?, &key_bits)?
        .conditional_enforce_equal(&one, &as_absent)?;
    let bounded = &as_absent & &!leaf.next_key.is_zero()?;
    is_less_than_var(&key_bits, &to_canonical_bits(&leaf.next_key)?)?
        .conditional_enforce_equal(&one, &bounded)
}
