//! Figures of every circuit on this box: a small generated block (every circuit kind present)
//! proven end to end at one thread per proof and at all of this box's cores, with each proof
//! system, through the same orchestrators `prove-block` runs, after one warm-up run. Stored
//! next to the keys and reused while the build, preset, backend and box are the same.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tree::BlockTree;
use sidecar_circuits::{AnyCircuit, CircuitKind, Preset, PresetName};
use sidecar_kernels::AnyBackend;

use crate::block::{
    BlockFile, BlockRequest, CircuitSummary, Summary, build_tree, prove_block, read_json,
    write_atomic,
};
use crate::folding::{FoldRequest, FoldedSummary, prove_block_folded};
use crate::jobs::KeyCache;
use crate::{Budgets, Engine, Error, Machine, Profile, ProofBudget, Result, Runtime};

const GIB: u64 = 1 << 30;

/// Txs of the measured block (enough for every circuit kind, merges included).
const MEASURED_TXS: usize = 4;

/// One circuit's figures, means over the measured block's proofs of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CircuitFigures {
    /// Which circuit.
    pub circuit: CircuitKind,
    /// R1CS constraints.
    pub constraints: u64,
    /// Proofs measured at each width.
    pub proofs: usize,
    /// Seconds per proof at one thread, the first (cold) proof left out.
    pub time_1_s: f64,
    /// Seconds per proof at [`Measurement::threads`] threads, the first proof left out.
    pub time_n_s: f64,
    /// What the first proof of the circuit in a block takes beyond `time_n_s` (keys' pages
    /// and buffers touched for the first time), seconds.
    pub first_extra_s: f64,
    /// CPU seconds per proof at [`Measurement::threads`] threads.
    pub cpu_n_s: f64,
    /// Peak memory of one proof, bytes.
    pub peak_bytes: Option<u64>,
    /// Size of one proof, bytes.
    pub proof_bytes: u64,
}

/// The folded tree's figures (every node runs one circuit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FoldingFigures {
    /// Constraints of the node circuit.
    pub node_constraints: usize,
    /// Nodes folded at each width.
    pub nodes: usize,
    /// Seconds per node at one thread.
    pub node_1_s: f64,
    /// Seconds per node at [`Measurement::threads`] threads.
    pub node_n_s: f64,
    /// CPU seconds per node at [`Measurement::threads`] threads.
    pub cpu_n_s: f64,
    /// Peak memory of one node, bytes.
    pub node_peak_bytes: Option<u64>,
    /// Deriving the folding keys, seconds (all threads).
    pub keys_s: f64,
    /// The decider's check of the root, seconds (all threads).
    pub decide_s: f64,
    /// Root proof size, bytes.
    pub root_bytes: u64,
}

/// Everything the planner knows about this box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// The build measured (version and commit).
    pub build: String,
    /// Preset of the circuits.
    pub preset: PresetName,
    /// Kernel backend.
    pub backend: String,
    /// Cores of this box.
    pub machine_cores: usize,
    /// RAM of this box, bytes.
    pub machine_ram_bytes: u64,
    /// The wide measurement's threads (all of this box's cores).
    pub threads: usize,
    /// When, seconds since the Unix epoch.
    pub unix_time: u64,
    /// 1, 5 and 15-minute load averages before and after.
    pub load_before: Option<[f64; 3]>,
    /// See `load_before`.
    pub load_after: Option<[f64; 3]>,
    /// Public calls of each tx of the measured block.
    pub calls_per_tx: Vec<usize>,
    /// Simulating (witness generation) per tx, seconds.
    pub simulate_s_per_tx: f64,
    /// Loading every circuit's cached keys, seconds (once per block for `prove-block`).
    pub keys_load_s: f64,
    /// Bytes of a Groth16 bundle per proof in it (proof files, manifest, keys).
    pub bundle_bytes_per_proof: u64,
    /// Per circuit, leaves first.
    pub circuits: Vec<CircuitFigures>,
    /// The folded tree, if measured.
    pub folding: Option<FoldingFigures>,
}

/// 1, 5 and 15-minute load averages (`/proc/loadavg`), where the platform has them.
pub fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut it = text.split_whitespace().map(|v| v.parse::<f64>().ok());
    Some([it.next()??, it.next()??, it.next()??])
}

/// What to measure.
pub struct MeasureRequest<'a> {
    /// Preset of the circuits.
    pub preset: &'a Preset,
    /// Kernel backend.
    pub backend: AnyBackend,
    /// Key cache (keys are created there when missing; the measurement is stored there).
    pub cache: &'a KeyCache,
    /// The build measuring (version and commit): a stored measurement of another build is
    /// not reused.
    pub build: &'a str,
    /// Measure the folded tree too.
    pub folding: bool,
    /// Scratch directory for the measured bundles (emptied afterwards).
    pub scratch: &'a Path,
}

