//! What a node computes besides folding: the step logic, over a fixed-width state.
//!
//! A node has up to two children (left first: a node with a right child also has a left one).
//! Its step sees which children are present and their states, runs its own logic on its own
//! witness, and outputs the node's state. The node circuit hashes that state into the node's
//! one public input; the decider hands the root's state to the caller, who checks it against
//! what the whole tree is meant to prove.

use ark_r1cs_std::{boolean::Boolean, fields::fp::FpVar};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

use crate::{Result, types::Fr};

/// A node's step output. Its length is the step's [`Step::width`].
pub type State = Vec<Fr>;

/// One child as the step circuit sees it: whether it is present, and its state (a
/// placeholder of the right width when absent).
pub struct ChildVar<'a> {
    /// Whether the node has this child.
    pub present: &'a Boolean<Fr>,
    /// The child's state.
    pub state: &'a [FpVar<Fr>],
}

/// The step logic every node of a tree runs (one circuit for all nodes).
pub trait Step: Clone + Send + Sync {
    /// A node's own witness (its input, or the circuit it proves).
    type Witness: Clone + core::fmt::Debug + Send + Sync;

    /// Number of field elements in a state.
    fn width(&self) -> usize;

    /// A witness of the right shape, used for key generation and for the placeholder right
    /// child of a node with fewer than two children.
    fn placeholder(&self) -> Self::Witness;

    /// Bytes that fix the step's configuration, bound into the parameter hash.
    fn params(&self) -> Vec<u8>;

    /// The node's state from its witness and its children's states, computed natively; an
    /// error when the step circuit would be unsatisfiable, so bad input is refused before
    /// any folding.
    fn output(&self, witness: &Self::Witness, children: [Option<&State>; 2]) -> Result<State>;

    /// The step in-circuit: allocates `witness` in `cs` and returns the node's state
    /// ([`Step::width`] variables), enforcing everything the step requires of its children.
    fn synthesize(
        &self,
        cs: ConstraintSystemRef<Fr>,
        witness: &Self::Witness,
        children: [ChildVar<'_>; 2],
    ) -> core::result::Result<Vec<FpVar<Fr>>, SynthesisError>;
}
