//! The proof bundle on disk.
//!
//! ```text
//! DIR/manifest.json      preset, header, block outputs, L1→L2 messages, keys (file + sha256),
//!                        every node: kind, tx/call, children, public inputs (0x hex), proof files
//! DIR/summary.json       counts, times and peak memory per circuit, total wall time
//! DIR/keys/<circuit>.vk  verifying keys, ark canonical compressed
//! DIR/proofs/NNNNN-<circuit>.proof   ark canonical compressed proof (128 bytes)
//! DIR/proofs/NNNNN-<circuit>.evm     the same proof in EVM layout (256 bytes)
//! ```
//! A bundle is assembled in `DIR.partial` and renamed to `DIR` once the manifest is written
//! (the manifest is the last file), so `DIR` either does not exist or is complete. A bundle
//! already at `DIR` is replaced (moved to `DIR.replaced`, removed once the new one is in place);
//! a non-empty `DIR` that is not a bundle is refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use sidecar_circuits::PresetName;
use sidecar_circuits::tx::fr_hex;

use sidecar_circuits::CircuitKind;
use sidecar_circuits::tree::TreeNode;

use crate::{BudgetCheck, Error, Family, Result};

/// Version of the bundle layout.
pub const BUNDLE_FORMAT: u32 = 2;
/// Manifest file name.
pub const MANIFEST: &str = "manifest.json";
/// Summary file name.
pub const SUMMARY: &str = "summary.json";

/// A verifying key shipped in the bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEntry {
    /// Circuit (by name).
    pub circuit: CircuitKind,
    /// Path relative to the bundle.
    pub file: String,
    /// Hex SHA-256 of the file (the VK id).
    pub sha256: String,
    /// Public inputs the key expects.
    pub public_inputs: usize,
}

/// A node with its proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestNode {
    /// Position and links in the tree.
    #[serde(flatten)]
    pub node: TreeNode,
    /// Public inputs, in the circuit's allocation order.
    #[serde(with = "fr_hex::vec")]
    pub public_inputs: Vec<Fr>,
    /// Canonical proof file, relative to the bundle.
    pub proof: String,
    /// EVM-layout proof file, relative to the bundle.
    pub proof_evm: String,
}

/// What the block's root proves, by name (a copy of the root's first ten public inputs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockOutputs {
    /// Archive root before the block.
    #[serde(with = "fr_hex")]
    pub previous_archive_root: Fr,
    /// Archive root after the block.
    #[serde(with = "fr_hex")]
    pub new_archive_root: Fr,
    /// Poseidon tree of the txs' effects hashes.
    #[serde(with = "fr_hex")]
    pub out_hash: Fr,
    /// Sum of the fees.
    #[serde(with = "fr_hex")]
    pub total_fees: Fr,
    /// Prover identity.
    #[serde(with = "fr_hex")]
    pub prover_id: Fr,
    /// Root of the block's L1→L2 message subtree.
    #[serde(with = "fr_hex")]
    pub in_hash: Fr,
    /// Block number.
    pub block_number: u64,
}

/// `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`BUNDLE_FORMAT`].
    pub format: u32,
    /// Preset of every circuit.
    pub preset: PresetName,
    /// Txs of the block (padding txs excluded).
    pub txs: usize,
    /// The new block header's 16 fields (see `sidecar_circuits::rollup::header`).
    #[serde(with = "fr_hex::vec")]
    pub header: Vec<Fr>,
    /// Its hash (the new archive leaf).
    #[serde(with = "fr_hex")]
    pub header_hash: Fr,
    /// What the root proves.
    pub outputs: BlockOutputs,
    /// The L1→L2 message batch the block consumes, zero-padded (its root is the in hash).
    #[serde(with = "fr_hex::vec")]
    pub l1_to_l2_msgs: Vec<Fr>,
    /// Verifying keys, one per circuit kind present.
    pub keys: Vec<KeyEntry>,
    /// Every node, in id order.
    pub nodes: Vec<ManifestNode>,
}

