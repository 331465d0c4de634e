//! The native decider: accepts a node's proof iff its fresh instance carries the hash of its
//! state and accumulators, and all three relations hold — the fresh instance satisfies the
//! node R1CS, the running instance the relaxed node R1CS, the CycleFold running instance the
//! relaxed CycleFold R1CS — with every commitment opening to its witness vector.

use sonobe_fs::FoldingSchemeDecider;
use sonobe_primitives::transcripts::Transcript;

use crate::{
    Error, Result, Sponge,
    prover::NodeProof,
    setup::PcdKeys,
    step::Step,
    types::{Fr, Fs1, Fs2},
};

/// `H(pp, z, U, cfU)`: the public input a node's fresh instance must carry.
pub fn node_output_hash<S: Step>(keys: &PcdKeys<S>, proof: &NodeProof) -> Fr {
    Sponge::new_with_pp_hash(keys.poseidon.clone(), keys.pp_hash)
        .separate_domain(b"sponge")
        .add(&proof.state)
        .add(&proof.running_u)
        .add(&proof.cf_u)
        .get_field_element()
}

/// Decides a node's proof (typically the root's); `Ok(())` means accepted. The caller then
/// checks the proof's state against what the tree is meant to prove.
pub fn decide<S: Step>(keys: &PcdKeys<S>, proof: &NodeProof) -> Result<()> {
    if !proof.has_shapes_of(keys) {
        return Err(Error::rejected("vector lengths do not match the circuits"));
    }
    if proof.fresh_u.x != [node_output_hash(keys, proof)] {
        return Err(Error::rejected(
            "fresh instance does not carry H(pp, z, U, cfU)",
        ));
    }
    Fs1::decide_incoming(&keys.key1, &proof.fresh_w, &proof.fresh_u)
        .map_err(|e| Error::rejected(format!("node circuit not satisfied: {e}")))?;
    Fs1::decide_running(&keys.key1, &proof.running_w, &proof.running_u)
        .map_err(|e| Error::rejected(format!("primary accumulator: {e}")))?;
    Fs2::decide_running(&keys.key2, &proof.cf_w, &proof.cf_u)
        .map_err(|e| Error::rejected(format!("CycleFold accumulator: {e}")))?;
    Ok(())
}
