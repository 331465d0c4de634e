//! The PCD integration tests, in one binary (the build links one test executable instead of one per
//! file). `gpu_backend.rs` stays apart: it is built only with the `wgpu` feature. Run one file's
//! tests with its module name as the filter: `cargo test -p sidecar-pcd --release --test integration
//! -- tree::`.

#[path = "../common/mod.rs"]
mod common;

mod binding;
mod kzg;
mod l1_relaxed;
mod tamper;
mod tree;
