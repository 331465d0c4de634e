//! What one tx inserts into the state: note hashes, nullifiers, public data writes and its fee,
//! padded to the preset's per-tx maxima, with the Poseidon commitment that links the public
//! kernel's output to the base rollup.
//!
//! Layout of the commitment: `effects_hash = hash_many([fee, note_hashes…, nullifiers…,
//! key_0, value_0, key_1, value_1, …])` over the padded vectors (zeros pad every list; a zero
//! nullifier or a zero public data key is padding).

use ark_bn254::Fr;
use ark_ff::Zero;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use crate::poseidon::{hash_many, hash_many_var};
use crate::tx::Tx;
use crate::{Error, Preset, Result};

/// One public data write: `value` stored under `key` (a public data tree key, non-zero).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct PublicDataWrite {
    /// Tree key (the siloed storage slot).
    pub key: Fr,
    /// New value.
    pub value: Fr,
}

/// A tx's side effects. After [`TxEffects::padded`] every list has exactly the preset maximum
/// length.
#[derive(Clone, Debug, Default, PartialEq, Eq, CanonicalSerialize)]
pub struct TxEffects {
    /// Note hashes, appended as one subtree.
    pub note_hashes: Vec<Fr>,
    /// Nullifiers, batch-inserted (each must be new).
    pub nullifiers: Vec<Fr>,
    /// Public data writes, at most one per key.
    pub public_data_writes: Vec<PublicDataWrite>,
    /// Fee paid by the tx.
    pub fee: u64,
}

fn pad<T: Clone + Default>(v: &[T], max: usize, what: &'static str) -> Result<Vec<T>> {
    if v.len() > max {
        return Err(Error::TooManyEffects {
            what,
            got: v.len(),
            max,
        });
    }
    let mut out = v.to_vec();
    out.resize(max, T::default());
    Ok(out)
}

impl TxEffects {
    /// What `tx` inserts when it makes no public call: its private note hashes, nullifiers and
    /// fee, and no public data write (public data is written only by public execution).
    pub fn private_part(tx: &Tx) -> Self {
        Self {
            note_hashes: tx.note_hashes.clone(),
            nullifiers: tx.nullifiers.clone(),
            public_data_writes: Vec::new(),
            fee: tx.fee,
        }
    }

    /// Pads every list with zeros to the preset maxima; errors if a list is too long or a write
    /// to the reserved key 0 carries a value.
    pub fn padded(&self, preset: &Preset) -> Result<Self> {
        if self
            .public_data_writes
            .iter()
            .any(|w| w.key.is_zero() && !w.value.is_zero())
        {
            return Err(Error::OutOfRange {
                what: "public data key",
                reason: "key 0 is reserved for padding".into(),
            });
        }
        Ok(Self {
            note_hashes: pad(
                &self.note_hashes,
                preset.max_note_hashes_per_tx,
                "note hashes",
            )?,
            nullifiers: pad(&self.nullifiers, preset.max_nullifiers_per_tx, "nullifiers")?,
            public_data_writes: pad(
                &self.public_data_writes,
                preset.max_public_data_writes_per_tx,
                "public data writes",
            )?,
            fee: self.fee,
        })
    }

    /// The committed field elements (see the module note), of the lists as they are.
    pub fn to_fields(&self) -> Vec<Fr> {
        let mut f = vec![Fr::from(self.fee)];
        f.extend(&self.note_hashes);
        f.extend(&self.nullifiers);
        for w in &self.public_data_writes {
            f.extend([w.key, w.value]);
        }
        f
    }

    /// `effects_hash` of the padded effects.
    pub fn hash(&self, preset: &Preset) -> Result<Fr> {
        Ok(hash_many(&self.padded(preset)?.to_fields()))
    }
}

/// A tx with the effects it inserts: what one base rollup proves. A tx without public calls
/// inserts exactly its private part ([`TxEffects::private_part`]); a tx with calls inserts what its
/// last public kernel step outputs (bound to the base through `effects_hash`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessedTx {
    /// The tx as submitted (its hash and public call count are the base's public inputs).
    pub tx: Tx,
    /// What it inserts into the trees.
    pub effects: TxEffects,
}

impl ProcessedTx {
    /// A tx without public calls, inserting its private part.
    pub fn private_only(tx: Tx) -> Result<Self> {
        if !tx.public_calls.is_empty() {
            return Err(Error::Kernel(format!(
                "a tx with {} public calls has effects from its kernel, not only private ones",
                tx.public_calls.len()
            )));
        }
        let effects = TxEffects::private_part(&tx);
        Ok(Self { tx, effects })
    }

