//! The arity-2 node circuit (over BN254 `Fr`).
//!
//! For each child `c ∈ {L, R}` it is given the child's step output `z_c`, running instance
//! `U_c`, CycleFold running instance `cfU_c` and the commitment `cm_w` of the child's fresh
//! instance; it recomputes the fresh instance's public input `x_c = H(pp, z_c, U_c, cfU_c)`
//! (so the fresh instance folded is exactly the one whose hash the child output) and then:
//!
//! 1. folds `u_c` into `U_c` (Nova, 1 running + 1 incoming) for both children,
//! 2. merges `U_L'`, `U_R'` (Nova, 2 running + 0 incoming),
//! 3. merges `cfU_L`, `cfU_R` and folds in the 7 CycleFold instances that prove the G1
//!    combinations of steps 1–2 (2 + 2 + 3), whose public inputs it computes itself,
//! 4. runs the step logic on its own witness and the children's states,
//! 5. outputs one public input `x = H(pp, z, U, cfU)`.
//!
//! Every challenge comes from one transcript `T(pp)` that absorbs, in order, each fold's
//! instances and cross-term commitment before squeezing. A leaf (no left child) outputs the
//! all-zero running instances instead of the folds, which are then over placeholders. A node
//! with only a left child is folded with that child in both slots (its accumulator then holds
//! the child twice); the step is told the right child is absent and ignores its state.

use ark_crypto_primitives::sponge::poseidon::PoseidonConfig;
use ark_r1cs_std::{GR1CSVar, alloc::AllocVar, boolean::Boolean, eq::EqGadget, fields::fp::FpVar};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use sonobe_primitives::{
    arithmetizations::ArithConfig, circuits::WitnessToPublic, traits::Dummy,
    transcripts::TranscriptGadget,
};

use crate::{
    cyclefold::CF_PUBLIC_INPUTS,
    fold::{cf_fold_fresh, cf_fold_running, fold_fresh, fold_running},
    step::{ChildVar, State, Step},
    types::{
        Fr, FreshU1Var, FreshU2Var, G1, G1Var, G2, G2Var, RunningU1, RunningU1Var, RunningU2,
        RunningU2Var, SpongeVar,
    },
};

/// Number of CycleFold instances a node folds: 2 per child fold, 3 for the merge.
pub const CYCLEFOLDS_PER_NODE: usize = 7;

/// What a node is given about one child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildInput {
    /// The child's step output `z_c`.
    pub state: State,
    /// The child's primary running instance `U_c`.
    pub running: RunningU1,
    /// Commitment to the child's fresh witness (`u_c.cm_W`).
    pub fresh_cm_w: G1,
    /// The child's CycleFold running instance `cfU_c`.
    pub cf_running: RunningU2,
}

/// The prover's data for folding one child's fresh instance into its running instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingFold {
    /// Cross-term commitment `cm_T`.
    pub cm_t: G1,
    /// Claimed folded `cm_E` (checked by CycleFold).
    pub cm_e: G1,
    /// Claimed folded `cm_W` (checked by CycleFold).
    pub cm_w: G1,
}

/// The prover's data for merging the two running instances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeFold {
    /// Cross-term commitment `cm_T`.
    pub cm_t: G1,
    /// Claimed `cm_T + rho * cm_E2` (checked by CycleFold).
    pub cm_tmp: G1,
    /// Claimed folded `cm_E` (checked by CycleFold).
    pub cm_e: G1,
    /// Claimed folded `cm_W` (checked by CycleFold).
    pub cm_w: G1,
}

/// The prover's data for folding one CycleFold instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleFoldStep {
    /// Commitment to the CycleFold witness.
    pub cm_w: G2,
    /// Cross-term commitment of the fold.
    pub cm_t: G2,
}

