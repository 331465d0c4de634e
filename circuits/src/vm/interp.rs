//! The native interpreter: runs bytecode on calldata against a storage view and records the
//! trace the VM circuit proves.

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, BigInteger, PrimeField};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use super::isa::{Bytecode, CMP_BITS, NUM_REGS, Opcode};
use crate::{Error, Preset, Result};

/// The public-data view a call executes against (slots are the calling contract's).
pub trait Storage {
    /// The current value of `slot` (zero if never written).
    fn sload(&mut self, slot: Fr) -> Result<Fr>;
    /// Sets `slot` to `value`.
    fn sstore(&mut self, slot: Fr, value: Fr) -> Result<()>;
}

/// One SLOAD (`is_write = false`, `value` read) or SSTORE (`value` written), in execution order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct StorageAccess {
    /// SSTORE if true, SLOAD otherwise.
    pub is_write: bool,
    /// The contract-local slot.
    pub slot: Fr,
    /// The value read or written.
    pub value: Fr,
}

/// Machine state before a step.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct Row {
    /// Instruction index about to execute.
    pub pc: usize,
    /// Register file.
    pub regs: [Fr; NUM_REGS],
}

/// A successful execution: `rows[t]` is the state before step `t`; the last row executes `return`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Execution {
    /// States before each executed step (at most `vm_max_steps`).
    pub rows: Vec<Row>,
    /// Storage accesses in order.
    pub accesses: Vec<StorageAccess>,
    /// Emitted note hashes in order.
    pub note_hashes: Vec<Fr>,
    /// Emitted nullifiers in order.
    pub nullifiers: Vec<Fr>,
}

/// Whether `x < 2^CMP_BITS`.
pub fn fits_cmp(x: Fr) -> bool {
    x.into_bigint().num_bits() as usize <= CMP_BITS
}

fn fault(pc: usize, reason: impl Into<String>) -> Error {
    Error::VmFault {
        pc,
        reason: reason.into(),
    }
}

/// Runs `code` on `calldata` for at most `preset.vm_max_steps` steps (the final `return`
/// included). Faults (bad jump, step/log limits, `lt` operand ≥ 2^64) and `revert` are errors.
pub fn execute(
    preset: &Preset,
    code: &Bytecode,
    calldata: &[Fr],
    storage: &mut dyn Storage,
) -> Result<Execution> {
    code.padded_words(preset.vm_max_bytecode_len)?;
    if calldata.len() > preset.vm_max_calldata {
        return Err(fault(
            0,
            format!(
                "{} calldata words exceed {}",
                calldata.len(),
                preset.vm_max_calldata
            ),
        ));
    }
    let mut row = Row {
        pc: 0,
        regs: [Fr::ZERO; NUM_REGS],
    };
    let mut exe = Execution {
        rows: Vec::new(),
        accesses: Vec::new(),
        note_hashes: Vec::new(),
        nullifiers: Vec::new(),
    };
    loop {
        if exe.rows.len() == preset.vm_max_steps {
            return Err(fault(
                row.pc,
                format!("no return within {} steps", preset.vm_max_steps),
            ));
        }
        let pc = row.pc;
        let ins = *code
            .0
            .get(pc)
            .ok_or_else(|| fault(pc, "pc outside the bytecode"))?;
        exe.rows.push(row.clone());
        let (ra, rb) = (row.regs[usize::from(ins.a)], row.regs[usize::from(ins.b)]);
        let mut next = pc + 1;
        let result = match ins.op {
            Opcode::Set => Some(Fr::from(ins.imm)),
            Opcode::Mov => Some(ra),
            Opcode::Add => Some(ra + rb),
            Opcode::Sub => Some(ra - rb),
            Opcode::Mul => Some(ra * rb),
            Opcode::Lt => {
                if !fits_cmp(ra) || !fits_cmp(rb) {
                    return Err(fault(pc, "lt operand exceeds 64 bits"));
                }
                Some(Fr::from(u64::from(ra < rb)))
            }
            Opcode::Eq => Some(Fr::from(u64::from(ra == rb))),
            Opcode::Jmp => {
                next = ins.imm as usize;
                None
            }
            Opcode::Jmpi => {
                if ra != Fr::ZERO {
                    next = ins.imm as usize;
                }
                None
            }
            Opcode::Calldata => {
                let i = ins.imm as usize;
                if ins.imm >= preset.vm_max_calldata as u64 {
                    return Err(fault(
                        pc,
                        format!("calldata index {} out of range", ins.imm),
                    ));
                }
                Some(calldata.get(i).copied().unwrap_or(Fr::ZERO))
            }
            Opcode::Sload => {
                let value = storage.sload(ra)?;
                exe.accesses.push(StorageAccess {
                    is_write: false,
                    slot: ra,
                    value,
                });
                Some(value)
            }
            Opcode::Sstore => {
                storage.sstore(ra, rb)?;
                exe.accesses.push(StorageAccess {
                    is_write: true,
                    slot: ra,
                    value: rb,
                });
                None
            }
            Opcode::Note => {
                exe.note_hashes.push(ra);
                None
            }
            Opcode::Nullify => {
                exe.nullifiers.push(ra);
                None
            }
            Opcode::Return => return check_limits(preset, exe, pc),
            Opcode::Revert => return Err(Error::Reverted { pc }),
        };
        if let Some(v) = result {
            row.regs[usize::from(ins.dst)] = v;
        }
        if next >= code.0.len() {
            return Err(fault(pc, format!("jump to {next}, not an instruction")));
        }
        row.pc = next;
    }
}

fn check_limits(preset: &Preset, exe: Execution, pc: usize) -> Result<Execution> {
    let limits = [
        (
            "storage accesses",
            exe.accesses.len(),
            preset.vm_max_storage_accesses,
        ),
        (
            "note hashes",
            exe.note_hashes.len(),
            preset.max_note_hashes_per_tx,
        ),
        (
            "nullifiers",
            exe.nullifiers.len(),
            preset.max_nullifiers_per_tx,
        ),
    ];
    for (what, n, max) in limits {
        if n > max {
            return Err(fault(pc, format!("{n} {what} exceed the preset's {max}")));
        }
    }
    Ok(exe)
}

/// Storage that replays a recorded access log (used to rebuild a trace from a proof job's
/// inputs): reads return the logged values, writes must match the log.
pub struct Replay<'a> {
    log: &'a [StorageAccess],
    next: usize,
}

impl<'a> Replay<'a> {
    /// Replays `log` from its start.
    pub fn new(log: &'a [StorageAccess]) -> Self {
        Self { log, next: 0 }
    }

    fn take(&mut self, is_write: bool, slot: Fr) -> Result<StorageAccess> {
        let a = *self
            .log
            .get(self.next)
            .ok_or_else(|| fault(0, "storage log exhausted"))?;
        if a.is_write != is_write || a.slot != slot {
            return Err(fault(
                0,
                format!("storage access {} differs from the log", self.next),
            ));
        }
        self.next += 1;
        Ok(a)
    }
}

impl Storage for Replay<'_> {
    fn sload(&mut self, slot: Fr) -> Result<Fr> {
        Ok(self.take(false, slot)?.value)
    }

    fn sstore(&mut self, slot: Fr, value: Fr) -> Result<()> {
        let a = self.take(true, slot)?;
        if a.value != value {
            return Err(fault(0, "stored value differs from the log"));
        }
        Ok(())
    }
}
