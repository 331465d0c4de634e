//! A folded block on disk and its native verification.
//!
//! ```text
//! DIR/manifest.json   proof system "folding", preset, header, block outputs, L1→L2 messages,
//!                     calls per tx, the keys' parameter hash, the SRS digest (if the keys
//!                     are on one), the root file
//! DIR/summary.json    nodes, node-circuit size, threads, times, peak memory
//! DIR/root.fold       the root's node proof (pcd's NodeProof bytes): state, accumulators,
//!                     witnesses, the root's own instance
//! ```
//! Written in `DIR.partial` and renamed (the Groth16 bundle's rule: `DIR` is complete or
//! absent, an earlier bundle is replaced). Verifying rebuilds the keys from the preset (they
//! are derived, not generated; on an SRS, from the preset and that SRS), checks the manifest's parameter hash against them, runs the
//! decider on the root and checks the header against the root rollup's public inputs.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use sidecar_circuits::rollup::BlockHeader;
use sidecar_circuits::tree::BlockTree;
use sidecar_circuits::tx::fr_hex;
use sidecar_circuits::{CircuitKind, Preset, PresetName};
use sidecar_kernels::AnyBackend;
use sidecar_pcd::Srs;

use super::prove::{FoldingKeys, decide_block, fold_tree, folding_keys, read_node};
use crate::block::{
    BlockOutputs, MANIFEST, SUMMARY, check_header, check_out, outputs_of, partial_dir, read_json,
    replace_dir, write_atomic, write_json,
};
use crate::jobs::peak_rss;
use crate::{BudgetCheck, Error, Family, Result, Runtime};

/// `proof_system` of a folded bundle's manifest.
pub const FOLDING: &str = "folding";
/// Version of the folded bundle layout.
pub const FOLDED_FORMAT: u32 = 1;
/// The root proof's file name.
pub const ROOT_FILE: &str = "root.fold";
/// Where node proofs live while the tree is folded (inside `DIR.partial`).
const NODES_DIR: &str = "nodes";

/// A folded bundle's manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoldedManifest {
    /// [`FOLDING`].
    pub proof_system: String,
    /// [`FOLDED_FORMAT`].
    pub format: u32,
    /// Preset of every circuit.
    pub preset: PresetName,
    /// Txs of the block (padding txs excluded).
    pub txs: usize,
    /// Public calls of each tx (padding txs included): the tree's shape.
    pub calls_per_tx: Vec<usize>,
    /// The new block header's fields.
    #[serde(with = "fr_hex::vec")]
    pub header: Vec<Fr>,
    /// What the root proves.
    pub outputs: BlockOutputs,
    /// The L1→L2 message batch the block consumes, zero-padded.
    #[serde(with = "fr_hex::vec")]
    pub l1_to_l2_msgs: Vec<Fr>,
    /// Parameter hash of the folding keys the tree was proven under.
    #[serde(with = "fr_hex")]
    pub pp_hash: Fr,
    /// SHA-256 digest (hex, [`Srs::digest`]) of the KZG reference string whose powers are the
    /// node-circuit generators; absent when they are hashed to the curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srs: Option<String>,
    /// The root proof's file, relative to the bundle.
    pub root: String,
}

/// A folded run's summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FoldedSummary {
    /// [`FOLDING`].
    pub proof_system: String,
    /// Preset of every circuit.
    pub preset: PresetName,
    /// Txs of the block (padding txs excluded).
    pub txs: usize,
    /// Nodes of the tree (each one folding step).
    pub nodes: usize,
    /// Constraints of the node circuit (every node's).
    pub node_constraints: usize,
    /// Threads of the pool.
    pub threads: usize,
    /// Most nodes folded at once.
    pub max_concurrency: usize,
    /// Measured peak heap of folding one node, bytes.
    pub node_peak_bytes: Option<u64>,
    /// Mean time of folding one node, seconds.
    pub node_mean_s: f64,
    /// CPU time of all nodes, seconds.
    pub cpu_s: f64,
    /// The slowest node, its peak and the root proof's size against the profile's per-proof
    /// limits (the rollup family's budget: the node circuit embeds the rollups).
    pub budget: BudgetCheck,
    /// Deriving the keys, seconds.
    pub keys_s: f64,
    /// Folding the tree, seconds.
    pub prove_s: f64,
    /// The decider's self-check of the root, seconds.
    pub decide_s: f64,
    /// Root proof size, bytes.
    pub root_bytes: usize,
    /// Peak resident set of the process, bytes.
    pub process_peak_rss_bytes: Option<u64>,
}

