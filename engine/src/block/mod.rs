//! Block proving: a block's proof tree (the simulator's, on `sidecar_circuits::tree`'s rule)
//! proven under the engine's hardware profile, returned in memory and written as a
//! self-contained bundle, verifiable from its files alone.
//!
//! ```text
//!  BlockFile ─build_tree (simulator)─▶ BlockTree: nodes + circuits, node order
//!                                          │ load_block_keys: KeyCache per (circuit, preset)
//!                                          ▼
//!             JobGraph (children = dependencies) ─run_graph: root-first, memory-capped─▶
//!             proofs (each written to DIR.partial/proofs/ as it completes)
//!                                          ▼
//!             ProvenBlock (in memory) ─install─▶ summary.json, manifest.json, DIR.partial → DIR
//!
//!  read_bundle(DIR) ─▶ ProvenBlock ─verify_block─▶ pairings + LinkSet + header vs root + messages
//! ```
//! The simulator (in `sidecar-circuits`) produces the witnesses and rejects invalid txs first;
//! this module never re-executes a tx.

mod bundle;
mod install;
mod job;
mod keys;
mod progress;
mod prove;
mod proven;
mod reader;
mod verify;
mod workload;

pub use bundle::{
    BUNDLE_FORMAT, BlockOutputs, CircuitSummary, KeyEntry, MANIFEST, Manifest, ManifestNode,
    SUMMARY, Summary, check_out, partial_dir, read_manifest, replace_dir, write_atomic,
};
pub(crate) use bundle::{read_json, write_json};
pub use install::write_bundle;
pub use progress::{BlockEvent, Progress};
pub use prove::{BlockRequest, prove_block};
pub(crate) use proven::outputs_of;
pub use proven::{NodeProof, ProvenBlock};
pub use reader::read_bundle;
pub use verify::{
    VerifyReport, check_header, verify_block, verify_bundle, verify_bundle_with, verify_tree,
};
pub use workload::{BlockFile, build_tree};
