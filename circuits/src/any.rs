//! [`AnyCircuit`]: one circuit of the proof tree of any kind, for the code that must choose
//! among the five (key setup per kind, the proving job of a tree node).

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use crate::kernel::{KernelCircuit, KernelPublicInputs};
use crate::rollup::{
    BasePublicInputs, BaseRollupCircuit, MergePublicInputs, MergeRollupCircuit, RootPublicInputs,
    RootRollupCircuit,
};
use crate::vm::{VmCircuit, VmPublicInputs};
use crate::{BlockCircuit, CircuitKind, Preset};

mod decode;
mod encode;

pub use encode::{WITNESS_FORMAT_VERSION, WITNESS_MAGIC};

/// A circuit of any kind, with its witness.
#[derive(Clone, Debug)]
// One value per tree node, moved into its proof job once: boxing the root would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum AnyCircuit {
    /// A public call's VM execution.
    Vm(VmCircuit),
    /// A public kernel step.
    Kernel(KernelCircuit),
    /// A base rollup.
    Base(BaseRollupCircuit),
    /// A merge rollup.
    Merge(MergeRollupCircuit),
    /// The root rollup.
    Root(RootRollupCircuit),
}

/// Number of public inputs of `kind`'s circuit (its named layout's length).
pub fn public_input_len(kind: CircuitKind) -> usize {
    match kind {
        CircuitKind::PublicVm => VmPublicInputs::LEN,
        CircuitKind::PublicKernel => KernelPublicInputs::LEN,
        CircuitKind::BaseRollup => BasePublicInputs::LEN,
        CircuitKind::MergeRollup => MergePublicInputs::LEN,
        CircuitKind::RootRollup => RootPublicInputs::LEN,
    }
}

impl AnyCircuit {
    /// Which circuit this is.
    pub fn kind(&self) -> CircuitKind {
        match self {
            Self::Vm(_) => CircuitKind::PublicVm,
            Self::Kernel(_) => CircuitKind::PublicKernel,
            Self::Base(_) => CircuitKind::BaseRollup,
            Self::Merge(_) => CircuitKind::MergeRollup,
            Self::Root(_) => CircuitKind::RootRollup,
        }
    }

    /// The blank instance of `kind` at `preset` ([`BlockCircuit::blank`]), for key setup.
    pub fn blank(kind: CircuitKind, preset: &Preset) -> Self {
        match kind {
            CircuitKind::PublicVm => Self::Vm(VmCircuit::blank(preset)),
            CircuitKind::PublicKernel => Self::Kernel(KernelCircuit::blank(preset)),
            CircuitKind::BaseRollup => Self::Base(BaseRollupCircuit::blank(preset)),
            CircuitKind::MergeRollup => Self::Merge(MergeRollupCircuit::blank(preset)),
            CircuitKind::RootRollup => Self::Root(RootRollupCircuit::blank(preset)),
        }
    }

    /// The public inputs, in allocation order ([`BlockCircuit::public_inputs`]).
    pub fn public_inputs(&self) -> Vec<Fr> {
        match self {
            Self::Vm(c) => c.public_inputs(),
            Self::Kernel(c) => c.public_inputs(),
            Self::Base(c) => c.public_inputs(),
            Self::Merge(c) => c.public_inputs(),
            Self::Root(c) => c.public_inputs(),
        }
    }
}

impl ConstraintSynthesizer<Fr> for AnyCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        match self {
            Self::Vm(c) => c.generate_constraints(cs),
            Self::Kernel(c) => c.generate_constraints(cs),
            Self::Base(c) => c.generate_constraints(cs),
            Self::Merge(c) => c.generate_constraints(cs),
            Self::Root(c) => c.generate_constraints(cs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_have_their_kind_and_layout_length() {
        let preset = Preset::tiny();
        for kind in CircuitKind::ALL {
            let c = AnyCircuit::blank(kind, &preset);
            assert_eq!(c.kind(), kind);
            assert_eq!(
                c.public_inputs().len(),
                public_input_len(kind),
                "{}",
                kind.name()
            );
            assert_eq!(CircuitKind::ALL[kind.slot()], kind);
            assert_eq!(CircuitKind::from_name(kind.name()), Some(kind));
        }
    }
}
