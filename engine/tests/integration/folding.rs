//! The block's tree folded on the `tiny` preset: an honest block is accepted by the native
//! decider and its root proves the header; forging a node's proof, an edge or the tree's shape
//! is rejected by the decider. The forgeries are folded with the low-level prover
//! (`fold_children` + `finish_node`), which skips the native checks `prove_node` makes first,
//! as a malicious prover would.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use ark_bn254::{Fr, G1Projective};
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::{ChaCha8Rng, ChaCha20Rng};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tree::BlockTree;
use sidecar_circuits::{CircuitKind, Preset};
use sidecar_engine::block::{BlockFile, build_tree, check_header};
use sidecar_engine::folding::{FoldingKeys, INPUTS, decide_block, fold_tree, folding_keys};
use sidecar_engine::{Machine, Profile};
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{
    Children, Error as PcdError, NodeProof, decide, finish_node, fold_children, leaf_folding,
    prove_node,
};

fn keys() -> &'static Arc<FoldingKeys> {
    static KEYS: OnceLock<Arc<FoldingKeys>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let keys = folding_keys(&Preset::tiny(), None, AnyBackend::Cpu(Cpu::new()));
        Arc::new(keys.expect("folding keys"))
    })
}

/// A generated 4-tx block whose tx 1 makes its public call twice, so the tree has a kernel
/// chain of two steps next to one-step chains and a tx without calls.
fn block(seed: u64) -> BlockTree {
    let preset = Preset::tiny();
    let mut state = WorldState::genesis(&preset);
    let mut block = BlockFile::generate(&preset, &state, 4, seed).unwrap();
    let call = block.txs[1].public_calls[0].clone();
    block.txs[1].public_calls.push(call);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    build_tree(&mut state, &block, Fr::rand(&mut rng)).unwrap()
}

/// Proves every node of `tree` honestly, keeping each node's proof.
fn prove_all(tree: &BlockTree) -> Vec<NodeProof> {
    prove_upto(tree, tree.nodes().len() - 1)
}

/// Proves `tree`'s nodes `0..=last` honestly (children come first), keeping each proof.
fn prove_upto(tree: &BlockTree, last: usize) -> Vec<NodeProof> {
    let mut proofs: Vec<NodeProof> = Vec::new();
    for (i, n) in tree.nodes().iter().enumerate().take(last + 1) {
        let input = keys().step.input(&tree.circuits()[i]).unwrap();
        let c: Vec<&NodeProof> = n.children.iter().map(|&c| &proofs[c]).collect();
        let children = match c[..] {
            [] => Children::None,
            [l] => Children::Left(l),
            [l, r] => Children::Both(l, r),
            _ => unreachable!(),
        };
        let p = prove_node(
            keys(),
            input,
            children,
            ChaCha20Rng::seed_from_u64(i as u64),
        )
        .unwrap();
        proofs.push(p);
    }
    proofs
}

/// The honest block (seed 9: calls per tx `[1, 2, 0, 1]`) with every node's proof.
fn honest() -> &'static (BlockTree, Vec<NodeProof>) {
    static HONEST: OnceLock<(BlockTree, Vec<NodeProof>)> = OnceLock::new();
    HONEST.get_or_init(|| {
        let tree = block(9);
        assert_eq!(tree.calls_per_tx(), [1, 2, 0, 1]);
        let proofs = prove_all(&tree);
        (tree, proofs)
    })
}

/// The id of the node of `kind` for tx `tx` and call `call`.
fn node(kind: CircuitKind, tx: Option<usize>, call: Option<usize>) -> usize {
    let (tree, _) = honest();
    let n = tree
        .nodes()
        .iter()
        .find(|n| n.kind == kind && n.tx == tx && n.call == call);
    n.expect("such a node").id
}

/// Folds a node over `children` without any native check.
fn force(i: usize, children: &[&NodeProof]) -> NodeProof {
    let (tree, _) = honest();
    let input = keys().step.input(&tree.circuits()[i]).unwrap();
    let rng = ChaCha20Rng::seed_from_u64(1000 + i as u64);
    let folding = match children {
        [] => leaf_folding(keys(), input),
        [l, rest @ ..] => {
            let r = rest.first().copied().unwrap_or(l);
            let mut f = fold_children(keys(), l, r, rng.clone()).unwrap();
            f.witness.step = input;
            f.witness.present = [true, !rest.is_empty()];
            f
        }
    };
    finish_node(keys(), folding, rng).unwrap()
}

