//! The `groth16` job system: one job per node of a block's proof tree, proven with the engine.
//!
//! ```text
//!  inputs  [witness, proving key]   witness = AnyCircuit::to_bytes, key = the key-cache file
//!  params  { circuit, preset, vk, public_inputs }   vk = artifact of the verifying key
//!  output  the proof (ark canonical compressed, 128 bytes)
//! ```
//! The broker decodes every witness it enqueues (so it knows the public inputs the proof must
//! carry) and checks every uploaded proof against the verifying key and those inputs before
//! it accepts it; the finished block is checked whole (`verify_block`: pairings, tree links,
//! header) before its bundle is written.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use ark_bn254::Fr;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tree::{BlockTree, TreeNode};
use sidecar_circuits::tx::fr_hex;
use sidecar_circuits::{AnyCircuit, CircuitKind, Preset, PresetName};
use sidecar_engine::block::{BlockFile, build_tree};
use sidecar_engine::jobs::{KeyCache, depths};
use sidecar_engine::{Engine, Keys};
use sidecar_groth16::{Backend, Proof, VerifyingKey};

use crate::{Error, Result};

/// The system's name in job rows.
pub const SYSTEM: &str = "groth16";

/// The queues, one per circuit, leaves first.
pub const QUEUES: [&str; 5] = ["vm", "kernel", "base", "merge", "root"];

/// The queue of `kind`'s jobs.
pub fn queue_of(kind: CircuitKind) -> &'static str {
    QUEUES[kind.slot()]
}

/// A job's parameters.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Params {
    /// Circuit.
    pub circuit: CircuitKind,
    /// Preset.
    pub preset: PresetName,
    /// Artifact of the verifying key.
    pub vk: String,
    /// Public inputs the proof must carry.
    #[serde(with = "fr_hex::vec")]
    pub public_inputs: Vec<Fr>,
}

/// One circuit's keys, as files for the artifact store.
#[derive(Clone, Debug)]
pub struct KeyFiles {
    /// Circuit.
    pub kind: CircuitKind,
    /// The key-cache file (proving key with its verifying key).
    pub pk_path: PathBuf,
    /// The verifying key, ark canonical compressed.
    pub vk: Vec<u8>,
    /// R1CS constraints.
    pub constraints: u64,
}

/// One node ready to enqueue.
#[derive(Clone, Debug)]
pub struct NodeWork {
    /// The node.
    pub node: TreeNode,
    /// Distance from the root.
    pub depth: i64,
    /// Its encoded witness.
    pub witness: Vec<u8>,
    /// Its public inputs.
    pub public_inputs: Vec<Fr>,
}

/// What the broker keeps about a block between preparing it and writing its bundle.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BlockMeta {
    /// Preset.
    pub preset: PresetName,
    /// Txs (padding excluded).
    pub txs: usize,
    /// New header's fields.
    #[serde(with = "fr_hex::vec")]
    pub header: Vec<Fr>,
    /// L1→L2 messages, padded.
    #[serde(with = "fr_hex::vec")]
    pub l1_to_l2_msgs: Vec<Fr>,
    /// The tree.
    pub nodes: Vec<TreeNode>,
    /// Verifying-key artifact and constraints per circuit.
    pub keys: BTreeMap<CircuitKind, (String, u64)>,
}

/// A block simulated and cut into node work.
pub struct Prepared {
    /// Header, messages, tree (keys filled in by the caller once stored).
    pub meta: BlockMeta,
    /// Node work, in node order.
    pub nodes: Vec<NodeWork>,
    /// Keys per circuit present.
    pub keys: Vec<KeyFiles>,
}

/// The keys of `kind` at `preset` from `cache` (created there if missing).
pub fn key_files<B: Backend>(
    engine: &Engine<B>,
    cache: &KeyCache,
    kind: CircuitKind,
    preset: &Preset,
) -> Result<KeyFiles> {
    let name = preset.name.to_string();
    let got = cache.get_or_create(engine, kind.name(), &name, AnyCircuit::blank(kind, preset))?;
    Ok(KeyFiles {
        kind,
        pk_path: cache.key_path(kind.name(), &name),
        vk: got.keys.verifying.to_bytes(),
        constraints: got.meta.num_constraints,
    })
}

/// The proof tree of `block`, simulated on its preset's genesis state: every tx checked, as
/// `prove-block` does without `--state`.
pub fn simulate(block: &BlockFile, prover_id: Fr) -> Result<BlockTree> {
    let preset = Preset::get(block.preset);
    Ok(build_tree(
        &mut WorldState::genesis(&preset),
        block,
        prover_id,
    )?)
}

