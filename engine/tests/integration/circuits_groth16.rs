//! Every circuit of the proof tree, proven with our Groth16 prover at the `tiny` preset on
//! witnesses from the block simulator, and verified (ark-groth16's verifier); a proof does not
//! verify against altered public inputs.

use ark_bn254::Fr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_circuits::rollup::{
    BaseRollupCircuit, GlobalVariables, MergeRollupCircuit, RootRollupCircuit,
};
use sidecar_circuits::sim::simulate_block;
use sidecar_circuits::sim::workload::Workload;
use sidecar_circuits::state::WorldState;
use sidecar_circuits::{BlockCircuit, Preset};
use sidecar_groth16::Groth16;

fn prove_and_verify<C: BlockCircuit>(preset: &Preset, real: C, seed: u64) {
    let g = Groth16::new(sidecar_kernels::Cpu::new());
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let pk = g.setup(C::blank(preset), &mut rng).unwrap();
    let prepared = g.prepare(&pk).unwrap();
    let vk = prepared.verifying_key();
    let x = real.public_inputs();
    let proof = g.prove(&prepared, real, &mut rng).unwrap();
    assert!(
        g.verify(&vk, &x, &proof).unwrap(),
        "{}: honest proof rejected",
        C::KIND.name()
    );
    for i in 0..x.len() {
        let mut bad = x.clone();
        bad[i] += Fr::from(1u64);
        assert!(
            !g.verify(&vk, &bad, &proof).unwrap(),
            "{}: input {i} not bound",
            C::KIND.name()
        );
    }
}

fn globals(state: &WorldState) -> GlobalVariables {
    GlobalVariables {
        chain_id: Fr::from(31337u64),
        block_number: state.archive.snapshot().next_index,
        timestamp: 1_700_000_000,
        coinbase: Fr::from(3u64),
    }
}

#[test]
fn every_circuit_proves_and_verifies_at_tiny() {
    let preset = Preset::tiny();
    let mut state = WorldState::genesis(&preset);
    let mut w = Workload::new(&preset, 21, 3).unwrap();
    let funding = w.funding_txs(500);
    let g = globals(&state);
    let block = simulate_block(
        &mut state,
        &w.registry,
        &funding,
        &[Fr::from(8u64)],
        g,
        Fr::from(5u64),
    )
    .unwrap();
    let tx = &block.txs[0];
    prove_and_verify(&preset, tx.vms[0].clone(), 1);
    prove_and_verify(&preset, tx.kernels[0].clone(), 2);
    prove_and_verify(
        &preset,
        BaseRollupCircuit {
            witness: block.rollup.bases[0].clone(),
        },
        3,
    );
    let merge = block.rollup.merges.first().expect("three txs need a merge");
    prove_and_verify(
        &preset,
        MergeRollupCircuit {
            witness: merge.clone(),
        },
        4,
    );
    prove_and_verify(
        &preset,
        RootRollupCircuit {
            witness: block.rollup.root.clone(),
        },
        5,
    );
}
