//! Tampering with any part of a child — its instance, witness, commitment or step output —
//! makes the parent unsatisfiable or its accumulator rejected by the decider.

use crate::common;

use ark_ff::UniformRand;
use ark_std::rand::Rng;
use sidecar_pcd::{Fr, Fs1, G1, decide, finish_node, fold_children};
use sonobe_fs::FoldingSchemeDecider;

#[test]
fn tampered_child_instance_is_rejected() {
    let [a, b] = common::height_one();
    let mut rng = common::rng(20);
    let mut bad = a.clone();
    bad.running_u.x[0] += Fr::from(1u64);
    common::assert_parent_rejected(&bad, b, "running x");

    let mut bad = a.clone();
    bad.running_u.u = Fr::rand(&mut rng);
    common::assert_parent_rejected(&bad, b, "running u");

    let mut bad = b.clone();
    bad.fresh_u.x[0] = Fr::rand(&mut rng);
    common::assert_parent_rejected(a, &bad, "fresh x");
}

#[test]
fn tampered_child_witness_is_rejected() {
    let [a, b] = common::height_one();
    let mut rng = common::rng(21);
    let mut bad = a.clone();
    let i = rng.gen_range(0..bad.fresh_w.w.len());
    bad.fresh_w.w[i] += Fr::from(1u64);
    common::assert_parent_rejected(&bad, b, "fresh witness");

    let mut bad = b.clone();
    let i = rng.gen_range(0..bad.running_w.w.len());
    bad.running_w.w[i] = Fr::rand(&mut rng);
    common::assert_parent_rejected(a, &bad, "running witness");

    let mut bad = b.clone();
    let i = rng.gen_range(0..bad.cf_w.w.len());
    bad.cf_w.w[i] += ark_bn254::Fq::from(1u64);
    common::assert_parent_rejected(a, &bad, "CycleFold witness");
}

#[test]
fn tampered_child_commitment_is_rejected() {
    let [a, b] = common::height_one();
    let mut rng = common::rng(22);
    let mut bad = a.clone();
    bad.fresh_u.cm_w += G1::rand(&mut rng);
    common::assert_parent_rejected(&bad, b, "fresh cm_W");

    let mut bad = b.clone();
    bad.running_u.cm_e += G1::rand(&mut rng);
    common::assert_parent_rejected(a, &bad, "running cm_E");

    let mut bad = b.clone();
    bad.cf_u.cm_w += ark_grumpkin::Projective::rand(&mut rng);
    common::assert_parent_rejected(a, &bad, "CycleFold cm_W");
}

#[test]
fn tampered_child_step_output_is_rejected() {
    let [a, b] = common::height_one();
    let mut bad = a.clone();
    bad.state[1] += Fr::from(1u64);
    common::assert_parent_rejected(&bad, b, "digest");

    // A height the native prover would refuse, forced into the circuit: the step logic's
    // equal-heights constraint fails, so the node's own instance is unsatisfied.
    let keys = common::keys();
    let mut folding = fold_children(keys, a, b, common::rng(23)).expect("honest folding");
    folding.witness.children[0].state[0] += Fr::from(1u64);
    let parent = finish_node(keys, folding, common::rng(24)).expect("assignment exists");
    assert!(
        Fs1::decide_incoming(&keys.key1, &parent.fresh_w, &parent.fresh_u).is_err(),
        "node circuit satisfied with unequal child heights"
    );
    assert!(decide(keys, &parent).is_err());
}

#[test]
fn tampered_final_accumulator_is_rejected() {
    let keys = common::keys();
    let [a, _] = common::height_one();
    let mut rng = common::rng(25);
    let mut bad = a.clone();
    let i = rng.gen_range(0..bad.running_w.e.len());
    bad.running_w.e[i] += Fr::from(1u64);
    assert!(decide(keys, &bad).is_err(), "error term");

    let mut bad = a.clone();
    bad.state[1] = Fr::rand(&mut rng);
    assert!(decide(keys, &bad).is_err(), "claimed state");

    let mut bad = a.clone();
    bad.cf_u.u += ark_bn254::Fq::from(1u64);
    assert!(decide(keys, &bad).is_err(), "CycleFold u");
}
