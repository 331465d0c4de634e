//! What a base or merge rollup exposes to its parent.

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::SynthesisError;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use crate::gadgets::var_struct;
use crate::poseidon::{hash2, hash2_var};
use crate::state::{PartialStateReference, PartialStateReferenceVar};

/// Public outputs of a base or merge rollup (14 field elements: start, end, fee, out hash).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct RollupOutputs {
    /// Partial state before the first tx of the subtree.
    pub start: PartialStateReference,
    /// Partial state after the last tx.
    pub end: PartialStateReference,
    /// Sum of the fees.
    pub fee: Fr,
    /// Out hash: a base's is its tx's `effects_hash`; a merge's is `Poseidon(left, right)`.
    pub out_hash: Fr,
}

impl RollupOutputs {
    /// Number of field elements.
    pub const NUM_FIELDS: usize = 14;
    /// Position of the start state in [`Self::to_fields`].
    pub const START: usize = 0;
    /// Position of the end state.
    pub const END: usize = PartialStateReference::NUM_FIELDS;
    /// Position of the fee.
    pub const FEE: usize = 2 * PartialStateReference::NUM_FIELDS;
    /// Position of the out hash.
    pub const OUT_HASH: usize = Self::FEE + 1;

    /// `[start…, end…, fee, out_hash]`.
    pub fn to_fields(&self) -> Vec<Fr> {
        let mut f = self.start.to_fields();
        f.extend(self.end.to_fields());
        f.extend([self.fee, self.out_hash]);
        f
    }

    /// The outputs of merging `left` then `right` (no continuity check).
    pub fn merged(left: &Self, right: &Self) -> Self {
        Self {
            start: left.start,
            end: right.end,
            fee: left.fee + right.fee,
            out_hash: hash2(left.out_hash, right.out_hash),
        }
    }
}

/// In-circuit [`RollupOutputs`].
#[derive(Clone, Debug)]
pub struct RollupOutputsVar {
    /// Start state.
    pub start: PartialStateReferenceVar,
    /// End state.
    pub end: PartialStateReferenceVar,
    /// Fees.
    pub fee: FpVar<Fr>,
    /// Out hash.
    pub out_hash: FpVar<Fr>,
}

impl RollupOutputsVar {
    /// Enforces `left.end = right.start` and returns the merged outputs.
    pub fn merge(left: &Self, right: &Self) -> Result<Self, SynthesisError> {
        left.end.enforce_equal(&right.start)?;
        Ok(Self {
            start: left.start.clone(),
            end: right.end.clone(),
            fee: &left.fee + &right.fee,
            out_hash: hash2_var(&left.out_hash, &right.out_hash)?,
        })
    }
}

var_struct!(RollupOutputs => RollupOutputsVar {
    start: PartialStateReferenceVar = |o: &RollupOutputs| o.start,
    end: PartialStateReferenceVar = |o: &RollupOutputs| o.end,
    fee: FpVar<Fr> = |o: &RollupOutputs| o.fee,
    out_hash: FpVar<Fr> = |o: &RollupOutputs| o.out_hash,
} + enforce_equal);
