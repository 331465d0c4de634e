//! The L1 block-proof check (`BlockVerifier`, the same code as `Rollup.submitProof` runs) against the native one
//! (`BlockProof::verify_native`) on real prove-block bundles at `tiny`: both accept 2, 3 (odd carry) and 4-tx
//! blocks with and without public calls, and both reject every kind of tampering, each on L1 with its own error.

use crate::common;

use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use ark_ff::{One, UniformRand};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_node_shim::contracts::BlockVerifier;
use sidecar_node_shim::deploy::{deploy_block_verifier, send, view};
use sidecar_node_shim::{
    BlockProof, BlockVerifyingKeys, CircuitKind, Devchain, EncodedBlockProof, L1, NodeError,
};
use std::sync::OnceLock;

/// (txs, public calls, seed) of the blocks under test.
const BLOCKS: [(usize, bool, u64); 6] = [
    (2, true, 3),
    (3, true, 5),
    (4, true, 7),
    (2, false, 11),
    (3, false, 13),
    (4, false, 19),
];

fn proven() -> &'static Vec<common::ProvenBlock> {
    static B: OnceLock<Vec<common::ProvenBlock>> = OnceLock::new();
    B.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(42);
        BLOCKS
            .iter()
            .map(|&(txs, calls, seed)| common::prove(txs, calls, seed, Fr::rand(&mut rng)))
            .collect()
    })
}

fn blocks() -> Vec<&'static BlockProof> {
    proven().iter().map(|b| &b.proof).collect()
}

#[test]
fn keys_read_from_bundles_are_the_cached_keys() {
    let with_all = &proven()[1];
    let vks = BlockVerifyingKeys::from_bundle(&with_all.bundle).unwrap();
    assert_eq!(&vks, &common::keys().vks);
    let no_calls = &proven()[3];
    let err = BlockVerifyingKeys::from_bundle(&no_calls.bundle).unwrap_err();
    assert!(err.to_string().contains("public-vm"), "{err}");
}

struct Chain {
    l1: Devchain,
    verifier: Address,
    from: Address,
}

fn chain() -> Chain {
    let mut l1 = Devchain::new(2, 1);
    let from = l1.accounts()[0].address;
    let verifier = deploy_block_verifier(&mut l1, from, &common::keys().vks).expect("deploys");
    Chain { l1, verifier, from }
}

fn words(calls: &[usize]) -> Vec<U256> {
    calls.iter().map(|&c| U256::from(c)).collect()
}

fn call(calls: &[usize], enc: EncodedBlockProof) -> BlockVerifier::verifyBlockCall {
    BlockVerifier::verifyBlockCall {
        callsPerTx: words(calls),
        proofs: enc.proofs,
        inputs: enc.inputs,
    }
}

/// `Ok(())` if the contract accepts, else its decoded revert reason.
fn on_l1(c: &Chain, calls: &[usize], enc: EncodedBlockProof) -> Result<(), String> {
    match view(&c.l1, c.verifier, &call(calls, enc)) {
        Ok(true) => Ok(()),
        Ok(false) => Err("returned false".into()),
        Err(NodeError::Reverted { reason, .. }) => Err(reason),
        Err(e) => panic!("L1 failure: {e}"),
    }
}

#[test]
fn native_and_l1_accept_real_blocks() {
    let mut c = chain();
    for (p, &(txs, with_calls, _)) in blocks().iter().zip(&BLOCKS) {
        let calls: usize = p.calls_per_tx.iter().sum();
        assert_eq!(p.calls_per_tx.len(), txs);
        assert_eq!(
            with_calls,
            calls > 0,
            "{txs} txs, calls {:?}",
            p.calls_per_tx
        );
        assert_eq!(p.nodes.len(), 2 * calls + 2 * txs - 1);
        p.verify_native(&common::keys().vks).unwrap();
        on_l1(&c, &p.calls_per_tx, p.encode()).expect("contract accepts a real block");
        let (from, to) = (c.from, c.verifier);
        let gas = send(
            &mut c.l1,
            from,
            to,
            &call(&p.calls_per_tx, p.encode()),
            U256::ZERO,
        )
        .unwrap()
        .gas_used;
        println!(
            "{txs} txs, calls {:?}: {} proofs, {gas} gas",
            p.calls_per_tx,
            p.nodes.len()
        );
    }
}

