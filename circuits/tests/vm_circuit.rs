//! The VM circuit: valid executions satisfy it; wrong results, bad jumps and tampered bytecode
//! do not.

use std::collections::HashMap;

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sidecar_circuits::vm::examples::{COUNTER, MINT, TOKEN, example};
use sidecar_circuits::vm::{Bytecode, Instruction, Opcode, Storage, VmCircuit, assemble, execute};
use sidecar_circuits::{BlockCircuit, Error, Preset};

#[derive(Default)]
struct Map(HashMap<Fr, Fr>);

impl Storage for Map {
    fn sload(&mut self, slot: Fr) -> sidecar_circuits::Result<Fr> {
        Ok(self.0.get(&slot).copied().unwrap_or_default())
    }
    fn sstore(&mut self, slot: Fr, value: Fr) -> sidecar_circuits::Result<()> {
        self.0.insert(slot, value);
        Ok(())
    }
}

fn satisfied(c: VmCircuit) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    c.generate_constraints(cs.clone()).unwrap();
    cs.is_satisfied().unwrap()
}

fn token_call(rng: &mut ChaCha8Rng, preset: &Preset) -> (VmCircuit, Map) {
    let (from, to) = (rng.gen_range(1..1000u64), rng.gen_range(1000..2000u64));
    let balance = rng.gen_range(100..1u64 << 40);
    let amount = rng.gen_range(1..=balance);
    let mut st = Map::default();
    st.0.insert(Fr::from(from), Fr::from(balance));
    let calldata = [
        Fr::from(0u64),
        Fr::from(from),
        Fr::from(to),
        Fr::from(amount),
    ];
    let c = VmCircuit::execute(preset, &example(TOKEN), &calldata, &mut st).unwrap();
    assert_eq!(st.0[&Fr::from(from)], Fr::from(balance - amount));
    assert_eq!(st.0[&Fr::from(to)], Fr::from(amount));
    (c, st)
}