impl Measurement {
    /// Where a measurement of `preset` on `backend` is stored in `cache`.
    pub fn path(cache: &KeyCache, preset: PresetName, backend: &str) -> PathBuf {
        cache
            .dir()
            .join(format!("capacity-{preset}-{backend}.json"))
    }

    /// The stored measurement for `req`, if one of the same build, preset, backend and box,
    /// with folding if asked for, is no older than `max_age_s`.
    pub fn stored(req: &MeasureRequest<'_>, max_age_s: u64) -> Option<Self> {
        let backend = req.backend.kind().name().to_string();
        let m: Self = read_json(&Self::path(req.cache, req.preset.name, &backend)).ok()?;
        let machine = Machine::detect();
        let age = now().saturating_sub(m.unix_time);
        (m.build == req.build
            && m.preset == req.preset.name
            && m.backend == backend
            && m.machine_cores == machine.cores
            && (m.folding.is_some() || !req.folding)
            && age <= max_age_s)
            .then_some(m)
    }

    /// Measures `req` on this box (see the module note) and stores the result in the cache.
    /// `status` hears what is being measured.
    pub fn take(req: &MeasureRequest<'_>, status: &mut dyn FnMut(&str)) -> Result<Self> {
        let machine = Machine::detect();
        let n = machine.cores.max(1);
        let load_before = load_average();
        let block = measured_block(req.preset)?;
        let (tree, simulate_s) = tree_of(req.preset, &block)?;
        let txs = block.txs.len();
        let calls_per_tx = tree.calls_per_tx();
        std::fs::create_dir_all(req.scratch).map_err(|e| Error::io(req.scratch, e))?;

        let wide = Engine::with_runtime(runtime(&machine, n)?, req.backend.clone());
        // Keys first, so the measured runs load them as `prove-block` does once they exist.
        status("keys (created where missing)");
        for kind in CircuitKind::ALL {
            let blank = AnyCircuit::blank(kind, req.preset);
            let preset = req.preset.name.to_string();
            req.cache
                .get_or_create(&wide, kind.name(), &preset, blank)?;
        }
        // A first run warms what a long-running prover has warm (key pages, allocator);
        // its figures are dropped.
        status("Groth16 warm-up run");
        prove_at(&wide, req, &block, &req.scratch.join("g16-warm"))?;
        status(&format!("Groth16 at {n} threads per proof"));
        let (g_n, bytes) = prove_at(&wide, req, &block, &req.scratch.join("g16-n"))?;
        status("Groth16 at 1 thread per proof");
        let narrow = Engine::with_runtime(runtime(&machine, 1)?, req.backend.clone());
        let (g_1, _) = prove_at(&narrow, req, &block, &req.scratch.join("g16-1"))?;
        let circuits = g_n
            .circuits
            .iter()
            .map(|c| {
                let one = g_1.circuits.iter().find(|o| o.circuit == c.circuit);
                let time_n_s = warm_mean(c);
                CircuitFigures {
                    circuit: c.circuit,
                    constraints: c.constraints,
                    proofs: c.count,
                    time_1_s: one.map_or(time_n_s * n as f64, warm_mean),
                    time_n_s,
                    first_extra_s: (c.max_s - time_n_s).max(0.0),
                    cpu_n_s: c.cpu_s / c.count.max(1) as f64,
                    peak_bytes: c.peak_bytes,
                    proof_bytes: c.budget.proof_bytes,
                }
            })
            .collect();

        let folding = if req.folding {
            status(&format!("folding at {n} threads per node"));
            let f_n = fold_at(wide.runtime(), req, &block, &req.scratch.join("fold-n"))?;
            status("folding at 1 thread per node");
            let f_1 = fold_at(narrow.runtime(), req, &block, &req.scratch.join("fold-1"))?;
            Some(FoldingFigures {
                node_constraints: f_n.node_constraints,
                nodes: f_n.nodes,
                node_1_s: f_1.node_mean_s,
                node_n_s: f_n.node_mean_s,
                cpu_n_s: f_n.cpu_s / f_n.nodes.max(1) as f64,
                node_peak_bytes: f_n.node_peak_bytes,
                keys_s: f_n.keys_s,
                decide_s: f_n.decide_s,
                root_bytes: f_n.root_bytes as u64,
            })
        } else {
            None
        };
        std::fs::remove_dir_all(req.scratch).map_err(|e| Error::io(req.scratch, e))?;

        let m = Measurement {
            build: req.build.into(),
            preset: req.preset.name,
            backend: req.backend.kind().name().to_string(),
            machine_cores: machine.cores,
            machine_ram_bytes: machine.ram_bytes,
            threads: n,
            unix_time: now(),
            load_before,
            load_after: load_average(),
            calls_per_tx,
            simulate_s_per_tx: simulate_s / txs.max(1) as f64,
            keys_load_s: g_n.keys_s,
            bundle_bytes_per_proof: bytes / g_n.proofs.max(1) as u64,
            circuits,
            folding,
        };
        let path = Self::path(req.cache, req.preset.name, &m.backend);
        let text = serde_json::to_vec_pretty(&m).map_err(|e| Error::Malformed(e.to_string()))?;
        write_atomic(&path, &text).map_err(|e| Error::io(&path, e))?;
        Ok(m)
    }

