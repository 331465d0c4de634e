//! `Rollup.submitFoldedProof` / `submitFoldedBackup`: a folded block proof is bound to L1 truth exactly as a Groth16
//! forest is, then decided by the deployment's `DeciderVerifier`. The root inputs are a real block's (proven by the
//! engine at `tiny`, so the L1 state, the revealed header and the inbox agree with them); the decider is the stand-in
//! of `common::decider` (the real decider's proof is checked against `DeciderVerifier` on its own fixture, in
//! `decider_verifier.rs`). Each root input that differs from the contract's state or the header, a state that is not
//! a root's, a state word the proof does not hash, a tampered proof and a deployment without a decider each revert
//! with their own error; the honest proof is accepted once, in the proving phase and in the backup phase. Last, a
//! block folded and decided for real (`examples/folded_block.rs`'s fixture) lands, and its tamperings do not, sent
//! directly and through the lifecycle driver.

use crate::common;

use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use ark_ff::{Field, One};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_circuits::{Preset, public_input_len};
use sidecar_engine::folding::{CALLS, INPUTS, TAG, tag};
use sidecar_kernels::Cpu;
use sidecar_node_shim::contracts::Rollup;
use sidecar_node_shim::deploy::{send, view};
use sidecar_node_shim::driver::rollup_header;
use sidecar_node_shim::folded::{
    decider_key_words, folded_proof, read_root_json, submit_folded_call,
};
use sidecar_node_shim::l1::{AnvilProcess, anvil_binary};
use sidecar_node_shim::proof::{RootPublicInputs as R, field_word};
use sidecar_node_shim::{
    AnyBlockProof, BlockData, BlockHeader, BlockProver, BlockRequest, CircuitKind, Devchain,
    EngineBlockProver, Fault, L1, Node, NodeConfig, RpcL1, SlotOutcome,
};
use sidecar_pcd::RootProof;

/// A folded root's state for the root rollup inputs `inputs`: tag, kernel-chain length, the inputs, zero padding
/// to the block step's width.
fn root_state(inputs: &[Fr]) -> Vec<Fr> {
    let width = INPUTS
        + CircuitKind::ALL
            .map(public_input_len)
            .into_iter()
            .max()
            .unwrap();
    let mut state = vec![Fr::from(0u64); width];
    state[TAG] = tag(CircuitKind::RootRollup);
    state[CALLS] = Fr::from(0u64);
    state[INPUTS..INPUTS + inputs.len()].copy_from_slice(inputs);
    state
}

/// The engine's prover at `tiny`, its keys from the binary's shared cache.
fn prover(bundles: &std::path::Path) -> EngineBlockProver<Cpu> {
    EngineBlockProver::new(
        common::engine(),
        Preset::tiny(),
        common::keys().dir.path(),
        bundles,
    )
    .unwrap()
}

/// The root rollup's inputs of `request`'s block, from its Groth16 proof.
fn honest_inputs(prover: &EngineBlockProver<Cpu>, request: &BlockRequest) -> Vec<Fr> {
    let proof = prover.prove_block(request).unwrap();
    proof.verify_native(prover.verifying_keys()).unwrap();
    proof.root_inputs().unwrap().to_vec()
}

/// A deployment on `l1` under `config` and its first slot's block, proposed, committed to and revealed: the node,
/// the request to prove the block (for its committed prover) and its header.
fn first_block<'a>(
    l1: &'a mut dyn L1,
    prover: &'a EngineBlockProver<Cpu>,
    config: NodeConfig,
) -> (Node<'a>, BlockRequest, BlockHeader) {
    let mut node = Node::setup(l1, prover, config).unwrap();
    let slot = node.first_slot;
    let (report, data) = node.open_slot(slot).unwrap();
    let data = data.unwrap();
    let header = BlockData::decode(&data).unwrap().header;
    let request = BlockRequest {
        slot,
        prev_archive: node.archive().unwrap(),
        data,
        prover: report.prover.unwrap(),
    };
    (node, request, header)
}

