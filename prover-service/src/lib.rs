//! # sidecar-prover-service
//!
//! A proving service that spreads a block's proof tree over many machines.
//!
//! ```text
//!  client ──POST /v1/blocks──▶ serve: simulate (invalid tx → 400) ─▶ blocks row (preparing)
//!                                │ background: keys + witnesses → artifacts (content hash, disk)
//!                                ▼             one job per node, children = dependencies
//!                              broker (SQLite | PostgreSQL): waiting → queued → leased → done
//!                                ▲ lease / heartbeat / complete / fail        │ last job done
//!  agents (any number, any machine, stateless):                               ▼
//!    lease → fetch inputs → prove (engine) → upload proof → complete    assembler: verify the
//!                                                                       whole block, write the
//!  client ◀──GET /v1/blocks/{id}/bundle── bundle files (artifacts) ◀── bundle prove-block writes
//! ```
//! The broker keeps no job state in memory: every transition is one database transaction, so
//! a broker restarted mid-block carries on, an agent killed mid-job has its lease expire and
//! the job goes to another agent, and a late result from a dead lease is refused. Job ids are
//! content hashes, so the same work submitted twice is one job, and a done job is never
//! proven again. See docs/service.md.

pub mod agent;
pub mod api;
pub mod artifacts;
mod assemble;
pub mod bench;
pub mod blocks;
pub mod broker;
pub mod client;
pub mod db;
mod error;
pub mod groth16;
pub mod metrics;
pub mod service;
pub mod single;

pub use error::{Error, Result};
pub use service::{Service, ServiceConfig};
