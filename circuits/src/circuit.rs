//! What every circuit of the proof tree offers the engine and the orchestrator.

use ark_bn254::Fr;
use ark_relations::gr1cs::ConstraintSynthesizer;

use crate::preset::Preset;

/// The circuit types of a block's proof tree, leaves first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CircuitKind {
    /// One public call's VM execution.
    PublicVm,
    /// One step of a tx's public kernel (one per public call).
    PublicKernel,
    /// One tx's side effects inserted into the trees.
    BaseRollup,
    /// Two rollup children merged.
    MergeRollup,
    /// The block's root: L1→L2 messages, archive update, L1 outputs.
    RootRollup,
}

impl CircuitKind {
    /// All kinds, leaves first.
    pub const ALL: [CircuitKind; 5] = [
        CircuitKind::PublicVm,
        CircuitKind::PublicKernel,
        CircuitKind::BaseRollup,
        CircuitKind::MergeRollup,
        CircuitKind::RootRollup,
    ];

    /// Stable short name (used in key-cache file names and reports).
    pub fn name(self) -> &'static str {
        match self {
            CircuitKind::PublicVm => "public-vm",
            CircuitKind::PublicKernel => "public-kernel",
            CircuitKind::BaseRollup => "base-rollup",
            CircuitKind::MergeRollup => "merge-rollup",
            CircuitKind::RootRollup => "root-rollup",
        }
    }
}

/// A circuit of the proof tree: a constraint synthesizer whose shape depends only on a
/// [`Preset`], with its public inputs computable natively (in the order the synthesizer
/// allocates them as instance variables).
pub trait BlockCircuit: ConstraintSynthesizer<Fr> + Clone + Send + Sync + 'static {
    /// Which circuit this is.
    const KIND: CircuitKind;

    /// An instance with a valid placeholder witness, used for key generation and constraint
    /// counting: it must synthesize exactly the same constraint system shape as any real witness.
    fn blank(preset: &Preset) -> Self;

    /// The public inputs, in allocation order, computed natively from the witness.
    fn public_inputs(&self) -> Vec<Fr>;
}
