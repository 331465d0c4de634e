//! The engine's integration tests, in one binary (the build links one test executable instead of one
//! per file). `counting_alloc.rs` stays apart: it installs its own global allocator. Run one
//! file's tests with its module name as the filter: `cargo test -p sidecar-engine --release --test
//! integration -- folding::`.

mod block_prove;
mod circuits_groth16;
mod engine_api;
mod fixture;
mod folding;
mod jobs;