#[test]
fn a_folded_block_proof_is_bound_to_l1_truth_and_decided() {
    let tmp = tempfile::tempdir().unwrap();
    let prover = prover(tmp.path());
    let f = common::decider::fixture(41);
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let prover = prover.with_decider_key(decider_key_words(&f.vk, &f.kzg.verifier()));
    let mut chain = Devchain::new(6, 9);
    let mut config = NodeConfig::new(2, 1, 2);
    config.txs_per_block = 2;
    let (mut node, request, header) = first_block(&mut chain, &prover, config);
    let (rollup, watcher) = (node.deployment.rollup, node.watcher.address);
    assert!(node.deployment.decider.is_some());
    let (slot, committed) = (request.slot, request.prover);
    let inputs = honest_inputs(&prover, &request);
    let good = common::decider::root(&f, root_state(&inputs), &mut rng);

    let submit = |node: &mut Node<'_>, root: &RootProof| {
        send(
            node.l1(),
            committed,
            rollup,
            &submit_folded_call(slot, &header, root),
            U256::ZERO,
        )
    };
    // A root input other than L1 truth: refused before the decider runs (the stand-in would accept the proof).
    for i in [
        R::PREVIOUS_ARCHIVE,
        R::OUT_HASH,
        R::PROVER_ID,
        R::IN_HASH,
        R::CHAIN_ID,
        R::BLOCK_NUMBER,
        R::TIMESTAMP,
        R::COINBASE,
    ] {
        let mut bad = inputs.clone();
        bad[i] += Fr::one();
        let r = common::reason(submit(
            &mut node,
            &common::decider::root(&f, root_state(&bad), &mut rng),
        ));
        assert!(
            r.starts_with("PublicInputMismatch") && r.contains(&format!("index: {i},")),
            "root input {i}: {r}"
        );
    }
    // A state that is not a root rollup's.
    let mut base = root_state(&inputs);
    base[TAG] = tag(CircuitKind::BaseRollup);
    let r = common::reason(submit(
        &mut node,
        &common::decider::root(&f, base, &mut rng),
    ));
    assert!(r.starts_with("NotRootState"), "{r}");
    let short = root_state(&inputs)[..INPUTS + 9].to_vec();
    let r = common::reason(submit(
        &mut node,
        &common::decider::root(&f, short, &mut rng),
    ));
    assert!(r.starts_with("NotRootState"), "{r}");
    // Words the proof does not hash: the decider rejects (its revert comes through the rollup).
    let call = |root: &RootProof| submit_folded_call(slot, &header, root);
    let mut edits: Vec<(&str, Rollup::submitFoldedProofCall)> = Vec::new();
    let mut c = call(&good);
    c.proof.state[INPUTS + R::LEN - 1] += U256::from(1u64);
    edits.push(("a root output beyond the checked inputs", c));
    let mut c = call(&good);
    c.proof.state[CALLS] += U256::from(1u64);
    edits.push(("the kernel-chain length", c));
    let mut c = call(&good);
    c.proof.values[0] += U256::from(1u64);
    edits.push(("an opened value", c));
    let mut c = call(&good);
    c.proof.running.u += U256::from(1u64);
    edits.push(("the running u", c));
    let other = common::decider::root(&f, root_state(&inputs), &mut rng);
    let mut c = call(&good);
    c.proof.proof = folded_proof(&other).proof;
    c.proof.values = folded_proof(&other).values;
    edits.push(("another root's proof", c));
    for (what, c) in &edits {
        let r = common::reason(send(node.l1(), committed, rollup, c, U256::ZERO));
        assert!(r.starts_with("DeciderProofRejected"), "{what}: {r}");
    }
    let mut other_header = header.clone();
    other_header.timestamp += U256::from(1u64);
    let r = common::reason(send(
        node.l1(),
        committed,
        rollup,
        &submit_folded_call(slot, &other_header, &good),
        U256::ZERO,
    ));
    assert!(r.starts_with("HeaderMismatch"), "{r}");

    let receipt = submit(&mut node, &good).unwrap();
    eprintln!(
        "submitFoldedProof: {} gas (stand-in decider key, 2-tx block)",
        receipt.gas_used
    );
    assert!(receipt.gas_used < 615_000, "{} gas", receipt.gas_used);
    assert_eq!(node.archive().unwrap(), inputs[R::NEW_ARCHIVE]);
    let next = view(node.l1(), rollup, &Rollup::nextBlockNumberCall {}).unwrap();
    assert_eq!(next, field_word(inputs[R::BLOCK_NUMBER]) + U256::from(1u64));
    let r = common::reason(submit(&mut node, &good));
    assert!(r.starts_with("AlreadyProven"), "{r}");

    // The next slot goes to the backup phase: anyone's folded proof naming its prover wins; the bond is slashed.
    let slot = slot + 1;
    let (report, data) = node.open_slot(slot).unwrap();
    let data = data.unwrap();
    assert!(report.prover.is_some());
    let request = BlockRequest {
        slot,
        prev_archive: node.archive().unwrap(),
        data: data.clone(),
        prover: watcher,
    };
    let inputs = honest_inputs(&prover, &request);
    common::mine_to_backup(&mut node, slot);
    let backup = |root: &RootProof| Rollup::submitFoldedBackupCall {
        slot: U256::from(slot),
        data: data.clone().into(),
        proof: folded_proof(root),
    };
    let mut huge = inputs.clone();
    huge[R::PROVER_ID] = Fr::from(2u64).pow([160u64]) + Fr::from(7u64);
    let r = common::reason(send(
        node.l1(),
        watcher,
        rollup,
        &backup(&common::decider::root(&f, root_state(&huge), &mut rng)),
        U256::ZERO,
    ));
    assert!(
        r.starts_with("PublicInputMismatch") && r.contains("index: 4,"),
        "{r}"
    );
    let honest = common::decider::root(&f, root_state(&inputs), &mut rng);
    let mut tampered = backup(&honest);
    tampered.proof.values[1] += U256::from(1u64);
    let r = common::reason(send(node.l1(), watcher, rollup, &tampered, U256::ZERO));
    assert!(r.starts_with("DeciderProofRejected"), "{r}");
    let receipt = send(node.l1(), watcher, rollup, &backup(&honest), U256::ZERO).unwrap();
    eprintln!("submitFoldedBackup: {} gas", receipt.gas_used);
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
    assert_eq!(node.archive().unwrap(), inputs[R::NEW_ARCHIVE]);
}

