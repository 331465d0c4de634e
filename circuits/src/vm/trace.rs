//! The per-row constraints of a VM trace (the gadget behind [`super::VmCircuit`]).
//!
//! Row `t` holds `pc_t` (one-hot over the padded bytecode), the fetched word (selected by that
//! one-hot, so `pc_t` is an instruction index below `vm_max_bytecode_len` and padding words
//! decode to no opcode), its decoding (one-hot opcode and registers, 64-bit immediate), and the
//! register file. Every row computes every candidate result, selects one by the opcode, writes
//! it to the one-hot destination, and fixes `pc_{t+1}`; `return` keeps state and pc, so the
//! trace is padded by repeating it, and the last row must be `return`.

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field, PrimeField};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

use super::commit::{VmOutputs, VmOutputsVar};
use super::interp::Row;
use super::isa::{CMP_BITS, Instruction, NUM_REGS, Opcode};
use crate::Preset;
use crate::gadgets::LogCursor;

/// Low 128 bits of `x` (callers only use it on values known to be small).
fn low_u128(x: Fr) -> u128 {
    let limbs = x.into_bigint().0;
    u128::from(limbs[0]) | u128::from(limbs[1]) << 64
}

/// `n` witness bits of `v` and their packed value `Σ 2^i b_i` (a linear combination).
fn alloc_bits(
    cs: &ConstraintSystemRef<Fr>,
    v: u128,
    n: usize,
) -> Result<(Vec<Boolean<Fr>>, FpVar<Fr>), SynthesisError> {
    let bits = (0..n)
        .map(|i| Boolean::new_witness(cs.clone(), || Ok(v >> i & 1 == 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let packed = bits.iter().enumerate().fold(FpVar::zero(), |acc, (i, b)| {
        acc + FpVar::from(b.clone()) * Fr::from(2u64).pow([i as u64])
    });
    Ok((bits, packed))
}

/// One-hot booleans for `hot` among `n` (no constraint on `hot < n`: the caller enforces the sum).
fn alloc_one_hot(
    cs: &ConstraintSystemRef<Fr>,
    hot: Option<usize>,
    n: usize,
) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    (0..n)
        .map(|i| {
            Ok(FpVar::from(Boolean::new_witness(cs.clone(), || {
                Ok(hot == Some(i))
            })?))
        })
        .collect()
}

fn sum(v: &[FpVar<Fr>]) -> FpVar<Fr> {
    v.iter().fold(FpVar::zero(), |a, x| a + x)
}

fn index_sum(v: &[FpVar<Fr>]) -> FpVar<Fr> {
    v.iter()
        .enumerate()
        .fold(FpVar::zero(), |a, (i, x)| a + x * Fr::from(i as u64))
}

fn dot(sel: &[FpVar<Fr>], vals: &[FpVar<Fr>]) -> FpVar<Fr> {
    sel.iter()
        .zip(vals)
        .fold(FpVar::zero(), |a, (s, v)| a + s * v)
}

/// The native values behind a trace: the preset, the padded bytecode words, the machine state
/// before each row (padded to `vm_max_steps`) and the call's logs.
pub(crate) struct TraceWitness<'a> {
    pub preset: &'a Preset,
    pub words: &'a [Fr],
    pub rows: &'a [Row],
    pub outputs: &'a VmOutputs,
}

/// Enforces that the witness rows of `w` are an execution of `words` on `calldata` ending in
/// `return`, whose logs are exactly `out`. Returns the three log counts.
pub(crate) fn enforce_trace(
    cs: &ConstraintSystemRef<Fr>,
    w: &TraceWitness<'_>,
    words: &[FpVar<Fr>],
    calldata: &[FpVar<Fr>],
    out: &VmOutputsVar,
) -> Result<[FpVar<Fr>; 3], SynthesisError> {
    let (preset, word_values, rows) = (w.preset, w.words, w.rows);
    let access_values: Vec<Fr> = w.outputs.accesses.iter().map(|a| a.value).collect();
    let one = FpVar::Constant(Fr::ONE);
    let zero = FpVar::<Fr>::zero();
    let acc_w: Vec<FpVar<Fr>> = out
        .accesses
        .iter()
        .map(|a| FpVar::from(a.0.clone()))
        .collect();
    let acc_slot: Vec<FpVar<Fr>> = out.accesses.iter().map(|a| a.1.clone()).collect();
    let acc_val: Vec<FpVar<Fr>> = out.accesses.iter().map(|a| a.2.clone()).collect();
    let mut acc_log = LogCursor::new(preset.vm_max_storage_accesses);
    let mut note_log = LogCursor::new(preset.max_note_hashes_per_tx);
    let mut null_log = LogCursor::new(preset.max_nullifiers_per_tx);
    let mut regs = vec![zero.clone(); NUM_REGS];
    let mut expected_pc = zero.clone();
    let mut n_access = 0usize;
    for (t, row) in rows.iter().enumerate() {
        // The row's register file must be the one the previous rows computed.
        let row_regs = row
            .regs
            .iter()
            .map(|r| FpVar::new_witness(cs.clone(), || Ok(*r)))
            .collect::<Result<Vec<_>, _>>()?;
        for (r, c) in row_regs.iter().zip(&regs) {
            r.enforce_equal(c)?;
        }
        // Fetch.
        let pc_sel = alloc_one_hot(cs, Some(row.pc), words.len())?;
        sum(&pc_sel).enforce_equal(&one)?;
        let pc = index_sum(&pc_sel);
        pc.enforce_equal(&expected_pc)?;
        let word = dot(&pc_sel, words);
        // Decode (an undecodable native word gets an all-zero witness, which cannot satisfy).
        let ins = word_values
            .get(row.pc)
            .and_then(|w| Instruction::decode(*w).ok());
        let op = alloc_one_hot(cs, ins.map(|i| i.op as usize - 1), Opcode::ALL.len())?;
        let dst = alloc_one_hot(cs, ins.map(|i| usize::from(i.dst)), NUM_REGS)?;
        let sa = alloc_one_hot(cs, ins.map(|i| usize::from(i.a)), NUM_REGS)?;
        let sb = alloc_one_hot(cs, ins.map(|i| usize::from(i.b)), NUM_REGS)?;
        for v in [&op, &dst, &sa, &sb] {
            sum(v).enforce_equal(&one)?;
        }
        let (_, imm) = alloc_bits(cs, ins.map_or(0, |i| u128::from(i.imm)), 64)?;
        let decoded = (index_sum(&op) + &one)
            + index_sum(&dst) * Fr::from(1u64 << 8)
            + index_sum(&sa) * Fr::from(1u64 << 16)
            + index_sum(&sb) * Fr::from(1u64 << 24)
            + &imm * Fr::from(1u64 << 32);
        decoded.enforce_equal(&word)?;
        let is = |o: Opcode| op[o as usize - 1].clone();
        let op_is = |o: Opcode| ins.is_some_and(|i| i.op == o);
        let ra = dot(&sa, &regs);
        let rb = dot(&sb, &regs);
        let (ra_v, rb_v) = ins.map_or((Fr::ZERO, Fr::ZERO), |i| {
            (row.regs[usize::from(i.a)], row.regs[usize::from(i.b)])
        });
        // lt: both operands range-checked to 64 bits when the row is an `lt`.
        let lt_on = op_is(Opcode::Lt);
        let (xa_v, xb_v) = if lt_on {
            (low_u128(ra_v), low_u128(rb_v))
        } else {
            (0, 0)
        };
        let xa = &is(Opcode::Lt) * &ra;
        let xb = &is(Opcode::Lt) * &rb;
        alloc_bits(cs, xa_v, CMP_BITS)?.1.enforce_equal(&xa)?;
        alloc_bits(cs, xb_v, CMP_BITS)?.1.enforce_equal(&xb)?;
        let shift = 1u128 << CMP_BITS;
        // Wrapping: operands of a valid trace are below 2^64; others (a hostile witness) must
        // only fail the range checks above, not overflow here.
        let d_v = xa_v.wrapping_add(shift).wrapping_sub(xb_v);
        let (d_bits, d) = alloc_bits(cs, d_v, CMP_BITS + 1)?;
        d.enforce_equal(&(&xa - &xb + Fr::from(shift)))?;
        let lt = &one - FpVar::from(d_bits[CMP_BITS].clone());
        let eq = FpVar::from(ra.is_eq(&rb)?);
        // calldata[imm], with imm below the padded calldata length.
        let cd_on = is(Opcode::Calldata);
        let cd_hot = ins
            .filter(|i| i.op == Opcode::Calldata)
            .map(|i| i.imm as usize);
        let cd_sel = alloc_one_hot(cs, cd_hot, calldata.len())?;
        sum(&cd_sel).enforce_equal(&cd_on)?;
        cd_on.mul_equals(&imm, &index_sum(&cd_sel))?;
        let cd_val = dot(&cd_sel, calldata);
        // The storage access value: loaded by sload, stored (= rb) by sstore.
        let is_access = op_is(Opcode::Sload) || op_is(Opcode::Sstore);
        let av_v = if is_access {
            access_values.get(n_access).copied().unwrap_or(Fr::ZERO)
        } else {
            Fr::ZERO
        };
        n_access += usize::from(is_access);
        let av = FpVar::new_witness(cs.clone(), || Ok(av_v))?;
        is(Opcode::Sstore).mul_equals(&(&av - &rb), &zero)?;
        // Result selection and register write.
        let cands = [
            (Opcode::Set, imm.clone()),
            (Opcode::Mov, ra.clone()),
            (Opcode::Add, &ra + &rb),
            (Opcode::Sub, &ra - &rb),
            (Opcode::Mul, &ra * &rb),
            (Opcode::Lt, lt),
            (Opcode::Eq, eq),
            (Opcode::Calldata, cd_val),
            (Opcode::Sload, av.clone()),
        ];
        let result = cands.iter().fold(zero.clone(), |a, (o, c)| a + is(*o) * c);
        let write_en = cands.iter().fold(zero.clone(), |a, (o, _)| a + is(*o));
        for (j, r) in regs.iter_mut().enumerate() {
            let w = &dst[j] * &write_en;
            *r = &*r + w * (&result - &*r);
        }
        // Next pc: +1, jump target, or stay on a halt.
        let nz = &one - FpVar::from(ra.is_zero()?);
        let taken = is(Opcode::Jmp) + is(Opcode::Jmpi) * nz;
        let halt = is(Opcode::Return) + is(Opcode::Revert);
        expected_pc = &pc + &one - halt + taken * (&imm - &pc - &one);
        // Logs.
        acc_log.step(
            &(is(Opcode::Sload) + is(Opcode::Sstore)),
            &[
                (acc_w.clone(), is(Opcode::Sstore)),
                (acc_slot.clone(), ra.clone()),
                (acc_val.clone(), av),
            ],
        )?;
        note_log.step(&is(Opcode::Note), &[(out.note_hashes.clone(), ra.clone())])?;
        null_log.step(&is(Opcode::Nullify), &[(out.nullifiers.clone(), ra)])?;
        if t + 1 == rows.len() {
            is(Opcode::Return).enforce_equal(&one)?;
        }
    }
    acc_log.enforce_zero_tail(&[&acc_w, &acc_slot, &acc_val])?;
    note_log.enforce_zero_tail(&[&out.note_hashes])?;
    null_log.enforce_zero_tail(&[&out.nullifiers])?;
    Ok([acc_log.count(), note_log.count(), null_log.count()])
}
