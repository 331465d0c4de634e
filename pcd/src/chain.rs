//! The synthetic step: a Poseidon chain of configurable length, for measuring the node's
//! overhead and for testing the folding itself apart from any real circuit.
//!
//! State `z = (height, digest)`. A leaf with input `a` outputs `(0, chain(H(0, a)))`; a node
//! with children `(h, d_L)`, `(h, d_R)` of equal height outputs `(h + 1, chain(H(1, d_L, d_R)))`,
//! where `chain` applies the Poseidon permutation-based hash `chain_len` more times. The root's
//! digest is therefore a Merkle-style commitment to the leaves, and its height says how deep the
//! tree is, so a root at height `k` attests to `2^k` leaves. A node has no child (a leaf) or
//! two.

use ark_crypto_primitives::sponge::poseidon::PoseidonConfig;
use ark_ff::{PrimeField, Zero};
use ark_r1cs_std::{
    alloc::AllocVar,
    eq::EqGadget,
    fields::{FieldVar, fp::FpVar},
};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use sonobe_primitives::transcripts::{
    Transcript, TranscriptGadget, poseidon::poseidon_circom_config,
};

use crate::{
    Error, Result,
    step::{ChildVar, State, Step},
    types::{Fr, Sponge, SpongeVar},
};

/// The synthetic step: Poseidon (circom parameters, width 5) with `chain_len` extra hashes.
#[derive(Clone, Debug)]
pub struct ChainStep {
    chain_len: usize,
    poseidon: PoseidonConfig<Fr>,
}

const LEAF_TAG: u64 = 0;
const NODE_TAG: u64 = 1;

impl ChainStep {
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
        vec![Fr::zero(), self.chain(self.hash(&[Fr::from(LEAF_TAG), a]))]
    }

    /// A node's output for children `l`, `r`: `(h + 1, chain(H(1, d_L, d_R)))`; errors if
    /// the children's heights differ.
    pub fn merge(&self, l: &State, r: &State) -> Result<State> {
        let ([lh, ld], [rh, rd]) = (l.as_slice(), r.as_slice()) else {
            return Err(Error::shape("a chain state has two elements"));
        };
        if lh != rh {
            return Err(Error::HeightMismatch {
                left: small(*lh),
                right: small(*rh),
            });
        }
        Ok(vec![
            *lh + Fr::from(1u64),
            self.chain(self.hash(&[Fr::from(NODE_TAG), *ld, *rd])),
        ])
    }

    fn hash_var(&self, inputs: &[FpVar<Fr>]) -> core::result::Result<FpVar<Fr>, SynthesisError> {
        let mut sponge = SpongeVar::new(self.poseidon.clone());
        sponge.add(&inputs.to_vec())?;
        sponge.get_field_element()
    }
}

impl Step for ChainStep {
    /// `Some(a)` for a leaf with input `a`, `None` for an inner node.
    type Witness = Option<Fr>;

    fn width(&self) -> usize {
        2
    }

    fn placeholder(&self) -> Option<Fr> {
        None
    }

    fn params(&self) -> Vec<u8> {
        (self.chain_len as u64).to_le_bytes().to_vec()
    }

    fn output(&self, witness: &Option<Fr>, children: [Option<&State>; 2]) -> Result<State> {
        match (witness, children) {
            (Some(a), [None, None]) => Ok(self.leaf(*a)),
            (None, [Some(l), Some(r)]) => self.merge(l, r),
            _ => Err(Error::step(
                "a chain node is a leaf with an input or has two children",
            )),
        }
    }

    /// The leaf output if the node has no children, else the merge of the two (whose
    /// heights are then enforced equal); a node with one child is unsatisfiable.
    fn synthesize(
        &self,
        cs: ConstraintSystemRef<Fr>,
        witness: &Option<Fr>,
        [l, r]: [ChildVar<'_>; 2],
    ) -> core::result::Result<Vec<FpVar<Fr>>, SynthesisError> {
        let ([lh, ld], [rh, rd]) = (l.state, r.state) else {
            return Err(SynthesisError::Unsatisfiable);
        };
        l.present.enforce_equal(r.present)?;
        let is_leaf = !l.present;
        let leaf_input = FpVar::new_witness(cs.clone(), || Ok(witness.unwrap_or_default()))?;
        lh.conditional_enforce_equal(rh, l.present)?;
        let leaf_tag = FpVar::new_constant(cs.clone(), Fr::from(LEAF_TAG))?;
        let node_tag = FpVar::new_constant(cs, Fr::from(NODE_TAG))?;
        let leaf = self.hash_var(&[leaf_tag, leaf_input])?;
        let node = self.hash_var(&[node_tag, ld.clone(), rd.clone()])?;
        let mut digest = is_leaf.select(&leaf, &node)?;
        for _ in 0..self.chain_len {
            digest = self.hash_var(&[digest])?;
        }
        let height = is_leaf.select(&FpVar::zero(), &(lh + FpVar::one()))?;
        Ok(vec![height, digest])
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
    use ark_r1cs_std::{GR1CSVar, boolean::Boolean};
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;

    fn run(step: &ChainStep, leaf: Option<Fr>, l: &State, r: &State) -> (State, bool) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let present = Boolean::new_witness(cs.clone(), || Ok(leaf.is_none())).unwrap();
        let alloc = |s: &State| -> Vec<FpVar<Fr>> {
            s.iter()
                .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
                .collect()
        };
        let (l, r) = (alloc(l), alloc(r));
        let children = [
            ChildVar {
                present: &present,
                state: &l,
            },
            ChildVar {
                present: &present,
                state: &r,
            },
        ];
        let z = step.synthesize(cs.clone(), &leaf, children).unwrap();
        let z = z.iter().map(|v| v.value().unwrap()).collect();
        (z, cs.is_satisfied().unwrap())
    }

    #[test]
    fn gadget_matches_native_for_leaves_and_nodes() {
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let step = ChainStep::new(3);
        let a = Fr::rand(&mut rng);
        let blank = vec![Fr::zero(); 2];
        let (z, ok) = run(&step, Some(a), &blank, &blank);
        assert!(ok);
        assert_eq!(z, step.leaf(a));
        let l = step.leaf(Fr::rand(&mut rng));
        let r = step.leaf(Fr::rand(&mut rng));
        let (z, ok) = run(&step, None, &l, &r);
        assert!(ok);
        assert_eq!(z, step.merge(&l, &r).unwrap());
        assert_ne!(step.merge(&l, &r).unwrap(), step.merge(&r, &l).unwrap());
    }

    #[test]
    fn unequal_heights_are_refused_in_and_out_of_circuit() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let step = ChainStep::new(1);
        let l = step.leaf(Fr::rand(&mut rng));
        let r = step.merge(&l, &l).unwrap();
        assert!(matches!(
            step.merge(&l, &r),
            Err(Error::HeightMismatch { left: 0, right: 1 })
        ));
        assert!(step.output(&None, [Some(&l), None]).is_err());
        let (_, ok) = run(&step, None, &l, &r);
        assert!(!ok);
    }
}