#[test]
fn a_deployment_without_a_decider_refuses_folded_proofs() {
    let tmp = tempfile::tempdir().unwrap();
    let prover = prover(tmp.path());
    let f = common::decider::fixture(43);
    let mut rng = ChaCha20Rng::seed_from_u64(44);
    let mut chain = Devchain::new(6, 9);
    let mut node = Node::setup(&mut chain, &prover, NodeConfig::new(2, 1, 1)).unwrap();
    assert_eq!(node.deployment.decider, None);
    let rollup = node.deployment.rollup;
    let decider = view(node.l1(), rollup, &Rollup::deciderCall {}).unwrap();
    assert_eq!(decider, Address::ZERO);
    let inputs: Vec<Fr> = (0..R::LEN as u64).map(|i| Fr::from(i + 3)).collect();
    let root = common::decider::root(&f, root_state(&inputs), &mut rng);
    let header = BlockHeader {
        chainId: U256::from(1u64),
        blockNumber: U256::from(1u64),
        timestamp: U256::from(1u64),
        coinbase: U256::from(1u64),
        inHash: U256::from(1u64),
        outHash: U256::from(1u64),
        callsPerTx: vec![U256::from(1u64); 2],
    };
    let slot = node.first_slot;
    let from = node.watcher.address;
    let r = common::reason(send(
        node.l1(),
        from,
        rollup,
        &submit_folded_call(slot, &header, &root),
        U256::ZERO,
    ));
    assert!(r.starts_with("FoldedProofsDisabled"), "{r}");
}

/// A real 2-tx `tiny` block folded by the engine and decided by `L1Decider` on a dev SRS, written by
/// `cargo run -p sidecar-node-shim --release --example folded_block -- --write node-shim/tests/fixtures/folded-block.json`.
const FOLDED_BLOCK: &str = include_str!("../fixtures/folded-block.json");

