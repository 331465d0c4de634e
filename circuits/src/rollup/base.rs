//! Base rollup: one tx's side effects inserted into the note hash, nullifier and public data
//! trees with real paths against the start state.
//!
//! Public inputs ([`BasePublicInputs`]): [`RollupOutputs`] (start, end, fee, out hash = effects
//! hash), `effects_hash` (the value the tx's last public kernel step exposes), `tx_hash` and
//! `num_calls` (the tx's public call count, which the verifier matches against the block's
//! declared calls per tx).
//!
//! The base binds its tx by hash. A tx without public calls inserts exactly its private part and
//! writes no public data: public data is written only by public execution, whose effects reach
//! the base through a kernel step of the same tx (linked by `effects_hash` and `tx_hash`).

use ark_bn254::Fr;
use ark_ff::Zero;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use super::outputs::{RollupOutputs, RollupOutputsVar};
use crate::effects::{ProcessedTx, TxEffects, TxEffectsVar};
use crate::gadgets::LogCursor;
use crate::indexed::{BatchInsertion, BatchInsertionVar, batch_insert_var};
use crate::merkle::{MerklePathVar, SubtreeInsertion, check_subtree_insertion};
use crate::state::{PartialStateReference, PartialStateReferenceVar, WorldState};
use crate::tx::{Tx, TxVar};
use crate::{BlockCircuit, CircuitKind, Preset, Result};

/// Positions of the base rollup's public inputs.
pub struct BasePublicInputs;

impl BasePublicInputs {
    /// Start of its [`RollupOutputs`] (`RollupOutputs::NUM_FIELDS` wide).
    pub const OUTPUTS: usize = 0;
    /// The tx's effects hash (linked to its last kernel step when it has public calls).
    pub const EFFECTS_HASH: usize = RollupOutputs::NUM_FIELDS;
    /// The tx's canonical hash (linked to its kernel steps' `tx_hash`).
    pub const TX_HASH: usize = Self::EFFECTS_HASH + 1;
    /// The tx's number of public calls (equal to the block's declared count for the tx).
    pub const NUM_CALLS: usize = Self::TX_HASH + 1;
    /// Number of public inputs.
    pub const LEN: usize = Self::NUM_CALLS + 1;
}

/// Everything the base rollup proves about one tx.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseRollupWitness {
    /// Shape parameters.
    pub preset: Preset,
    /// The tx (bound by hash).
    pub tx: Tx,
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
    /// Applies `ptx`'s effects to `state` and returns the witness. Every check runs before any
    /// tree changes, so on error (double spend, duplicate write, too many effects, full tree,
    /// public data written by a tx without public calls) `state` is unchanged.
    pub fn build(state: &mut WorldState, ptx: &ProcessedTx) -> Result<Self> {
        let preset = state.preset().clone();
        ptx.check(&preset)?;
        ptx.tx.to_fields(&preset)?;
        let effects = ptx.effects.padded(&preset)?;
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
            preset,
            tx: ptx.tx.clone(),
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
        Self::build(&mut WorldState::genesis(preset), &ProcessedTx::padding())
            .expect("an empty tx applies to the genesis state")
    }

    /// Applies two padding txs to `state`; returns their outputs (the children of the merge and
    /// root circuits' blank witnesses).
    pub(crate) fn blank_pair(state: &mut WorldState) -> (RollupOutputs, RollupOutputs) {
        let empty = ProcessedTx::padding();
        let mut out = [RollupOutputs::default(); 2];
        for o in &mut out {
            *o = Self::build(state, &empty)
                .expect("padding txs apply to genesis")
                .outputs();
        }
        (out[0], out[1])
    }

    /// The public inputs, in [`BasePublicInputs`] order.
    pub fn public_inputs(&self) -> Vec<Fr> {
        let mut f = self.outputs().to_fields();
        f.push(self.effects_hash);
        f.push(
            self.tx
                .hash(&self.preset)
                .expect("build checked the tx's shape"),
        );
        f.push(Fr::from(self.tx.public_calls.len() as u64));
        f
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
    /// The tx.
    pub tx: TxVar,
    /// Position after the tx's private nullifiers (its nullifier count; witness).
    pub private_nullifiers: LogCursor,
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
            tx: TxVar::new_witness(cs.clone(), &w.preset, &w.tx)?,
            private_nullifiers: LogCursor::alloc(
                &cs,
                w.tx.nullifiers.len(),
                w.preset.max_nullifiers_per_tx,
            )?,
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
    /// The tx's hash.
    pub tx_hash: FpVar<Fr>,
    /// The tx's number of public calls.
    pub num_calls: FpVar<Fr>,
}

/// The base rollup: binds the tx by hash; if it has no public calls, its effects must be its
/// private part (the same fee, note hashes and nullifiers, each private nullifier non-zero) with
/// every public data write zero; range-checks the fee to 64 bits, appends the note hashes as one
/// subtree, batch-inserts the nullifiers (each provably absent: a double spend is
/// unsatisfiable) and the public data writes (update or insert), and hashes the effects.
pub fn base_rollup_gadget(inputs: &BaseInputsVar) -> Result<BaseOutputsVar, SynthesisError> {
    let e = &inputs.effects;
    let tx = &inputs.tx;
    let private_only = tx.call_count.is_zero()?;
    e.fee.conditional_enforce_equal(&tx.fee, &private_only)?;
    for (x, y) in e.note_hashes.iter().zip(&tx.note_hashes) {
        x.conditional_enforce_equal(y, &private_only)?;
    }
    for (x, y) in e.nullifiers.iter().zip(&tx.nullifiers) {
        x.conditional_enforce_equal(y, &private_only)?;
    }
    for (k, v) in e.write_keys.iter().zip(&e.write_values) {
        k.conditional_enforce_equal(&FpVar::zero(), &private_only)?;
        v.conditional_enforce_equal(&FpVar::zero(), &private_only)?;
    }
    // Nullifier 0 is padding: a declared private nullifier must not be zero (it would be
    // silently skipped by the batch insertion).
    let declared = &inputs.private_nullifiers;
    declared
        .count()
        .conditional_enforce_equal(&tx.nullifier_count, &private_only)?;
    let active: Vec<FpVar<Fr>> = declared
        .before()
        .iter()
        .map(|b| b * FpVar::from(private_only.clone()))
        .collect();
    crate::gadgets::enforce_nonzero_where(&active, &e.nullifiers)?;
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
        tx_hash: tx.hash()?,
        num_calls: tx.call_count.clone(),
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
        let pi = w.public_inputs();
        let public = RollupOutputsVar::new_input(cs.clone(), || Ok(w.outputs()))?;
        let [effects_hash, tx_hash, num_calls] = [
            BasePublicInputs::EFFECTS_HASH,
            BasePublicInputs::TX_HASH,
            BasePublicInputs::NUM_CALLS,
        ]
        .map(|i| FpVar::new_input(cs.clone(), || Ok(pi[i])));
        let inputs = BaseInputsVar::new_witness(cs, w)?;
        let out = base_rollup_gadget(&inputs)?;
        out.outputs.enforce_equal(&public)?;
        out.effects_hash.enforce_equal(&effects_hash?)?;
        out.tx_hash.enforce_equal(&tx_hash?)?;
        out.num_calls.enforce_equal(&num_calls?)
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
        self.witness.public_inputs()
    }
}
