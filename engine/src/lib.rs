//! Proof systems on top of `sidecar-kernels`.