/// What a successful verification of a folded bundle covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoldedReport {
    /// The manifest (outputs, calls per tx).
    pub manifest: FoldedManifest,
    /// Nodes of the tree the root attests to.
    pub nodes: usize,
}

/// Whether `dir` holds a folded bundle (its manifest names the folding proof system).
pub fn is_folded_bundle(dir: &Path) -> bool {
    read_json::<serde_json::Value>(&dir.join(MANIFEST))
        .is_ok_and(|m| m.get("proof_system").and_then(|v| v.as_str()) == Some(FOLDING))
}

/// A block to fold: its tree (of `preset`'s circuits), its tx count without padding, and the
/// seed of the provers' randomness.
#[derive(Clone, Copy, Debug)]
pub struct FoldRequest<'a> {
    /// Preset of every circuit.
    pub preset: &'a Preset,
    /// The tree with every witness.
    pub tree: &'a BlockTree,
    /// Txs of the block (padding txs excluded).
    pub txs: usize,
    /// Seed of the provers' randomness.
    pub seed: u64,
    /// The KZG reference string of the node-circuit generators (`None`: hashed generators).
    pub srs: Option<&'a Srs>,
}

/// Folds `req`'s tree on `runtime` with commitments on `backend` (node proofs in
/// `DIR.partial/nodes/` meanwhile, so an interrupted run leaves no bundle), checks the root
/// with the decider, and installs the bundle at `out` (see the module note). `done(node,
/// kind)` is called as each node completes.
pub fn prove_block_folded(
    runtime: &Runtime,
    backend: AnyBackend,
    req: FoldRequest<'_>,
    out: &Path,
    done: &mut dyn FnMut(usize, CircuitKind),
) -> Result<FoldedSummary> {
    let FoldRequest {
        preset,
        tree,
        txs,
        seed,
        srs,
    } = req;
    check_out(out)?;
    let partial = partial_dir(out);
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
    }
    std::fs::create_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
    let (keys, keys_s) = timed(|| {
        runtime
            .pool()
            .install(|| folding_keys(preset, srs, backend))
    })?;
    let keys = Arc::new(keys);
    let nodes_dir = partial.join(NODES_DIR);
    let (folded, prove_s) = timed(|| fold_tree(runtime, &keys, tree, &nodes_dir, seed, done))?;
    std::fs::remove_dir(&nodes_dir).map_err(|e| Error::io(&nodes_dir, e))?;
    let root = folded.root;
    let (inputs, decide_s) = timed(|| runtime.pool().install(|| decide_block(&keys, &root)))?;
    let w = tree.root();
    check_header(preset.name, &w.header, &w.l1_to_l2_msgs, &inputs)?;

    let bytes = root.to_bytes();
    let times: Vec<f64> = folded
        .records
        .iter()
        .map(|r| r.elapsed.as_secs_f64())
        .collect();
    let budget = BudgetCheck::new(
        runtime.profile(),
        Family::Rollup,
        runtime.proof_threads(),
        times.iter().copied().fold(0.0, f64::max),
        folded.node_peak_bytes,
        bytes.len() as u64,
    );
    let path = partial.join(ROOT_FILE);
    write_atomic(&path, &bytes).map_err(|e| Error::io(&path, e))?;
    let summary = FoldedSummary {
        proof_system: FOLDING.into(),
        preset: preset.name,
        txs,
        nodes: tree.nodes().len(),
        node_constraints: keys.node_config().n_constraints,
        threads: runtime.threads(),
        max_concurrency: folded.max_concurrency,
        node_peak_bytes: folded.node_peak_bytes,
        node_mean_s: times.iter().sum::<f64>() / times.len().max(1) as f64,
        cpu_s: folded
            .records
            .iter()
            .filter_map(|r| r.cpu)
            .map(|c| c.as_secs_f64())
            .sum(),
        budget,
        keys_s,
        prove_s,
        decide_s,
        root_bytes: bytes.len(),
        process_peak_rss_bytes: peak_rss(),
    };
    let manifest = FoldedManifest {
        proof_system: FOLDING.into(),
        format: FOLDED_FORMAT,
        preset: preset.name,
        txs,
        calls_per_tx: tree.calls_per_tx(),
        header: w.header.to_fields(),
        outputs: outputs_of(&inputs, &w.header),
        l1_to_l2_msgs: w.l1_to_l2_msgs.clone(),
        pp_hash: keys.pp_hash,
        srs: srs.map(|s| hex::encode(s.digest())),
        root: ROOT_FILE.into(),
    };
    write_json(&partial.join(SUMMARY), &summary)?;
    write_json(&partial.join(MANIFEST), &manifest)?;
    replace_dir(out, &partial)?;
    Ok(summary)
}

