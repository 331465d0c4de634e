//! [`VmCircuit`]: one public call's execution, proven over `vm_max_steps` rows.
//!
//! Public inputs, in order: `bytecode_hash`, `calldata_hash`, `outputs_hash` (see
//! [`super::commit`]). The public kernel recomputes the same three values and the block
//! verifier checks they are equal.

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use super::commit::{VmOutputs, VmOutputsVar, padded_calldata};
use super::interp::{Execution, Replay, Row, Storage, execute};
use super::isa::{Bytecode, Instruction, NUM_REGS, Opcode};
use super::trace::{TraceWitness, enforce_trace};
use crate::poseidon::{hash_many, hash_many_var};
use crate::{BlockCircuit, CircuitKind, Preset, Result};

/// Positions of the VM circuit's public inputs.
pub struct VmPublicInputs;

impl VmPublicInputs {
    /// Poseidon hash of the padded bytecode words.
    pub const BYTECODE_HASH: usize = 0;
    /// Poseidon hash of the padded calldata.
    pub const CALLDATA_HASH: usize = 1;
    /// The outputs hash.
    pub const OUTPUTS_HASH: usize = 2;
    /// Number of public inputs.
    pub const LEN: usize = 3;
}

/// The witness of one call: padded bytecode words and calldata, the trace rows (padded to
/// `vm_max_steps` by repeating the final `return` row) and the logs, plus the three public
/// values it is checked against.
#[derive(Clone, Debug)]
pub struct VmCircuit {
    /// Shape parameters.
    pub preset: Preset,
    /// Bytecode words, zero-padded to `vm_max_bytecode_len`.
    pub words: Vec<Fr>,
    /// Calldata, zero-padded to `vm_max_calldata`.
    pub calldata: Vec<Fr>,
    /// Machine state before each row.
    pub rows: Vec<Row>,
    /// The call's logs.
    pub outputs: VmOutputs,
    /// Public input 0: Poseidon hash of `words`.
    pub bytecode_hash: Fr,
    /// Public input 1: Poseidon hash of `calldata`.
    pub calldata_hash: Fr,
    /// Public input 2: the outputs hash of `outputs`.
    pub outputs_hash: Fr,
}

impl VmCircuit {
    /// Executes `code` on `calldata` against `storage` and builds the witness.
    pub fn execute(
        preset: &Preset,
        code: &Bytecode,
        calldata: &[Fr],
        storage: &mut dyn Storage,
    ) -> Result<Self> {
        let exe = execute(preset, code, calldata, storage)?;
        Self::from_execution(preset, code, calldata, &exe)
    }

    /// Rebuilds the witness of a call from its recorded storage log (what a proof job carries).
    pub fn replay(
        preset: &Preset,
        code: &Bytecode,
        calldata: &[Fr],
        log: &[crate::vm::StorageAccess],
    ) -> Result<Self> {
        Self::execute(preset, code, calldata, &mut Replay::new(log))
    }

    /// The witness of an execution obtained from [`execute`].
    pub fn from_execution(
        preset: &Preset,
        code: &Bytecode,
        calldata: &[Fr],
        exe: &Execution,
    ) -> Result<Self> {
        let words = code.padded_words(preset.vm_max_bytecode_len)?;
        let calldata = padded_calldata(preset, calldata)?;
        let mut rows = exe.rows.clone();
        let last = rows.last().cloned().unwrap_or(Row {
            pc: 0,
            regs: [Fr::from(0u64); NUM_REGS],
        });
        rows.resize(preset.vm_max_steps, last);
        let outputs = VmOutputs::from(exe);
        Ok(Self {
            preset: preset.clone(),
            bytecode_hash: hash_many(&words),
            calldata_hash: hash_many(&calldata),
            outputs_hash: outputs.hash(preset),
            words,
            calldata,
            rows,
            outputs,
        })
    }
}

impl ConstraintSynthesizer<Fr> for VmCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let input = |v: Fr| FpVar::new_input(cs.clone(), || Ok(v));
        let bytecode_hash = input(self.bytecode_hash)?;
        let calldata_hash = input(self.calldata_hash)?;
        let outputs_hash = input(self.outputs_hash)?;
        let witness = |v: &[Fr]| {
            v.iter()
                .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)))
                .collect::<Result<Vec<_>, _>>()
        };
        let words = witness(&self.words)?;
        let calldata = witness(&self.calldata)?;
        hash_many_var(&words)?.enforce_equal(&bytecode_hash)?;
        hash_many_var(&calldata)?.enforce_equal(&calldata_hash)?;
        let out = VmOutputsVar::alloc(cs.clone(), &self.preset, &self.outputs)?;
        let trace = TraceWitness {
            preset: &self.preset,
            words: &self.words,
            rows: &self.rows,
            outputs: &self.outputs,
        };
        let counts = enforce_trace(&cs, &trace, &words, &calldata, &out)?;
        out.hash([&counts[0], &counts[1], &counts[2]])?
            .enforce_equal(&outputs_hash)
    }
}

impl BlockCircuit for VmCircuit {
    const KIND: CircuitKind = CircuitKind::PublicVm;

    /// The one-instruction program `return` on empty calldata.
    fn blank(preset: &Preset) -> Self {
        let code = Bytecode(vec![Instruction::new(Opcode::Return, 0, 0, 0, 0)]);
        let exe = Execution {
            rows: vec![Row {
                pc: 0,
                regs: [Fr::from(0u64); NUM_REGS],
            }],
            accesses: Vec::new(),
            note_hashes: Vec::new(),
            nullifiers: Vec::new(),
        };
        Self::from_execution(preset, &code, &[], &exe).expect("`return` fits every preset")
    }

    fn public_inputs(&self) -> Vec<Fr> {
        vec![self.bytecode_hash, self.calldata_hash, self.outputs_hash]
    }
}
