//! Merge rollup: two children (base or merge) whose states chain, with aggregated fee and out
//! hash.
//!
//! Public inputs: the merged [`RollupOutputs`], then the left child's, then the right child's
//! (14 each).

use ark_bn254::Fr;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use super::outputs::{RollupOutputs, RollupOutputsVar};
use crate::{BlockCircuit, CircuitKind, Error, Preset, Result};

/// Positions of the merge rollup's public inputs.
pub struct MergePublicInputs;

impl MergePublicInputs {
    /// Start of the merged [`RollupOutputs`].
    pub const OUTPUTS: usize = 0;
    /// Start of the left child's outputs.
    pub const LEFT: usize = RollupOutputs::NUM_FIELDS;
    /// Start of the right child's outputs.
    pub const RIGHT: usize = 2 * RollupOutputs::NUM_FIELDS;
    /// Number of public inputs.
    pub const LEN: usize = 3 * RollupOutputs::NUM_FIELDS;
}

/// The two children's public outputs.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct MergeRollupWitness {
    /// Left child (earlier txs).
    pub left: RollupOutputs,
    /// Right child (later txs).
    pub right: RollupOutputs,
}

impl MergeRollupWitness {
    /// Checks continuity (`left.end = right.start`) natively.
    pub fn build(left: RollupOutputs, right: RollupOutputs) -> Result<Self> {
        if left.end != right.start {
            return Err(Error::Inconsistent(
                "merge children: left end state differs from right start state".into(),
            ));
        }
        Ok(Self { left, right })
    }

    /// Merged outputs.
    pub fn outputs(&self) -> RollupOutputs {
        RollupOutputs::merged(&self.left, &self.right)
    }

    /// A valid witness: two consecutive empty txs from genesis.
    pub fn blank(preset: &Preset) -> Self {
        let (left, right) = super::base::BaseRollupWitness::blank_pair(
            &mut crate::state::WorldState::genesis(preset),
        );
        Self { left, right }
    }
}

/// The merge rollup: enforces `left.end = right.start`, outputs `left.start`, `right.end`, the
/// fee sum and `Poseidon(left.out_hash, right.out_hash)`.
pub fn merge_rollup_gadget(
    left: &RollupOutputsVar,
    right: &RollupOutputsVar,
) -> Result<RollupOutputsVar, SynthesisError> {
    RollupOutputsVar::merge(left, right)
}

/// The merge rollup as a constraint synthesizer.
#[derive(Clone, Debug)]
pub struct MergeRollupCircuit {
    /// The witness.
    pub witness: MergeRollupWitness,
}

impl ConstraintSynthesizer<Fr> for MergeRollupCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let w = &self.witness;
        let merged = RollupOutputsVar::new_input(cs.clone(), || Ok(w.outputs()))?;
        let left = RollupOutputsVar::new_input(cs.clone(), || Ok(w.left))?;
        let right = RollupOutputsVar::new_input(cs, || Ok(w.right))?;
        merge_rollup_gadget(&left, &right)?.enforce_equal(&merged)
    }
}

impl BlockCircuit for MergeRollupCircuit {
    const KIND: CircuitKind = CircuitKind::MergeRollup;

    fn blank(preset: &Preset) -> Self {
        Self {
            witness: MergeRollupWitness::blank(preset),
        }
    }

    fn public_inputs(&self) -> Vec<Fr> {
        let w = &self.witness;
        [w.outputs(), w.left, w.right]
            .iter()
            .flat_map(|o| o.to_fields())
            .collect()
    }
}
