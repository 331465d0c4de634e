//! End to end with the engine's block prover at `tiny`: several slots on the embedded devchain and on anvil, happy
//! and unhappy paths (tampered proof, broken linkage, missed deadline, no commitment, no proposal), with balances,
//! bonds, rewards, the archive, L1->L2 messages (sent in one slot, consumed by the next block) and confirmation
//! stages checked against the protocol rules.

use crate::common;

use alloy::primitives::{Address, U256};
use sidecar_circuits::Preset;
use sidecar_kernels::Cpu;
use sidecar_node_shim::contracts::Rollup;
use sidecar_node_shim::deploy::view;
use sidecar_node_shim::l1::{AnvilProcess, anvil_binary};
use sidecar_node_shim::{
    BlockProver, Devchain, EngineBlockProver, Fault, L1, Node, NodeConfig, RpcL1, SlotOutcome,
    SlotReport,
};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One prover shared by both scenarios, which run at the same time: their `prove_block` calls share the engine's
/// pool and memory budget, as a marketplace's would.
fn shared_prover() -> &'static EngineBlockProver<Cpu> {
    static P: OnceLock<(tempfile::TempDir, EngineBlockProver<Cpu>)> = OnceLock::new();
    &P.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let p = EngineBlockProver::new(
            common::engine(),
            Preset::tiny(),
            &dir.path().join("keys"),
            &dir.path().join("bundles"),
        )
        .unwrap();
        (dir, p)
    })
    .1
}

const FAULTS: [Option<Fault>; 6] = [
    None,
    Some(Fault::InvalidProof),
    Some(Fault::MissedDeadline),
    Some(Fault::NoCommitment),
    Some(Fault::NoProposal),
    Some(Fault::InvalidLinkage),
];

fn scenario() -> NodeConfig {
    let mut config = NodeConfig::new(3, 2, FAULTS.len() as u64);
    config.txs_per_block = 2;
    for (i, f) in FAULTS.iter().enumerate() {
        if let Some(f) = f {
            config.faults.insert(i as u64, *f);
        }
    }
    config
}

/// Expected reward-token balances from the reports: sequencer reward to the revealed proposer (else the backup
/// proof's prover id), prover and submitter rewards to the prover named in the proof.
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
    let prover = shared_prover();
    let config = scenario();
    let bond = config.params.prover_bond;
    let initial: Vec<U256> = l1
        .accounts()
        .iter()
        .map(|a| l1.balance(a.address).unwrap())
        .collect();
    let mut node = Node::setup(l1, prover, config).unwrap();
    let genesis = node.archive().unwrap();
    assert_eq!(genesis, prover.genesis_archive());
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
    let rejected = |i: usize| {
        reports[i]
            .tampered_rejected
            .clone()
            .expect("bad proof submitted")
    };
    assert!(rejected(1).starts_with("ProofRejected"), "{}", rejected(1));
    assert!(
        ["BrokenLink", "CallCountMismatch"]
            .iter()
            .any(|e| rejected(5).starts_with(e)),
        "{}",
        rejected(5)
    );
    assert!(reports[2].slashed && !reports[0].slashed && !reports[3].slashed);
    assert!(
        reports
            .iter()
            .all(|r| r.proofs >= 3 && r.verify_gas.unwrap() > 1_000_000)
    );
    assert_ne!(node.archive().unwrap(), genesis, "archive advanced");
    let first_block = prover.genesis_block_number();
    for (i, r) in reports.iter().enumerate() {
        let block = first_block + i as u64;
        let sent: Vec<u64> = r.messages_sent.iter().map(|m| m.0).collect();
        assert_eq!(sent, [block + 1], "slot {i}: a message for the next block");
        let consumed = if i == 0 { 0 } else { 1 };
        assert_eq!(
            r.messages_consumed,
            Some((block, consumed)),
            "slot {i}: the block consumed the previous slot's message"
        );
    }
    let rollup = node.deployment.rollup;
    let next = view(node.l1(), rollup, &Rollup::nextBlockNumberCall {}).unwrap();
    assert_eq!(
        next,
        U256::from(prover.genesis_block_number() + reports.len() as u64),
        "one L2 block per slot"
    );
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
