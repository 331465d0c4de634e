//! Merkle gadgets: root from a path, and the append-only subtree insertion check.

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{Namespace, SynthesisError};
use core::borrow::Borrow;

use super::snapshot::TreeSnapshotVar;
use super::sparse::{MerklePath, zero_hash};
use crate::poseidon::hash2_var;

/// In-circuit [`MerklePath`]: index bits (little-endian, one per level) and siblings. The bit
/// count equals the sibling count, so the index is range-checked to the path's height.
#[derive(Clone, Debug)]
pub struct MerklePathVar {
    /// Bit `i` = node at level `i` is a right child.
    pub index_bits: Vec<Boolean<Fr>>,
    /// Sibling hashes, bottom-up.
    pub siblings: Vec<FpVar<Fr>>,
}

impl MerklePathVar {
    /// The index as a field element (`Σ bit_i·2^i`).
    pub fn index(&self) -> Result<FpVar<Fr>, SynthesisError> {
        Boolean::le_bits_to_fp(&self.index_bits)
    }

    /// Root obtained by hashing `node` up the path. One constraint per level for the ordered
    /// pair (`left = cur + b·(sib − cur)`, `right = cur + sib − left`) plus one Poseidon(2).
    pub fn root(&self, node: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
        let mut cur = node.clone();
        for (bit, sib) in self.index_bits.iter().zip(&self.siblings) {
            let left = bit.select(sib, &cur)?;
            let right = &cur + sib - &left;
            cur = hash2_var(&left, &right)?;
        }
        Ok(cur)
    }
}

impl AllocVar<MerklePath, Fr> for MerklePathVar {
    fn new_variable<T: Borrow<MerklePath>>(
        cs: impl Into<Namespace<Fr>>,
        f: impl FnOnce() -> Result<T, SynthesisError>,
        mode: AllocationMode,
    ) -> Result<Self, SynthesisError> {
        let cs = cs.into().cs();
        let p = f().map(|p| p.borrow().clone());
        let p = p?;
        let index_bits = (0..p.siblings.len())
            .map(|i| Boolean::new_variable(cs.clone(), || Ok((p.index >> i) & 1 == 1), mode))
            .collect::<Result<_, _>>()?;
        let siblings = p
            .siblings
            .iter()
            .map(|s| FpVar::new_variable(cs.clone(), || Ok(*s), mode))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            index_bits,
            siblings,
        })
    }
}

/// Root of the complete tree over `leaves` (a power-of-two count).
pub fn merkle_root_var(leaves: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|p| hash2_var(&p[0], &p[1]))
            .collect::<Result<_, _>>()?;
    }
    Ok(level.swap_remove(0))
}

/// Enforces that `leaves` (`2^k` of them) were appended to `old` at `old.next_index` into an
/// empty aligned slot, and returns the new snapshot:
/// `path.root(ZERO[k]) = old.root`, `old.next_index = path.index·2^k`,
/// `new = (path.root(root(leaves)), old.next_index + 2^k)`. The path has `h − k` levels, so the
/// slot lies inside the tree.
pub fn check_subtree_insertion(
    old: &TreeSnapshotVar,
    leaves: &[FpVar<Fr>],
    path: &MerklePathVar,
) -> Result<TreeSnapshotVar, SynthesisError> {
    assert!(
        leaves.len().is_power_of_two(),
        "subtree size must be a power of two"
    );
    let k = leaves.len().trailing_zeros() as usize;
    let size = Fr::from(leaves.len() as u64);
    let empty = FpVar::Constant(zero_hash(k));
    path.root(&empty)?.enforce_equal(&old.root)?;
    (path.index()? * size).enforce_equal(&old.next_index)?;
    let root = path.root(&merkle_root_var(leaves)?)?;
    Ok(TreeSnapshotVar {
        root,
        next_index: &old.next_index + size,
    })
}
