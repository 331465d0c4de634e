//! The node prover: fold the children's accumulators natively, then run the node circuit to
//! get the node's fresh instance.
//!
//! [`fold_children`] does what the node circuit verifies, in the same transcript order:
//! fold `u_L` into `U_L`, `u_R` into `U_R` (Nova 1+1), merge the results (Nova 2+0), merge
//! the CycleFold accumulators (Nova 2+0 on Grumpkin) and fold in the 7 CycleFold instances.
//! [`finish_node`] synthesizes the node circuit on that data and commits to its witness.

use ark_std::rand::RngCore;
use sonobe_fs::{DeciderKey, FoldingSchemeProver};
use sonobe_ivc::compilers::cyclefold::circuits::CycleFoldCircuit;
use sonobe_primitives::{
    algebra::ops::bits::FromBits, circuits::AssignmentsExtractor,
    relations::WitnessInstanceSampler, traits::Dummy, transcripts::Transcript,
};

use crate::{
    Error, Result,
    cyclefold::PointRlcCircuit,
    node::{ChildInput, CycleFoldStep, IncomingFold, MergeFold, NodeCircuit, NodeWitness},
    setup::PcdKeys,
    step::{State, Step},
    types::{
        CHALLENGE_BITS, Fq, Fr, FreshU1, FreshU2, FreshW1, FreshW2, Fs1, Fs2, RunningU1, RunningU2,
        RunningW1, RunningW2, Sponge,
    },
};

/// A node's proof: its step output, its accumulators (primary and CycleFold, instance and
/// witness), and its own fresh instance, whose single public input is `H(pp, z, U, cfU)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeProof {
    /// Step output `z`.
    pub state: State,
    /// Primary running witness.
    pub running_w: RunningW1,
    /// Primary running instance `U`.
    pub running_u: RunningU1,
    /// The node circuit's witness.
    pub fresh_w: FreshW1,
    /// The node circuit's instance `u`.
    pub fresh_u: FreshU1,
    /// CycleFold running witness.
    pub cf_w: RunningW2,
    /// CycleFold running instance `cfU`.
    pub cf_u: RunningU2,
}

impl NodeProof {
    /// Whether every vector has the length the keys' circuits give it (checked before
    /// folding or deciding, so malformed input is an error rather than a panic).
    pub fn has_shapes_of<S: Step>(&self, keys: &PcdKeys<S>) -> bool {
        let (c1, c2) = (keys.node_config(), keys.cyclefold_config());
        self.state.len() == keys.step.width()
            && self.running_w.w.len() == c1.n_witnesses
            && self.running_w.e.len() == c1.n_constraints
            && self.running_u.x.len() == c1.n_public_inputs
            && self.fresh_w.w.len() == c1.n_witnesses
            && self.fresh_u.x.len() == c1.n_public_inputs
            && self.cf_w.w.len() == c2.n_witnesses
            && self.cf_w.e.len() == c2.n_constraints
            && self.cf_u.x.len() == c2.n_public_inputs
    }
}

/// A node's folded accumulators and the node circuit's assignment, before the circuit runs.
#[derive(Clone, Debug)]
pub struct NodeFolding<W> {
    /// The node circuit's assignment.
    pub witness: NodeWitness<W>,
    /// Folded primary running witness.
    pub running_w: RunningW1,
    /// Folded primary running instance.
    pub running_u: RunningU1,
    /// Folded CycleFold running witness.
    pub cf_w: RunningW2,
    /// Folded CycleFold running instance.
    pub cf_u: RunningU2,
}

/// The transcript every node starts from: `T(pp_hash)` separated to "transcript".
pub fn node_transcript<S: Step>(keys: &PcdKeys<S>) -> Sponge {
    Sponge::new_with_pp_hash(keys.poseidon.clone(), keys.pp_hash).separate_domain(b"transcript")
}

fn last_bits(mut before: Sponge, absorb: impl FnOnce(&mut Sponge)) -> Vec<bool> {
    absorb(&mut before);
    before.challenge_bits(CHALLENGE_BITS)
}

fn child_input(p: &NodeProof) -> ChildInput {
    ChildInput {
        state: p.state.clone(),
        running: p.running_u.clone(),
        fresh_cm_w: p.fresh_u.cm_w,
        cf_running: p.cf_u.clone(),
    }
}