/// Both verifiers reject `p` with calls `calls`; the contract's error starts with one of `expect`.
fn both_reject(c: &Chain, what: &str, p: &BlockProof, expect: &[&str]) {
    let native = p.verify_native(&common::keys().vks);
    assert!(native.is_err(), "{what}: native check accepted");
    l1_rejects(c, what, &p.calls_per_tx, p.encode(), expect);
}

fn l1_rejects(c: &Chain, what: &str, calls: &[usize], enc: EncodedBlockProof, expect: &[&str]) {
    let reason = on_l1(c, calls, enc).expect_err(what);
    assert!(
        expect.iter().any(|e| reason.starts_with(e)),
        "{what}: reverted with {reason}, expected {expect:?}"
    );
}

fn first(p: &BlockProof, kind: CircuitKind) -> usize {
    p.nodes
        .iter()
        .position(|n| n.kind == kind)
        .expect("kind present")
}

#[test]
fn every_tampering_is_rejected_natively_and_on_l1() {
    let c = chain();
    let good = blocks()[1];
    assert!(
        good.calls_per_tx.iter().any(|&n| n > 0),
        "3-tx block has calls"
    );
    let shifted = |node: usize| {
        let mut p = good.clone();
        let other = good.nodes[(node + 1) % good.nodes.len()].proof.a;
        p.nodes[node].proof.c = (p.nodes[node].proof.c + other).into();
        p
    };
    for kind in CircuitKind::ALL {
        both_reject(
            &c,
            &format!("{kind:?} proof changed"),
            &shifted(first(good, kind)),
            &["ProofRejected"],
        );
    }
    let bump = |node: usize, input: usize| {
        let mut p = good.clone();
        p.nodes[node].public_inputs[input] += Fr::one();
        p
    };
    let root = good.nodes.len() - 1;
    both_reject(&c, "root fee input", &bump(root, 3), &["ProofRejected"]);
    let base = first(good, CircuitKind::BaseRollup);
    both_reject(&c, "base end state", &bump(base, 6), &["BrokenLink"]);
    let kernel = first(good, CircuitKind::PublicKernel);
    both_reject(
        &c,
        "kernel bytecode hash",
        &bump(kernel, 4),
        &["BrokenLink"],
    );
    both_reject(
        &c,
        "first kernel step's previous state",
        &bump(kernel, 2),
        &["MustBeZero", "BrokenLink"],
    );
    let mut swapped = good.clone();
    swapped.nodes.swap(base, base + 1);
    both_reject(&c, "bases swapped", &swapped, &["BrokenLink"]);

    let with_calls = good.calls_per_tx.iter().position(|&n| n > 0).unwrap();
    let mut moved = good.clone();
    moved.calls_per_tx[with_calls] -= 1;
    moved.calls_per_tx[(with_calls + 1) % good.calls_per_tx.len()] += 1;
    both_reject(
        &c,
        "a call moved to another tx",
        &moved,
        &["BrokenLink", "MustBe", "CallCountMismatch"],
    );
    let mut extra = good.clone();
    extra.calls_per_tx.push(0);
    both_reject(&c, "an extra tx", &extra, &["BadTreeShape"]);
    let mut one = good.clone();
    one.calls_per_tx.truncate(1);
    both_reject(&c, "a single tx", &one, &["BadTreeShape"]);
    let mut dropped = good.clone();
    dropped.nodes.remove(root - 1);
    both_reject(&c, "a proof missing", &dropped, &["BadTreeShape"]);

    let calls = &good.calls_per_tx;
    let q = U256::from_str_radix(
        "21888242871839275222246405745257275088696311157297823662689037894645226208583",
        10,
    )
    .unwrap();
    let r = U256::from_str_radix(
        "21888242871839275222246405745257275088548364400416034343698204186575808495617",
        10,
    )
    .unwrap();
    let mut enc = good.encode();
    enc.proofs[8 * kernel + 3] += q;
    l1_rejects(&c, "coordinate + p", calls, enc, &["CoordinateNotInField"]);
    let mut enc = good.encode();
    let i = enc.inputs.len() - 30;
    enc.inputs[i] += r;
    l1_rejects(&c, "input + r", calls, enc, &["InputNotInField"]);
    let mut enc = good.encode();
    enc.inputs.pop();
    l1_rejects(&c, "an input missing", calls, enc, &["BadTreeShape"]);
    let mut enc = good.encode();
    enc.proofs.push(U256::from(1u64));
    l1_rejects(&c, "a stray proof word", calls, enc, &["BadTreeShape"]);
}

