//! Node shim: the Fernet / Sidecar block lifecycle on a real EVM.
//!
//! ```text
//!  contracts/*.sol --solc-js--> artifacts/*.json --sol!--> contracts (typed calls)
//!                                                            |
//!  BlockProver (the engine's prove-block) --> driver --> deploy/send/view --> L1 trait
//!                                                                                     |-- Devchain (revm)
//!                                                                                     `-- RpcL1 (alloy: anvil, ...)
//! ```
//! The driver runs M sequencers and P provers through each slot: RANDAO record, proposals (Fernet score), prover
//! commitment (bond + proposer signature), reveal (calldata), proof submission (batch verification of every tree
//! proof on L1), finalization (rewards), and the unhappy paths (slashing, backup phase, invalid proofs).

pub mod block_data;
pub mod contracts;
pub mod deploy;
pub mod driver;
pub mod engine_prover;
pub mod error;
pub mod faults;
pub mod folded;
pub mod l1;
pub mod proof;
pub mod prover;
pub mod report;
pub mod verifier;

pub use block_data::{BlockData, BlockHeader};
pub use deploy::{DeciderKeyWords, Deployment, L2Genesis, ProtocolParams};
pub use driver::{Node, NodeConfig};
pub use engine_prover::{BlockSummary, EngineBlockProver};
pub use error::{L1Error, L1Result, NodeError, Result};
pub use faults::Fault;
pub use l1::{Account, BlockInfo, Devchain, L1, Receipt, RpcL1};
pub use proof::{BlockProof, BlockVerifyingKeys, CircuitKind, EncodedBlockProof, TreeProof};
pub use prover::{AnyBlockProof, BlockProver, BlockRequest};
pub use report::{SlotOutcome, SlotReport};
