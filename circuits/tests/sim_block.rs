//! The simulator: a block of generated txs yields witnesses that satisfy every circuit of the
//! proof tree; invalid txs are rejected, by index, before any proving.

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use sidecar_circuits::rollup::{
    BaseRollupCircuit, GlobalVariables, MergeRollupCircuit, RootRollupCircuit,
};
use sidecar_circuits::sim::workload::{Invalid, Workload};
use sidecar_circuits::sim::{SimulatedBlock, simulate_block};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tree::{LinkSet, tree_for_calls};
use sidecar_circuits::{BlockCircuit, Error, Preset};

fn satisfied<C: ConstraintSynthesizer<Fr>>(c: C) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    c.generate_constraints(cs.clone()).unwrap();
    cs.is_satisfied().unwrap()
}

fn globals(state: &WorldState) -> GlobalVariables {
    GlobalVariables {
        chain_id: Fr::from(31337u64),
        block_number: state.archive.snapshot().next_index,
        timestamp: 1_700_000_000,
        coinbase: Fr::from(7u64),
    }
}

fn check_all(block: &SimulatedBlock) {
    for tx in &block.txs {
        for (vm, k) in tx.vms.iter().zip(&tx.kernels) {
            assert_eq!(vm.public_inputs()[..], k.public_inputs()[4..7]);
            assert!(satisfied(vm.clone()));
            assert!(satisfied(k.clone()));
        }
        if let Some(last) = tx.kernels.last() {
            assert_eq!(
                last.public_inputs()[7],
                tx.effects.hash(&last.preset).unwrap()
            );
        }
    }
    for (tx, base) in block.txs.iter().zip(&block.rollup.bases) {
        assert_eq!(
            base.effects_hash,
            tx.effects.hash(&Preset::tiny()).unwrap(),
            "kernel ↔ base link"
        );
    }
    for b in &block.rollup.bases {
        assert!(satisfied(BaseRollupCircuit { witness: b.clone() }));
    }
    for m in &block.rollup.merges {
        assert!(satisfied(MergeRollupCircuit { witness: m.clone() }));
    }
    assert!(satisfied(RootRollupCircuit {
        witness: block.rollup.root.clone()
    }));
    // The proof tree: the tree rule's nodes, each with its witness, links holding.
    let tree = block.clone().into_tree().unwrap();
    let calls = tree.calls_per_tx();
    assert_eq!(tree.nodes(), &tree_for_calls(&calls).unwrap()[..]);
    let inputs: Vec<Vec<Fr>> = tree.circuits().iter().map(|c| c.public_inputs()).collect();
    LinkSet::build(tree.nodes())
        .unwrap()
        .check(&inputs)
        .unwrap();
}

#[test]
fn sim_blocks_of_generated_txs_satisfy_every_circuit() {
    let preset = Preset::tiny();
    let mut state = WorldState::genesis(&preset);
    let mut w = Workload::new(&preset, 11, 3).unwrap();
    let funding = w.funding_txs(1_000);
    let g = globals(&state);
    let block = simulate_block(&mut state, &w.registry, &funding, &[], g, Fr::from(9u64)).unwrap();
    check_all(&block);
    let txs = w.valid_txs(&state, 4);
    let g = globals(&state);
    let block = simulate_block(
        &mut state,
        &w.registry,
        &txs,
        &[Fr::from(5u64)],
        g,
        Fr::from(9u64),
    )
    .unwrap();
    assert_eq!(block.txs.len(), 4);
    assert!(
        block.txs.iter().any(|t| !t.kernels.is_empty()),
        "some txs call public functions"
    );
    check_all(&block);
}

#[test]
fn sim_rejects_invalid_txs_by_index() {
    let preset = Preset::tiny();
    let mut state = WorldState::genesis(&preset);
    let mut w = Workload::new(&preset, 12, 2).unwrap();
    let funding = w.funding_txs(50);
    let g = globals(&state);
    simulate_block(&mut state, &w.registry, &funding, &[], g, Fr::from(1u64)).unwrap();
    for (kind, needle) in [
        (Invalid::DoubleSpend, "double spend"),
        (Invalid::InsufficientBalance, "reverted"),
        (Invalid::UnknownContract, "no contract"),
        (Invalid::TooManyNullifiers, "too many nullifiers"),
    ] {
        let mut txs = w.valid_txs(&state, 3);
        txs.insert(2, w.invalid_tx(&state, kind));
        let before = state.clone();
        let g = globals(&state);
        let err =
            simulate_block(&mut state, &w.registry, &txs, &[], g, Fr::from(1u64)).unwrap_err();
        match &err {
            Error::InvalidTx { index: 2, reason } => {
                assert!(reason.contains(needle), "{kind:?}: {reason}")
            }
            other => panic!("{kind:?}: {other}"),
        }
        assert_eq!(state, before, "a rejected block leaves the state untouched");
    }
}

#[test]
fn sim_tx_json_round_trips() {
    let preset = Preset::tiny();
    let state = WorldState::genesis(&preset);
    let mut w = Workload::new(&preset, 13, 2).unwrap();
    for tx in w.funding_txs(10).into_iter().chain(w.valid_txs(&state, 5)) {
        let back = sidecar_circuits::tx::Tx::from_json(&tx.to_json()).unwrap();
        assert_eq!(back.hash(&preset).unwrap(), tx.hash(&preset).unwrap());
        assert_eq!(back, tx);
    }
    let reg =
        sidecar_circuits::tx::ContractRegistry::from_json(&preset, &w.registry.to_json()).unwrap();
    assert_eq!(reg, w.registry);
    assert!(sidecar_circuits::tx::Tx::from_json("{\"fee\": 1}").is_err());
}
