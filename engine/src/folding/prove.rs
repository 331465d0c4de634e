//! Proving a block's tree by folding, and deciding it: the folded counterpart of the Groth16
//! forest. Keys are derived, not generated: the node circuit is fixed by the preset, and the
//! Pedersen generators are hashed to the curve from a public seed, so a verifier rebuilds the
//! same keys from the preset alone and nobody knows a relation between generators. Over a KZG
//! reference string (`sidecar setup`), the node-circuit generators are its powers of `τ`
//! instead, so the final accumulator's commitments are KZG commitments the L1 can open; the
//! verifier then needs the same SRS.
//!
//! ```text
//!  BlockTree ─▶ JobGraph of FoldJobs (the engine's scheduler: root-first, memory-capped)
//!     job: children's .fold files ─▶ BlockStep::input ─▶ pcd::prove_node ─▶ own .fold file,
//!          children's files removed
//!  ─▶ root NodeProof ─▶ decide_block ─▶ root rollup's public inputs
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ark_bn254::Fr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};
use sidecar_circuits::{AnyCircuit, CircuitKind, Preset, public_input_len, tree::BlockTree};
use sidecar_kernels::AnyBackend;
use sidecar_pcd::{Children, NodeProof, PcdKeys, Srs, decide, prove_node, setup, setup_on_srs};

use super::step::{BlockStep, INPUTS, TAG, tag};
use crate::block::write_atomic;
use crate::jobs::{Job, JobGraph, JobId, JobRecord, run_graph};
use crate::{Error, Family, Result, Runtime};

/// Folding keys of a block's tree.
pub type FoldingKeys = PcdKeys<BlockStep>;

/// The keys for `preset` (deterministic; commitment MSMs on `backend`): node-circuit
/// generators hashed to the curve, or the powers of `srs` when one is given.
pub fn folding_keys(
    preset: &Preset,
    srs: Option<&Srs>,
    backend: AnyBackend,
) -> Result<FoldingKeys> {
    let seed: [u8; 32] = Sha256::new()
        .chain_update(b"sidecar-folding-generators-v1")
        .chain_update(preset.name.to_string().as_bytes())
        .finalize()
        .into();
    let step = BlockStep::new(preset)?;
    let rng = ChaCha20Rng::from_seed(seed);
    Ok(match srs {
        None => setup(step, backend, rng)?,
        Some(srs) => setup_on_srs(step, srs, backend, rng)?,
    })
}

/// One node of the folded tree as a job: its circuit, and the files of its children's proofs.
/// It writes its own proof to `dir` and removes its children's files once it is done, so the
/// files on disk are the tree's frontier and every job's input and output can be shipped.
struct FoldJob {
    keys: Arc<FoldingKeys>,
    id: usize,
    kind: CircuitKind,
    circuit: AnyCircuit,
    dir: PathBuf,
    seed: u64,
}

/// Memory class of every folding node (one circuit for all).
const NODE_CIRCUIT: &str = "folding-node";

/// File of node `id`'s proof under `dir`.
pub fn node_file(dir: &Path, id: usize, kind: CircuitKind) -> PathBuf {
    dir.join(format!("{id:05}-{}.fold", kind.name()))
}

/// Reads a node proof file.
pub fn read_node(path: &Path) -> Result<NodeProof> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    NodeProof::from_bytes(&bytes).map_err(|e| Error::Malformed(format!("{}: {e}", path.display())))
}

impl Job for FoldJob {
    type Output = PathBuf;

    fn label(&self) -> String {
        format!("node {} ({})", self.id, self.kind)
    }

    fn circuit(&self) -> &str {
        NODE_CIRCUIT
    }

    fn family(&self) -> Family {
        Family::of(self.kind)
    }

