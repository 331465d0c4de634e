//! The Groth16 integration tests, in one binary (the build links one test executable instead of one
//! per file). Run one file's tests with its module name as the filter: `cargo test -p
//! sidecar-groth16 --release --test integration -- committed::`.

mod committed;
mod groth16;
mod keyfile;
mod outlining;