    /// The empty tx that pads a block to two bases.
    pub fn padding() -> Self {
        Self::private_only(Tx::padding()).expect("the padding tx has no calls")
    }

    /// Checks the pairing the base rollup enforces: without public calls the effects are the
    /// tx's private part (in particular no public data write).
    pub fn check(&self, preset: &Preset) -> Result<()> {
        if self.tx.public_calls.is_empty()
            && self.effects.padded(preset)? != TxEffects::private_part(&self.tx).padded(preset)?
        {
            return Err(Error::Inconsistent(
                "a tx without public calls can only insert its private note hashes, \
                 nullifiers and fee (public data is written only by public execution)"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// In-circuit padded [`TxEffects`].
#[derive(Clone, Debug)]
pub struct TxEffectsVar {
    /// Note hashes.
    pub note_hashes: Vec<FpVar<Fr>>,
    /// Nullifiers.
    pub nullifiers: Vec<FpVar<Fr>>,
    /// Public data keys.
    pub write_keys: Vec<FpVar<Fr>>,
    /// Public data values.
    pub write_values: Vec<FpVar<Fr>>,
    /// Fee (the base rollup range-checks it to 64 bits).
    pub fee: FpVar<Fr>,
}

impl TxEffectsVar {
    /// Allocates padded effects as witnesses (pad with [`TxEffects::padded`] first).
    pub fn new_witness(cs: ConstraintSystemRef<Fr>, e: &TxEffects) -> Result<Self, SynthesisError> {
        let alloc = |xs: &mut dyn Iterator<Item = Fr>| -> Result<Vec<FpVar<Fr>>, SynthesisError> {
            xs.map(|x| FpVar::new_witness(cs.clone(), || Ok(x)))
                .collect()
        };
        Ok(Self {
            note_hashes: alloc(&mut e.note_hashes.iter().copied())?,
            nullifiers: alloc(&mut e.nullifiers.iter().copied())?,
            write_keys: alloc(&mut e.public_data_writes.iter().map(|w| w.key))?,
            write_values: alloc(&mut e.public_data_writes.iter().map(|w| w.value))?,
            fee: FpVar::new_witness(cs.clone(), || Ok(Fr::from(e.fee)))?,
        })
    }

    /// The committed elements, in [`TxEffects::to_fields`] order.
    pub fn to_fields(&self) -> Vec<FpVar<Fr>> {
        let mut f = vec![self.fee.clone()];
        f.extend(self.note_hashes.iter().cloned());
        f.extend(self.nullifiers.iter().cloned());
        for (k, v) in self.write_keys.iter().zip(&self.write_values) {
            f.extend([k.clone(), v.clone()]);
        }
        f
    }

    /// In-circuit `effects_hash`.
    pub fn hash(&self) -> Result<FpVar<Fr>, SynthesisError> {
        hash_many_var(&self.to_fields())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn gadget_hash_matches_native_and_padding_is_checked() {
        let preset = Preset::devnet();
        let mut rng = ChaCha20Rng::seed_from_u64(50);
        let e = TxEffects {
            note_hashes: (0..3).map(|_| Fr::rand(&mut rng)).collect(),
            nullifiers: vec![Fr::rand(&mut rng)],
            public_data_writes: vec![PublicDataWrite {
                key: Fr::rand(&mut rng),
                value: Fr::rand(&mut rng),
            }],
            fee: 123_456,
        };
        let padded = e.padded(&preset).unwrap();
        assert_eq!(padded.note_hashes.len(), preset.max_note_hashes_per_tx);
        let cs = ConstraintSystem::<Fr>::new_ref();
        let var = TxEffectsVar::new_witness(cs.clone(), &padded).unwrap();
        assert_eq!(
            var.hash().unwrap().value().unwrap(),
            e.hash(&preset).unwrap()
        );
        assert!(cs.is_satisfied().unwrap());

        let mut other = e.clone();
        other.fee += 1;
        assert_ne!(other.hash(&preset).unwrap(), e.hash(&preset).unwrap());

        let mut too_many = e.clone();
        too_many.nullifiers = vec![Fr::rand(&mut rng); preset.max_nullifiers_per_tx + 1];
        assert!(matches!(
            too_many.padded(&preset),
            Err(Error::TooManyEffects { .. })
        ));
        let mut reserved = e;
        reserved.public_data_writes[0].key = Fr::zero();
        assert!(matches!(
            reserved.padded(&preset),
            Err(Error::OutOfRange { .. })
        ));
    }
}
