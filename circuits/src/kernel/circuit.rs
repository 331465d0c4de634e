//! [`KernelCircuit`]: one public kernel step, consuming one VM call's public outputs.
//!
//! Public inputs, in order: `tx_hash`, `start_public_data_root`, `prev_state_hash` (0 on the
//! first step), `new_state_hash`, the VM's `bytecode_hash`, `calldata_hash`, `outputs_hash`,
//! and `effects_hash` (the tx's effects on the last step, else 0).
//!
//! A step checks: the state is the tx's initial state (first step) or hashes to
//! `prev_state_hash`; the call is request number `call_index < num_calls` (so no call is skipped
//! or repeated); the callee address is `Poseidon(bytecode_hash, salt)` and the calldata hash
//! matches; the VM outputs hash to `outputs_hash`; each storage read equals the latest earlier
//! write to its key in this tx or, if none, the tree value at the start root; writes, note
//! hashes and nullifiers are appended to the state, within the per-tx maxima; every nullifier of
//! the state is non-zero (zero is the base rollup's padding, which it would skip).

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use super::read::{TreeRead, enforce_tree_read};
use super::state::{KernelState, public_data_key};
use crate::gadgets::{LogCursor, enforce_nonzero_where};
use crate::poseidon::{hash_many_var, hash2, hash2_var};
use crate::tx::{PublicCallRequest, Tx, TxVar};
use crate::vm::{
    Bytecode, Instruction, Opcode, VmOutputs, VmOutputsVar, bytecode_hash, calldata_hash,
};
use crate::{BlockCircuit, CircuitKind, Error, Preset, Result};

/// Positions of a kernel step's public inputs (see the module note).
pub struct KernelPublicInputs;

impl KernelPublicInputs {
    /// The tx's canonical hash.
    pub const TX_HASH: usize = 0;
    /// Public data root before the tx.
    pub const START_ROOT: usize = 1;
    /// Hash of the state before the step (0 on the first step).
    pub const PREV_STATE_HASH: usize = 2;
    /// Hash of the state after the step.
    pub const NEW_STATE_HASH: usize = 3;
    /// The callee's bytecode hash (equal to its VM proof's).
    pub const BYTECODE_HASH: usize = 4;
    /// The call's calldata hash (equal to its VM proof's).
    pub const CALLDATA_HASH: usize = 5;
    /// The call's outputs hash (equal to its VM proof's).
    pub const OUTPUTS_HASH: usize = 6;
    /// The tx's effects hash on its last step, else 0.
    pub const EFFECTS_HASH: usize = 7;
    /// Number of public inputs.
    pub const LEN: usize = 8;
}

/// The witness of one kernel step.
#[derive(Clone, Debug)]
pub struct KernelCircuit {
    /// Shape parameters.
    pub preset: Preset,
    /// The tx.
    pub tx: Tx,
    /// State before this step.
    pub prev: KernelState,
    /// State after it.
    pub next: KernelState,
    /// The callee's code hash (public input, shared with its VM proof).
    pub bytecode_hash: Fr,
    /// The callee's salt.
    pub salt: Fr,
    /// Hash of the call's calldata (public input, shared with its VM proof).
    pub calldata_hash: Fr,
    /// The call's outputs (as in the VM proof).
    pub outputs: VmOutputs,
    /// Tree evidence per storage access (used for reads not preceded by a write).
    pub reads: Vec<TreeRead>,
}

impl KernelCircuit {
    /// The step applying `outputs` of the call made to code `code` with `salt`.
    pub fn new(
        preset: &Preset,
        tx: &Tx,
        prev: &KernelState,
        code: &Bytecode,
        salt: Fr,
        outputs: &VmOutputs,
        mut reads: Vec<TreeRead>,
    ) -> Result<Self> {
        let bytecode_hash = bytecode_hash(preset, code)?;
        let next = prev.apply(preset, hash2(bytecode_hash, salt), outputs)?;
        if reads.len() > preset.vm_max_storage_accesses {
            return Err(Error::Kernel(
                "more tree reads than storage accesses".into(),
            ));
        }
        reads.resize(
            preset.vm_max_storage_accesses,
            TreeRead::unused(preset.public_data_height),
        );
        let call = tx
            .public_calls
            .get(prev.call_index)
            .ok_or_else(|| Error::Kernel(format!("the tx has no call {}", prev.call_index)))?;
        Ok(Self {
            preset: preset.clone(),
            tx: tx.clone(),
            prev: prev.clone(),
            next,
            bytecode_hash,
            salt,
            calldata_hash: calldata_hash(preset, &call.calldata)?,
            outputs: outputs.clone(),
            reads,
        })
    }

