//! # sidecar-pcd
//!
//! Proof-carrying data for the rollup tree by folding: an arity-2 tree of Nova + CycleFold
//! nodes over the BN254 / Grumpkin cycle, and a native decider for the final accumulators.
//!
//! ```text
//!   leaf ──┐                                   node proof = (z, running U/W, fresh u/w,
//!          ├─ node: fold u_L into U_L,                       CycleFold running cfU/cfW)
//!   leaf ──┘        fold u_R into U_R,
//!                   merge U_L', U_R' (2 running, 0 incoming),      ... up to the root,
//!                   merge cfU_L, cfU_R, fold 7 CycleFold instances, then `decide`
//!                   run the step, output u.x = H(pp, z, U, cfU)
//!
//! The step is a [`Step`]: the synthetic [`ChainStep`] here, the block's circuits in the
//! engine.
//! ```
//!
//! Building blocks (Nova folding for (1 running, 1 incoming) and (2 running, 0 incoming),
//! the CycleFold Nova verifier gadget, Poseidon transcripts, emulated fields) come from sonobe
//! 0.1.0-alpha.1; the arity-2 node circuit, the in-circuit folding verifiers with explicit
//! hints, the CycleFold point circuit, the kernel-backed commitments and the decider are here.
//! For the L1 decider: the SRS and KZG (`srs`, `kzg`), the proof format (`l1`: commit-and-prove
//! Groth16 tied to KZG openings at its challenge), the relaxed R1CS check (`relaxed`), the fold
//! whose verifier half runs on L1 (`nifs`), and the decider circuit (`l1_decider`, with the L1's
//! statement hash in `statement` and the CycleFold accumulator check in `cyclefold_check`).
//! It is its own crate so that the engine does not pull sonobe in. `docs/pcd.md` has the
//! soundness argument.

#![warn(missing_docs)]

mod chain;
mod codec;
mod commit;
mod cyclefold;
mod cyclefold_check;
mod decider;
mod error;
mod fold;
mod kzg;
mod l1;
mod l1_decider;
mod nifs;
mod node;
#[cfg(test)]
mod one_thread;
mod prover;
mod relaxed;
mod setup;
mod srs;
mod statement;
mod step;
mod tree;
mod types;

pub use chain::ChainStep;
pub use commit::{
    EmulatedKeyVar, KernelPedersen, KernelPedersenEmulatedGadget, KernelPedersenGadget,
    KernelPedersenKey, KeyVar,
};
pub use cyclefold::PointRlcCircuit;
pub use decider::{decide, node_output_hash};
pub use error::{Error, Result};
pub use kzg::{KzgKey, KzgVerifierKey, Opening, divide_by_linear, evaluate};
pub use l1::{L1Proof, batching_challenge, key_words, prove_l1, transcript_prefix};
pub use l1_decider::{DeciderCircuit, L1Decider, RootFold, RootProof};
pub use nifs::{
    FreshInstance, RunningInstance, cross_term, fold_challenge, fold_instance, fold_vector,
};
pub use node::{
    CYCLEFOLDS_PER_NODE, ChildInput, CycleFoldStep, IncomingFold, MergeFold, NodeCircuit,
    NodeWitness,
};
pub use prover::{
    Children, NodeFolding, NodeProof, finish_node, fold_children, fold_children_with, leaf_folding,
    node_transcript, prove_node,
};
pub use relaxed::{RelaxedCheck, relaxed_error};
pub use setup::{PcdKeys, setup, setup_on_srs};
pub use srs::{Origin, Srs, read_ptau};
pub use statement::DeciderStatement;
pub use step::{ChildVar, State, Step};
pub use tree::{prove_leaf, prove_pair, prove_tree};
pub use types::*;
