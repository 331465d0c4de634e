//! The public kernel's running state for one tx, and the tx's effects it finally outputs.
//!
//! Layout hashed by [`KernelState::hash`] (fixed length per preset):
//! `[tx_hash, call_index, num_calls, start_public_data_root, fee, #notes, note × N,
//! #nullifiers, nullifier × M, #writes, (key, value) × W, (contract, calldata_hash) × C]`.
//! Public data writes hold one entry per key, in first-write order, with the latest value (as
//! the base rollup inserts them). Tree keys are `Poseidon(contract, slot)`.

use ark_bn254::Fr;
use ark_ff::AdditiveGroup;
use ark_serialize::CanonicalSerialize;

use crate::effects::{PublicDataWrite, TxEffects};
use crate::poseidon::{hash_many, hash2};
use crate::tx::Tx;
use crate::vm::{VmOutputs, calldata_hash};
use crate::{Error, Preset, Result};

/// The public data tree key of `slot` of `contract`.
pub fn public_data_key(contract: Fr, slot: Fr) -> Fr {
    hash2(contract, slot)
}

/// State carried from one kernel step to the next (bound by its hash).
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize)]
pub struct KernelState {
    /// The tx's canonical hash.
    pub tx_hash: Fr,
    /// Index of the next public call to process.
    pub call_index: usize,
    /// Number of public calls of the tx.
    pub num_calls: usize,
    /// Public data root before the tx (reads not preceded by a write are checked against it).
    pub start_root: Fr,
    /// The tx's fee.
    pub fee: u64,
    /// Note hashes so far (private ones first).
    pub note_hashes: Vec<Fr>,
    /// Nullifiers so far.
    pub nullifiers: Vec<Fr>,
    /// Public data writes `(key, value)`: one per key, first-write order, latest value.
    pub writes: Vec<(Fr, Fr)>,
    /// Call requests `(contract, calldata_hash)`.
    pub requests: Vec<(Fr, Fr)>,
}

fn padded(list: &[Fr], max: usize) -> impl Iterator<Item = Fr> + '_ {
    (0..max).map(move |j| list.get(j).copied().unwrap_or(Fr::ZERO))
}

impl KernelState {
    /// The state before the first public call of `tx`.
    pub fn init(preset: &Preset, tx: &Tx, start_root: Fr) -> Result<Self> {
        Ok(Self {
            tx_hash: tx.hash(preset)?,
            call_index: 0,
            num_calls: tx.public_calls.len(),
            start_root,
            fee: tx.fee,
            note_hashes: tx.note_hashes.clone(),
            nullifiers: tx.nullifiers.clone(),
            writes: Vec::new(),
            requests: tx
                .public_calls
                .iter()
                .map(|c| Ok((c.contract, calldata_hash(preset, &c.calldata)?)))
                .collect::<Result<_>>()?,
        })
    }

    /// The fixed-length field layout of the module docs.
    pub fn to_fields(&self, preset: &Preset) -> Vec<Fr> {
        let mut v = vec![
            self.tx_hash,
            Fr::from(self.call_index as u64),
            Fr::from(self.num_calls as u64),
            self.start_root,
            Fr::from(self.fee),
            Fr::from(self.note_hashes.len() as u64),
        ];
        v.extend(padded(&self.note_hashes, preset.max_note_hashes_per_tx));
        v.push(Fr::from(self.nullifiers.len() as u64));
        v.extend(padded(&self.nullifiers, preset.max_nullifiers_per_tx));
        v.push(Fr::from(self.writes.len() as u64));
        for j in 0..preset.max_public_data_writes_per_tx {
            let (k, x) = self.writes.get(j).copied().unwrap_or((Fr::ZERO, Fr::ZERO));
            v.extend([k, x]);
        }
        for j in 0..preset.max_public_calls_per_tx {
            let (c, d) = self
                .requests
                .get(j)
                .copied()
                .unwrap_or((Fr::ZERO, Fr::ZERO));
            v.extend([c, d]);
        }
        v
    }

    /// Hash of the state (public input of a kernel step).
    pub fn hash(&self, preset: &Preset) -> Fr {
        hash_many(&self.to_fields(preset))
    }

    /// The value of `key` as the tx sees it: its latest write, else `None` (read the tree).
    pub fn written(&self, key: Fr) -> Option<Fr> {
        self.writes
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    /// Applies one call's outputs (the call must be the next request, made to `contract`).
    /// Fails with the reason when a per-tx maximum is exceeded.
    pub fn apply(&self, preset: &Preset, contract: Fr, out: &VmOutputs) -> Result<Self> {
        let mut next = self.clone();
        if self.call_index >= self.num_calls || self.requests[self.call_index].0 != contract {
            return Err(Error::Kernel(format!(
                "call {} is not the next request",
                self.call_index
            )));
        }
        next.call_index += 1;
        for a in out.accesses.iter().filter(|a| a.is_write) {
            let key = public_data_key(contract, a.slot);
            match next.writes.iter_mut().find(|(k, _)| *k == key) {
                Some(w) => w.1 = a.value,
                None => next.writes.push((key, a.value)),
            }
        }
        next.note_hashes.extend(&out.note_hashes);
        next.nullifiers.extend(&out.nullifiers);
        let limits = [
            (
                "public data writes",
                next.writes.len(),
                preset.max_public_data_writes_per_tx,
            ),
            (
                "note hashes",
                next.note_hashes.len(),
                preset.max_note_hashes_per_tx,
            ),
            (
                "nullifiers",
                next.nullifiers.len(),
                preset.max_nullifiers_per_tx,
            ),
        ];
        for (what, got, max) in limits {
            if got > max {
                return Err(Error::TooManyEffects { what, got, max });
            }
        }
        Ok(next)
    }

    /// The tx's effects as accumulated so far (what the base rollup inserts).
    pub fn effects(&self) -> TxEffects {
        TxEffects {
            note_hashes: self.note_hashes.clone(),
            nullifiers: self.nullifiers.clone(),
            public_data_writes: self
                .writes
                .iter()
                .map(|&(key, value)| PublicDataWrite { key, value })
                .collect(),
            fee: self.fee,
        }
    }

    /// The effects hash output after the last call ([`TxEffects::hash`] of [`Self::effects`]).
    pub fn effects_hash(&self, preset: &Preset) -> Result<Fr> {
        self.effects().hash(preset)
    }
}
