//! Block proving: a block's witnesses become a proof tree, proven under the engine's hardware
//! profile, written as a self-contained bundle and verifiable from its files alone.
//!
//! ```text
//!  BlockProofWitnesses ─▶ tree::layout ─▶ JobGraph (children = dependencies)
//!        │                                   │ run_graph: root-first, memory-capped, in the pool
//!  KeyCache (per circuit, preset) ──keys──▶ ProofJob ─▶ DIR.partial/proofs/*
//!                                            │
//!            manifest.json + summary.json + l1.json, then DIR.partial → DIR
//!  verify_bundle(DIR): pairings per proof + LinkSet (tree linkage) + header vs root
//! ```
//! The simulator (in `sidecar-circuits`) produces the witnesses and rejects invalid txs first;
//! this module never re-executes a tx.

mod bundle;
mod error;
mod job;
pub mod l1;
mod linkage;
mod prove;
mod tree;
mod verify;
mod workload;

pub use bundle::{
    BUNDLE_FORMAT, BlockOutputs, CircuitSummary, KeyEntry, L1_FILE, MANIFEST, Manifest,
    ManifestNode, SUMMARY, Summary, partial_dir, read_manifest, read_summary,
};
pub use error::{BlockError, Result};
pub use job::{NodeProof, proof_files};
pub use l1::{L1Batch, encode_bundle, field_be, key_be, proof_be};
pub use linkage::{LinkSet, OUTPUTS};
pub use prove::{BlockEvent, BlockRequest, Progress, prove_block};
pub use tree::{
    BlockProofWitnesses, CallWitness, TreeNode, kind_from_name, layout, layout_for_calls,
};
pub use verify::{
    VerifyReport, check_trusted_keys, load_keys, load_proof, verify_bundle, verify_bundle_with,
};
pub use workload::{BlockFile, build_witnesses};