/// Per-circuit line of the summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CircuitSummary {
    /// Circuit (by name).
    pub circuit: CircuitKind,
    /// R1CS constraints.
    pub constraints: u64,
    /// Proofs of this circuit.
    pub count: usize,
    /// Sum of their proving times, seconds.
    pub total_s: f64,
    /// Mean proving time, seconds.
    pub mean_s: f64,
    /// Longest proving time, seconds.
    pub max_s: f64,
    /// Peak memory of one proof, bytes (measured now or stored with the keys).
    pub peak_bytes: Option<u64>,
    /// Threads each proof ran with (the family's per-proof budget, capped at the pool).
    pub threads: usize,
    /// CPU time of all its proofs, seconds.
    pub cpu_s: f64,
    /// The longest proof, the peak and the proof size against the profile's per-proof limits.
    pub budget: BudgetCheck,
    /// Key cache outcome (`hit`, `created`, `rebuilt: why`) and its time, seconds.
    pub keys: String,
    /// Time to load or create the keys, seconds.
    pub keys_s: f64,
}

/// `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Preset.
    pub preset: PresetName,
    /// Txs of the block.
    pub txs: usize,
    /// Proofs in the bundle.
    pub proofs: usize,
    /// Profile name.
    pub profile: String,
    /// Threads of the proving pool.
    pub threads: usize,
    /// Memory budget, bytes.
    pub memory_budget_bytes: u64,
    /// Most proofs that ran at once.
    pub max_concurrency: usize,
    /// Most proofs of each family that ran at once.
    pub family_concurrency: BTreeMap<Family, usize>,
    /// Seconds spent loading or creating keys.
    pub keys_s: f64,
    /// Seconds spent proving (graph run).
    pub prove_s: f64,
    /// Total wall time of the orchestrator, seconds (keys + proving + writing).
    pub wall_s: f64,
    /// Peak resident set of the process, bytes.
    pub process_peak_rss_bytes: Option<u64>,
    /// Per circuit, leaves first.
    pub circuits: Vec<CircuitSummary>,
}

/// `DIR.partial` for `DIR`.
pub fn partial_dir(out: &Path) -> PathBuf {
    sibling(out, ".partial")
}

/// `DIR<suffix>` for `DIR`.
pub(crate) fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    out.with_file_name(name)
}

/// Whether `out` may receive a bundle: it does not exist, is empty, or holds a bundle (which a
/// new one replaces); anything else is [`Error::OutputExists`].
pub fn check_out(out: &Path) -> Result<()> {
    if !out.exists() || out.join(MANIFEST).is_file() {
        return Ok(());
    }
    let empty = std::fs::read_dir(out)
        .map_err(|e| Error::io(out, e))?
        .next()
        .is_none();
    if empty {
        Ok(())
    } else {
        Err(Error::OutputExists(out.into()))
    }
}

/// File names of node `id`'s proof: canonical (128 bytes) and EVM (256 bytes).
pub fn proof_files(id: usize, kind: CircuitKind) -> (String, String) {
    let stem = format!("{id:05}-{}", kind.name());
    (format!("{stem}.proof"), format!("{stem}.evm"))
}

/// Path of `kind`'s verifying key, relative to the bundle.
pub fn key_file(kind: CircuitKind) -> String {
    format!("keys/{}.vk", kind.name())
}

/// Moves the finished `partial` directory to `out`, replacing a bundle already there (moved to
/// `out.replaced` first, removed once the new one is in place).
pub fn replace_dir(out: &Path, partial: &Path) -> Result<()> {
    let replaced = sibling(out, ".replaced");
    let remove = |d: &Path| std::fs::remove_dir_all(d).map_err(|e| Error::io(d, e));
    if replaced.exists() {
        remove(&replaced)?;
    }
    if out.exists() {
        std::fs::rename(out, &replaced).map_err(|e| Error::io(out, e))?;
    }
    std::fs::rename(partial, out).map_err(|e| Error::io(out, e))?;
    if replaced.exists() {
        remove(&replaced)?;
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary sibling and a rename, so a file that exists is
/// complete.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).expect("bundle types always serialize");
    write_atomic(path, text.as_bytes()).map_err(|e| Error::io(path, e))
}

pub(crate) fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| Error::Malformed(format!("{}: {e}", path.display())))
}

/// Reads the manifest of the bundle in `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    if !dir.is_dir() {
        return Err(Error::Malformed(format!(
            "bundle directory {} does not exist",
            dir.display()
        )));
    }
    let path = dir.join(MANIFEST);
    if !path.exists() {
        return Err(Error::Malformed(format!(
            "{} has no {MANIFEST} (an interrupted run leaves only DIR.partial)",
            dir.display()
        )));
    }
    let m: Manifest = read_json(&path)?;
    if m.format != BUNDLE_FORMAT {
        return Err(Error::Malformed(format!(
            "bundle format {}, this build reads {BUNDLE_FORMAT}",
            m.format
        )));
    }
    Ok(m)
}
