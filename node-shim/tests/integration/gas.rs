//! Gas of the interim block check: `Rollup.submitProof` on real tiny blocks of 2, 4, 8 and 16 txs (ignored in CI:
//! `cargo test --release -p sidecar-node-shim --test integration -- gas:: --ignored --nocapture`; the table goes into
//! docs/benchmarks.md), and the rendered single-proof verifier as the per-proof reference (in CI).

use crate::common;

use alloy::primitives::{Bytes, U256, keccak256};
use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_circuits::Preset;
use sidecar_node_shim::proof::{encode_proof, field_word};
use sidecar_node_shim::verifier::{compile_single_verifier, render_single_verifier};
use sidecar_node_shim::{
    BlockData, CircuitKind, Devchain, EngineBlockProver, L1, L1Error, Node, NodeConfig,
};

#[test]
#[ignore = "proves blocks of up to 16 txs (minutes); run it to refresh docs/benchmarks.md"]
fn submit_proof_gas_by_block_size() {
    let tmp = tempfile::tempdir().unwrap();
    let prover = EngineBlockProver::new(
        common::engine(),
        Preset::tiny(),
        &tmp.path().join("keys"),
        &tmp.path().join("bundles"),
    )
    .unwrap();
    let mut rows = Vec::new();
    for txs in [2usize, 4, 8, 16] {
        let mut chain = Devchain::new(4, txs as u64);
        let mut config = NodeConfig::new(1, 1, 1);
        config.txs_per_block = txs;
        let mut node = Node::setup(&mut chain, &prover, config).unwrap();
        let slot = node.first_slot;
        let (mut report, data) = node.open_slot(slot).unwrap();
        let calls = BlockData::decode(data.as_ref().unwrap())
            .unwrap()
            .calls_per_tx()
            .unwrap();
        node.close_slot(&mut report, data).unwrap();
        let c: usize = calls.iter().sum();
        let proofs = report.proofs;
        assert_eq!(proofs, 2 * c + 2 * txs - 1);
        let keys = 2 + usize::from(txs > 2) + 2 * usize::from(c > 0);
        rows.push((
            txs,
            c,
            proofs,
            proofs + 3 * keys,
            report.verify_gas.unwrap(),
        ));
    }
    println!("| txs | public calls | proofs | pairings | submitProof gas | gas per proof |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for (txs, c, proofs, pairings, gas) in &rows {
        println!(
            "| {txs} | {c} | {proofs} | {pairings} | {gas} | {} |",
            gas / *proofs as u64
        );
    }
    assert!(
        rows.windows(2).all(|w| w[1].4 > w[0].4),
        "interim verification grows with the block"
    );
    assert!(rows.last().unwrap().4 < 16_777_216, "fits one transaction");
}

#[test]
fn rendered_single_verifier_accepts_a_real_proof_and_rejects_a_wrong_input() {
    if !sidecar_node_shim::contracts::solc::solc_available() {
        eprintln!("SKIPPED: solc-js not installed (run scripts/node-deps.sh)");
        return;
    }
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let block = common::prove(2, false, 17, Fr::rand(&mut rng)).proof;
    let vks = &common::keys().vks;
    let base = &block.nodes[0];
    assert_eq!(base.kind, CircuitKind::BaseRollup);
    let source = render_single_verifier(vks.get(CircuitKind::BaseRollup)).unwrap();
    let code = compile_single_verifier(&source).unwrap();
    let mut chain = Devchain::new(2, 4);
    let from = chain.accounts()[0].address;
    let verifier = chain
        .deploy(from, code.into(), U256::ZERO)
        .unwrap()
        .contract_address
        .unwrap();
    let signature = format!(
        "verifyProof(uint256[8],uint256[{}])",
        base.public_inputs.len()
    );
    let calldata = |inputs: &[Fr]| {
        let mut data = keccak256(signature.as_bytes())[..4].to_vec();
        for w in encode_proof(&base.proof)
            .into_iter()
            .chain(inputs.iter().map(|x| field_word(*x)))
        {
            data.extend_from_slice(&w.to_be_bytes::<32>());
        }
        Bytes::from(data)
    };
    let gas = chain
        .send(from, verifier, calldata(&base.public_inputs), U256::ZERO)
        .expect("valid proof verifies")
        .gas_used;
    println!(
        "single Groth16 verify ({} public inputs, taceo-groth16-sol): {gas} gas",
        base.public_inputs.len()
    );
    let mut wrong = base.public_inputs.clone();
    wrong[0] += Fr::from(1u64);
    let bad = chain.send(from, verifier, calldata(&wrong), U256::ZERO);
    assert!(
        matches!(bad, Err(L1Error::Reverted { .. })),
        "wrong input reverts"
    );
}
