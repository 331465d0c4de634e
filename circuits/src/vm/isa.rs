//! The instruction set of the public VM and its one-field-element encoding.
//!
//! Every instruction is packed into a single BN254 scalar
//! `word = op + 2^8·dst + 2^16·a + 2^24·b + 2^32·imm` with `op ∈ [1, 15]`, register indices
//! `dst, a, b ∈ [0, 8)` and `imm < 2^64`, so `word < 2^96 < r` and decoding is unique. The
//! word `0` (opcode 0) is no instruction: bytecode is zero-padded to the preset's maximum length
//! and a jump into the padding cannot execute.

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};

use crate::{Error, Result};

/// Number of general-purpose registers `r0 … r7` (all start at zero).
pub const NUM_REGS: usize = 8;

/// Bit width of the operands accepted by `lt` (both must be `< 2^64`).
pub const CMP_BITS: usize = 64;

/// An opcode. The discriminant is the encoded value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Opcode {
    /// `set rd, imm`: `rd ← imm`.
    Set = 1,
    /// `mov rd, ra`: `rd ← ra`.
    Mov = 2,
    /// `add rd, ra, rb`: `rd ← ra + rb` in Fr.
    Add = 3,
    /// `sub rd, ra, rb`: `rd ← ra − rb` in Fr.
    Sub = 4,
    /// `mul rd, ra, rb`: `rd ← ra · rb` in Fr.
    Mul = 5,
    /// `lt rd, ra, rb`: `rd ← [ra < rb]`; both operands must be `< 2^64`.
    Lt = 6,
    /// `eq rd, ra, rb`: `rd ← [ra = rb]`.
    Eq = 7,
    /// `jmp imm`: `pc ← imm`.
    Jmp = 8,
    /// `jmpi ra, imm`: `pc ← imm` if `ra ≠ 0`, else `pc + 1`.
    Jmpi = 9,
    /// `calldata rd, imm`: `rd ← calldata[imm]` (`imm` below the preset's calldata length).
    Calldata = 10,
    /// `sload rd, ra`: `rd ← storage[ra]` (the calling contract's slot `ra`).
    Sload = 11,
    /// `sstore ra, rb`: `storage[ra] ← rb`.
    Sstore = 12,
    /// `note ra`: emit the note hash `ra`.
    Note = 13,
    /// `nullify ra`: emit the nullifier `ra`.
    Nullify = 14,
    /// `return`: halt successfully (the pc stays; later trace rows repeat it).
    Return = 15,
    /// `revert`: halt in failure; a reverted call has no valid proof (see the module docs).
    Revert = 16,
}

impl Opcode {
    /// All opcodes in encoding order.
    pub const ALL: [Opcode; 16] = [
        Opcode::Set,
        Opcode::Mov,
        Opcode::Add,
        Opcode::Sub,
        Opcode::Mul,
        Opcode::Lt,
        Opcode::Eq,
        Opcode::Jmp,
        Opcode::Jmpi,
        Opcode::Calldata,
        Opcode::Sload,
        Opcode::Sstore,
        Opcode::Note,
        Opcode::Nullify,
        Opcode::Return,
        Opcode::Revert,
    ];

    /// Assembler mnemonic.
    pub fn mnemonic(self) -> &'static str {
        match self {
            Opcode::Set => "set",
            Opcode::Mov => "mov",
            Opcode::Add => "add",
            Opcode::Sub => "sub",
            Opcode::Mul => "mul",
            Opcode::Lt => "lt",
            Opcode::Eq => "eq",
            Opcode::Jmp => "jmp",
            Opcode::Jmpi => "jmpi",
            Opcode::Calldata => "calldata",
            Opcode::Sload => "sload",
            Opcode::Sstore => "sstore",
            Opcode::Note => "note",
            Opcode::Nullify => "nullify",
            Opcode::Return => "return",
            Opcode::Revert => "revert",
        }
    }

    /// The opcode with this encoded value.
    pub fn from_u8(v: u8) -> Option<Opcode> {
        Opcode::ALL.get(usize::from(v).checked_sub(1)?).copied()
    }

    /// Whether the instruction writes its result to `dst`.
    pub fn writes_dst(self) -> bool {
        matches!(
            self,
            Opcode::Set
                | Opcode::Mov
                | Opcode::Add
                | Opcode::Sub
                | Opcode::Mul
                | Opcode::Lt
                | Opcode::Eq
                | Opcode::Calldata
                | Opcode::Sload
        )
    }
}

/// One instruction. Operand fields an opcode does not use are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instruction {
    /// The operation.
    pub op: Opcode,
    /// Destination register.
    pub dst: u8,
    /// First source register.
    pub a: u8,
    /// Second source register.
    pub b: u8,
    /// Immediate: constant, jump target or calldata index.
    pub imm: u64,
}

impl Instruction {
    /// An instruction; register indices must be `< NUM_REGS` (checked by [`Instruction::encode`]).
    pub fn new(op: Opcode, dst: u8, a: u8, b: u8, imm: u64) -> Self {
        Self { op, dst, a, b, imm }
    }

    /// The packed word `op + 2^8·dst + 2^16·a + 2^24·b + 2^32·imm`.
    pub fn encode(&self) -> Result<Fr> {
        for r in [self.dst, self.a, self.b] {
            if usize::from(r) >= NUM_REGS {
                return Err(Error::Bytecode(format!("register r{r} does not exist")));
            }
        }
        let low = u128::from(self.op as u8)
            | u128::from(self.dst) << 8
            | u128::from(self.a) << 16
            | u128::from(self.b) << 24
            | u128::from(self.imm) << 32;
        Ok(Fr::from(low))
    }

    /// Decodes a packed word; fails on the zero word, unknown opcodes and bad registers.
    pub fn decode(word: Fr) -> Result<Self> {
        let bytes = word.into_bigint().to_bytes_le();
        if bytes[12..].iter().any(|&b| b != 0) {
            return Err(Error::Bytecode("word exceeds 96 bits".into()));
        }
        let op = Opcode::from_u8(bytes[0])
            .ok_or_else(|| Error::Bytecode(format!("unknown opcode {}", bytes[0])))?;
        let imm = u64::from_le_bytes(bytes[4..12].try_into().expect("8 bytes"));
        let ins = Self::new(op, bytes[1], bytes[2], bytes[3], imm);
        ins.encode()?;
        Ok(ins)
    }
}

/// A contract's code: at most `preset.vm_max_bytecode_len` instructions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bytecode(pub Vec<Instruction>);

impl Bytecode {
    /// The words of the code zero-padded to `max_len` (what the bytecode hash commits to).
    pub fn padded_words(&self, max_len: usize) -> Result<Vec<Fr>> {
        if self.0.len() > max_len {
            return Err(Error::Bytecode(format!(
                "{} instructions exceed the preset's maximum of {max_len}",
                self.0.len()
            )));
        }
        let mut words = self
            .0
            .iter()
            .map(Instruction::encode)
            .collect::<Result<Vec<_>>>()?;
        words.resize(max_len, Fr::from(0u64));
        Ok(words)
    }

    /// Decodes padded or unpadded words (trailing zero words are padding).
    pub fn from_words(words: &[Fr]) -> Result<Self> {
        let len = words
            .iter()
            .rposition(|w| *w != Fr::from(0u64))
            .map_or(0, |p| p + 1);
        Ok(Self(
            words[..len]
                .iter()
                .map(|w| Instruction::decode(*w))
                .collect::<Result<_>>()?,
        ))
    }
}
