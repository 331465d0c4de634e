//! Node shim: the Fernet / Sidecar block lifecycle on a real EVM.
//!
//! ```text
//!  contracts/*.sol --solc-js--> artifacts/*.json --sol!--> contracts (typed calls)
//!                                                            |
//!  BlockProver (prove-block; toy fixture in tests) --> driver --> deploy/send/view --> L1 trait
//!                                                                                     |-- Devchain (revm)
//!                                                                                     `-- RpcL1 (alloy: anvil, ...)
//! ```
//! The driver runs M sequencers and P provers through each slot: RANDAO record, proposals (Fernet score), prover
//! commitment (bond + proposer signature), reveal (calldata), proof submission (batch verification of every tree
//! proof on L1), finalization (rewards), and the unhappy paths (slashing, backup phase, invalid proofs).

pub mod contracts;
pub mod deploy;
pub mod driver;
pub mod error;
#[cfg(any(test, feature = "test-fixture"))]
pub mod fixture;
pub mod l1;
pub mod proof;
pub mod prover;
pub mod report;
pub mod verifier;

pub use deploy::{Deployment, ProtocolParams};
pub use driver::{Fault, Node, NodeConfig};
pub use error::{L1Error, L1Result, NodeError, Result};
pub use l1::{Account, BlockInfo, Devchain, L1, Receipt, RpcL1};
pub use proof::{BlockProof, BlockVerifyingKeys, CircuitKind, EncodedBlockProof, TreeProof};
pub use prover::{BlockProver, BlockRequest};
pub use report::{SlotOutcome, SlotReport};
