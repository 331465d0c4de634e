//! The rollup contract against the lifecycle holes of the soundness review, on the embedded devchain with real
//! `tiny` blocks: a block whose L1->L2 messages are not the inbox's batch reverts with `InHashMismatch`; a proposer
//! that withholds its data is slashed instead of the prover it named; a submission copied from the mempool pays
//! its sender nothing.

use crate::common;

use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_circuits::Preset;
use sidecar_kernels::Cpu;
use sidecar_node_shim::contracts::{Rollup, SequencerRegistry};
use sidecar_node_shim::deploy::{send, view};
use sidecar_node_shim::driver::submit_call;
use sidecar_node_shim::{
    BlockData, BlockProof, BlockProver, BlockRequest, Devchain, EngineBlockProver, Fault, Node,
    NodeConfig, SlotOutcome,
};
use std::sync::OnceLock;

fn prover() -> &'static EngineBlockProver<Cpu> {
    static P: OnceLock<(tempfile::TempDir, EngineBlockProver<Cpu>)> = OnceLock::new();
    &P.get_or_init(|| {
        let work = tempfile::tempdir().unwrap();
        let p = EngineBlockProver::new(
            common::engine(),
            Preset::tiny(),
            common::keys().dir.path(),
            work.path(),
        )
        .unwrap();
        (work, p)
    })
    .1
}

fn config(sequencers: usize, slots: u64, faults: &[(u64, Fault)]) -> NodeConfig {
    let mut c = NodeConfig::new(sequencers, 1, slots);
    c.txs_per_block = 2;
    c.faults.extend(faults.iter().copied());
    c
}

/// Block data for `slot` consuming `messages`, and its proof naming `prover_id`.
fn block(node: &Node<'_>, slot: u64, messages: &[Fr], prover_id: Address) -> (Vec<u8>, BlockProof) {
    let p = prover();
    let archive = node.archive().unwrap();
    let data = p
        .build_block(archive, slot, 2, 1000 + slot, messages)
        .unwrap();
    let proof = p
        .prove_block(&BlockRequest {
            slot,
            prev_archive: archive,
            data: data.clone(),
            prover: prover_id,
        })
        .unwrap();
    (data, proof)
}

fn backup_call(slot: u64, data: &[u8], proof: &BlockProof) -> Rollup::submitBackupCall {
    let enc = proof.encode();
    Rollup::submitBackupCall {
        slot: U256::from(slot),
        data: data.to_vec().into(),
        proofs: enc.proofs,
        inputs: enc.inputs,
    }
}

#[test]
fn soundness_l1_rejects_messages_that_are_not_the_inbox_batch() {
    let mut chain = Devchain::new(6, 11);
    let mut node = Node::setup(
        &mut chain,
        prover(),
        config(1, 2, &[(1, Fault::NoProposal)]),
    )
    .unwrap();
    let first = node.first_slot;
    let r0 = node.run_slot(first).unwrap();
    assert_eq!(
        r0.messages_consumed.map(|c| c.1),
        Some(0),
        "the first batch is empty"
    );
    let sent = r0.messages_sent.clone();
    assert_eq!(sent.len(), 1);

    // Slot 1 has no proposal: in the backup phase anyone proves a block of their choosing, but its messages must
    // be the batch the inbox sealed for it (the one sent in slot 0).
    let slot = first + 1;
    let (r1, none) = node.open_slot(slot).unwrap();
    assert!(none.is_none());
    let batch = node.next_batch().unwrap();
    assert_eq!(
        batch,
        vec![sent[0].1],
        "the message sent in slot 0 waits for this block"
    );
    common::mine_to_backup(&mut node, slot);
    let (rollup, watcher) = (node.deployment.rollup, node.watcher.address);
    let mut rng = ChaCha20Rng::seed_from_u64(77);
    for (what, messages) in [
        ("censored", vec![]),
        ("fabricated", vec![batch[0], Fr::rand(&mut rng)]),
        ("replaced", vec![Fr::rand(&mut rng)]),
    ] {
        let (data, proof) = block(&node, slot, &messages, watcher);
        assert!(
            proof.verify_native(prover().verifying_keys()).is_ok(),
            "{what}: a valid proof"
        );
        let r = common::reason(send(
            node.l1(),
            watcher,
            rollup,
            &backup_call(slot, &data, &proof),
            U256::ZERO,
        ));
        assert!(r.starts_with("InHashMismatch"), "{what}: {r}");
    }
    let (data, proof) = block(&node, slot, &batch, watcher);
    send(
        node.l1(),
        watcher,
        rollup,
        &backup_call(slot, &data, &proof),
        U256::ZERO,
    )
    .expect("the inbox's batch is accepted");
    assert_eq!(
        node.next_batch().unwrap(),
        vec![r1.messages_sent[0].1],
        "the message sent in slot 1 is next"
    );
}