/// The children of a node being proven.
#[derive(Clone, Copy, Debug)]
pub enum Children<'a> {
    /// A leaf.
    None,
    /// Only a left child.
    Left(&'a NodeProof),
    /// Two children.
    Both(&'a NodeProof, &'a NodeProof),
}

impl<'a> Children<'a> {
    /// The children's states, left first (`None` where absent).
    pub fn states(self) -> [Option<&'a State>; 2] {
        match self {
            Self::None => [None, None],
            Self::Left(l) => [Some(&l.state), None],
            Self::Both(l, r) => [Some(&l.state), Some(&r.state)],
        }
    }
}

/// Proves a node: checks the step accepts `witness` and the children natively, folds the
/// children (a lone left child in both slots), runs the node circuit and commits to it.
pub fn prove_node<S: Step>(
    keys: &PcdKeys<S>,
    witness: S::Witness,
    children: Children<'_>,
    mut rng: impl RngCore,
) -> Result<NodeProof> {
    let expected = keys.step.output(&witness, children.states())?;
    let folding = match children {
        Children::None => leaf_folding(keys, witness),
        Children::Left(l) | Children::Both(l, _) => {
            let r = match children {
                Children::Both(_, r) => r,
                _ => l,
            };
            let mut folding = fold_children(keys, l, r, &mut rng)?;
            folding.witness.step = witness;
            folding.witness.present = [true, matches!(children, Children::Both(..))];
            folding
        }
    };
    let proof = finish_node(keys, folding, rng)?;
    if proof.state != expected {
        return Err(Error::shape(
            "the step circuit and its native output disagree",
        ));
    }
    Ok(proof)
}

/// Folds two children with the canonical node transcript (both present, the step's
/// placeholder witness; set [`NodeWitness::step`] before [`finish_node`]).
pub fn fold_children<S: Step>(
    keys: &PcdKeys<S>,
    left: &NodeProof,
    right: &NodeProof,
    rng: impl RngCore,
) -> Result<NodeFolding<S::Witness>> {
    fold_children_with(keys, node_transcript(keys), left, right, rng)
}

