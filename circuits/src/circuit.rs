//! What every circuit of the proof tree offers the engine and the orchestrator.

use ark_bn254::Fr;
use ark_relations::gr1cs::ConstraintSynthesizer;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

use crate::preset::Preset;

/// The circuit types of a block's proof tree, leaves first. Serialized by [`CircuitKind::name`];
/// [`CircuitKind::slot`] is the one key-slot convention (the L1 contract's too).
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

    /// Position in [`CircuitKind::ALL`]: the verifying-key slot of this circuit everywhere
    /// (the rollup contract's constructor takes its keys in this order).
    pub fn slot(self) -> usize {
        self as usize
    }

    /// The kind called `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

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

impl core::fmt::Display for CircuitKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.pad(self.name())
    }
}

impl Serialize for CircuitKind {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for CircuitKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::from_name(&name)
            .ok_or_else(|| D::Error::custom(format!("unknown circuit kind {name:?}")))
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
