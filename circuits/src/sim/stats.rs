//! Constraint counts of every circuit of the proof tree at a preset, from `blank()` synthesized
//! in setup mode (no witness values), which has the same shape as any real witness.

use std::time::{Duration, Instant};

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};

use crate::kernel::KernelCircuit;
use crate::rollup::{BaseRollupCircuit, MergeRollupCircuit, RootRollupCircuit};
use crate::vm::VmCircuit;
use crate::{BlockCircuit, CircuitKind, Preset};

/// Size of one circuit at one preset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CircuitStats {
    /// Which circuit.
    pub kind: CircuitKind,
    /// R1CS constraints.
    pub constraints: usize,
    /// Public inputs (instance variables without the constant one).
    pub public_inputs: usize,
    /// Witness variables.
    pub witnesses: usize,
    /// Time to synthesize in setup mode.
    pub synthesis: Duration,
}

/// The size of `C` at `preset`.
pub fn stats_of<C: BlockCircuit>(preset: &Preset) -> crate::Result<CircuitStats> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    let start = Instant::now();
    C::blank(preset)
        .generate_constraints(cs.clone())
        .map_err(|e| crate::Error::Synthesis(e.to_string()))?;
    Ok(CircuitStats {
        kind: C::KIND,
        constraints: cs.num_constraints(),
        public_inputs: cs.num_instance_variables() - 1,
        witnesses: cs.num_witness_variables(),
        synthesis: start.elapsed(),
    })
}

/// Sizes of every circuit of the proof tree at `preset`, leaves first.
pub fn circuit_stats(preset: &Preset) -> crate::Result<Vec<CircuitStats>> {
    Ok(vec![
        stats_of::<VmCircuit>(preset)?,
        stats_of::<KernelCircuit>(preset)?,
        stats_of::<BaseRollupCircuit>(preset)?,
        stats_of::<MergeRollupCircuit>(preset)?,
        stats_of::<RootRollupCircuit>(preset)?,
    ])
}