    fn is_last(&self) -> bool {
        self.next.call_index == self.next.num_calls
    }
}

impl BlockCircuit for KernelCircuit {
    const KIND: CircuitKind = CircuitKind::PublicKernel;

    /// One call to the program `return` with empty calldata, salt 0, empty start tree.
    fn blank(preset: &Preset) -> Self {
        let code = Bytecode(vec![Instruction::new(Opcode::Return, 0, 0, 0, 0)]);
        let contract = hash2(bytecode_hash(preset, &code).expect("fits"), Fr::ZERO);
        let tx = Tx {
            note_hashes: vec![],
            nullifiers: vec![],
            public_calls: vec![PublicCallRequest {
                contract,
                calldata: vec![],
            }],
            fee: 0,
        };
        let prev = KernelState::init(preset, &tx, Fr::ZERO).expect("fits");
        Self::new(
            preset,
            &tx,
            &prev,
            &code,
            Fr::ZERO,
            &VmOutputs::default(),
            vec![],
        )
        .expect("valid")
    }

    fn public_inputs(&self) -> Vec<Fr> {
        let p = &self.preset;
        vec![
            self.prev.tx_hash,
            self.prev.start_root,
            if self.prev.call_index == 0 {
                Fr::ZERO
            } else {
                self.prev.hash(p)
            },
            self.next.hash(p),
            self.bytecode_hash,
            self.calldata_hash,
            self.outputs.hash(p),
            if self.is_last() {
                self.next.effects_hash(p).unwrap_or(Fr::ZERO)
            } else {
                Fr::ZERO
            },
        ]
    }
}

/// A kernel state's variables.
struct StateVar {
    tx_hash: FpVar<Fr>,
    call: LogCursor,
    calls: LogCursor,
    start_root: FpVar<Fr>,
    fee: FpVar<Fr>,
    notes: (LogCursor, Vec<FpVar<Fr>>),
    nulls: (LogCursor, Vec<FpVar<Fr>>),
    writes: (LogCursor, Vec<FpVar<Fr>>, Vec<FpVar<Fr>>),
    requests: Vec<(FpVar<Fr>, FpVar<Fr>)>,
}

impl StateVar {
    fn fields(&self, call_index: FpVar<Fr>) -> Vec<FpVar<Fr>> {
        let mut v = vec![
            self.tx_hash.clone(),
            call_index,
            self.calls.count(),
            self.start_root.clone(),
            self.fee.clone(),
            self.notes.0.count(),
        ];
        v.extend(self.notes.1.iter().cloned());
        v.push(self.nulls.0.count());
        v.extend(self.nulls.1.iter().cloned());
        v.push(self.writes.0.count());
        for (k, x) in self.writes.1.iter().zip(&self.writes.2) {
            v.extend([k.clone(), x.clone()]);
        }
        for (c, d) in &self.requests {
            v.extend([c.clone(), d.clone()]);
        }
        v
    }
}

fn wit(cs: &ConstraintSystemRef<Fr>, v: &[Fr]) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    v.iter()
        .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)))
        .collect()
}