#[test]
fn a_really_folded_block_lands_in_one_transaction_and_its_tamperings_do_not() {
    let fixture: serde_json::Value = serde_json::from_str(FOLDED_BLOCK).unwrap();
    let (key, proof, _) = read_root_json(&fixture).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let prover = prover(tmp.path()).with_decider_key(key);
    let mut chain = Devchain::new(6, 9);
    let mut config = NodeConfig::new(2, 1, 2);
    config.txs_per_block = 2;
    let (mut node, request, header) = first_block(&mut chain, &prover, config);
    let (slot, committed) = (request.slot, request.prover);
    assert_eq!(fixture["slot"].as_u64(), Some(slot));
    assert_eq!(
        fixture["data"].as_str(),
        Some(format!("0x{}", hex::encode(&request.data)).as_str()),
        "the devchain no longer sequences the fixture's block: regenerate the fixture (see FOLDED_BLOCK)"
    );
    let rollup = node.deployment.rollup;
    // The submission carries the header's summary; the contract summarizes and hashes as the driver does.
    let summary = view(
        node.l1(),
        rollup,
        &Rollup::summarizeCall {
            header: rollup_header(&header),
        },
    )
    .unwrap();
    assert_eq!(summary, header.summary());
    let hash = view(node.l1(), rollup, &Rollup::headerHashCall { summary }).unwrap();
    assert_eq!(
        hash,
        BlockData::decode(&request.data).unwrap().header_hash()
    );
    let call = |proof: Rollup::FoldedProof| Rollup::submitFoldedProofCall {
        slot: U256::from(slot),
        header: header.summary(),
        proof,
    };
    let mut edits: Vec<(&str, Rollup::FoldedProof)> = Vec::new();
    let mut p = proof.clone();
    p.values[0] += U256::from(1u64);
    edits.push(("an opened value", p));
    let mut p = proof.clone();
    p.proof.opening[0] = proof.proof.commitment[0];
    p.proof.opening[1] = proof.proof.commitment[1];
    edits.push(("the opening proof", p));
    let mut p = proof.clone();
    p.state[INPUTS + R::LEN - 1] += U256::from(1u64);
    edits.push(("a root output beyond the checked inputs", p));
    let mut p = proof.clone();
    p.cross = proof.fresh.witness;
    edits.push(("the cross term", p));
    for (what, p) in edits {
        let r = common::reason(send(node.l1(), committed, rollup, &call(p), U256::ZERO));
        assert!(r.starts_with("DeciderProofRejected"), "{what}: {r}");
    }
    let new_archive = proof.state[INPUTS + R::NEW_ARCHIVE];
    let receipt = send(node.l1(), committed, rollup, &call(proof), U256::ZERO).unwrap();
    eprintln!(
        "submitFoldedProof: {} gas (real decider, 2-tx block)",
        receipt.gas_used
    );
    assert!(receipt.gas_used < 615_000, "{} gas", receipt.gas_used);
    let archive = view(node.l1(), rollup, &Rollup::archiveCall {}).unwrap();
    assert_eq!(archive, new_archive);
}

/// `submitFoldedProof` gas of an honest `txs`-tx block on a fresh deployment on `l1` (the stand-in decider's proof,
/// of the real one's shape).
fn folded_gas(
    l1: &mut dyn L1,
    prover: &EngineBlockProver<Cpu>,
    f: &common::decider::Fixture,
    txs: usize,
    rng: &mut ChaCha20Rng,
) -> u64 {
    let mut config = NodeConfig::new(1, 1, 1);
    config.txs_per_block = txs;
    let (mut node, request, header) = first_block(l1, prover, config);
    let (tree, n) = prover.block_tree(&request).unwrap();
    assert_eq!(n, txs);
    let root = common::decider::root(f, root_state(&tree.root().public_inputs()), rng);
    let rollup = node.deployment.rollup;
    let call = submit_folded_call(request.slot, &header, &root);
    send(node.l1(), request.prover, rollup, &call, U256::ZERO)
        .unwrap()
        .gas_used
}

/// `submitFoldedProof` gas of honest blocks of 2 to 64 txs on the devchain and on anvil: the same within 1%
/// whatever the block's size or the L1 (the submission carries the header's summary, not `callsPerTx`), where the
/// Groth16 forest's `submitProof` grows by ~86k gas per proof.
#[test]
fn submit_folded_proof_gas_is_the_same_from_2_to_64_txs_on_both_l1s() {
    let tmp = tempfile::tempdir().unwrap();
    let f = common::decider::fixture(45);
    let prover = prover(tmp.path()).with_decider_key(decider_key_words(&f.vk, &f.kzg.verifier()));
    let mut rng = ChaCha20Rng::seed_from_u64(46);
    let anvil = anvil_binary().is_some();
    if !anvil {
        eprintln!("anvil binary missing (run scripts/node-deps.sh): devchain only");
    }
    let mut rows = Vec::new();
    for txs in [2usize, 4, 8, 16, 64] {
        let devchain = folded_gas(
            &mut Devchain::new(4, txs as u64),
            &prover,
            &f,
            txs,
            &mut rng,
        );
        let on_anvil = anvil.then(|| {
            let process = AnvilProcess::start(4).expect("anvil starts");
            let mut rpc =
                RpcL1::connect(&process.endpoint(), process.signers()).expect("connect to anvil");
            folded_gas(&mut rpc, &prover, &f, txs, &mut rng)
        });
        rows.push((txs, devchain, on_anvil));
    }
    println!("| txs | submitFoldedProof gas, devchain | on anvil |");
    println!("|---:|---:|---:|");
    for (txs, devchain, on_anvil) in &rows {
        let on_anvil = on_anvil.map_or("-".to_string(), |g| g.to_string());
        println!("| {txs} | {devchain} | {on_anvil} |");
    }
    let all: Vec<u64> = rows
        .iter()
        .flat_map(|r| std::iter::once(r.1).chain(r.2))
        .collect();
    let (lo, hi) = (*all.iter().min().unwrap(), *all.iter().max().unwrap());
    assert!(hi - lo <= lo / 100, "{rows:?}: more than 1% apart");
}

