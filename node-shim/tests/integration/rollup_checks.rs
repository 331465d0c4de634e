//! `Rollup.submitProof` / `submitBackup` bind a block proof to L1 truth: on a real block proven by the engine at
//! `tiny`, a valid proof naming another prover, each root input that differs from the contract's state or the
//! revealed header, a header that differs from the revealed one, a tampered proof and a broken tree each revert
//! with their own error; the honest proof is accepted once; the backup phase pays the root's prover id.

use crate::common;

use alloy::primitives::U256;
use ark_ff::One;
use sidecar_circuits::Preset;
use sidecar_kernels::Cpu;
use sidecar_node_shim::contracts::Rollup;
use sidecar_node_shim::deploy::{send, view};
use sidecar_node_shim::driver::{submit_call, submit_proof};
use sidecar_node_shim::faults::{break_linkage, tamper_proof};
use sidecar_node_shim::proof::{RootPublicInputs as R, field_word, fr_from_word};
use sidecar_node_shim::{
    AnyBlockProof, BlockData, BlockHeader, BlockProof, BlockProver, BlockRequest, CircuitKind,
    Devchain, EngineBlockProver, Node, NodeConfig,
};

fn prover(dir: &std::path::Path) -> EngineBlockProver<Cpu> {
    EngineBlockProver::new(
        common::engine(),
        Preset::tiny(),
        &dir.join("keys"),
        &dir.join("bundles"),
    )
    .unwrap()
}

/// `proof` with root input `i` moved by one.
fn bump_root(proof: &BlockProof, i: usize) -> BlockProof {
    let mut p = proof.clone();
    let root = p.nodes.last_mut().unwrap();
    root.public_inputs[i] += ark_bn254::Fr::one();
    p
}

#[test]
fn root_inputs_and_header_are_bound_to_l1_truth() {
    let tmp = tempfile::tempdir().unwrap();
    let prover = prover(tmp.path());
    let mut chain = Devchain::new(6, 9);
    let mut config = NodeConfig::new(2, 1, 1);
    config.txs_per_block = 2;
    let mut node = Node::setup(&mut chain, &prover, config).unwrap();
    let (rollup, watcher) = (node.deployment.rollup, node.watcher.address);
    let slot = node.first_slot;
    let (report, data) = node.open_slot(slot).unwrap();
    let (data, committed) = (data.unwrap(), report.prover.unwrap());
    let header = BlockData::decode(&data).unwrap().header;
    let prev_archive = node.archive().unwrap();
    let request = BlockRequest {
        slot,
        prev_archive,
        data: data.clone(),
        prover: committed,
    };
    let good = prover.prove_block(&request).unwrap();
    let vks = prover.verifying_keys();
    good.verify_native(vks).unwrap();
    let foreign = prover
        .prove_block(&BlockRequest {
            prover: watcher,
            ..request.clone()
        })
        .unwrap();
    assert!(
        foreign.verify_native(vks).is_ok(),
        "a valid proof, but naming the watcher"
    );

    let submit = |node: &mut Node<'_>, h: &BlockHeader, p: &BlockProof| {
        send(
            node.l1(),
            committed,
            rollup,
            &submit_call(slot, h, p),
            U256::ZERO,
        )
    };
    let r = common::reason(submit(&mut node, &header, &foreign));
    assert!(
        r.starts_with("PublicInputMismatch") && r.contains("index: 4,"),
        "{r}"
    );
    for i in [
        R::PREVIOUS_ARCHIVE,
        R::OUT_HASH,
        R::IN_HASH,
        R::CHAIN_ID,
        R::BLOCK_NUMBER,
        R::TIMESTAMP,
        R::COINBASE,
    ] {
        let bad = bump_root(&good, i);
        assert!(bad.verify_native(vks).is_err(), "root input {i}: native");
        let r = common::reason(submit(&mut node, &header, &bad));
        assert!(
            r.starts_with("PublicInputMismatch") && r.contains(&format!("index: {i},")),
            "root input {i}: {r}"
        );
    }
    let mut other = header.clone();
    other.timestamp += U256::from(1u64);
    let r = common::reason(submit(&mut node, &other, &good));
    assert!(r.starts_with("HeaderMismatch"), "{r}");
    let mut other = header.clone();
    other.callsPerTx.push(U256::ZERO);
    let r = common::reason(submit(&mut node, &other, &good));
    assert!(r.starts_with("HeaderMismatch"), "{r}");
    let forest = AnyBlockProof::Forest(good.clone());
    let mut submit_any = |p: &AnyBlockProof| {
        common::reason(submit_proof(node.l1(), committed, rollup, slot, &header, p))
    };
    let r = submit_any(&tamper_proof(&forest).unwrap());
    assert!(r.starts_with("ProofRejected"), "{r}");
    let r = submit_any(&break_linkage(&forest).unwrap());
    assert!(
        r.starts_with("BrokenLink") || r.starts_with("CallCountMismatch"),
        "{r}"
    );

    // The proving window closes without an accepted proof: backup phase.
    common::mine_to_backup(&mut node, slot);
    let r = common::reason(submit(&mut node, &header, &good));
    assert!(r.starts_with("WrongPhase"), "{r}");
    let backup = |p: &BlockProof, data: &[u8]| {
        let enc = p.encode();
        Rollup::submitBackupCall {
            slot: U256::from(slot),
            data: data.to_vec().into(),
            proofs: enc.proofs,
            inputs: enc.inputs,
        }
    };
    let mut huge = backup(&foreign, &data);
    let prover_at = huge.inputs.len() - vks.num_inputs(CircuitKind::RootRollup) + R::PROVER_ID;
    huge.inputs[prover_at] = (U256::from(1u64) << 160) + U256::from(7u64);
    let r = common::reason(send(node.l1(), watcher, rollup, &huge, U256::ZERO));
    assert!(
        r.starts_with("PublicInputMismatch") && r.contains("index: 4,"),
        "{r}"
    );
    let mut other_data = data.clone();
    *other_data.last_mut().unwrap() ^= 1;
    let r = common::reason(send(
        node.l1(),
        watcher,
        rollup,
        &backup(&foreign, &other_data),
        U256::ZERO,
    ));
    assert!(r.starts_with("DataMismatch"), "{r}");

    send(
        node.l1(),
        watcher,
        rollup,
        &backup(&foreign, &data),
        U256::ZERO,
    )
    .unwrap();
    let info = view(
        node.l1(),
        rollup,
        &Rollup::slotInfoCall {
            slot: U256::from(slot),
        },
    )
    .unwrap();
    assert_eq!(info.provenBy, watcher, "paid to the root's prover id");
    assert!(info.backup && info.slashed);
    let root = foreign.root_inputs().unwrap();
    assert_eq!(node.archive().unwrap(), root[R::NEW_ARCHIVE]);
    assert_ne!(node.archive().unwrap(), prev_archive);
    assert_eq!(
        fr_from_word(
            view(node.l1(), rollup, &Rollup::archiveCall {})
                .unwrap()
                .into()
        ),
        root[R::NEW_ARCHIVE]
    );
    let next = view(node.l1(), rollup, &Rollup::nextBlockNumberCall {}).unwrap();
    assert_eq!(next, field_word(root[R::BLOCK_NUMBER]) + U256::from(1u64));
    let r = common::reason(send(
        node.l1(),
        watcher,
        rollup,
        &backup(&foreign, &data),
        U256::ZERO,
    ));
    assert!(r.starts_with("AlreadyProven"), "{r}");
}