fn alloc_state(
    cs: &ConstraintSystemRef<Fr>,
    p: &Preset,
    s: &KernelState,
) -> Result<StateVar, SynthesisError> {
    let f = s.to_fields(p);
    let (n, m, w) = (
        p.max_note_hashes_per_tx,
        p.max_nullifiers_per_tx,
        p.max_public_data_writes_per_tx,
    );
    let n0 = 6;
    let m0 = n0 + n + 1;
    let w0 = m0 + m + 1;
    let r0 = w0 + 2 * w;
    let one = |i: usize| FpVar::new_witness(cs.clone(), || Ok(f[i]));
    Ok(StateVar {
        tx_hash: one(0)?,
        call: LogCursor::alloc(cs, s.call_index, p.max_public_calls_per_tx)?,
        calls: LogCursor::alloc(cs, s.num_calls, p.max_public_calls_per_tx)?,
        start_root: one(3)?,
        fee: one(4)?,
        notes: (
            LogCursor::alloc(cs, s.note_hashes.len(), n)?,
            wit(cs, &f[n0..n0 + n])?,
        ),
        nulls: (
            LogCursor::alloc(cs, s.nullifiers.len(), m)?,
            wit(cs, &f[m0..m0 + m])?,
        ),
        writes: (
            LogCursor::alloc(cs, s.writes.len(), w)?,
            wit(cs, &(0..w).map(|j| f[w0 + 2 * j]).collect::<Vec<_>>())?,
            wit(cs, &(0..w).map(|j| f[w0 + 2 * j + 1]).collect::<Vec<_>>())?,
        ),
        requests: (0..p.max_public_calls_per_tx)
            .map(|j| Ok((one(r0 + 2 * j)?, one(r0 + 2 * j + 1)?)))
            .collect::<Result<_, SynthesisError>>()?,
    })
}

/// Enforces `new[k] = prev[k]` for every entry before `prev_cursor`.
fn keep_prefix(
    prev_cursor: &LogCursor,
    prev: &[FpVar<Fr>],
    new: &[FpVar<Fr>],
) -> Result<(), SynthesisError> {
    for ((b, x), y) in prev_cursor.before().iter().zip(prev).zip(new) {
        b.mul_equals(&(x - y), &FpVar::zero())?;
    }
    Ok(())
}

fn dot(a: &[FpVar<Fr>], b: &[FpVar<Fr>]) -> FpVar<Fr> {
    a.iter()
        .zip(b)
        .fold(FpVar::zero(), |acc, (x, y)| acc + x * y)
}

fn as_bool(
    cs: &ConstraintSystemRef<Fr>,
    v: &FpVar<Fr>,
    native: bool,
) -> Result<Boolean<Fr>, SynthesisError> {
    let b = Boolean::new_witness(cs.clone(), || Ok(native))?;
    FpVar::from(b.clone()).enforce_equal(v)?;
    Ok(b)
}

