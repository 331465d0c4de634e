//! # sidecar-prover-service
//!
//! Placeholder: the HTTP proving service (durable broker, agents, metrics) lands with its own
//! issue. The crate exists so the workspace layout is the one users will see.
