//! The node shim's integration tests, in one binary: the keys and blocks of `common` are made once
//! for all of them, and the build links one test executable instead of one per file. Run one
//! file's tests with its module name as the filter: `cargo test -p sidecar-node-shim --release
//! --test integration -- lifecycle::`.

#[path = "../common/mod.rs"]
mod common;

mod artifacts;
mod block_verifier;
mod decider_verifier;
mod engine_prover;
mod folded_rollup;
mod gas;
mod inbox;
mod kzg;
mod l1_conformance;
mod lifecycle;
mod rollup_checks;
mod soundness;