impl ConstraintSynthesizer<Fr> for KernelCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let p = &self.preset;
        let pi = self.public_inputs();
        let inputs = pi
            .iter()
            .map(|x| FpVar::new_input(cs.clone(), || Ok(*x)))
            .collect::<Result<Vec<_>, _>>()?;
        let [
            tx_hash,
            start_root,
            prev_hash,
            new_hash,
            code_hash,
            cd_hash,
            out_hash,
            effects,
        ] = <[FpVar<Fr>; 8]>::try_from(inputs).expect("eight inputs");
        let zero = FpVar::<Fr>::zero();
        // The tx, and the fields of the state that never change.
        let tx = TxVar::new_witness(cs.clone(), p, &self.tx)?;
        tx.hash()?.enforce_equal(&tx_hash)?;
        let prev = alloc_state(&cs, p, &self.prev)?;
        prev.tx_hash.enforce_equal(&tx_hash)?;
        prev.start_root.enforce_equal(&start_root)?;
        prev.fee.enforce_equal(&tx.fee)?;
        let (n, m) = (p.max_note_hashes_per_tx, p.max_nullifiers_per_tx);
        prev.calls.count().enforce_equal(&tx.call_count)?;
        for ((c, d), (tc, td)) in prev.requests.iter().zip(&tx.calls) {
            c.enforce_equal(tc)?;
            d.enforce_equal(td)?;
        }
        // First step: the tx's private effects, no writes; later steps: the hashed state.
        let call_index = prev.call.count();
        let first = call_index.is_zero()?;
        prev.notes
            .0
            .count()
            .conditional_enforce_equal(&tx.note_count, &first)?;
        for (x, y) in prev.notes.1.iter().zip(&tx.note_hashes) {
            x.conditional_enforce_equal(y, &first)?;
        }
        prev.nulls
            .0
            .count()
            .conditional_enforce_equal(&tx.nullifier_count, &first)?;
        for (x, y) in prev.nulls.1.iter().zip(&tx.nullifiers) {
            x.conditional_enforce_equal(y, &first)?;
        }
        prev.writes
            .0
            .count()
            .conditional_enforce_equal(&zero, &first)?;
        prev_hash.conditional_enforce_equal(&zero, &first)?;
        hash_many_var(&prev.fields(call_index.clone()))?
            .conditional_enforce_equal(&prev_hash, &!&first)?;
        // This call is request `call_index`, and `call_index < num_calls`.
        let sel = &prev.call.before(); // before[j] = [j < call_index]
        let mut at = Vec::with_capacity(sel.len());
        for j in 0..sel.len() {
            let up_to = if j == 0 {
                FpVar::one()
            } else {
                sel[j - 1].clone()
            };
            at.push(up_to - &sel[j]); // [j == call_index]
        }
        dot(&at, &prev.calls.before()).enforce_equal(&FpVar::one())?;
        let contracts: Vec<_> = prev.requests.iter().map(|r| r.0.clone()).collect();
        let cds: Vec<_> = prev.requests.iter().map(|r| r.1.clone()).collect();
        let contract = dot(&at, &contracts);
        let salt = FpVar::new_witness(cs.clone(), || Ok(self.salt))?;
        hash2_var(&code_hash, &salt)?.enforce_equal(&contract)?;
        dot(&at, &cds).enforce_equal(&cd_hash)?;
        // The call's outputs.
        let out = VmOutputsVar::alloc(cs.clone(), p, &self.outputs)?;
        let acc = LogCursor::alloc(&cs, self.outputs.accesses.len(), p.vm_max_storage_accesses)?;
        let vn = LogCursor::alloc(&cs, self.outputs.note_hashes.len(), n)?;
        let vm = LogCursor::alloc(&cs, self.outputs.nullifiers.len(), m)?;
        out.hash([&acc.count(), &vn.count(), &vm.count()])?
            .enforce_equal(&out_hash)?;
        // Append note hashes and nullifiers.
        let next = alloc_state(&cs, p, &self.next)?;
        let mut lists = Vec::new();
        for ((cur, prev_e), (new_cur, new_e), vcur, items) in [
            (&prev.notes, &next.notes, &vn, &out.note_hashes),
            (&prev.nulls, &next.nulls, &vm, &out.nullifiers),
        ] {
            keep_prefix(cur, prev_e, new_e)?;
            let mut c = cur.clone();
            for (en, x) in vcur.before().iter().zip(items) {
                c.step(en, &[(new_e.clone(), x.clone())])?;
            }
            c.enforce_zero_tail(&[new_e])?;
            lists.push((c.count(), new_cur.count()));
        }
        for (a, b) in &lists {
            a.enforce_equal(b)?;
        }
        // Nullifier 0 is padding to the base rollup's batch insertion: every nullifier of the
        // tx so far (private or emitted by a public call) must be non-zero.
        enforce_nonzero_where(&next.nulls.0.before(), &next.nulls.1)?;
        // Storage accesses in order. The write set holds one entry per key (in first-write
        // order, latest value); an access either hits the entry of its key or, if no entry has
        // that key yet, reads the tree at the start root / appends a new entry.
        let (wk, wv) = (&next.writes.1, &next.writes.2);
        keep_prefix(&prev.writes.0, &prev.writes.1, wk)?;
        let mut vals = prev.writes.2.clone();
        let mut wc = prev.writes.0.clone();
        let mut native_writes = self.prev.writes.clone();
        let callee = self
            .prev
            .requests
            .get(self.prev.call_index)
            .map_or(Fr::ZERO, |r| r.0);
        for (j, ((is_w, slot, value), active)) in out.accesses.iter().zip(acc.before()).enumerate()
        {
            let key = hash2_var(&contract, slot)?;
            let is_w = FpVar::from(is_w.clone());
            let a = self.outputs.accesses.get(j);
            let native_key = a.map(|a| public_data_key(callee, a.slot));
            let src_idx = native_key.and_then(|k| native_writes.iter().position(|(x, _)| *x == k));
            let fresh = FpVar::from(Boolean::new_witness(cs.clone(), || Ok(src_idx.is_none()))?);
            let src: Vec<FpVar<Fr>> = (0..wk.len())
                .map(|k| {
                    Ok(FpVar::from(Boolean::new_witness(cs.clone(), || {
                        Ok(src_idx == Some(k))
                    })?))
                })
                .collect::<Result<_, SynthesisError>>()?;
            src.iter()
                .fold(fresh.clone(), |s, x| s + x)
                .enforce_equal(&FpVar::one())?;
            let visible = wc.before();
            let fresh_on = &active * &fresh;
            for k in 0..wk.len() {
                src[k].mul_equals(&(FpVar::one() - &visible[k]), &zero)?;
                let use_k = &src[k] * &active;
                use_k.mul_equals(&(&wk[k] - &key), &zero)?;
                let upd = &use_k * &is_w;
                (&use_k - &upd).mul_equals(&(&vals[k] - value), &zero)?;
                vals[k] = &vals[k] + upd * (value - &vals[k]);
                // A fresh key differs from every key already in the set.
                let need = &fresh_on * &visible[k];
                let diff = native_key.map_or(Fr::ZERO, |nk| {
                    native_writes.get(k).map_or(Fr::ZERO, |w| w.0 - nk)
                });
                let inv =
                    FpVar::new_witness(cs.clone(), || Ok(diff.inverse().unwrap_or(Fr::ZERO)))?;
                (&wk[k] - &key).mul_equals(&inv, &need)?;
            }
            let tree_on = as_bool(
                &cs,
                &(&fresh_on * (FpVar::one() - &is_w)),
                a.is_some_and(|a| !a.is_write) && src_idx.is_none(),
            )?;
            enforce_tree_read(&cs, &tree_on, &start_root, &key, value, &self.reads[j])?;
            let m = wc.step(&(&fresh_on * &is_w), &[(wk.clone(), key)])?;
            for (v, mk) in vals.iter_mut().zip(&m) {
                *v = &*v + mk * (value - &*v);
            }
            if let (Some(a), Some(k)) = (a.filter(|a| a.is_write), native_key) {
                match src_idx {
                    Some(i) => native_writes[i].1 = a.value,
                    None => native_writes.push((k, a.value)),
                }
            }
        }
        for (v, w) in vals.iter().zip(wv) {
            v.enforce_equal(w)?;
        }
        wc.enforce_zero_tail(&[wk, wv])?;
        wc.count().enforce_equal(&next.writes.0.count())?;
        // The rest of the new state, its hash, and the effects on the last call.
        next.tx_hash.enforce_equal(&tx_hash)?;
        next.start_root.enforce_equal(&start_root)?;
        next.fee.enforce_equal(&prev.fee)?;
        next.calls.count().enforce_equal(&prev.calls.count())?;
        for (a, b) in next.requests.iter().zip(&prev.requests) {
            a.0.enforce_equal(&b.0)?;
            a.1.enforce_equal(&b.1)?;
        }
        let next_index = &call_index + FpVar::one();
        next.call.count().enforce_equal(&next_index)?;
        let nf = next.fields(next_index.clone());
        hash_many_var(&nf)?.enforce_equal(&new_hash)?;
        let last = next_index.is_eq(&next.calls.count())?;
        let mut ef = vec![next.fee.clone()];
        ef.extend(next.notes.1.iter().cloned());
        ef.extend(next.nulls.1.iter().cloned());
        for (k, v) in wk.iter().zip(wv) {
            ef.extend([k.clone(), v.clone()]);
        }
        let eh = hash_many_var(&ef)?;
        effects.conditional_enforce_equal(&eh, &last)?;
        effects.conditional_enforce_equal(&zero, &!&last)
    }
}