/// Every value the node circuit allocates; `W` is the step's own witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeWitness<W> {
    /// Hash of the public parameters (keys and step configuration).
    pub pp_hash: Fr,
    /// The step's witness for this node.
    pub step: W,
    /// Which children the node has (left, right); a right child implies a left one.
    pub present: [bool; 2],
    /// Left and right children (placeholders where absent; the left one twice when only
    /// the left is present).
    pub children: [ChildInput; 2],
    /// Fresh-into-running folds of the two children.
    pub incoming: [IncomingFold; 2],
    /// Merge of the two folded running instances.
    pub merge: MergeFold,
    /// Cross-term commitment of the CycleFold merge.
    pub cf_merge_cm_t: G2,
    /// The 7 CycleFold folds, in the order the node circuit folds them.
    pub cf_steps: [CycleFoldStep; CYCLEFOLDS_PER_NODE],
}

impl<W> NodeWitness<W> {
    /// Placeholder values of the right shapes around the step witness `step` (used for key
    /// generation and for leaves); states are `width` zeros.
    pub fn placeholder(cfg1: &ArithConfig, cfg2: &ArithConfig, step: W, width: usize) -> Self {
        let child = ChildInput {
            state: vec![Fr::default(); width],
            running: RunningU1::dummy(cfg1),
            fresh_cm_w: G1::default(),
            cf_running: RunningU2::dummy(cfg2),
        };
        let incoming = IncomingFold {
            cm_t: G1::default(),
            cm_e: G1::default(),
            cm_w: G1::default(),
        };
        Self {
            pp_hash: Fr::default(),
            step,
            present: [false; 2],
            children: [child.clone(), child],
            incoming: [incoming.clone(), incoming],
            merge: MergeFold {
                cm_t: G1::default(),
                cm_tmp: G1::default(),
                cm_e: G1::default(),
                cm_w: G1::default(),
            },
            cf_merge_cm_t: G2::default(),
            cf_steps: core::array::from_fn(|_| CycleFoldStep {
                cm_w: G2::default(),
                cm_t: G2::default(),
            }),
        }
    }
}

/// The node circuit: step logic plus the in-circuit folding verifier.
pub struct NodeCircuit<'a, S: Step> {
    /// Step logic.
    pub step: &'a S,
    /// Poseidon parameters of the hashes and transcripts.
    pub poseidon: &'a PoseidonConfig<Fr>,
    /// Shape of the node circuit (for the all-zero running instance leaves output).
    pub cfg1: &'a ArithConfig,
    /// Shape of the CycleFold circuit.
    pub cfg2: &'a ArithConfig,
    /// The assignment.
    pub witness: &'a NodeWitness<S::Witness>,
}