#[test]
fn vm_examples_satisfy() {
    let preset = Preset::tiny();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for _ in 0..3 {
        let (c, _) = token_call(&mut rng, &preset);
        assert!(satisfied(c));
    }
    let mut st = Map::default();
    let inc = Fr::from(rng.r#gen::<u64>());
    let c = VmCircuit::execute(&preset, &example(COUNTER), &[inc], &mut st).unwrap();
    assert_eq!(st.0[&Fr::from(0u64)], inc);
    assert!(satisfied(c));
    let data: Vec<Fr> = (0..4).map(|_| Fr::from(rng.r#gen::<u64>())).collect();
    let c = VmCircuit::execute(&preset, &example(MINT), &data, &mut st).unwrap();
    assert_eq!(c.outputs.note_hashes, vec![data[2]]);
    assert_eq!(c.outputs.nullifiers, vec![data[3]]);
    assert!(satisfied(c));
}

#[test]
fn vm_insufficient_balance_reverts() {
    let preset = Preset::tiny();
    let mut st = Map::default();
    st.0.insert(Fr::from(7u64), Fr::from(10u64));
    let calldata = [
        Fr::from(0u64),
        Fr::from(7u64),
        Fr::from(8u64),
        Fr::from(11u64),
    ];
    let err = execute(&preset, &example(TOKEN), &calldata, &mut st).unwrap_err();
    assert!(matches!(err, Error::Reverted { pc: 14 }), "{err}");
}

#[test]
fn vm_wrong_register_result_fails() {
    let preset = Preset::tiny();
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let (c, _) = token_call(&mut rng, &preset);
    // Row 9 is after `sub r3, r3, r2` (row 8): claim a different difference.
    let mut bad = c.clone();
    bad.rows[9].regs[3] += Fr::from(1u64);
    assert!(!satisfied(bad));
    // The same lie carried into the logged store value, with a consistent outputs hash.
    let mut bad = c.clone();
    for row in bad.rows.iter_mut().skip(9) {
        row.regs[3] += Fr::from(1u64);
    }
    bad.outputs.accesses[1].value += Fr::from(1u64);
    bad.outputs_hash = bad.outputs.hash(&preset);
    assert!(!satisfied(bad));
    assert!(satisfied(c));
}

#[test]
fn vm_wrong_storage_log_fails() {
    let preset = Preset::tiny();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (mut c, _) = token_call(&mut rng, &preset);
    c.outputs.accesses[2].slot += Fr::from(1u64);
    c.outputs_hash = c.outputs.hash(&preset);
    assert!(!satisfied(c));
}

#[test]
fn vm_jump_to_non_instruction_fails() {
    let preset = Preset::tiny();
    let code = assemble("set r0, 1\njmpi r0, 3\nreturn\n").unwrap();
    let err = execute(&preset, &code, &[], &mut Map::default()).unwrap_err();
    assert!(matches!(err, Error::VmFault { pc: 1, .. }), "{err}");
    // Prove it anyway: a trace that lands on the zero padding word at index 3, then halts there.
    let ok = assemble("set r0, 1\njmpi r0, 2\nreturn\n").unwrap();
    let mut c = VmCircuit::execute(&preset, &ok, &[], &mut Map::default()).unwrap();
    assert!(satisfied(c.clone()));
    c.words[1] = Instruction::new(Opcode::Jmpi, 0, 0, 0, 3).encode().unwrap();
    c.bytecode_hash = sidecar_circuits::poseidon::hash_many(&c.words);
    for row in c.rows.iter_mut().skip(2) {
        row.pc = 3;
    }
    assert!(!satisfied(c));
    // A target beyond the padded bytecode has no one-hot pc at all.
    let far = Instruction::new(Opcode::Jmp, 0, 0, 0, preset.vm_max_bytecode_len as u64);
    let code = Bytecode(vec![far, Instruction::new(Opcode::Return, 0, 0, 0, 0)]);
    let mut c = VmCircuit::execute(&preset, &ok, &[], &mut Map::default()).unwrap();
    c.words = code.padded_words(preset.vm_max_bytecode_len).unwrap();
    c.bytecode_hash = sidecar_circuits::poseidon::hash_many(&c.words);
    assert!(!satisfied(c));
}

#[test]
fn vm_tampered_bytecode_fails() {
    let preset = Preset::tiny();
    let mut st = Map::default();
    let mut c = VmCircuit::execute(&preset, &example(COUNTER), &[Fr::from(5u64)], &mut st).unwrap();
    // `add` → `mul` in the witness only: the public bytecode hash no longer matches.
    c.words[3] = Instruction::new(Opcode::Mul, 1, 1, 2, 0).encode().unwrap();
    assert!(!satisfied(c));
}

#[test]
fn vm_blank_has_the_shape_of_real_witnesses() {
    let preset = Preset::tiny();
    let shape = |c: VmCircuit| {
        let cs = ConstraintSystem::<Fr>::new_ref();
        c.generate_constraints(cs.clone()).unwrap();
        assert!(cs.is_satisfied().unwrap());
        (
            cs.num_constraints(),
            cs.num_instance_variables(),
            cs.num_witness_variables(),
        )
    };
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let (c, _) = token_call(&mut rng, &preset);
    assert_eq!(shape(VmCircuit::blank(&preset)), shape(c));
}

#[test]
fn vm_assembler_round_trips() {
    for (_, src) in sidecar_circuits::vm::examples::ALL {
        let code = assemble(src).unwrap();
        let printed = sidecar_circuits::vm::print(&code);
        assert_eq!(assemble(&printed).unwrap(), code);
        let words = code.padded_words(32).unwrap();
        assert_eq!(Bytecode::from_words(&words).unwrap(), code);
    }
    assert!(matches!(
        assemble("add r1, r9, r2"),
        Err(Error::Asm { line: 1, .. })
    ));
    assert!(matches!(assemble("nop\n"), Err(Error::Asm { line: 1, .. })));
    assert!(matches!(
        assemble("x:\nx:\nreturn"),
        Err(Error::Asm { line: 2, .. })
    ));
}
