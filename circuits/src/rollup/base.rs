//! Base rollup: one tx's side effects inserted into the note hash, nullifier and public data
//! trees with real paths against the start state.
//!
//! Public inputs: [`RollupOutputs`] (start, end, fee, out hash = effects hash) then
//! `effects_hash` (the value the tx's last public kernel step exposes).

use ark_bn254::Fr;
use ark_ff::Zero;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use super::outputs::{RollupOutputs, RollupOutputsVar};
use crate::effects::{TxEffects, TxEffectsVar};
use crate::indexed::{BatchInsertion, BatchInsertionVar, batch_insert_var};
use crate::merkle::{MerklePathVar, SubtreeInsertion, check_subtree_insertion};
use crate::state::{PartialStateReference, PartialStateReferenceVar, WorldState};
use crate::{BlockCircuit, CircuitKind, Preset, Result};

/// Everything the base rollup proves about one tx.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseRollupWitness {
    /// The tx's effects, padded to the preset maxima.
    pub effects: TxEffects,
    /// State before the tx.
    pub start: PartialStateReference,
    /// Note hash subtree insertion.
    pub note_hash: SubtreeInsertion,
    /// Nullifier batch insertion (no updates).
    pub nullifier: BatchInsertion,
    /// Public data batch (updates and inserts).
    pub public_data: BatchInsertion,
    /// State after the tx.
    pub end: PartialStateReference,
    /// `effects_hash` of the padded effects.
    pub effects_hash: Fr,
}

impl BaseRollupWitness {
    /// Applies `effects` to `state` and returns the witness. Every check runs before any tree
    /// changes, so on error (double spend, duplicate write, too many effects, full tree)
    /// `state` is unchanged.
    pub fn build(state: &mut WorldState, effects: &TxEffects) -> Result<Self> {
        let effects = effects.padded(state.preset())?;
        let nullifiers: Vec<(Fr, Fr)> = effects
            .nullifiers
            .iter()
            .map(|n| (*n, Fr::zero()))
            .collect();
        let writes: Vec<(Fr, Fr)> = effects
            .public_data_writes
            .iter()
            .map(|w| (w.key, w.value))
            .collect();
        state.note_hash.check_subtree(effects.note_hashes.len())?;
        state.nullifier.check_batch(&nullifiers, false)?;
        state.public_data.check_batch(&writes, true)?;

        let start = state.partial_reference();
        let note_hash = state.note_hash.insert_subtree(&effects.note_hashes)?;
        let nullifier = state.nullifier.batch_insert(&nullifiers, false)?;
        let public_data = state.public_data.batch_insert(&writes, true)?;
        let effects_hash = crate::poseidon::hash_many(&effects.to_fields());
        Ok(Self {
            effects,
            start,
            note_hash,
            nullifier,
            public_data,
            end: state.partial_reference(),
            effects_hash,
        })
    }

    /// A valid witness of the preset's shape (an empty tx on the genesis state).
    pub fn blank(preset: &Preset) -> Self {
        Self::build(&mut WorldState::genesis(preset), &TxEffects::empty(preset))
            .expect("an empty tx applies to the genesis state")
    }

    /// The public outputs.
    pub fn outputs(&self) -> RollupOutputs {
        RollupOutputs {
            start: self.start,
            end: self.end,
            fee: Fr::from(self.effects.fee),
            out_hash: self.effects_hash,
        }
    }
}

/// In-circuit inputs of the base rollup.
#[derive(Clone, Debug)]
pub struct BaseInputsVar {
    /// State before the tx.
    pub start: PartialStateReferenceVar,
    /// Padded effects.
    pub effects: TxEffectsVar,
    /// Path of the note hash subtree slot.
    pub note_hash_path: MerklePathVar,
    /// Nullifier batch witness.
    pub nullifier: BatchInsertionVar,
    /// Public data batch witness.
    pub public_data: BatchInsertionVar,
}

impl BaseInputsVar {
    /// Allocates `w` as witnesses.
    pub fn new_witness(
        cs: ConstraintSystemRef<Fr>,
        w: &BaseRollupWitness,
    ) -> Result<Self, SynthesisError> {
        Ok(Self {
            start: PartialStateReferenceVar::new_witness(cs.clone(), || Ok(w.start))?,
            effects: TxEffectsVar::new_witness(cs.clone(), &w.effects)?,
            note_hash_path: MerklePathVar::new_witness(cs.clone(), || Ok(&w.note_hash.path))?,
            nullifier: BatchInsertionVar::new_witness(cs.clone(), &w.nullifier, false)?,
            public_data: BatchInsertionVar::new_witness(cs, &w.public_data, true)?,
        })
    }
}

/// Outputs of [`base_rollup_gadget`].
#[derive(Clone, Debug)]
pub struct BaseOutputsVar {
    /// Start, end, fee, out hash.
    pub outputs: RollupOutputsVar,
    /// The tx's effects hash.
    pub effects_hash: FpVar<Fr>,
}

/// The base rollup: range-checks the fee to 64 bits, appends the note hashes as one subtree,
/// batch-inserts the nullifiers (each provably absent: a double spend is unsatisfiable) and the
/// public data writes (update or insert), and hashes the effects.
pub fn base_rollup_gadget(inputs: &BaseInputsVar) -> Result<BaseOutputsVar, SynthesisError> {
    let e = &inputs.effects;
    let (_fee_bits, _) = e.fee.to_bits_le_with_top_bits_zero(64)?;
    let note_hash = check_subtree_insertion(
        &inputs.start.note_hash,
        &e.note_hashes,
        &inputs.note_hash_path,
    )?;
    let zeros = vec![FpVar::zero(); e.nullifiers.len()];
    let nullifier = batch_insert_var(
        &inputs.start.nullifier,
        &e.nullifiers,
        &zeros,
        &inputs.nullifier,
    )?;
    let public_data = batch_insert_var(
        &inputs.start.public_data,
        &e.write_keys,
        &e.write_values,
        &inputs.public_data,
    )?;
    let effects_hash = e.hash()?;
    Ok(BaseOutputsVar {
        outputs: RollupOutputsVar {
            start: inputs.start.clone(),
            end: PartialStateReferenceVar {
                note_hash,
                nullifier,
                public_data,
            },
            fee: e.fee.clone(),
            out_hash: effects_hash.clone(),
        },
        effects_hash,
    })
}

/// The base rollup as a constraint synthesizer.
#[derive(Clone, Debug)]
pub struct BaseRollupCircuit {
    /// The witness.
    pub witness: BaseRollupWitness,
}

impl ConstraintSynthesizer<Fr> for BaseRollupCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let w = &self.witness;
        let public = RollupOutputsVar::new_input(cs.clone(), || Ok(w.outputs()))?;
        let effects_hash = FpVar::new_input(cs.clone(), || Ok(w.effects_hash))?;
        let inputs = BaseInputsVar::new_witness(cs, w)?;
        let out = base_rollup_gadget(&inputs)?;
        out.outputs.enforce_equal(&public)?;
        out.effects_hash.enforce_equal(&effects_hash)
    }
}

impl BlockCircuit for BaseRollupCircuit {
    const KIND: CircuitKind = CircuitKind::BaseRollup;

    fn blank(preset: &Preset) -> Self {
        Self {
            witness: BaseRollupWitness::blank(preset),
        }
    }

    fn public_inputs(&self) -> Vec<Fr> {
        let mut f = self.witness.outputs().to_fields();
        f.push(self.witness.effects_hash);
        f
    }
}