fn timed<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, f64)> {
    let t = Instant::now();
    let v = f()?;
    Ok((v, t.elapsed().as_secs_f64()))
}

/// Verifies the folded bundle in `dir` (see the module note), deriving the keys in the
/// current rayon pool with commitments on `backend`. A bundle proven over an SRS needs that
/// SRS in `srs` (a different one is a rejection, none is an error saying so); one proven with
/// hashed generators ignores `srs`.
pub fn verify_folded_bundle(
    dir: &Path,
    srs: Option<&Srs>,
    backend: AnyBackend,
) -> Result<FoldedReport> {
    let manifest: FoldedManifest = read_json(&dir.join(MANIFEST))?;
    if manifest.proof_system != FOLDING || manifest.format != FOLDED_FORMAT {
        return Err(Error::Malformed(format!(
            "folded bundle format {} ({}), this build reads {FOLDED_FORMAT}",
            manifest.format, manifest.proof_system
        )));
    }
    let path = dir.join(&manifest.root);
    let root = read_node(&path)?;
    let preset = Preset::get(manifest.preset);
    let srs = match (&manifest.srs, srs) {
        (None, _) => None,
        (Some(want), Some(srs)) if hex::encode(srs.digest()) == *want => Some(srs),
        (Some(want), Some(srs)) => {
            return Err(Error::Rejected(format!(
                "the bundle was proven over the SRS {want}, the one given is {}",
                hex::encode(srs.digest())
            )));
        }
        (Some(want), None) => {
            return Err(Error::Malformed(format!(
                "the bundle was proven over the SRS {want}: pass that SRS file (--srs)"
            )));
        }
    };
    let keys: FoldingKeys = folding_keys(&preset, srs, backend)?;
    if keys.pp_hash != manifest.pp_hash {
        return Err(Error::Rejected(
            "the bundle was proven under other folding keys (parameter hash differs)".into(),
        ));
    }
    if !root.has_shapes_of(&keys) {
        return Err(Error::Malformed(format!(
            "{}: vector lengths do not match the {} node circuit",
            path.display(),
            preset.name
        )));
    }
    let inputs = decide_block(&keys, &root)?;
    let header = BlockHeader::from_fields(&manifest.header)
        .map_err(|e| Error::Malformed(format!("header: {e}")))?;
    check_header(manifest.preset, &header, &manifest.l1_to_l2_msgs, &inputs)?;
    if outputs_of(&inputs, &header) != manifest.outputs {
        return Err(Error::Rejected(
            "the manifest's outputs are not what the root proves".into(),
        ));
    }
    let nodes = sidecar_circuits::tree::tree_for_calls(&manifest.calls_per_tx)
        .map(|t| t.len())
        .unwrap_or(0);
    Ok(FoldedReport { manifest, nodes })
}
