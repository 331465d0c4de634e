//! Circuit size presets: tree heights and per-tx / per-block maxima.
//!
//! Every circuit's shape (and so its proving key) is a function of one [`Preset`]. `tiny` keeps
//! tests fast, `devnet` is the CLI default, `aztec` uses the heights of Aztec's 2023–24 design.
//! Per-tx maxima are powers of two so each tx's leaves insert as one subtree.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

/// Name of a built-in preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PresetName {
    /// Small trees and traces for tests.
    Tiny,
    /// Default of the CLI: realistic shapes that still prove quickly on a small machine.
    Devnet,
    /// Aztec's heights (note hash 42, nullifier 42, public data 40, L1→L2 36, archive 30; 64 per tx).
    Aztec,
}

/// Every size parameter a circuit's shape depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preset {
    /// Which preset this is.
    pub name: PresetName,
    /// Height of the append-only note hash tree.
    pub note_hash_height: usize,
    /// Height of the indexed nullifier tree.
    pub nullifier_height: usize,
    /// Height of the indexed public data tree (key → value).
    pub public_data_height: usize,
    /// Height of the append-only L1→L2 message tree.
    pub l1_to_l2_height: usize,
    /// Height of the append-only archive tree (block header hashes).
    pub archive_height: usize,
    /// Note hashes per tx (a power of two; one subtree per tx).
    pub max_note_hashes_per_tx: usize,
    /// Nullifiers per tx (a power of two).
    pub max_nullifiers_per_tx: usize,
    /// Public data writes per tx (a power of two).
    pub max_public_data_writes_per_tx: usize,
    /// L1→L2 messages consumed per block by the root rollup (a power of two).
    pub max_l1_to_l2_msgs_per_block: usize,
    /// Public calls per tx (one VM proof and one kernel step each).
    pub max_public_calls_per_tx: usize,
    /// Steps in a VM trace (the VM circuit's fixed trace length).
    pub vm_max_steps: usize,
    /// Instructions in a contract's bytecode.
    pub vm_max_bytecode_len: usize,
    /// Field elements of calldata per public call.
    pub vm_max_calldata: usize,
    /// Storage accesses (SLOAD + SSTORE) per public call.
    pub vm_max_storage_accesses: usize,
}

impl Preset {
    /// The preset called `name`.
    pub fn get(name: PresetName) -> Self {
        match name {
            PresetName::Tiny => Self {
                name,
                note_hash_height: 8,
                nullifier_height: 8,
                public_data_height: 8,
                l1_to_l2_height: 6,
                archive_height: 6,
                max_note_hashes_per_tx: 2,
                max_nullifiers_per_tx: 2,
                max_public_data_writes_per_tx: 2,
                max_l1_to_l2_msgs_per_block: 2,
                max_public_calls_per_tx: 2,
                vm_max_steps: 32,
                vm_max_bytecode_len: 32,
                vm_max_calldata: 4,
                vm_max_storage_accesses: 4,
            },
            PresetName::Devnet => Self {
                name,
                note_hash_height: 20,
                nullifier_height: 20,
                public_data_height: 20,
                l1_to_l2_height: 16,
                archive_height: 16,
                max_note_hashes_per_tx: 4,
                max_nullifiers_per_tx: 4,
                max_public_data_writes_per_tx: 4,
                max_l1_to_l2_msgs_per_block: 4,
                max_public_calls_per_tx: 2,
                vm_max_steps: 128,
                vm_max_bytecode_len: 64,
                vm_max_calldata: 8,
                vm_max_storage_accesses: 8,
            },
            PresetName::Aztec => Self {
                name,
                note_hash_height: 42,
                nullifier_height: 42,
                public_data_height: 40,
                l1_to_l2_height: 36,
                archive_height: 30,
                max_note_hashes_per_tx: 64,
                max_nullifiers_per_tx: 64,
                max_public_data_writes_per_tx: 64,
                max_l1_to_l2_msgs_per_block: 16,
                max_public_calls_per_tx: 4,
                vm_max_steps: 1024,
                vm_max_bytecode_len: 256,
                vm_max_calldata: 32,
                vm_max_storage_accesses: 64,
            },
        }
    }

    /// `tiny`.
    pub fn tiny() -> Self {
        Self::get(PresetName::Tiny)
    }

    /// `devnet`.
    pub fn devnet() -> Self {
        Self::get(PresetName::Devnet)
    }

    /// `aztec`.
    pub fn aztec() -> Self {
        Self::get(PresetName::Aztec)
    }
}

impl PresetName {
    /// All built-in presets, smallest first.
    pub const ALL: [PresetName; 3] = [PresetName::Tiny, PresetName::Devnet, PresetName::Aztec];
}

impl fmt::Display for PresetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PresetName::Tiny => "tiny",
            PresetName::Devnet => "devnet",
            PresetName::Aztec => "aztec",
        })
    }
}

impl FromStr for PresetName {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tiny" => Ok(PresetName::Tiny),
            "devnet" => Ok(PresetName::Devnet),
            "aztec" => Ok(PresetName::Aztec),
            other => Err(crate::Error::UnknownPreset(other.to_string())),
        }
    }
}