impl<S: Step> NodeCircuit<'_, S> {
    /// Synthesizes the node and returns its step output (its value, when assigned).
    pub fn synthesize(&self, cs: ConstraintSystemRef<Fr>) -> Result<Option<State>, SynthesisError> {
        self.synthesize_profiled(cs, &mut Vec::new())
    }

    /// Like [`NodeCircuit::synthesize`], also recording the constraint count after each
    /// phase (children's hashes and folds, merge, CycleFold folds, step, output hash).
    pub fn synthesize_profiled(
        &self,
        cs: ConstraintSystemRef<Fr>,
        profile: &mut Vec<(&'static str, usize)>,
    ) -> Result<Option<State>, SynthesisError> {
        let mut mark = |name: &'static str, cs: &ConstraintSystemRef<Fr>| {
            profile.push((name, cs.num_constraints()))
        };
        let w = self.witness;
        let cfg = self.poseidon.clone();
        let pp_hash = FpVar::new_witness(cs.clone(), || Ok(w.pp_hash))?;
        let sponge =
            SpongeVar::new_with_pp_hash(cfg.clone(), &pp_hash)?.separate_domain(b"sponge")?;
        let mut tr = SpongeVar::new_with_pp_hash(cfg, &pp_hash)?.separate_domain(b"transcript")?;

        let present_l = Boolean::new_witness(cs.clone(), || Ok(w.present[0]))?;
        let present_r = Boolean::new_witness(cs.clone(), || Ok(w.present[1]))?;
        (present_r.clone() & !present_l.clone()).enforce_equal(&Boolean::FALSE)?;
        let is_leaf = !present_l.clone();

        let mut states = Vec::with_capacity(2);
        let mut folded = Vec::with_capacity(2);
        let mut cf_running = Vec::with_capacity(2);
        let mut cf_inputs = Vec::with_capacity(CYCLEFOLDS_PER_NODE);
        for (child, fold) in w.children.iter().zip(&w.incoming) {
            let z = child
                .state
                .iter()
                .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)))
                .collect::<Result<Vec<_>, _>>()?;
            if z.len() != self.step.width() {
                return Err(SynthesisError::Unsatisfiable);
            }
            let big = RunningU1Var::new_witness(cs.clone(), || Ok(&child.running))?;
            let cf_big = RunningU2Var::new_witness(cs.clone(), || Ok(&child.cf_running))?;
            let x = sponge
                .clone()
                .add(&z)?
                .add(&big)?
                .add(&cf_big)?
                .get_field_element()?;
            let small = FreshU1Var {
                cm_w: G1Var::new_witness(cs.clone(), || Ok(child.fresh_cm_w))?,
                x: vec![x],
            };
            let cm_t = G1Var::new_witness(cs.clone(), || Ok(fold.cm_t))?;
            let cm_e = G1Var::new_witness(cs.clone(), || Ok(fold.cm_e))?;
            let cm_w = G1Var::new_witness(cs.clone(), || Ok(fold.cm_w))?;
            let (u, inputs) = fold_fresh(&mut tr, &big, &small, &cm_t, cm_e, cm_w)?;
            states.push(z);
            folded.push(u);
            cf_running.push(cf_big);
            cf_inputs.extend(inputs);
        }
        mark("children: hash x_c, fold u_c into U_c (x2)", &cs);

        let m = &w.merge;
        let cm_t = G1Var::new_witness(cs.clone(), || Ok(m.cm_t))?;
        let hints = [m.cm_tmp, m.cm_e, m.cm_w].map(|p| G1Var::new_witness(cs.clone(), || Ok(p)));
        let [a, b, c] = hints;
        let (merged, inputs) = fold_running(&mut tr, &folded[0], &folded[1], &cm_t, [a?, b?, c?])?;
        cf_inputs.extend(inputs);
        mark("merge U_L', U_R' (2 running)", &cs);

        let cf_t = G2Var::new_witness(cs.clone(), || Ok(w.cf_merge_cm_t))?;
        let mut cf_acc = cf_fold_running(&mut tr, &cf_running[0], &cf_running[1], &cf_t)?;
        mark("CycleFold merge cfU_L, cfU_R (full verifier)", &cs);
        for (step, x) in w.cf_steps.iter().zip(cf_inputs) {
            if x.len() != CF_PUBLIC_INPUTS {
                return Err(SynthesisError::Unsatisfiable);
            }
            let small = FreshU2Var {
                cm_w: G2Var::new_witness(cs.clone(), || Ok(step.cm_w))?,
                x,
            };
            let cm_t = G2Var::new_witness(cs.clone(), || Ok(step.cm_t))?;
            cf_acc = cf_fold_fresh(&mut tr, &cf_acc, &small, &cm_t)?;
        }
        mark("7 CycleFold folds (full verifier)", &cs);

        let children = [
            ChildVar {
                present: &present_l,
                state: &states[0],
            },
            ChildVar {
                present: &present_r,
                state: &states[1],
            },
        ];
        let z = self.step.synthesize(cs.clone(), &w.step, children)?;
        if z.len() != self.step.width() {
            return Err(SynthesisError::Unsatisfiable);
        }
        mark("step logic", &cs);
        let zero1 = RunningU1Var::new_constant(cs.clone(), RunningU1::dummy(self.cfg1))?;
        let zero2 = RunningU2Var::new_constant(cs.clone(), RunningU2::dummy(self.cfg2))?;
        let out = is_leaf.select(&zero1, &merged)?;
        let cf_out = is_leaf.select(&zero2, &cf_acc)?;
        let x = sponge
            .clone()
            .add(&z)?
            .add(&out)?
            .add(&cf_out)?
            .get_field_element()?;
        x.mark_as_public()?;
        mark("leaf select, output hash", &cs);

        if cs.is_in_setup_mode() {
            Ok(None)
        } else {
            Ok(Some(z.value()?))
        }
    }
}

impl<S: Step> ConstraintSynthesizer<Fr> for NodeCircuit<'_, S> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        self.synthesize(cs).map(|_| ())
    }
}