mod soundness {
    use super::*;

    /// The hole of the soundness review: a tx's public execution dropped from the tree (its VM and kernel proofs
    /// removed, the tx declared without calls) while every remaining proof verifies on its own. Its base proves its
    /// tx's call count, so both verifiers refuse, the contract with `CallCountMismatch`.
    #[test]
    fn soundness_public_execution_cannot_be_dropped_from_the_tree() {
        let c = chain();
        for good in blocks().into_iter().take(3) {
            let t = good.calls_per_tx.iter().position(|&n| n > 0).unwrap();
            let tree = good.tree().unwrap();
            let mut forged = good.clone();
            forged.nodes = good
                .nodes
                .iter()
                .zip(&tree)
                .filter(|(_, n)| n.tx != Some(t) || n.kind == CircuitKind::BaseRollup)
                .map(|(p, _)| p.clone())
                .collect();
            forged.calls_per_tx[t] = 0;
            let err = forged
                .verify_native(&common::keys().vks)
                .unwrap_err()
                .to_string();
            assert!(err.contains("declared public calls"), "{err}");
            both_reject(&c, "calls dropped", &forged, &["CallCountMismatch"]);
        }
    }
}

/// The contract derives its tree (kinds and linked children) with the circuits crate's rule, on every shape the
/// tests prove plus random ones from 2 to 24 txs.
#[test]
fn contract_tree_is_the_circuits_tree() {
    use rand::Rng;
    use sidecar_circuits::tree::tree_for_calls;
    let c = chain();
    let mut shapes: Vec<Vec<usize>> = blocks().iter().map(|p| p.calls_per_tx.clone()).collect();
    shapes.extend([
        vec![0, 2, 0],
        vec![1, 0, 3, 0, 2, 1, 0],
        vec![0; 5],
        vec![4; 4],
    ]);
    let mut rng = ChaCha20Rng::seed_from_u64(43);
    shapes.extend((0..12).map(|_| {
        let txs = rng.gen_range(2..=24);
        (0..txs).map(|_| rng.gen_range(0..=2)).collect()
    }));
    let none = view(&c.l1, c.verifier, &BlockVerifier::NONECall {}).unwrap();
    for calls in shapes {
        let want = tree_for_calls(&calls).unwrap();
        let got = view(
            &c.l1,
            c.verifier,
            &BlockVerifier::treeCall {
                callsPerTx: words(&calls),
            },
        )
        .unwrap();
        assert_eq!(got.kind.len(), want.len(), "{calls:?}");
        for (i, node) in want.iter().enumerate() {
            assert_eq!(
                usize::from(got.kind[i]),
                node.kind.slot(),
                "{calls:?} node {i}"
            );
            let children: Vec<usize> = [got.first[i], got.second[i]]
                .into_iter()
                .filter(|&x| x != none)
                .map(|x| x.to::<usize>())
                .collect();
            assert_eq!(children, node.children, "{calls:?} node {i}");
        }
    }
}
