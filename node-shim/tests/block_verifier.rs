//! The L1 block-proof verifier on the devchain: every way to cheat is rejected with its own error, and the gas of
//! verification as a function of the number of proofs (printed; recorded in docs/benchmarks.md).

use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_node_shim::contracts::Rollup;
use sidecar_node_shim::deploy::send;
use sidecar_node_shim::fixture::ToyBlockProver;
use sidecar_node_shim::proof::{encode_proof, field_word};
use sidecar_node_shim::verifier::{compile_single_verifier, render_single_verifier};
use sidecar_node_shim::{
    BlockProof, BlockProver, BlockRequest, Devchain, EncodedBlockProof, L1, Node, NodeConfig,
    NodeError,
};

fn submit(
    node: &mut Node<'_>,
    from: Address,
    slot: u64,
    enc: EncodedBlockProof,
) -> Result<u64, NodeError> {
    let rollup = node.deployment.rollup;
    let call = Rollup::submitProofCall {
        slot: U256::from(slot),
        leaves: enc.leaves,
        proofs: enc.proofs,
        inputs: enc.inputs,
    };
    send(node.l1(), from, rollup, &call, U256::ZERO).map(|r| r.gas_used)
}

fn reason(result: Result<u64, NodeError>) -> String {
    match result {
        Err(NodeError::Reverted { reason, .. }) => reason,
        other => panic!("expected a revert, got {other:?}"),
    }
}

#[test]
fn cheating_block_proofs_are_rejected() {
    let prover = ToyBlockProver::setup(5).unwrap();
    let mut chain = Devchain::new(6, 9);
    let mut node = Node::setup(&mut chain, &prover, NodeConfig::new(2, 1, 1)).unwrap();
    let slot = node.first_slot;
    let (report, data) = node.open_slot(slot).unwrap();
    let (data, committed) = (data.unwrap(), report.prover.unwrap());
    let archive = node.archive().unwrap();
    let request = BlockRequest {
        slot,
        prev_archive: archive,
        data: data.clone(),
        prover: committed,
    };
    let good = prover.prove_block(&request).unwrap();
    assert!(good.verify_native(prover.verifying_keys()).unwrap());
    let mut rng = ChaCha20Rng::seed_from_u64(1);

    let wrong_archive = BlockRequest {
        prev_archive: Fr::rand(&mut rng),
        ..request.clone()
    };
    let r = reason(submit(
        &mut node,
        committed,
        slot,
        prover.prove_block(&wrong_archive).unwrap().encode(),
    ));
    assert!(
        r.starts_with("PublicInputMismatch") && r.contains("index: 0"),
        "{r}"
    );

    let mut other_data = data.clone();
    other_data[5] ^= 1;
    let wrong_data = BlockRequest {
        data: other_data,
        ..request.clone()
    };
    let r = reason(submit(
        &mut node,
        committed,
        slot,
        prover.prove_block(&wrong_data).unwrap().encode(),
    ));
    assert!(r.contains("index: 2"), "data hash bound: {r}");

    let stolen = BlockRequest {
        prover: node.watcher.address,
        ..request.clone()
    };
    let r = reason(submit(
        &mut node,
        committed,
        slot,
        prover.prove_block(&stolen).unwrap().encode(),
    ));
    assert!(r.contains("index: 3"), "prover bound: {r}");

    let mut swapped: BlockProof = good.clone();
    swapped.nodes.swap(good.leaves - 1, good.leaves);
    assert!(
        reason(submit(&mut node, committed, slot, swapped.encode())).starts_with("BrokenLinkage")
    );

    let mut forged = good.clone();
    let last = forged.nodes.len() - 1;
    forged.nodes[last].proof.c = (forged.nodes[last].proof.c + forged.nodes[0].proof.c).into();
    assert!(
        reason(submit(&mut node, committed, slot, forged.encode())).starts_with("ProofRejected")
    );

    let mut unreduced = good.encode();
    let r_mod = field_word(-Fr::from(1u64)) + U256::from(1u64);
    let k = unreduced.inputs.len() - 1;
    unreduced.inputs[k] += r_mod;
    assert!(reason(submit(&mut node, committed, slot, unreduced)).starts_with("InputNotInField"));

    let mut short = good.encode();
    short.leaves = U256::from(good.leaves + 1);
    assert!(reason(submit(&mut node, committed, slot, short)).starts_with("BadTreeShape"));

    let watcher = node.watcher.address;
    let gas = submit(&mut node, watcher, slot, good.encode())
        .expect("valid proof accepted from any sender");
    assert!(gas > 200_000);
    assert!(reason(submit(&mut node, committed, slot, good.encode())).starts_with("AlreadyProven"));
}

