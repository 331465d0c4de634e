//! Forged witnesses for the holes a review found are unsatisfiable: a tx without public calls
//! writing public data, a base lying about its tx's call count, a zero nullifier (private or
//! from public execution), and an in hash other than the root of the consumed messages. Random
//! inputs throughout; each forged witness differs from a satisfying one in the forged part only.

use ark_bn254::Fr;
use ark_ff::{UniformRand, Zero};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sidecar_circuits::effects::{ProcessedTx, PublicDataWrite, TxEffects};
use sidecar_circuits::kernel::{KernelCircuit, KernelState};
use sidecar_circuits::poseidon::hash2;
use sidecar_circuits::rollup::{
    BasePublicInputs, BaseRollupCircuit, BaseRollupWitness, GlobalVariables, RootPublicInputs,
    RootRollupCircuit, build_block, in_hash,
};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tx::{PublicCallRequest, Tx};
use sidecar_circuits::vm::{Bytecode, Instruction, Opcode, VmOutputs, bytecode_hash};
use sidecar_circuits::{BlockCircuit, Error, Preset};

fn satisfied<C: ConstraintSynthesizer<Fr>>(c: C) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    c.generate_constraints(cs.clone()).unwrap();
    cs.is_satisfied().unwrap()
}

fn random_private_tx(rng: &mut ChaCha20Rng) -> Tx {
    Tx {
        note_hashes: (0..rng.gen_range(1..=2)).map(|_| Fr::rand(rng)).collect(),
        nullifiers: (0..rng.gen_range(1..=2)).map(|_| Fr::rand(rng)).collect(),
        public_calls: vec![],
        fee: rng.gen_range(1..1_000_000),
    }
}

/// `tx` with one public call, and effects with a public data write (what a kernel would output).
fn with_call_and_write(rng: &mut ChaCha20Rng, tx: &Tx) -> ProcessedTx {
    let mut effects = TxEffects::private_part(tx);
    effects.public_data_writes.push(PublicDataWrite {
        key: Fr::rand(rng),
        value: Fr::rand(rng),
    });
    let mut tx = tx.clone();
    tx.public_calls.push(PublicCallRequest {
        contract: Fr::rand(rng),
        calldata: vec![Fr::rand(rng)],
    });
    ProcessedTx { tx, effects }
}

#[test]
fn soundness_private_only_tx_cannot_write_public_data() {
    let preset = Preset::tiny();
    let mut rng = ChaCha20Rng::seed_from_u64(1101);
    for _ in 0..3 {
        let private = random_private_tx(&mut rng);
        let honest = BaseRollupWitness::build(
            &mut WorldState::genesis(&preset),
            &ProcessedTx::private_only(private.clone()).unwrap(),
        )
        .unwrap();
        assert!(satisfied(BaseRollupCircuit { witness: honest }));

        // The simulator-free path refuses it natively ...
        let with_call = with_call_and_write(&mut rng, &private);
        let forged_native = ProcessedTx {
            tx: private.clone(),
            effects: with_call.effects.clone(),
        };
        assert!(matches!(
            BaseRollupWitness::build(&mut WorldState::genesis(&preset), &forged_native),
            Err(Error::Inconsistent(_))
        ));

        // ... and a witness built around it (valid insertions of the write, the tx declared
        // without calls) is unsatisfiable.
        let mut forged =
            BaseRollupWitness::build(&mut WorldState::genesis(&preset), &with_call).unwrap();
        assert!(satisfied(BaseRollupCircuit {
            witness: forged.clone()
        }));
        forged.tx = private.clone();
        assert!(!satisfied(BaseRollupCircuit { witness: forged }));

        // Nor can a private-only tx insert other private effects than its own.
        let mut other = BaseRollupWitness::build(
            &mut WorldState::genesis(&preset),
            &ProcessedTx::private_only(random_private_tx(&mut rng)).unwrap(),
        )
        .unwrap();
        other.tx = private;
        assert!(!satisfied(BaseRollupCircuit { witness: other }));
    }
}

#[test]
fn soundness_base_exposes_the_call_count_of_its_tx() {
    let preset = Preset::tiny();
    let mut rng = ChaCha20Rng::seed_from_u64(1102);
    let private = random_private_tx(&mut rng);
    let with_call = with_call_and_write(&mut rng, &private);
    let w = BaseRollupWitness::build(&mut WorldState::genesis(&preset), &with_call).unwrap();
    let pi = BaseRollupCircuit { witness: w.clone() }.public_inputs();
    assert_eq!(pi.len(), BasePublicInputs::LEN);
    assert_eq!(pi[BasePublicInputs::NUM_CALLS], Fr::from(1u64));
    assert_eq!(
        pi[BasePublicInputs::TX_HASH],
        with_call.tx.hash(&preset).unwrap()
    );
    // Dropping the call from the tx changes both the count and the hash it is bound to.
    let mut dropped = w;
    dropped.tx.public_calls.clear();
    let pi0 = dropped.public_inputs();
    assert_eq!(pi0[BasePublicInputs::NUM_CALLS], Fr::zero());
    assert_ne!(
        pi0[BasePublicInputs::TX_HASH],
        pi[BasePublicInputs::TX_HASH]
    );
}

