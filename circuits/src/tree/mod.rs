//! The one tree rule of a block's proof: which circuit each node is, which nodes it takes, and
//! which public inputs of linked nodes must agree. Everything that builds, schedules, verifies or
//! encodes a block's proofs derives the tree from here (the rollup witnesses, the engine's job
//! graph, the native verifier, node-shim's L1 encoding); the L1 contract derives the same tree
//! from the same calls per tx, and a test holds it to [`tree_for_calls`].
//!
//! ```text
//!  calls per tx ──▶ tree_for_calls ──▶ [TreeNode] ──▶ LinkSet::build ──▶ LinkSet::check(inputs)
//!                        ▲
//!  bases ──▶ rollup_shape (merges and root) ──▶ rollup::build_block
//! ```

mod block;
mod linkage;
mod node;

pub use crate::rollup::{ProofNode, RollupShape, rollup_shape};
pub use block::BlockTree;
pub use linkage::{EdgeRule, LinkSet, OUTPUTS, absent_rule, edge_rule};
pub use node::{TreeNode, calls_per_tx, tree_for_calls};