#[test]
fn gas_by_block_size() {
    let prover = ToyBlockProver::setup(5).unwrap();
    let mut rows = Vec::new();
    for leaves in [2usize, 4, 8, 16, 32] {
        let mut chain = Devchain::new(6, leaves as u64);
        let mut config = NodeConfig::new(2, 1, 1);
        config.txs_per_block = leaves;
        let mut node = Node::setup(&mut chain, &prover, config).unwrap();
        let report = node.run().unwrap().remove(0);
        rows.push((report.proofs, report.verify_gas.unwrap()));
    }
    println!("| proofs | submitProof gas | gas per proof |");
    for (proofs, gas) in &rows {
        println!("| {proofs} | {gas} | {} |", gas / *proofs as u64);
    }
    assert!(
        rows.windows(2).all(|w| w[1].1 > w[0].1),
        "interim verification grows with the block"
    );
    assert!(
        rows.last().unwrap().1 < 16_777_216,
        "63 proofs fit one transaction"
    );
}

#[test]
fn rendered_single_verifier_accepts_valid_and_rejects_tampered() {
    let sources_ok = sidecar_node_shim::contracts::solc::solc_available();
    if !sources_ok {
        eprintln!("SKIPPED: solc-js not installed (run scripts/node-deps.sh)");
        return;
    }
    let prover = ToyBlockProver::setup(5).unwrap();
    let source = render_single_verifier(&prover.verifying_keys().merge).unwrap();
    let code = compile_single_verifier(&source).unwrap();
    let mut chain = Devchain::new(2, 4);
    let from = chain.accounts()[0].address;
    let verifier = chain
        .deploy(from, code.into(), U256::ZERO)
        .unwrap()
        .contract_address
        .unwrap();

    let request = BlockRequest {
        slot: 0,
        prev_archive: Fr::from(9u64),
        data: vec![7u8; 128],
        prover: from,
    };
    let block = prover.prove_block(&request).unwrap();
    let merge = &block.nodes[1];
    let calldata = |proof: [U256; 8], inputs: &[Fr]| {
        let mut data =
            alloy::primitives::keccak256("verifyProof(uint256[8],uint256[2])")[..4].to_vec();
        for w in proof
            .into_iter()
            .chain(inputs.iter().map(|x| field_word(*x)))
        {
            data.extend_from_slice(&w.to_be_bytes::<32>());
        }
        alloy::primitives::Bytes::from(data)
    };
    let ok = chain.send(
        from,
        verifier,
        calldata(encode_proof(&merge.proof), &merge.public_inputs),
        U256::ZERO,
    );
    let gas = ok.expect("valid proof verifies").gas_used;
    println!("single Groth16 verify (2 public inputs, taceo-groth16-sol): {gas} gas");
    let wrong_inputs = [merge.public_inputs[1], merge.public_inputs[0]];
    let bad = chain.send(
        from,
        verifier,
        calldata(encode_proof(&merge.proof), &wrong_inputs),
        U256::ZERO,
    );
    assert!(
        matches!(bad, Err(sidecar_node_shim::L1Error::Reverted { .. })),
        "wrong inputs revert"
    );
}
