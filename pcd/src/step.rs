//! The synthetic step logic every node runs: a Poseidon chain of configurable length.
//!
//! State `z = (height, digest)`. A leaf with input `a` outputs `(0, chain(H(0, a)))`; a node
//! with children `(h, d_L)`, `(h, d_R)` of equal height outputs `(h + 1, chain(H(1, d_L, d_R)))`,
//! where `chain` applies the Poseidon permutation-based hash `chain_len` more times. The root's
//! digest is therefore a Merkle-style commitment to the leaves, and its height says how deep the
//! tree is, so a root at height `k` attests to `2^k` leaves.

use ark_crypto_primitives::sponge::poseidon::PoseidonConfig;
use ark_ff::{PrimeField, Zero};
use ark_r1cs_std::{
    GR1CSVar,
    alloc::{AllocVar, AllocationMode},
    boolean::Boolean,
    eq::EqGadget,
    fields::{FieldVar, fp::FpVar},
};
use ark_relations::gr1cs::{ConstraintSystemRef, Namespace, SynthesisError};
use ark_std::borrow::Borrow;
use sonobe_primitives::transcripts::{
    Absorbable, AbsorbableVar, Transcript, TranscriptGadget, poseidon::poseidon_circom_config,
};

use crate::{
    Error, Result,
    types::{Fr, Sponge, SpongeVar},
};

/// A node's step output: the height of its subtree and the running digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct State {
    /// Height of the subtree (0 for a leaf).
    pub height: Fr,
    /// Poseidon digest of the subtree.
    pub digest: Fr,
}

impl Absorbable for State {
    fn absorb_into<F: PrimeField>(&self, dest: &mut Vec<F>) {
        self.height.absorb_into(dest);
        self.digest.absorb_into(dest);
    }
}

/// [`State`] inside the node circuit.
#[derive(Clone, Debug)]
pub(crate) struct StateVar {
    pub height: FpVar<Fr>,
    pub digest: FpVar<Fr>,
}

impl AllocVar<State, Fr> for StateVar {
    fn new_variable<T: Borrow<State>>(
        cs: impl Into<Namespace<Fr>>,
        f: impl FnOnce() -> core::result::Result<T, SynthesisError>,
        mode: AllocationMode,
    ) -> core::result::Result<Self, SynthesisError> {
        let cs = cs.into().cs();
        let v = f().map(|s| *s.borrow());
        Ok(Self {
            height: FpVar::new_variable(cs.clone(), || v.map(|s| s.height), mode)?,
            digest: FpVar::new_variable(cs, || v.map(|s| s.digest), mode)?,
        })
    }
}

impl AbsorbableVar<Fr> for StateVar {
    fn absorb_into(&self, dest: &mut Vec<FpVar<Fr>>) -> core::result::Result<(), SynthesisError> {
        dest.push(self.height.clone());
        dest.push(self.digest.clone());
        Ok(())
    }
}

impl StateVar {
    pub fn value(&self) -> core::result::Result<State, SynthesisError> {
        Ok(State {
            height: self.height.value()?,
            digest: self.digest.value()?,
        })
    }
}

/// The step logic: Poseidon (circom parameters, width 5) with `chain_len` extra hashes.
#[derive(Clone, Debug)]
pub struct StepCircuit {
    chain_len: usize,
    poseidon: PoseidonConfig<Fr>,
}

const LEAF_TAG: u64 = 0;
const NODE_TAG: u64 = 1;

impl StepCircuit {
    /// Step logic with `chain_len` chained hashes after the leaf / merge hash.
    pub fn new(chain_len: usize) -> Self {
        Self {
            chain_len,
            poseidon: poseidon_circom_config(),
        }
    }

    /// Number of chained hashes.
    pub fn chain_len(&self) -> usize {
        self.chain_len
    }

    /// The Poseidon parameters (also used for the node's hashes and transcripts).
    pub fn poseidon(&self) -> &PoseidonConfig<Fr> {
        &self.poseidon
    }

    /// `H(inputs)`: absorb all, squeeze one element.
    pub fn hash(&self, inputs: &[Fr]) -> Fr {
        let mut sponge = Sponge::new(self.poseidon.clone());
        sponge.add(inputs);
        sponge.get_field_element()
    }

    fn chain(&self, mut x: Fr) -> Fr {
        for _ in 0..self.chain_len {
            x = self.hash(&[x]);
        }
        x
    }