/// The honest tree with the proofs in `replaced` swapped in and the children of the nodes in
/// `rewired` changed; every node above a change is folded again. Returns the new root.
fn root_after(replaced: Vec<(usize, NodeProof)>, rewired: &[(usize, Vec<usize>)]) -> NodeProof {
    let (tree, honest) = honest();
    let mut children: Vec<Vec<usize>> = tree.nodes().iter().map(|n| n.children.clone()).collect();
    let mut redo = vec![false; children.len()];
    for (i, c) in rewired {
        children[*i] = c.clone();
        redo[*i] = true;
    }
    let mut new: BTreeMap<usize, NodeProof> = replaced.into_iter().collect();
    for i in 0..children.len() {
        if new.contains_key(&i) {
            continue;
        }
        if redo[i] || children[i].iter().any(|c| new.contains_key(c)) {
            let c: Vec<&NodeProof> = children[i]
                .iter()
                .map(|c| new.get(c).unwrap_or(&honest[*c]))
                .collect();
            let p = force(i, &c);
            new.insert(i, p);
        }
    }
    new.pop_last().expect("the root was folded again").1
}

fn assert_rejected(root: &NodeProof, what: &str) {
    assert!(decide_block(keys(), root).is_err(), "{what}: accepted");
}

#[test]
fn honest_block_is_accepted_and_its_root_proves_the_header() {
    let (tree, proofs) = honest();
    let root = proofs.last().unwrap();
    let inputs = decide_block(keys(), root).expect("decider accepts");
    assert_eq!(inputs, tree.circuits().last().unwrap().public_inputs());
    let w = tree.root();
    check_header(Preset::tiny().name, &w.header, &w.l1_to_l2_msgs, &inputs).expect("header");

    let runtime = Profile::load("minimum")
        .unwrap()
        .apply_to(&Machine {
            cores: 2,
            ram_bytes: 8 << 30,
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut done = Vec::new();
    let folded = fold_tree(&runtime, keys(), tree, dir.path(), 7, &mut |i, _| {
        done.push(i)
    })
    .expect("fold_tree");
    assert_eq!(
        decide_block(keys(), &folded.root).expect("accepted"),
        inputs
    );
    done.sort();
    assert_eq!(done, (0..tree.nodes().len()).collect::<Vec<_>>());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no node file left"
    );
    for kind in [
        CircuitKind::PublicVm,
        CircuitKind::PublicKernel,
        CircuitKind::MergeRollup,
    ] {
        let i = tree.nodes().iter().position(|n| n.kind == kind).unwrap();
        decide(keys(), &proofs[i]).expect("every node's proof is a proof of its subtree");
        assert!(
            decide_block(keys(), &proofs[i]).is_err(),
            "not a root rollup"
        );
    }
}

#[test]
fn soundness_tampered_node_proofs_are_rejected() {
    let (_, proofs) = honest();
    let mut rng = ChaCha8Rng::seed_from_u64(50);
    let root = proofs.last().unwrap();
    let mut bad = root.clone();
    bad.state[INPUTS] += Fr::from(1u64);
    assert_rejected(&bad, "root public output");

    let b = node(CircuitKind::BaseRollup, Some(1), None);
    let honest_base = &proofs[b];
    let mut forged: Vec<(&str, NodeProof)> = Vec::new();
    let mut p = honest_base.clone();
    p.state[INPUTS + 1] = Fr::rand(&mut rng);
    forged.push(("public output", p));
    let mut p = honest_base.clone();
    p.fresh_w.w[7] = Fr::rand(&mut rng);
    forged.push(("fresh witness", p));
    let mut p = honest_base.clone();
    p.fresh_u.cm_w = G1Projective::rand(&mut rng);
    forged.push(("fresh commitment", p));
    let mut p = honest_base.clone();
    p.running_u.x[0] = Fr::rand(&mut rng);
    forged.push(("running instance", p));
    let mut p = honest_base.clone();
    p.running_w.e[3] = Fr::rand(&mut rng);
    forged.push(("running witness", p));
    let mut p = honest_base.clone();
    p.cf_u.u = Fr::rand(&mut rng).into_bigint_mod();
    forged.push(("CycleFold instance", p));
    for (what, p) in forged {
        assert_rejected(&root_after(vec![(b, p)], &[]), what);
    }
}

/// `Fr` to the CycleFold field, for tampering with a CycleFold scalar.
trait IntoFq {
    fn into_bigint_mod(self) -> ark_bn254::Fq;
}

impl IntoFq for Fr {
    fn into_bigint_mod(self) -> ark_bn254::Fq {
        use ark_ff::{BigInteger, PrimeField};
        ark_bn254::Fq::from_le_bytes_mod_order(&self.into_bigint().to_bytes_le())
    }
}

#[test]
fn soundness_node_from_another_block_is_rejected() {
    let other = block(4);
    assert_eq!(other.calls_per_tx(), [1, 2, 0, 0]);
    let base = other
        .nodes()
        .iter()
        .position(|n| n.kind == CircuitKind::BaseRollup && n.tx == Some(1))
        .unwrap();
    let subtree = prove_upto(&other, base).pop().unwrap();
    let b = node(CircuitKind::BaseRollup, Some(1), None);
    assert_rejected(
        &root_after(vec![(b, subtree)], &[]),
        "base of another block",
    );
}

#[test]
fn soundness_reordered_txs_are_rejected() {
    let (tree, _) = honest();
    let b0 = node(CircuitKind::BaseRollup, Some(0), None);
    let b1 = node(CircuitKind::BaseRollup, Some(1), None);
    let merge = tree
        .nodes()
        .iter()
        .position(|n| n.children == [b0, b1])
        .unwrap();
    assert_rejected(
        &root_after(vec![], &[(merge, vec![b1, b0])]),
        "txs 0 and 1 swapped",
    );
}

#[test]
fn soundness_vm_moved_to_another_tx_is_rejected() {
    let vm_of_tx1 = node(CircuitKind::PublicVm, Some(1), Some(0));
    let kernel_of_tx3 = node(CircuitKind::PublicKernel, Some(3), Some(0));
    assert_rejected(
        &root_after(vec![], &[(kernel_of_tx3, vec![vm_of_tx1])]),
        "tx 1's VM call under tx 3's kernel",
    );
}

#[test]
fn soundness_dropped_kernel_step_is_rejected() {
    let first = node(CircuitKind::PublicKernel, Some(1), Some(0));
    let second = node(CircuitKind::PublicKernel, Some(1), Some(1));
    let vm = node(CircuitKind::PublicVm, Some(1), Some(1));
    let base = node(CircuitKind::BaseRollup, Some(1), None);
    assert_rejected(
        &root_after(vec![], &[(base, vec![first])]),
        "last step dropped",
    );
    assert_rejected(
        &root_after(vec![], &[(second, vec![vm])]),
        "first step dropped",
    );
}

#[test]
fn soundness_base_without_its_kernel_is_rejected() {
    let base = node(CircuitKind::BaseRollup, Some(1), None);
    assert_rejected(&root_after(vec![], &[(base, vec![])]), "base as a leaf");
    let (tree, _) = honest();
    let input = keys().step.input(&tree.circuits()[base]).unwrap();
    let refused = prove_node(keys(), input, Children::None, ChaCha20Rng::seed_from_u64(5));
    assert!(
        matches!(refused, Err(PcdError::Step { .. })),
        "the native check refuses it before any folding"
    );
}

#[test]
fn the_forging_prover_folds_an_honest_tree_that_is_accepted() {
    let (tree, _) = honest();
    let base = node(CircuitKind::BaseRollup, Some(1), None);
    let same = tree.nodes()[base].children.clone();
    let root = root_after(vec![], &[(base, same)]);
    decide_block(keys(), &root).expect("the forging harness itself is sound");
}
