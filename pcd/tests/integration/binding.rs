//! The sonobe #280 bug class: a fold whose challenge is not the transcript's, or which folds
//! a commitment other than the one hashed into the child's output, must not yield an
//! accumulator the decider accepts.

use crate::common;

use ark_ff::UniformRand;
use sidecar_pcd::{
    G1, Sponge, decide, finish_node, fold_children, fold_children_with, node_transcript,
};
use sonobe_primitives::transcripts::Transcript;

#[test]
fn honest_transcript_is_accepted() {
    let keys = common::keys();
    let [a, b] = common::height_one();
    let folding =
        fold_children_with(keys, node_transcript(keys), a, b, common::rng(30)).expect("folding");
    let parent = finish_node(keys, folding, common::rng(31)).expect("node");
    decide(keys, &parent).expect("accepted");
}

#[test]
fn challenge_not_from_the_node_transcript_is_rejected() {
    let keys = common::keys();
    let [a, b] = common::height_one();
    // Challenges from a transcript that does not absorb pp_hash and the domain tag: every
    // fold is internally consistent, but with challenges the circuit does not derive.
    let foreign = Sponge::new(keys.poseidon.clone());
    let folding = fold_children_with(keys, foreign, a, b, common::rng(32)).expect("folding");
    let parent = finish_node(keys, folding, common::rng(33)).expect("node");
    assert!(decide(keys, &parent).is_err());

    // Same transcript, one extra absorbed element: still not the circuit's challenge.
    let mut shifted = node_transcript(keys);
    shifted.add(&ark_bn254::Fr::from(7u64));
    let folding = fold_children_with(keys, shifted, a, b, common::rng(34)).expect("folding");
    let parent = finish_node(keys, folding, common::rng(35)).expect("node");
    assert!(decide(keys, &parent).is_err());
}

#[test]
fn folding_a_commitment_other_than_the_hashed_one_is_rejected() {
    let keys = common::keys();
    let [a, b] = common::height_one();
    // The prover folds b's (valid) accumulator in place of a's, but presents a's running
    // instance as the one hashed into a's output.
    let mut swapped = a.clone();
    swapped.running_w = b.running_w.clone();
    swapped.running_u = b.running_u.clone();
    let mut folding = fold_children(keys, &swapped, b, common::rng(36)).expect("folding");
    folding.witness.children[0].running = a.running_u.clone();
    let parent = finish_node(keys, folding, common::rng(37)).expect("node");
    assert!(decide(keys, &parent).is_err());
}

#[test]
fn folded_commitment_hint_not_tied_to_cyclefold_is_rejected() {
    let keys = common::keys();
    let [a, b] = common::height_one();
    let mut rng = common::rng(38);
    let honest = fold_children(keys, a, b, &mut rng).expect("folding");

    // Claim a different folded cm_W for the left child's fold.
    let mut folding = honest.clone();
    folding.witness.incoming[0].cm_w += G1::rand(&mut rng);
    let parent = finish_node(keys, folding, &mut rng).expect("node");
    assert!(decide(keys, &parent).is_err(), "incoming cm_W hint");

    // Claim a different intermediate point in the merge's cm_E combination.
    let mut folding = honest.clone();
    folding.witness.merge.cm_tmp += G1::rand(&mut rng);
    let parent = finish_node(keys, folding, &mut rng).expect("node");
    assert!(decide(keys, &parent).is_err(), "merge cm_tmp hint");

    // Claim a different merged cm_E, and make the output accumulator agree with the claim.
    let mut folding = honest;
    let shift = G1::rand(&mut rng);
    folding.witness.merge.cm_e += shift;
    folding.running_u.cm_e += shift;
    let parent = finish_node(keys, folding, &mut rng).expect("node");
    assert!(decide(keys, &parent).is_err(), "merged cm_E hint");
}