    /// The figures of `kind`, if it was measured.
    pub fn circuit(&self, kind: CircuitKind) -> Option<&CircuitFigures> {
        self.circuits.iter().find(|c| c.circuit == kind)
    }
}

/// Mean time of a circuit's proofs but the slowest (the first, cold one), where there are two
/// or more.
fn warm_mean(c: &CircuitSummary) -> f64 {
    if c.count < 2 {
        return c.mean_s;
    }
    (c.mean_s * c.count as f64 - c.max_s) / (c.count - 1) as f64
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The first generated block of [`MEASURED_TXS`] txs (seeds 1, 2, ...) whose tree has every
/// circuit kind.
fn measured_block(preset: &Preset) -> Result<BlockFile> {
    for seed in 1..=64 {
        let block = BlockFile::generate(preset, &WorldState::genesis(preset), MEASURED_TXS, seed)?;
        let (tree, _) = tree_of(preset, &block)?;
        if CircuitKind::ALL
            .iter()
            .all(|k| tree.nodes().iter().any(|n| n.kind == *k))
        {
            return Ok(block);
        }
    }
    Err(Error::Malformed(format!(
        "no generated {MEASURED_TXS}-tx block at preset {} has every circuit",
        preset.name
    )))
}

/// `block`'s tree from genesis, and the simulation's seconds.
fn tree_of(preset: &Preset, block: &BlockFile) -> Result<(BlockTree, f64)> {
    let mut state = WorldState::genesis(preset);
    let t = Instant::now();
    let tree = build_tree(&mut state, block, Fr::from(1u64))?;
    Ok((tree, t.elapsed().as_secs_f64()))
}

/// A runtime of `threads` threads whose proofs each take all of them, with this box's memory.
fn runtime(machine: &Machine, threads: usize) -> Result<Runtime> {
    let ram_gb = (machine.ram_bytes / GIB).max(1);
    let budget = ProofBudget {
        cores: threads,
        ram_gb,
    };
    Profile {
        name: format!("measure-{threads}"),
        cores: threads,
        ram_gb,
        bandwidth_mbps: 1,
        disk_tb: 1,
        gpu: false,
        proof_time_budget_s: u64::MAX,
        max_proof_bytes: u64::MAX,
        budgets: Budgets {
            vm: budget.clone(),
            kernel: budget.clone(),
            rollup: budget,
        },
    }
    .apply_to(machine)
}

/// Proves `block` with `engine` into `out`; its summary and the bundle's size in bytes.
fn prove_at(
    engine: &Engine<AnyBackend>,
    req: &MeasureRequest<'_>,
    block: &BlockFile,
    out: &Path,
) -> Result<(Summary, u64)> {
    let (tree, _) = tree_of(req.preset, block)?;
    let request = BlockRequest {
        preset: req.preset,
        tree,
        txs: block.txs.len(),
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let (_, summary) = prove_block(engine, req.cache, request, out, cancel, &mut ())?;
    Ok((summary, dir_bytes(out)?))
}

/// Folds `block` on `runtime` into `out`.
fn fold_at(
    runtime: &Runtime,
    req: &MeasureRequest<'_>,
    block: &BlockFile,
    out: &Path,
) -> Result<FoldedSummary> {
    let (tree, _) = tree_of(req.preset, block)?;
    let request = FoldRequest {
        preset: req.preset,
        tree: &tree,
        txs: block.txs.len(),
        seed: 1,
        srs: None,
    };
    prove_block_folded(runtime, req.backend.clone(), request, out, &mut |_, _| {})
}

/// Bytes of the files under `dir`.
fn dir_bytes(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let meta = entry.metadata().map_err(|e| Error::io(entry.path(), e))?;
        total += if meta.is_dir() {
            dir_bytes(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}
