//! In-circuit [`Tx`]: the fixed-length layout of [`Tx::to_fields`] as named variables, shared by
//! the public kernel (which starts from the tx's private part) and the base rollup (which binds
//! its tx by hash and exposes the tx's public call count).

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

use super::Tx;
use crate::Preset;
use crate::poseidon::hash_many_var;

/// The fields of [`Tx::to_fields`], allocated as witnesses and named.
#[derive(Clone, Debug)]
pub struct TxVar {
    /// Fee.
    pub fee: FpVar<Fr>,
    /// Number of private note hashes.
    pub note_count: FpVar<Fr>,
    /// Private note hashes, zero-padded to the preset maximum.
    pub note_hashes: Vec<FpVar<Fr>>,
    /// Number of private nullifiers.
    pub nullifier_count: FpVar<Fr>,
    /// Private nullifiers, zero-padded.
    pub nullifiers: Vec<FpVar<Fr>>,
    /// Number of public calls.
    pub call_count: FpVar<Fr>,
    /// `(contract, calldata_hash)` per public call request, zero-padded.
    pub calls: Vec<(FpVar<Fr>, FpVar<Fr>)>,
}

impl TxVar {
    /// Allocates `tx` at `preset` as witnesses. A tx over the preset's maxima cannot be
    /// allocated (unsatisfiable).
    pub fn new_witness(
        cs: ConstraintSystemRef<Fr>,
        preset: &Preset,
        tx: &Tx,
    ) -> Result<Self, SynthesisError> {
        let f = tx
            .to_fields(preset)
            .map_err(|_| SynthesisError::Unsatisfiable)?;
        let mut vars = f
            .iter()
            .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        let mut take = |n: usize| -> Vec<FpVar<Fr>> { vars.by_ref().take(n).collect() };
        let (n, m, c) = (
            preset.max_note_hashes_per_tx,
            preset.max_nullifiers_per_tx,
            preset.max_public_calls_per_tx,
        );
        let fee = take(1).remove(0);
        let note_count = take(1).remove(0);
        let note_hashes = take(n);
        let nullifier_count = take(1).remove(0);
        let nullifiers = take(m);
        let call_count = take(1).remove(0);
        let flat = take(2 * c);
        let calls = flat
            .chunks(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect();
        Ok(Self {
            fee,
            note_count,
            note_hashes,
            nullifier_count,
            nullifiers,
            call_count,
            calls,
        })
    }

    /// The variables in [`Tx::to_fields`] order.
    pub fn to_fields(&self) -> Vec<FpVar<Fr>> {
        let mut v = vec![self.fee.clone(), self.note_count.clone()];
        v.extend(self.note_hashes.iter().cloned());
        v.push(self.nullifier_count.clone());
        v.extend(self.nullifiers.iter().cloned());
        v.push(self.call_count.clone());
        for (a, b) in &self.calls {
            v.extend([a.clone(), b.clone()]);
        }
        v
    }

    /// In-circuit [`Tx::hash`].
    pub fn hash(&self) -> Result<FpVar<Fr>, SynthesisError> {
        hash_many_var(&self.to_fields())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tx::PublicCallRequest;
    use ark_ff::UniformRand;
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn layout_and_hash_match_native() {
        let preset = Preset::tiny();
        let mut rng = ChaCha20Rng::seed_from_u64(81);
        for calls in 0..=preset.max_public_calls_per_tx {
            let tx = Tx {
                note_hashes: vec![Fr::rand(&mut rng)],
                nullifiers: (0..2).map(|_| Fr::rand(&mut rng)).collect(),
                public_calls: (0..calls)
                    .map(|_| PublicCallRequest {
                        contract: Fr::rand(&mut rng),
                        calldata: vec![Fr::rand(&mut rng)],
                    })
                    .collect(),
                fee: rng.gen_range(1..1_000_000),
            };
            let cs = ConstraintSystem::<Fr>::new_ref();
            let v = TxVar::new_witness(cs.clone(), &preset, &tx).unwrap();
            let values: Vec<Fr> = v.to_fields().iter().map(|x| x.value().unwrap()).collect();
            assert_eq!(values, tx.to_fields(&preset).unwrap());
            assert_eq!(
                v.hash().unwrap().value().unwrap(),
                tx.hash(&preset).unwrap()
            );
            assert_eq!(v.call_count.value().unwrap(), Fr::from(calls as u64));
            assert_eq!(v.nullifiers[1].value().unwrap(), tx.nullifiers[1]);
            assert!(cs.is_satisfied().unwrap());
        }
    }
}