/// Folds two children, drawing every challenge from `tr`. Only the node transcript
/// ([`node_transcript`]) gives a folding the node circuit accepts; any other transcript
/// yields challenges the circuit does not recompute, and the decider rejects the result.
pub fn fold_children_with<S: Step>(
    keys: &PcdKeys<S>,
    mut tr: Sponge,
    left: &NodeProof,
    right: &NodeProof,
    mut rng: impl RngCore,
) -> Result<NodeFolding<S::Witness>> {
    if !left.has_shapes_of(keys) || !right.has_shapes_of(keys) {
        return Err(Error::shape("a child's vectors do not match the circuits"));
    }
    let pk1 = keys.key1.to_pk();
    let pk2 = keys.key2.to_pk();
    let mut cf_circuits = Vec::with_capacity(crate::node::CYCLEFOLDS_PER_NODE);
    let mut incoming = Vec::with_capacity(2);
    let mut folded = Vec::with_capacity(2);
    for c in [left, right] {
        let before = tr.clone();
        let (w, u, cm_t) = <Fs1 as FoldingSchemeProver<1, 1>>::prove(
            pk1,
            &mut tr,
            &[&c.running_w],
            &[&c.running_u],
            &[&c.fresh_w],
            &[&c.fresh_u],
            &mut rng,
        )?;
        let bits = last_bits(before, |t| {
            t.add(&c.running_u).add(&c.fresh_u).add(&cm_t);
        });
        cf_circuits.push(PointRlcCircuit::new(bits.clone(), c.running_u.cm_e, cm_t));
        cf_circuits.push(PointRlcCircuit::new(bits, c.running_u.cm_w, c.fresh_u.cm_w));
        incoming.push(IncomingFold {
            cm_t,
            cm_e: u.cm_e,
            cm_w: u.cm_w,
        });
        folded.push((w, u));
    }

    let [(wl, ul), (wr, ur)]: [(RunningW1, RunningU1); 2] = folded
        .try_into()
        .map_err(|_| Error::shape("two folded children"))?;
    let before = tr.clone();
    let (running_w, running_u, cm_t) = <Fs1 as FoldingSchemeProver<2, 0>>::prove(
        pk1,
        &mut tr,
        &[&wl, &wr],
        &[&ul, &ur],
        &[] as &[&FreshW1; 0],
        &[] as &[&FreshU1; 0],
        &mut rng,
    )?;
    let bits = last_bits(before, |t| {
        t.add(&(&ul, &ur)).add(&cm_t);
    });
    let cm_tmp = cm_t + ur.cm_e * Fr::from_bits_le(&bits);
    cf_circuits.push(PointRlcCircuit::new(bits.clone(), cm_t, ur.cm_e));
    cf_circuits.push(PointRlcCircuit::new(bits.clone(), ul.cm_e, cm_tmp));
    cf_circuits.push(PointRlcCircuit::new(bits, ul.cm_w, ur.cm_w));
    let merge = MergeFold {
        cm_t,
        cm_tmp,
        cm_e: running_u.cm_e,
        cm_w: running_u.cm_w,
    };

    let (mut cf_w, mut cf_u, cf_merge_cm_t) = <Fs2 as FoldingSchemeProver<2, 0>>::prove(
        pk2,
        &mut tr,
        &[&left.cf_w, &right.cf_w],
        &[&left.cf_u, &right.cf_u],
        &[] as &[&FreshW2; 0],
        &[] as &[&FreshU2; 0],
        &mut rng,
    )?;
    let mut cf_steps = Vec::with_capacity(cf_circuits.len());
    for circuit in &cf_circuits {
        let cs = AssignmentsExtractor::<Fq>::new();
        cs.execute_fn(|cs| circuit.verify_point_rlc(cs))?;
        let (w, u): (FreshW2, FreshU2) = keys.key2.sample(cs.assignments()?, &mut rng)?;
        let (nw, nu, cm_t) = <Fs2 as FoldingSchemeProver<1, 1>>::prove(
            pk2,
            &mut tr,
            &[&cf_w],
            &[&cf_u],
            &[&w],
            &[&u],
            &mut rng,
        )?;
        (cf_w, cf_u) = (nw, nu);
        cf_steps.push(CycleFoldStep { cm_w: u.cm_w, cm_t });
    }

    let [l_in, r_in] = incoming
        .try_into()
        .map_err(|_| Error::shape("two incoming folds"))?;
    Ok(NodeFolding {
        witness: NodeWitness {
            pp_hash: keys.pp_hash,
            step: keys.step.placeholder(),
            present: [true, true],
            children: [child_input(left), child_input(right)],
            incoming: [l_in, r_in],
            merge,
            cf_merge_cm_t,
            cf_steps: cf_steps
                .try_into()
                .map_err(|_| Error::shape("seven CycleFold steps"))?,
        },
        running_w,
        running_u,
        cf_w,
        cf_u,
    })
}

/// A leaf's folding: nothing to fold, all-zero accumulators, the step's witness.
pub fn leaf_folding<S: Step>(keys: &PcdKeys<S>, step: S::Witness) -> NodeFolding<S::Witness> {
    let (cfg1, cfg2) = (keys.node_config(), keys.cyclefold_config());
    let mut witness = NodeWitness::placeholder(&cfg1, &cfg2, step, keys.step.width());
    witness.pp_hash = keys.pp_hash;
    NodeFolding {
        witness,
        running_w: RunningW1::dummy(&cfg1),
        running_u: RunningU1::dummy(&cfg1),
        cf_w: RunningW2::dummy(&cfg2),
        cf_u: RunningU2::dummy(&cfg2),
    }
}

/// Runs the node circuit on `folding` and commits to its witness, giving the node's proof.
pub fn finish_node<S: Step>(
    keys: &PcdKeys<S>,
    folding: NodeFolding<S::Witness>,
    mut rng: impl RngCore,
) -> Result<NodeProof> {
    let (cfg1, cfg2) = (keys.node_config(), keys.cyclefold_config());
    let cs = AssignmentsExtractor::<Fr>::new();
    let state = cs.execute_fn(|cs| {
        NodeCircuit {
            step: &keys.step,
            poseidon: &keys.poseidon,
            cfg1: &cfg1,
            cfg2: &cfg2,
            witness: &folding.witness,
        }
        .synthesize(cs)
    })?;
    let state = state.ok_or_else(|| Error::shape("node circuit ran without an assignment"))?;
    let (fresh_w, fresh_u): (FreshW1, FreshU1) = keys.key1.sample(cs.assignments()?, &mut rng)?;
    Ok(NodeProof {
        state,
        running_w: folding.running_w,
        running_u: folding.running_u,
        fresh_w,
        fresh_u,
        cf_w: folding.cf_w,
        cf_u: folding.cf_u,
    })
}