    /// A leaf's output for input `a`: `(0, chain(H(0, a)))`.
    pub fn leaf(&self, a: Fr) -> State {
        State {
            height: Fr::zero(),
            digest: self.chain(self.hash(&[Fr::from(LEAF_TAG), a])),
        }
    }

    /// A node's output for children `l`, `r`: `(h + 1, chain(H(1, d_L, d_R)))`; errors if
    /// the children's heights differ.
    pub fn merge(&self, l: &State, r: &State) -> Result<State> {
        if l.height != r.height {
            return Err(Error::HeightMismatch {
                left: small(l.height),
                right: small(r.height),
            });
        }
        Ok(State {
            height: l.height + Fr::from(1u64),
            digest: self.chain(self.hash(&[Fr::from(NODE_TAG), l.digest, r.digest])),
        })
    }

    fn hash_var(&self, inputs: &[FpVar<Fr>]) -> core::result::Result<FpVar<Fr>, SynthesisError> {
        let mut sponge = SpongeVar::new(self.poseidon.clone());
        sponge.add(&inputs.to_vec())?;
        sponge.get_field_element()
    }

    /// The step in-circuit: the leaf output if `is_leaf`, else the merge of `l` and `r`
    /// (whose heights are then enforced equal).
    pub(crate) fn step_var(
        &self,
        cs: ConstraintSystemRef<Fr>,
        is_leaf: &Boolean<Fr>,
        leaf_input: &FpVar<Fr>,
        l: &StateVar,
        r: &StateVar,
    ) -> core::result::Result<StateVar, SynthesisError> {
        l.height.conditional_enforce_equal(&r.height, &!is_leaf)?;
        let leaf_tag = FpVar::new_constant(cs.clone(), Fr::from(LEAF_TAG))?;
        let node_tag = FpVar::new_constant(cs, Fr::from(NODE_TAG))?;
        let leaf = self.hash_var(&[leaf_tag, leaf_input.clone()])?;
        let node = self.hash_var(&[node_tag, l.digest.clone(), r.digest.clone()])?;
        let mut digest = is_leaf.select(&leaf, &node)?;
        for _ in 0..self.chain_len {
            digest = self.hash_var(&[digest])?;
        }
        let height = is_leaf.select(&FpVar::zero(), &(&l.height + FpVar::one()))?;
        Ok(StateVar { height, digest })
    }
}

/// A height as an integer for error messages (heights are small).
fn small(x: Fr) -> u64 {
    let limbs = x.into_bigint().0;
    if limbs[1..].iter().all(|l| *l == 0) {
        limbs[0]
    } else {
        u64::MAX
    }
}

#[cfg(test)]
mod tests {
    use ark_ff::UniformRand;
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;

    fn run(step: &StepCircuit, leaf: Option<Fr>, l: State, r: State) -> (State, bool) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let is_leaf = Boolean::new_witness(cs.clone(), || Ok(leaf.is_some())).unwrap();
        let a = FpVar::new_witness(cs.clone(), || Ok(leaf.unwrap_or_default())).unwrap();
        let l = StateVar::new_witness(cs.clone(), || Ok(l)).unwrap();
        let r = StateVar::new_witness(cs.clone(), || Ok(r)).unwrap();
        let z = step.step_var(cs.clone(), &is_leaf, &a, &l, &r).unwrap();
        (z.value().unwrap(), cs.is_satisfied().unwrap())
    }

    #[test]
    fn gadget_matches_native_for_leaves_and_nodes() {
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let step = StepCircuit::new(3);
        let a = Fr::rand(&mut rng);
        let (z, ok) = run(&step, Some(a), State::default(), State::default());
        assert!(ok);
        assert_eq!(z, step.leaf(a));
        let l = step.leaf(Fr::rand(&mut rng));
        let r = step.leaf(Fr::rand(&mut rng));
        let (z, ok) = run(&step, None, l, r);
        assert!(ok);
        assert_eq!(z, step.merge(&l, &r).unwrap());
        assert_ne!(step.merge(&l, &r).unwrap(), step.merge(&r, &l).unwrap());
    }

    #[test]
    fn unequal_heights_are_refused_in_and_out_of_circuit() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let step = StepCircuit::new(1);
        let l = step.leaf(Fr::rand(&mut rng));
        let r = step.merge(&l, &l).unwrap();
        assert!(matches!(
            step.merge(&l, &r),
            Err(Error::HeightMismatch { left: 0, right: 1 })
        ));
        let (_, ok) = run(&step, None, l, r);
        assert!(!ok);
    }
}
