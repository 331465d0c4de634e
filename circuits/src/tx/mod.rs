//! The tx format: the private part of a tx as the client's private-kernel tail outputs it, the
//! contract registry its public calls refer to, and their serialization.
//!
//! * JSON (block files): field elements as `0x` hex, bytecode as assembler text.
//! * Canonical hash: [`Tx::hash`] is Poseidon ([`hash_many`]) over the fixed-length layout
//!   [`Tx::to_fields`] at a preset, so the public kernel recomputes it in-circuit.
//! * A contract's address is `Poseidon(bytecode_hash, salt)`: the same code deployed twice
//!   (different salts) has separate storage. Bytecode hashes, and so addresses, are per preset.

pub mod fr_hex;
mod registry;
mod var;

use ark_bn254::Fr;
use ark_ff::AdditiveGroup;
use ark_serialize::CanonicalSerialize;
use serde::{Deserialize, Serialize};

use crate::poseidon::hash_many;
use crate::vm::calldata_hash;
use crate::{Error, Preset, Result};

pub use registry::{Contract, ContractRegistry};
pub use var::TxVar;

/// A request to call `contract` with `calldata` after the private part executed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, CanonicalSerialize)]
pub struct PublicCallRequest {
    /// The callee's address.
    #[serde(with = "fr_hex")]
    pub contract: Fr,
    /// Its calldata (at most `vm_max_calldata` elements).
    #[serde(with = "fr_hex::vec")]
    pub calldata: Vec<Fr>,
}

/// A tx as submitted to the sequencer: the private kernel tail's outputs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, CanonicalSerialize)]
pub struct Tx {
    /// Note hashes created privately.
    #[serde(with = "fr_hex::vec")]
    pub note_hashes: Vec<Fr>,
    /// Nullifiers emitted privately (the first one makes the tx unique).
    #[serde(with = "fr_hex::vec")]
    pub nullifiers: Vec<Fr>,
    /// Public calls, executed in order.
    pub public_calls: Vec<PublicCallRequest>,
    /// Fee paid to the sequencer / prover.
    pub fee: u64,
}

impl Tx {
    /// Checks the tx's lists against the preset's per-tx maxima.
    pub fn check_shape(&self, preset: &Preset) -> Result<()> {
        let shape = |what: &'static str, got: usize, max: usize| {
            if got > max {
                Err(Error::TooManyEffects { what, got, max })
            } else {
                Ok(())
            }
        };
        shape(
            "note hashes",
            self.note_hashes.len(),
            preset.max_note_hashes_per_tx,
        )?;
        shape(
            "nullifiers",
            self.nullifiers.len(),
            preset.max_nullifiers_per_tx,
        )?;
        shape(
            "public calls",
            self.public_calls.len(),
            preset.max_public_calls_per_tx,
        )?;
        for c in &self.public_calls {
            shape("calldata words", c.calldata.len(), preset.vm_max_calldata)?;
        }
        Ok(())
    }

    /// The fixed-length layout hashed by [`Tx::hash`]: `[fee, #notes, note × N, #nullifiers,
    /// nullifier × M, #calls, (contract, calldata_hash) × C]`, zero-padded.
    pub fn to_fields(&self, preset: &Preset) -> Result<Vec<Fr>> {
        self.check_shape(preset)?;
        let mut v = vec![Fr::from(self.fee)];
        for (list, max) in [
            (&self.note_hashes, preset.max_note_hashes_per_tx),
            (&self.nullifiers, preset.max_nullifiers_per_tx),
        ] {
            v.push(Fr::from(list.len() as u64));
            v.extend((0..max).map(|j| list.get(j).copied().unwrap_or(Fr::ZERO)));
        }
        v.push(Fr::from(self.public_calls.len() as u64));
        for j in 0..preset.max_public_calls_per_tx {
            match self.public_calls.get(j) {
                Some(c) => v.extend([c.contract, calldata_hash(preset, &c.calldata)?]),
                None => v.extend([Fr::ZERO; 2]),
            }
        }
        Ok(v)
    }

    /// The empty tx (no effects, no calls, no fee) that pads a block to its minimum size.
    pub fn padding() -> Self {
        Self {
            note_hashes: Vec::new(),
            nullifiers: Vec::new(),
            public_calls: Vec::new(),
            fee: 0,
        }
    }

    /// The canonical tx hash at `preset`.
    pub fn hash(&self, preset: &Preset) -> Result<Fr> {
        Ok(hash_many(&self.to_fields(preset)?))
    }

    /// JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a tx always serializes")
    }

    /// Parses the JSON form.
    pub fn from_json(s: &str) -> Result<Self> {
        serde_json::from_str(s).map_err(|e| Error::Serde(e.to_string()))
    }
}
