//! A depth-3 tree (8 leaves) folds into one root the decider accepts, and the root's state
//! is the Merkle-style digest of the leaves.

use crate::common;

use ark_ff::UniformRand;
use sidecar_pcd::{Children, Error, Fr, decide, prove_leaf, prove_node, prove_pair, prove_tree};

#[test]
fn depth_three_tree_folds_and_decider_accepts() {
    let keys = common::keys();
    let mut rng = common::rng(10);
    let leaves: Vec<Fr> = (0..8).map(|_| Fr::rand(&mut rng)).collect();
    let root = prove_tree(keys, &leaves, &mut rng).expect("tree proves");
    decide(keys, &root).expect("decider accepts the root");

    let mut level: Vec<_> = leaves.iter().map(|a| keys.step.leaf(*a)).collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|p| keys.step.merge(&p[0], &p[1]).expect("same height"))
            .collect();
    }
    assert_eq!(root.state, level[0]);
    assert_eq!(root.state[0], Fr::from(3u64));
}

#[test]
fn every_leaf_and_inner_node_is_accepted_on_its_own() {
    let keys = common::keys();
    for leaf in common::leaves() {
        decide(keys, leaf).expect("leaf accepted");
        assert_eq!(leaf.state[0], Fr::from(0u64));
    }
    for node in common::height_one() {
        assert_eq!(node.state[0], Fr::from(1u64));
    }
}

#[test]
fn trees_need_a_power_of_two_leaves() {
    let keys = common::keys();
    let mut rng = common::rng(11);
    let leaves: Vec<Fr> = (0..3).map(|_| Fr::rand(&mut rng)).collect();
    assert!(matches!(
        prove_tree(keys, &leaves, &mut rng),
        Err(Error::LeafCount(3))
    ));
    assert!(matches!(
        prove_tree(keys, &[], &mut rng),
        Err(Error::LeafCount(0))
    ));
}

#[test]
fn malformed_children_are_an_error_not_a_panic() {
    let keys = common::keys();
    let [a, b] = common::height_one();
    let mut short = a.clone();
    short.fresh_w.w.pop();
    assert!(matches!(
        prove_pair(keys, &short, b, common::rng(13)),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(decide(keys, &short), Err(Error::Rejected { .. })));
}

#[test]
fn children_of_different_heights_are_refused() {
    let keys = common::keys();
    let mut rng = common::rng(12);
    let leaf = prove_leaf(keys, Fr::rand(&mut rng), &mut rng).expect("leaf");
    let node = &common::height_one()[0];
    assert!(matches!(
        prove_pair(keys, node, &leaf, &mut rng),
        Err(Error::HeightMismatch { left: 1, right: 0 })
    ));
    assert!(matches!(
        prove_node(keys, None, Children::Left(node), &mut rng),
        Err(Error::Step { .. })
    ));
}

#[test]
fn node_proofs_round_trip_through_bytes() {
    let keys = common::keys();
    let node = &common::height_one()[0];
    let bytes = node.to_bytes();
    let back = sidecar_pcd::NodeProof::from_bytes(&bytes).expect("round trip");
    assert_eq!(&back, node);
    decide(keys, &back).expect("accepted after the round trip");
    assert!(sidecar_pcd::NodeProof::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(sidecar_pcd::NodeProof::from_bytes(&trailing).is_err());
    let mut off_curve = bytes;
    let at = off_curve.len() / 3;
    off_curve[at] ^= 0x55;
    if let Ok(p) = sidecar_pcd::NodeProof::from_bytes(&off_curve) {
        assert!(
            decide(keys, &p).is_err(),
            "a flipped byte is never accepted"
        );
    }
}
