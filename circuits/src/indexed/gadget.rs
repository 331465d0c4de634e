//! Indexed-tree gadgets: membership, non-membership (low leaf) and batch insertion.

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

use super::batch::{BatchInsertion, EntryMode};
use super::compare::{is_less_than_var, to_canonical_bits};
use super::leaf::IndexedLeafVar;
use crate::merkle::{MerklePathVar, TreeSnapshotVar, check_subtree_insertion};

/// Enforces that `leaf` (with `leaf.key = key`) sits under `root` at `path`.
pub fn check_membership_var(
    root: &FpVar<Fr>,
    key: &FpVar<Fr>,
    leaf: &IndexedLeafVar,
    path: &MerklePathVar,
) -> Result<(), SynthesisError> {
    leaf.key.enforce_equal(key)?;
    path.root(&leaf.hash()?)?.enforce_equal(root)
}

/// Enforces that `key` is not in the tree: `low` sits under `root` at `path` and
/// `low.key < key < low.next_key` (or `low.next_key = 0`), as 254-bit integers.
pub fn check_non_membership_var(
    root: &FpVar<Fr>,
    key: &FpVar<Fr>,
    low: &IndexedLeafVar,
    path: &MerklePathVar,
) -> Result<(), SynthesisError> {
    path.root(&low.hash()?)?.enforce_equal(root)?;
    enforce_low_leaf(
        &to_canonical_bits(key)?,
        &low.key,
        &low.next_key,
        &Boolean::TRUE,
    )
}

/// If `cond`: `low_key < key` and (`next_key = 0` or `key < next_key`).
fn enforce_low_leaf(
    key_bits: &[Boolean<Fr>],
    low_key: &FpVar<Fr>,
    next_key: &FpVar<Fr>,
    cond: &Boolean<Fr>,
) -> Result<(), SynthesisError> {
    let one = FpVar::one();
    is_less_than_var(&to_canonical_bits(low_key)?, key_bits)?
        .conditional_enforce_equal(&one, cond)?;
    let bounded = cond & !next_key.is_zero()?;
    is_less_than_var(key_bits, &to_canonical_bits(next_key)?)?
        .conditional_enforce_equal(&one, &bounded)
}

/// In-circuit witness of one batch entry (the key and value come from the caller).
#[derive(Clone, Debug)]
pub struct EntryVar {
    is_update: Boolean<Fr>,
    is_tree_low: Boolean<Fr>,
    /// `batch_sel[i]`: the low leaf is pending entry `i` (one-hot or all false).
    batch_sel: Vec<Boolean<Fr>>,
    low_leaf: IndexedLeafVar,
    low_path: MerklePathVar,
}

/// In-circuit [`BatchInsertion`] (without the keys and values).
#[derive(Clone, Debug)]
pub struct BatchInsertionVar {
    entries: Vec<EntryVar>,
    subtree_path: MerklePathVar,
}

impl BatchInsertionVar {
    /// Allocates the witness. With `allow_update = false` the update mode is the constant false.
    pub fn new_witness(
        cs: ConstraintSystemRef<Fr>,
        w: &BatchInsertion,
        allow_update: bool,
    ) -> Result<Self, SynthesisError> {
        let entries = w
            .entries
            .iter()
            .enumerate()
            .map(|(j, e)| {
                let is_update = if allow_update {
                    Boolean::new_witness(cs.clone(), || Ok(e.mode == EntryMode::Update))?
                } else {
                    Boolean::FALSE
                };
                Ok(EntryVar {
                    is_update,
                    is_tree_low: Boolean::new_witness(cs.clone(), || {
                        Ok(e.mode == EntryMode::LowInTree)
                    })?,
                    batch_sel: (0..j)
                        .map(|i| {
                            Boolean::new_witness(cs.clone(), || {
                                Ok(e.mode == EntryMode::LowInBatch(i))
                            })
                        })
                        .collect::<Result<_, _>>()?,
                    low_leaf: IndexedLeafVar::new_witness(cs.clone(), || Ok(e.low_leaf))?,
                    low_path: MerklePathVar::new_witness(cs.clone(), || Ok(&e.low_path))?,
                })
            })
            .collect::<Result<_, SynthesisError>>()?;
        let subtree_path = MerklePathVar::new_witness(cs, || Ok(&w.subtree_path))?;
        Ok(Self {
            entries,
            subtree_path,
        })
    }
}

