//! Rollup circuits: base (one tx's effects into the trees), merge (two children), root (L1→L2
//! messages, archive, L1 outputs), each as a gadget over variables, a native witness builder and
//! a [`crate::BlockCircuit`] wrapper.
//!
//! ```text
//!            root(prev archive → new archive, out hash, fees, prover id)
//!           /    \
//!       merge    merge …           children: RollupOutputs (start, end, fee, out hash)
//!       /   \
//!    base   base                   base: start ─[note subtree, nullifiers, public data]→ end
//! ```
//! Linkage: every parent takes its children's [`RollupOutputs`] as public inputs, so a verifier
//! of the whole tree matches them against the children's proofs. A block needs at least two
//! txs; a one-tx block is padded with an empty tx (see [`block`]).

pub mod base;
pub mod block;
pub mod header;
pub mod merge;
pub mod messages;
mod outputs;
pub mod root;
mod shape;

pub use base::{
    BaseInputsVar, BaseOutputsVar, BasePublicInputs, BaseRollupCircuit, BaseRollupWitness,
    base_rollup_gadget,
};
pub use block::{BlockWitnesses, build_block};
pub use header::{BlockHeader, BlockHeaderVar, GlobalVariables};
pub use merge::{MergePublicInputs, MergeRollupCircuit, MergeRollupWitness, merge_rollup_gadget};
pub use messages::{L1ToL2Message, in_hash, padded_batch};
pub use outputs::{RollupOutputs, RollupOutputsVar};
pub use root::{
    RootInputsVar, RootOutputsVar, RootPublicInputs, RootRollupCircuit, RootRollupWitness,
    root_rollup_gadget,
};
pub use shape::{MIN_TXS, ProofNode, RollupShape, rollup_shape};
