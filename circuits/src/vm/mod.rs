//! The public VM: a small register machine over BN254 `Fr`.
//!
//! * [`isa`]: opcodes and the one-word instruction encoding;
//! * [`asm`]: assembler text (parse and print);
//! * [`interp`]: the native interpreter producing an [`Execution`] trace;
//! * [`circuit`]: [`VmCircuit`], proving one call's execution over a fixed trace length.
//!
//! Semantics of a failed call: `revert` (or any fault: bad jump, `lt` operand ≥ 2^64, a limit
//! of the preset exceeded) makes the call — and so its whole tx — unprovable. The VM circuit
//! only accepts traces that end in `return`; the simulator rejects such a tx before proving
//! and the sequencer drops it (it is never included, so it pays no fee).

pub mod asm;
pub mod circuit;
mod commit;
pub mod examples;
pub mod interp;
pub mod isa;
mod trace;

pub use asm::{assemble, print};
pub use circuit::{VmCircuit, VmPublicInputs};
pub use commit::{VmOutputs, VmOutputsVar, bytecode_hash, calldata_hash, padded_calldata};
pub use interp::{Execution, Replay, Row, Storage, StorageAccess, execute};
pub use isa::{Bytecode, Instruction, NUM_REGS, Opcode};