/// The engine's prover with one recorded submission: for the fixture's block it hands the driver the fixture's
/// folded proof (decided for real by `examples/folded_block.rs`, which takes minutes and 20 GB to make), and proves
/// nothing else. Everything else is the engine prover's.
struct Recorded<'a> {
    engine: &'a EngineBlockProver<Cpu>,
    data: Vec<u8>,
    proof: Rollup::FoldedProof,
}

impl BlockProver for Recorded<'_> {
    fn verifying_keys(&self) -> &sidecar_node_shim::BlockVerifyingKeys {
        self.engine.verifying_keys()
    }
    fn decider_key(&self) -> Option<sidecar_node_shim::DeciderKeyWords> {
        self.engine.decider_key()
    }
    fn genesis_archive(&self) -> Fr {
        self.engine.genesis_archive()
    }
    fn genesis_block_number(&self) -> u64 {
        self.engine.genesis_block_number()
    }
    fn chain_id(&self) -> Fr {
        self.engine.chain_id()
    }
    fn messages_per_block(&self) -> usize {
        self.engine.messages_per_block()
    }
    fn build_block(
        &self,
        prev_archive: Fr,
        slot: u64,
        txs: usize,
        seed: u64,
        messages: &[Fr],
    ) -> sidecar_node_shim::Result<Vec<u8>> {
        self.engine
            .build_block(prev_archive, slot, txs, seed, messages)
    }
    fn prove_block(
        &self,
        request: &BlockRequest,
    ) -> sidecar_node_shim::Result<sidecar_node_shim::BlockProof> {
        self.engine.prove_block(request)
    }
    fn prove_for_l1(&self, request: &BlockRequest) -> sidecar_node_shim::Result<AnyBlockProof> {
        assert_eq!(
            request.data, self.data,
            "the devchain no longer sequences the fixture's block: regenerate the fixture (see FOLDED_BLOCK)"
        );
        Ok(AnyBlockProof::Folded(Box::new(self.proof.clone())))
    }
    fn describe(&self) -> String {
        "the engine prover, replaying a recorded folded block".into()
    }
}

/// The driver lands a folded block the way it lands a forest: a slot run with an injected tampered proof, then with
/// a broken link (the root's fresh instance swapped for its accumulator), rejects each on L1 by name and then
/// lands the honest folded proof in one transaction, reaching the proven and finalized stages.
#[test]
fn the_driver_lands_a_folded_block_after_its_tamperings_are_rejected() {
    let fixture: serde_json::Value = serde_json::from_str(FOLDED_BLOCK).unwrap();
    let (key, proof, _) = read_root_json(&fixture).unwrap();
    let data = hex::decode(fixture["data"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let engine = prover(tmp.path()).with_decider_key(key);
    let recorded = Recorded {
        engine: &engine,
        data,
        proof,
    };
    for fault in [Fault::InvalidProof, Fault::InvalidLinkage] {
        let mut chain = Devchain::new(6, 9);
        let mut config = NodeConfig::new(2, 1, 2);
        config.txs_per_block = 2;
        config.faults.insert(0, fault);
        let mut node = Node::setup(&mut chain, &recorded, config).unwrap();
        let report = node.run_slot(node.first_slot).unwrap();
        assert_eq!(report.outcome, SlotOutcome::Proven, "{fault}: {report}");
        let rejected = report.tampered_rejected.clone().unwrap_or_default();
        assert!(
            rejected.starts_with("DeciderProofRejected"),
            "{fault}: {rejected}"
        );
        assert_eq!(report.proofs, 1);
        let gas = report.verify_gas.unwrap();
        assert!((600_000..615_000).contains(&gas), "{fault}: {gas} gas");
        assert!(
            report
                .events
                .iter()
                .any(|e| e.contains("folded block proof decided on L1")),
            "{report}"
        );
        let stages = node.settle().unwrap();
        assert_eq!(stages[0], (node.first_slot, 7), "{fault}");
    }
}
