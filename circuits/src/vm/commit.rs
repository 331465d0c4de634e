//! What a VM proof commits to: the bytecode, the calldata and the call's outputs, each as one
//! [`hash_many`] of a fixed-length, zero-padded field vector.
//!
//! Output layout (length `3 + 3S + N + M` for `S = vm_max_storage_accesses`,
//! `N = max_note_hashes_per_tx`, `M = max_nullifiers_per_tx`):
//! `[#accesses, (is_write, slot, value) × S, #note_hashes, note_hash × N, #nullifiers,
//! nullifier × M]`, unused entries zero. Calldata is padded with zeros to `vm_max_calldata`;
//! reading past the given calldata yields zero, so trailing zeros do not change a call.

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use ark_serialize::CanonicalSerialize;

use super::interp::{Execution, StorageAccess};
use super::isa::Bytecode;
use crate::poseidon::{hash_many, hash_many_var};
use crate::{Error, Preset, Result};

/// Poseidon commitment to the zero-padded bytecode words (the contract's code hash).
pub fn bytecode_hash(preset: &Preset, code: &Bytecode) -> Result<Fr> {
    Ok(hash_many(&code.padded_words(preset.vm_max_bytecode_len)?))
}

/// Calldata zero-padded to `vm_max_calldata`.
pub fn padded_calldata(preset: &Preset, calldata: &[Fr]) -> Result<Vec<Fr>> {
    if calldata.len() > preset.vm_max_calldata {
        return Err(Error::VmFault {
            pc: 0,
            reason: format!(
                "{} calldata words exceed {}",
                calldata.len(),
                preset.vm_max_calldata
            ),
        });
    }
    let mut v = calldata.to_vec();
    v.resize(preset.vm_max_calldata, Fr::ZERO);
    Ok(v)
}

/// Poseidon commitment to the zero-padded calldata.
pub fn calldata_hash(preset: &Preset, calldata: &[Fr]) -> Result<Fr> {
    Ok(hash_many(&padded_calldata(preset, calldata)?))
}

/// A call's public effects: storage accesses, note hashes and nullifiers, in emission order.
#[derive(Clone, Debug, Default, PartialEq, Eq, CanonicalSerialize)]
pub struct VmOutputs {
    /// SLOADs and SSTOREs.
    pub accesses: Vec<StorageAccess>,
    /// Emitted note hashes.
    pub note_hashes: Vec<Fr>,
    /// Emitted nullifiers.
    pub nullifiers: Vec<Fr>,
}

impl From<&Execution> for VmOutputs {
    fn from(e: &Execution) -> Self {
        Self {
            accesses: e.accesses.clone(),
            note_hashes: e.note_hashes.clone(),
            nullifiers: e.nullifiers.clone(),
        }
    }
}

impl VmOutputs {
    /// The padded field layout described in the module docs.
    pub fn to_fields(&self, preset: &Preset) -> Vec<Fr> {
        let mut v = vec![Fr::from(self.accesses.len() as u64)];
        for j in 0..preset.vm_max_storage_accesses {
            match self.accesses.get(j) {
                Some(a) => v.extend([Fr::from(u64::from(a.is_write)), a.slot, a.value]),
                None => v.extend([Fr::ZERO; 3]),
            }
        }
        for (list, max) in [
            (&self.note_hashes, preset.max_note_hashes_per_tx),
            (&self.nullifiers, preset.max_nullifiers_per_tx),
        ] {
            v.push(Fr::from(list.len() as u64));
            v.extend((0..max).map(|j| list.get(j).copied().unwrap_or(Fr::ZERO)));
        }
        v
    }

    /// The outputs hash: [`hash_many`] of [`VmOutputs::to_fields`].
    pub fn hash(&self, preset: &Preset) -> Fr {
        hash_many(&self.to_fields(preset))
    }
}

/// [`VmOutputs`] as witness variables: padded entries plus counts.
#[derive(Clone)]
pub struct VmOutputsVar {
    /// Storage accesses `(is_write, slot, value)`, padded to `S`.
    pub accesses: Vec<(Boolean<Fr>, FpVar<Fr>, FpVar<Fr>)>,
    /// Note hashes, padded to `N`.
    pub note_hashes: Vec<FpVar<Fr>>,
    /// Nullifiers, padded to `M`.
    pub nullifiers: Vec<FpVar<Fr>>,
}

impl VmOutputsVar {
    /// Allocates the padded entries of `out` as witnesses.
    pub fn alloc(
        cs: ConstraintSystemRef<Fr>,
        preset: &Preset,
        out: &VmOutputs,
    ) -> Result<Self, SynthesisError> {
        let f = out.to_fields(preset);
        let s = preset.vm_max_storage_accesses;
        let w = |x: Fr| FpVar::new_witness(cs.clone(), || Ok(x));
        let accesses = (0..s)
            .map(|j| {
                let b = Boolean::new_witness(cs.clone(), || Ok(f[1 + 3 * j] == Fr::ONE))?;
                Ok((b, w(f[2 + 3 * j])?, w(f[3 + 3 * j])?))
            })
            .collect::<Result<Vec<_>, SynthesisError>>()?;
        let n0 = 2 + 3 * s;
        let notes = (0..preset.max_note_hashes_per_tx)
            .map(|j| w(f[n0 + j]))
            .collect::<Result<_, _>>()?;
        let m0 = n0 + preset.max_note_hashes_per_tx + 1;
        let nulls = (0..preset.max_nullifiers_per_tx)
            .map(|j| w(f[m0 + j]))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            accesses,
            note_hashes: notes,
            nullifiers: nulls,
        })
    }

    /// In-circuit outputs hash, given the three counts (as variables) of the layout.
    pub fn hash(&self, counts: [&FpVar<Fr>; 3]) -> Result<FpVar<Fr>, SynthesisError> {
        let mut v = vec![counts[0].clone()];
        for (b, slot, value) in &self.accesses {
            v.extend([FpVar::from(b.clone()), slot.clone(), value.clone()]);
        }
        v.push(counts[1].clone());
        v.extend(self.note_hashes.iter().cloned());
        v.push(counts[2].clone());
        v.extend(self.nullifiers.iter().cloned());
        hash_many_var(&v)
    }
}