    fn run(&self, deps: &[&PathBuf]) -> Result<PathBuf> {
        let children = deps
            .iter()
            .map(|p| read_node(p))
            .collect::<Result<Vec<_>>>()?;
        let input = self.keys.step.input(&self.circuit)?;
        let children = match children.as_slice() {
            [] => Children::None,
            [l] => Children::Left(l),
            [l, r] => Children::Both(l, r),
            _ => {
                return Err(Error::Malformed(format!(
                    "{}: more than two children",
                    self.label()
                )));
            }
        };
        let rng = ChaCha20Rng::seed_from_u64(self.seed ^ (self.id as u64).rotate_left(32));
        let proof = prove_node(&self.keys, input, children, rng).map_err(|e| match e {
            sidecar_pcd::Error::Step { reason } => {
                Error::Malformed(format!("{}: {reason}", self.label()))
            }
            other => Error::Pcd(other),
        })?;
        let path = node_file(&self.dir, self.id, self.kind);
        write_atomic(&path, &proof.to_bytes()).map_err(|e| Error::io(&path, e))?;
        for d in deps {
            std::fs::remove_file(d).map_err(|e| Error::io(d, e))?;
        }
        Ok(path)
    }
}

/// What folding a tree did.
#[derive(Debug)]
pub struct FoldReport {
    /// The root's proof.
    pub root: NodeProof,
    /// Most nodes folded at once.
    pub max_concurrency: usize,
    /// Measured peak heap of one node, bytes (when the process counts allocations).
    pub node_peak_bytes: Option<u64>,
    /// What happened to every node, by node id.
    pub records: Vec<JobRecord>,
}

/// Folds every node of `tree` as a job graph on `runtime` (children before parents, the node
/// nearest the root first among those ready, each the profile's per-proof width, as many at
/// once as the pool and the memory budget allow), node proofs kept as files in `dir`; returns the root's proof. `seed` feeds
/// the provers' randomness; `done(node, kind)` is called as each node completes.
pub fn fold_tree(
    runtime: &Runtime,
    keys: &Arc<FoldingKeys>,
    tree: &BlockTree,
    dir: &Path,
    seed: u64,
    done: &mut dyn FnMut(usize, CircuitKind),
) -> Result<FoldReport> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut graph = JobGraph::new();
    let nodes = tree.nodes();
    for (n, circuit) in nodes.iter().zip(tree.circuits()) {
        let deps: Vec<JobId> = n.children.iter().map(|&c| JobId(c)).collect();
        let job = FoldJob {
            keys: Arc::clone(keys),
            id: n.id,
            kind: n.kind,
            circuit: circuit.clone(),
            dir: dir.to_path_buf(),
            seed,
        };
        graph.add(job, &deps)?;
    }
    let kinds: Vec<CircuitKind> = nodes.iter().map(|n| n.kind).collect();
    let report = run_graph(runtime, graph, HashMap::new(), |r| {
        done(r.id.0, kinds[r.id.0])
    })?;
    let root_file = report
        .outputs
        .last()
        .ok_or_else(|| Error::Malformed("empty tree".into()))?;
    let root = read_node(root_file)?;
    std::fs::remove_file(root_file.as_path()).map_err(|e| Error::io(root_file.as_path(), e))?;
    Ok(FoldReport {
        root,
        max_concurrency: report.max_concurrency,
        node_peak_bytes: report.peaks.get(NODE_CIRCUIT).copied(),
        records: report.records,
    })
}

/// Decides the root of a folded block: the accumulators and the root's own instance hold,
/// and its state is a root rollup's. Returns the root rollup's public inputs, for
/// [`crate::block::check_header`].
pub fn decide_block(keys: &FoldingKeys, root: &NodeProof) -> Result<Vec<Fr>> {
    decide(keys, root).map_err(|e| Error::Rejected(e.to_string()))?;
    if root.state.get(TAG) != Some(&tag(CircuitKind::RootRollup)) {
        return Err(Error::Rejected(
            "the folded tree's last node is not a root rollup".into(),
        ));
    }
    let len = public_input_len(CircuitKind::RootRollup);
    Ok(root.state[INPUTS..INPUTS + len].to_vec())
}
