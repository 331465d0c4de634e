//! Text form of VM bytecode: a line-based assembler with labels, and its printer.
//!
//! ```text
//! ; comments start with ';' or '#'
//! start:
//!     calldata r0, 0        ; r0 ← calldata[0]
//!     jmpi r0, start        ; jump targets are labels or instruction indices
//!     return
//! ```
//! Operands: registers `r0 … r7`, immediates in decimal or `0x…` hex (< 2^64).
//! `print` emits numeric jump targets, and `assemble(print(c)) == c`.

use std::collections::HashMap;

use super::isa::{Bytecode, Instruction, NUM_REGS, Opcode};
use crate::{Error, Result};

/// Operand shape of an opcode in text form.
#[derive(Clone, Copy)]
enum Shape {
    None,
    DstImm,
    DstA,
    DstAB,
    Imm,
    AImm,
    A,
    AB,
}

fn shape(op: Opcode) -> Shape {
    use Opcode::*;
    match op {
        Set | Calldata => Shape::DstImm,
        Mov | Sload => Shape::DstA,
        Add | Sub | Mul | Lt | Eq => Shape::DstAB,
        Jmp => Shape::Imm,
        Jmpi => Shape::AImm,
        Note | Nullify => Shape::A,
        Sstore => Shape::AB,
        Return | Revert => Shape::None,
    }
}

fn err(line: usize, msg: impl Into<String>) -> Error {
    Error::Asm {
        line,
        msg: msg.into(),
    }
}

fn reg(line: usize, s: &str) -> Result<u8> {
    s.strip_prefix('r')
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|&n| usize::from(n) < NUM_REGS)
        .ok_or_else(|| {
            err(
                line,
                format!("expected a register r0..r{}, got {s:?}", NUM_REGS - 1),
            )
        })
}

fn imm(line: usize, s: &str, labels: &HashMap<String, u64>) -> Result<u64> {
    let parsed = match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse::<u64>().ok(),
    };
    parsed.or_else(|| labels.get(s).copied()).ok_or_else(|| {
        err(
            line,
            format!("expected an immediate below 2^64 or a label, got {s:?}"),
        )
    })
}

/// Assembles text into bytecode (two passes: labels, then instructions).
pub fn assemble(text: &str) -> Result<Bytecode> {
    let mut labels = HashMap::new();
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let code = raw.split([';', '#']).next().unwrap_or("").trim();
        if code.is_empty() {
            continue;
        }
        if let Some(label) = code.strip_suffix(':') {
            let label = label.trim();
            let valid = label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && label
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
            if !valid {
                return Err(err(line, format!("invalid label {label:?}")));
            }
            if labels
                .insert(label.to_string(), lines.len() as u64)
                .is_some()
            {
                return Err(err(line, format!("label {label:?} defined twice")));
            }
            continue;
        }
        lines.push((line, code));
    }
    let mut out = Vec::with_capacity(lines.len());
    for (line, code) in lines {
        let (mnemonic, rest) = code.split_once(char::is_whitespace).unwrap_or((code, ""));
        let op = Opcode::ALL
            .into_iter()
            .find(|o| o.mnemonic() == mnemonic)
            .ok_or_else(|| err(line, format!("unknown mnemonic {mnemonic:?}")))?;
        let args: Vec<&str> = rest
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let want = match shape(op) {
            Shape::None => 0,
            Shape::Imm | Shape::A => 1,
            Shape::DstImm | Shape::DstA | Shape::AImm | Shape::AB => 2,
            Shape::DstAB => 3,
        };
        if args.len() != want {
            return Err(err(
                line,
                format!("{mnemonic} takes {want} operands, got {}", args.len()),
            ));
        }
        let mut ins = Instruction::new(op, 0, 0, 0, 0);
        match shape(op) {
            Shape::None => {}
            Shape::DstImm => {
                (ins.dst, ins.imm) = (reg(line, args[0])?, imm(line, args[1], &labels)?)
            }
            Shape::DstA => (ins.dst, ins.a) = (reg(line, args[0])?, reg(line, args[1])?),
            Shape::DstAB => {
                (ins.dst, ins.a, ins.b) = (
                    reg(line, args[0])?,
                    reg(line, args[1])?,
                    reg(line, args[2])?,
                )
            }
            Shape::Imm => ins.imm = imm(line, args[0], &labels)?,
            Shape::AImm => (ins.a, ins.imm) = (reg(line, args[0])?, imm(line, args[1], &labels)?),
            Shape::A => ins.a = reg(line, args[0])?,
            Shape::AB => (ins.a, ins.b) = (reg(line, args[0])?, reg(line, args[1])?),
        }
        out.push(ins);
    }
    Ok(Bytecode(out))
}

/// Prints bytecode as assembler text, one instruction per line, numeric jump targets.
pub fn print(code: &Bytecode) -> String {
    let mut s = String::new();
    for ins in &code.0 {
        let m = ins.op.mnemonic();
        let line = match shape(ins.op) {
            Shape::None => m.to_string(),
            Shape::DstImm => format!("{m} r{}, {}", ins.dst, ins.imm),
            Shape::DstA => format!("{m} r{}, r{}", ins.dst, ins.a),
            Shape::DstAB => format!("{m} r{}, r{}, r{}", ins.dst, ins.a, ins.b),
            Shape::Imm => format!("{m} {}", ins.imm),
            Shape::AImm => format!("{m} r{}, {}", ins.a, ins.imm),
            Shape::A => format!("{m} r{}", ins.a),
            Shape::AB => format!("{m} r{}, r{}", ins.a, ins.b),
        };
        s.push_str(&line);
        s.push('\n');
    }
    s
}