/// A kernel step for a tx whose one call runs `return`, with `outputs` as the call's logs.
fn kernel_step(rng: &mut ChaCha20Rng, tx_nullifiers: Vec<Fr>, outputs: VmOutputs) -> KernelCircuit {
    let preset = Preset::tiny();
    let code = Bytecode(vec![Instruction::new(Opcode::Return, 0, 0, 0, 0)]);
    let salt = Fr::rand(rng);
    let contract = hash2(bytecode_hash(&preset, &code).unwrap(), salt);
    let tx = Tx {
        note_hashes: vec![Fr::rand(rng)],
        nullifiers: tx_nullifiers,
        public_calls: vec![PublicCallRequest {
            contract,
            calldata: vec![],
        }],
        fee: rng.gen_range(1..1000),
    };
    let prev = KernelState::init(&preset, &tx, Fr::rand(rng)).unwrap();
    KernelCircuit::new(&preset, &tx, &prev, &code, salt, &outputs, vec![]).unwrap()
}

#[test]
fn soundness_zero_nullifier_is_unsatisfiable() {
    let mut rng = ChaCha20Rng::seed_from_u64(1103);
    let emit = |n: Fr| VmOutputs {
        nullifiers: vec![n],
        ..VmOutputs::default()
    };
    // Emitted by public execution.
    let (first, emitted) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    assert!(satisfied(kernel_step(&mut rng, vec![first], emit(emitted))));
    assert!(!satisfied(kernel_step(
        &mut rng,
        vec![first],
        emit(Fr::zero())
    )));
    // A private nullifier of a tx with public calls.
    assert!(!satisfied(kernel_step(
        &mut rng,
        vec![Fr::zero()],
        emit(emitted)
    )));
    // A private nullifier of a tx without public calls, at the base.
    let preset = Preset::tiny();
    let mut tx = random_private_tx(&mut rng);
    tx.nullifiers = vec![Fr::rand(&mut rng), Fr::zero()];
    let ptx = ProcessedTx::private_only(tx).unwrap();
    match BaseRollupWitness::build(&mut WorldState::genesis(&preset), &ptx) {
        Ok(w) => assert!(!satisfied(BaseRollupCircuit { witness: w })),
        Err(e) => panic!("the insertion itself accepts padding zeros: {e}"),
    }
}

#[test]
fn soundness_in_hash_is_the_root_of_the_consumed_messages() {
    let preset = Preset::tiny();
    let mut rng = ChaCha20Rng::seed_from_u64(1104);
    let mut state = WorldState::genesis(&preset);
    let txs: Vec<ProcessedTx> = (0..2)
        .map(|_| ProcessedTx::private_only(random_private_tx(&mut rng)).unwrap())
        .collect();
    let msgs = [Fr::rand(&mut rng)];
    let global = GlobalVariables {
        chain_id: Fr::from(31337u64),
        block_number: state.archive_snapshot().next_index,
        timestamp: 1_700_000_000,
        coinbase: Fr::rand(&mut rng),
    };
    let block = build_block(&mut state, &txs, &msgs, global, Fr::rand(&mut rng)).unwrap();
    let root = RootRollupCircuit {
        witness: block.root.clone(),
    };
    assert_eq!(
        root.public_inputs()[RootPublicInputs::IN_HASH],
        in_hash(&preset, &msgs).unwrap()
    );
    assert!(satisfied(root));
    // Another batch than the one inserted into the L1→L2 tree.
    let mut bad = block.root;
    bad.l1_to_l2_msgs[1] = Fr::rand(&mut rng);
    assert!(!satisfied(RootRollupCircuit { witness: bad }));
}

#[test]
fn soundness_processed_tx_checks_match_the_circuit() {
    let preset = Preset::tiny();
    let mut rng = ChaCha20Rng::seed_from_u64(1105);
    let private = random_private_tx(&mut rng);
    assert!(ProcessedTx::private_only(with_call_and_write(&mut rng, &private).tx).is_err());
    let mut effects = TxEffects::private_part(&private);
    effects.fee += 1;
    let p = ProcessedTx {
        tx: private,
        effects,
    };
    assert!(
        p.check(&preset).is_err(),
        "a different fee is not the private part"
    );
}
