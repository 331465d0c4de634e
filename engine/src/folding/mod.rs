//! The block's proof tree as folding PCD (`sidecar-pcd`) over the real circuits: every node
//! of the tree is a node of the folded tree, every edge attested inside the recursion, and one
//! final accumulator for the whole block, checked by the native decider.

mod bundle;
mod embed;
mod l1;
mod prove;
mod srs;
mod step;

pub use bundle::{
    FOLDED_FORMAT, FOLDING, FoldRequest, FoldedManifest, FoldedReport, FoldedSummary, ROOT_FILE,
    is_folded_bundle, prove_block_folded, verify_folded_bundle,
};
pub use embed::embed;
pub use l1::{BlockDecider, decider_key_path};
pub use prove::{
    FoldReport, FoldingKeys, decide_block, fold_tree, folding_keys, node_file, read_node,
};
pub use srs::{read_srs, write_srs};
pub use step::{BlockStep, CALLS, INPUTS, NodeInput, TAG, tag};
