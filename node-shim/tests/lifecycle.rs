//! End to end: several slots on the embedded devchain and on anvil, happy and unhappy paths, with balances,
//! bonds, rewards and confirmation stages checked against the protocol rules.

use alloy::primitives::{Address, U256};
use sidecar_node_shim::fixture::ToyBlockProver;
use sidecar_node_shim::l1::{AnvilProcess, anvil_binary};
use sidecar_node_shim::{Devchain, Fault, L1, Node, NodeConfig, RpcL1, SlotOutcome, SlotReport};
use std::collections::HashMap;

fn scenario() -> NodeConfig {
    let mut config = NodeConfig::new(3, 2, 6);
    config.faults.insert(1, Fault::InvalidProof);
    config.faults.insert(2, Fault::MissedDeadline);
    config.faults.insert(3, Fault::NoCommitment);
    config.faults.insert(4, Fault::NoProposal);
    config
}

/// Expected reward-token balances from the reports: sequencer reward to the revealed proposer (else the backup
/// submitter), prover reward to the prover named in the proof, submitter reward to the submitter.
fn expected_rewards(node: &Node<'_>, reports: &[SlotReport]) -> HashMap<Address, U256> {
    let p = &node.config.params;
    let watcher = node.watcher.address;
    let mut want: HashMap<Address, U256> = HashMap::new();
    for r in reports {
        let (prover, submitter) = match r.outcome {
            SlotOutcome::Proven => (r.prover.unwrap(), r.prover.unwrap()),
            _ => (watcher, watcher),
        };
        *want.entry(r.proposer.unwrap_or(watcher)).or_default() += p.sequencer_reward;
        *want.entry(prover).or_default() += p.prover_reward;
        *want.entry(submitter).or_default() += p.submitter_reward;
    }
    want
}

fn run_scenario(l1: &mut dyn L1) {
    let prover = ToyBlockProver::setup(11).unwrap();
    let config = scenario();
    let bond = config.params.prover_bond;
    let initial: Vec<U256> = l1
        .accounts()
        .iter()
        .map(|a| l1.balance(a.address).unwrap())
        .collect();
    let mut node = Node::setup(l1, &prover, config).unwrap();
    let genesis = node.archive().unwrap();
    let reports = node.run().unwrap();
    for r in &reports {
        println!("{r}");
    }
    let outcomes: Vec<SlotOutcome> = reports.iter().map(|r| r.outcome).collect();
    use SlotOutcome::*;
    assert_eq!(
        outcomes,
        [
            Proven,
            Proven,
            ProvenByBackup,
            ProvenByBackup,
            ProvenByBackup,
            Proven
        ]
    );
    assert_eq!(
        reports[0].stages,
        [1, 2, 3, 4, 5, 6],
        "happy path walks every stage"
    );
    assert_eq!(reports[2].stages, [1, 2, 3, 4, 5, 6]);
    assert_eq!(
        reports[4].stages,
        [5, 6],
        "no proposal: only the backup block"
    );
    let reason = reports[1]
        .tampered_rejected
        .as_deref()
        .expect("tampered submission attempted");
    assert!(
        reason.contains("ProofRejected"),
        "rejected by the pairing check, got {reason}"
    );
    assert!(reports[2].slashed && !reports[0].slashed && !reports[3].slashed);
    assert!(
        reports
            .iter()
            .all(|r| r.proofs == 7 && r.verify_gas.unwrap() > 200_000)
    );
    assert_ne!(node.archive().unwrap(), genesis, "archive advanced");
    assert!(
        node.settle().unwrap().iter().all(|&(_, stage)| stage == 7),
        "all finalized blocks reach stage 7"
    );

    let want = expected_rewards(&node, &reports);
    let mut everyone: Vec<Address> = node
        .sequencers
        .iter()
        .chain(&node.provers)
        .map(|a| a.address)
        .collect();
    everyone.push(node.watcher.address);
    for who in everyone {
        let got = node.reward_balance(who).unwrap();
        assert_eq!(
            got,
            want.get(&who).copied().unwrap_or_default(),
            "reward balance of {who}"
        );
    }
    let rollup = node.deployment.rollup;
    let slashed_prover = reports[2].prover.unwrap();
    let slashed_index = 2
        + node.sequencers.len()
        + node
            .provers
            .iter()
            .position(|p| p.address == slashed_prover)
            .unwrap();
    let l1 = node.l1();
    assert_eq!(
        l1.balance(rollup).unwrap(),
        bond,
        "the contract holds exactly the slashed bond"
    );
    let lost = initial[slashed_index] - l1.balance(slashed_prover).unwrap();
    assert!(lost >= bond, "slashed prover lost its bond (and fees)");
}

#[test]
fn lifecycle_on_devchain() {
    let mut chain = Devchain::new(8, 3);
    run_scenario(&mut chain);
}

#[test]
fn lifecycle_on_anvil() {
    if anvil_binary().is_none() {
        eprintln!("SKIPPED: anvil binary missing (run scripts/node-deps.sh)");
        return;
    }
    let anvil = AnvilProcess::start(8).expect("anvil starts");
    let mut rpc = RpcL1::connect(&anvil.endpoint(), anvil.signers()).expect("connect to anvil");
    run_scenario(&mut rpc);
}
