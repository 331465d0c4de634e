//! Solidity contracts of the protocol: ABI bindings generated from the committed artifacts
//! (node-shim/artifacts, produced by solc-js from node-shim/contracts), revert decoding, and recompilation.
//!
//! Deployment order: `SequencerRegistry`, `RandaoStore`, then `Rollup` (which creates its `RewardToken` and its
//! L1->L2 message `Inbox`), then `SequencerRegistry.bindSlasher(rollup)`. `Poseidon2.sol` is rendered from the
//! circuits' parameters ([`poseidon`]).
//! `BlockVerifier` is the rollup's block-proof check alone (same keys and rules), for tools and tests.
//! `DeciderVerifier` checks a commit-and-prove Groth16 proof tied to KZG openings at its challenge (the on-chain
//! decider's proof format, docs/pcd.md); `Bn254` and `CodeStore` are its libraries.
//! `KzgVerifier` checks KZG openings on BN254 against one SRS's `τ·G2` (part of the coming on-chain decider).

pub mod poseidon;
pub mod solc;

use alloy::primitives::Bytes;
use alloy::sol;
use alloy::sol_types::{SolError, SolInterface};

sol!(
    #[sol(all_derives)]
    BlockVerifier,
    "artifacts/BlockVerifier.json"
);
sol!(
    #[sol(all_derives)]
    DeciderVerifier,
    "artifacts/DeciderVerifier.json"
);
sol!(
    #[sol(all_derives)]
    Inbox,
    "artifacts/Inbox.json"
);
sol!(
    #[sol(all_derives)]
    KzgVerifier,
    "artifacts/KzgVerifier.json"
);
sol!(
    #[sol(all_derives)]
    SequencerRegistry,
    "artifacts/SequencerRegistry.json"
);
sol!(
    #[sol(all_derives)]
    RandaoStore,
    "artifacts/RandaoStore.json"
);
/// `Rollup` in a module of its own: its ABI names `DeciderVerifier`'s structs (`FoldedProof`), which `sol!`
/// generates beside it as a second `DeciderVerifier` module (`rollup::DeciderVerifier::Proof`, ...).
pub mod rollup {
    alloy::sol!(
        #[sol(all_derives)]
        Rollup,
        "artifacts/Rollup.json"
    );
}
pub use rollup::Rollup;
sol!(
    #[sol(all_derives)]
    RewardToken,
    "artifacts/RewardToken.json"
);

/// Names of the committed artifacts, one per deployable contract.
pub const ARTIFACTS: [&str; 8] = [
    "BlockVerifier",
    "DeciderVerifier",
    "Inbox",
    "KzgVerifier",
    "RandaoStore",
    "RewardToken",
    "Rollup",
    "SequencerRegistry",
];

/// Decodes a revert payload into the custom error of any of our contracts (or `Error(string)`), else hex.
pub fn decode_revert(data: &Bytes) -> String {
    if let Ok(e) = Rollup::RollupErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = BlockVerifier::BlockVerifierErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = Inbox::InboxErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = DeciderVerifier::DeciderVerifierErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = KzgVerifier::KzgVerifierErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = SequencerRegistry::SequencerRegistryErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = RandaoStore::RandaoStoreErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = RewardToken::RewardTokenErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = alloy::sol_types::Revert::abi_decode(data) {
        return e.reason;
    }
    format!("0x{}", hex::encode(data))
}