/// A leaf inserted by this batch, not yet in the tree.
struct Pending {
    key: FpVar<Fr>,
    next_key: FpVar<Fr>,
    next_index: FpVar<Fr>,
    value: FpVar<Fr>,
    active: Boolean<Fr>,
}

/// Enforces the batch insertion of `(keys[j], values[j])` into the tree `old` (see
/// [`super::batch`] for the semantics) and returns the new snapshot. Every non-zero key is
/// either updated in place (only if the witness allows updates) or proven absent through a low
/// leaf, so re-inserting a stored key (a double spend) or a key twice is unsatisfiable.
pub fn batch_insert_var(
    old: &TreeSnapshotVar,
    keys: &[FpVar<Fr>],
    values: &[FpVar<Fr>],
    w: &BatchInsertionVar,
) -> Result<TreeSnapshotVar, SynthesisError> {
    assert_eq!(keys.len(), w.entries.len(), "batch witness of another size");
    let mut root = old.root.clone();
    let mut pending: Vec<Pending> = Vec::with_capacity(keys.len());
    for (j, ((key, value), e)) in keys.iter().zip(values).zip(&w.entries).enumerate() {
        let is_pad = key.is_zero()?;
        let mode_sum = e.batch_sel.iter().fold(
            FpVar::from(is_pad.clone())
                + FpVar::from(e.is_update.clone())
                + FpVar::from(e.is_tree_low.clone()),
            |acc, s| acc + FpVar::from(s.clone()),
        );
        mode_sum.enforce_equal(&FpVar::one())?;
        for (s, p) in e.batch_sel.iter().zip(&pending) {
            (s & !&p.active).enforce_equal(&Boolean::FALSE)?;
        }
        let in_tree = &e.is_update | &e.is_tree_low;
        let inserting = !(&is_pad | &e.is_update);

        let l = &e.low_leaf;
        e.low_path
            .root(&l.hash()?)?
            .conditional_enforce_equal(&root, &in_tree)?;

        let pick = |f: fn(&Pending) -> &FpVar<Fr>| -> Result<FpVar<Fr>, SynthesisError> {
            e.batch_sel
                .iter()
                .zip(&pending)
                .try_fold(FpVar::zero(), |acc, (s, p)| {
                    Ok(acc + FpVar::from(s.clone()) * f(p))
                })
        };
        let low_key = e.is_tree_low.select(&l.key, &pick(|p| &p.key)?)?;
        let low_next_key = e.is_tree_low.select(&l.next_key, &pick(|p| &p.next_key)?)?;
        let low_next_index = e
            .is_tree_low
            .select(&l.next_index, &pick(|p| &p.next_index)?)?;
        enforce_low_leaf(
            &to_canonical_bits(key)?,
            &low_key,
            &low_next_key,
            &inserting,
        )?;
        l.key.conditional_enforce_equal(key, &e.is_update)?;

        let new_index = &old.next_index + Fr::from(j as u64);
        let changed = IndexedLeafVar {
            key: l.key.clone(),
            next_key: e.is_update.select(&l.next_key, key)?,
            next_index: e.is_update.select(&l.next_index, &new_index)?,
            value: e.is_update.select(value, &l.value)?,
        };
        let new_root = e.low_path.root(&changed.hash()?)?;
        root = in_tree.select(&new_root, &root)?;

        for (s, p) in e.batch_sel.iter().zip(pending.iter_mut()) {
            p.next_key = s.select(key, &p.next_key)?;
            p.next_index = s.select(&new_index, &p.next_index)?;
        }
        pending.push(Pending {
            key: key.clone(),
            next_key: low_next_key,
            next_index: low_next_index,
            value: value.clone(),
            active: inserting,
        });
    }
    let hashes = pending
        .iter()
        .map(|p| {
            let leaf = IndexedLeafVar {
                key: p.key.clone(),
                next_key: p.next_key.clone(),
                next_index: p.next_index.clone(),
                value: p.value.clone(),
            };
            p.active.select(&leaf.hash()?, &FpVar::zero())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mid = TreeSnapshotVar {
        root,
        next_index: old.next_index.clone(),
    };
    check_subtree_insertion(&mid, &hashes, &w.subtree_path)
}