/// Cuts `tree`, a block of `txs` txs at `preset`, into node work; `keys` gives each circuit's
/// keys.
pub fn prepare_block(
    keys: &dyn Fn(CircuitKind, &Preset) -> Result<KeyFiles>,
    preset: PresetName,
    txs: usize,
    tree: BlockTree,
) -> Result<Prepared> {
    let preset = Preset::get(preset);
    let header = tree.root().header.to_fields();
    let l1_to_l2_msgs = tree.root().l1_to_l2_msgs.clone();
    let (nodes, circuits) = tree.into_parts();
    let children: Vec<Vec<usize>> = nodes.iter().map(|n| n.children.clone()).collect();
    let depth = depths(&children);
    let keys = CircuitKind::ALL
        .into_iter()
        .filter(|k| nodes.iter().any(|n| n.kind == *k))
        .map(|k| keys(k, &preset))
        .collect::<Result<Vec<_>>>()?;
    let work = nodes
        .iter()
        .zip(circuits)
        .map(|(n, c)| NodeWork {
            node: n.clone(),
            depth: depth[n.id] as i64,
            witness: c.to_bytes(),
            public_inputs: c.public_inputs(),
        })
        .collect();
    Ok(Prepared {
        meta: BlockMeta {
            preset: preset.name,
            txs,
            header,
            l1_to_l2_msgs,
            nodes,
            keys: BTreeMap::new(),
        },
        nodes: work,
        keys,
    })
}

/// Decodes a client's witness: its circuit, preset and public inputs.
pub fn inspect_witness(bytes: &[u8]) -> Result<AnyCircuit> {
    AnyCircuit::from_bytes(bytes).map_err(|e| Error::BadRequest(format!("witness: {e}")))
}

/// Whether `proof` (ark canonical bytes) verifies under `vk` (ark canonical bytes) for
/// `public_inputs`, with ark-groth16's verifier. Undecodable bytes do not verify.
pub fn check_proof(vk: &[u8], public_inputs: &[Fr], proof: &[u8]) -> bool {
    let (Ok(vk), Ok(proof)) = (VerifyingKey::from_bytes(vk), Proof::from_bytes(proof)) else {
        return false;
    };
    sidecar_groth16::verify(&vk, public_inputs, &proof).unwrap_or(false)
}

/// What an agent reports with a proof.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ProofReport {
    /// Proving time, seconds.
    pub prove_s: f64,
    /// Threads it ran on.
    pub threads: usize,
    /// CPU time of those threads, seconds, where the platform has per-thread clocks.
    pub cpu_s: Option<f64>,
}

/// Proves `witness` with `keys` in a pool of the engine's per-proof width, checks the proof,
/// and returns its bytes; gives up at the next phase boundary once `stop` is set.
pub fn prove<B: Backend>(
    engine: &Engine<B>,
    keys: &Keys<B>,
    params: &Params,
    witness: &[u8],
    stop: &AtomicBool,
) -> Result<(Vec<u8>, ProofReport)> {
    let circuit =
        AnyCircuit::from_bytes(witness).map_err(|e| Error::BadRequest(format!("witness: {e}")))?;
    if circuit.kind() != params.circuit {
        return Err(Error::BadRequest(format!(
            "witness is a {} circuit, the job is {}",
            circuit.kind().name(),
            params.circuit.name()
        )));
    }
    let lease = engine.runtime().proof_pool()?;
    let cpu0 = lease.cpu_time();
    let start = Instant::now();
    let proof = lease.pool().install(|| {
        engine
            .groth16()
            .prove_until(&keys.proving, circuit, &mut OsRng, stop)
    });
    let proof = proof.map_err(sidecar_engine::Error::from)?;
    let prove_s = start.elapsed().as_secs_f64();
    let cpu_s = lease
        .cpu_time()
        .zip(cpu0)
        .map(|(b, a)| b.saturating_sub(a).as_secs_f64());
    if !engine.verify(&keys.verifying, &params.public_inputs, &proof)? {
        return Err(Error::Engine(sidecar_engine::Error::Malformed(
            "the proof does not verify for the job's public inputs".into(),
        )));
    }
    Ok((
        proof.to_bytes(),
        ProofReport {
            prove_s,
            threads: lease.width(),
            cpu_s,
        },
    ))
}