#[test]
fn soundness_withheld_data_slashes_the_proposer_not_the_prover() {
    let mut chain = Devchain::new(6, 12);
    let mut node = Node::setup(
        &mut chain,
        prover(),
        config(2, 1, &[(0, Fault::WithheldData)]),
    )
    .unwrap();
    let (rollup, registry) = (node.deployment.rollup, node.deployment.registry);
    let committed = node.provers[0].address;
    let before = node.l1().balance(committed).unwrap();
    let slot = node.first_slot;
    let report = node.run_slot(slot).unwrap();
    assert_eq!(report.outcome, SlotOutcome::ProvenByBackup);
    assert_eq!(
        report.prover,
        Some(committed),
        "a prover committed to the data"
    );
    assert!(report.proposer_slashed && !report.slashed);
    let proposer = report.proposer.unwrap();
    let info = view(
        node.l1(),
        registry,
        &SequencerRegistry::sequencersCall(proposer),
    )
    .unwrap();
    assert!(info.slashed, "the proposer's stake is forfeited");
    let stake = node.config.params.sequencer_stake;
    assert_eq!(
        view(node.l1(), registry, &SequencerRegistry::slashedStakeCall {}).unwrap(),
        stake
    );
    assert_eq!(
        node.l1().balance(committed).unwrap(),
        before,
        "the bond came back"
    );
    assert_eq!(
        node.l1().balance(rollup).unwrap(),
        U256::ZERO,
        "no bond is kept"
    );
    let watcher = node.watcher.address;
    let again = send(
        node.l1(),
        watcher,
        rollup,
        &Rollup::slashCall {
            slot: U256::from(slot),
        },
        U256::ZERO,
    );
    assert!(common::reason(again).starts_with("NothingToSlash"));
    assert_eq!(
        node.reward_balance(proposer).unwrap(),
        U256::ZERO,
        "the withholding proposer earns nothing"
    );
}

#[test]
fn soundness_copied_submissions_pay_their_sender_nothing() {
    let mut chain = Devchain::new(6, 13);
    let mut node = Node::setup(
        &mut chain,
        prover(),
        config(1, 2, &[(1, Fault::NoProposal)]),
    )
    .unwrap();
    let (rollup, copier) = (node.deployment.rollup, node.watcher.address);
    let p = node.config.params.clone();
    let finalize = |node: &mut Node<'_>, slot: u64| {
        send(
            node.l1(),
            copier,
            rollup,
            &Rollup::finalizeCall {
                slot: U256::from(slot),
            },
            U256::ZERO,
        )
        .unwrap();
    };

    // Proving phase: the committed prover's submission is copied and lands first.
    let slot = node.first_slot;
    let (report, data) = node.open_slot(slot).unwrap();
    let (data, committed) = (data.unwrap(), report.prover.unwrap());
    let header = BlockData::decode(&data).unwrap().header;
    let proof = prover()
        .prove_block(&BlockRequest {
            slot,
            prev_archive: node.archive().unwrap(),
            data: data.clone(),
            prover: committed,
        })
        .unwrap();
    send(
        node.l1(),
        copier,
        rollup,
        &submit_call(slot, &header, &proof),
        U256::ZERO,
    )
    .expect("anyone may carry the committed prover's proof");
    finalize(&mut node, slot);
    assert_eq!(node.reward_balance(copier).unwrap(), U256::ZERO);
    assert_eq!(
        node.reward_balance(committed).unwrap(),
        p.prover_reward + p.submitter_reward
    );
    assert_eq!(
        node.reward_balance(report.proposer.unwrap()).unwrap(),
        p.sequencer_reward
    );

    // Backup phase: an honest backup prover's submission (its address is the proof's prover id) is copied.
    let slot = slot + 1;
    node.open_slot(slot).unwrap();
    common::mine_to_backup(&mut node, slot);
    let honest = node.provers[0].address;
    let before = node.reward_balance(honest).unwrap();
    let batch = node.next_batch().unwrap();
    let (data, proof) = block(&node, slot, &batch, honest);
    send(
        node.l1(),
        copier,
        rollup,
        &backup_call(slot, &data, &proof),
        U256::ZERO,
    )
    .unwrap();
    finalize(&mut node, slot);
    assert_eq!(node.reward_balance(copier).unwrap(), U256::ZERO);
    assert_eq!(
        node.reward_balance(honest).unwrap() - before,
        p.sequencer_reward + p.prover_reward + p.submitter_reward,
        "an unrevealed slot's block is the backup prover's: every share goes to the proof's prover id"
    );
}
