//! The orchestrator: a block's proof tree → keys → job graph → proofs, returned in memory and
//! installed as a bundle.
//!
//! Keys come from the [`KeyCache`] once per `(circuit, preset)`; the graph runs with
//! [`run_graph`] in the engine's pool under its memory budget, seeded with the peaks stored
//! next to the keys; peaks measured during the run are stored back. Progress goes to a
//! [`Progress`] observer. A raised stop flag makes every job not yet started refuse to run;
//! completed proofs stay in `DIR.partial`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use sidecar_circuits::tree::{BlockTree, TreeNode};
use sidecar_circuits::{AnyCircuit, CircuitKind, Preset};
use sidecar_groth16::{Backend, PreparedKey};

use super::bundle::{CircuitSummary, Summary};
use super::install::{install, prepare_out};
use super::job::{JobContext, ProofJob};
use super::keys::{BlockKeys, load_block_keys};
use super::progress::{BlockEvent, Progress};
use super::proven::{NodeProof, ProvenBlock};
use crate::Engine;
use crate::jobs::{JobGraph, JobId, KeyCache, RunReport, peak_rss, run_graph};
use crate::{BudgetCheck, Error, Family, Profile, Result};

/// A block ready to prove.
pub struct BlockRequest<'a> {
    /// Preset of every circuit.
    pub preset: &'a Preset,
    /// The proof tree with every witness.
    pub tree: BlockTree,
    /// Txs in the block (padding excluded).
    pub txs: usize,
}

/// The kinds present in `nodes`, leaves first.
fn kinds_of(nodes: &[TreeNode]) -> Vec<CircuitKind> {
    CircuitKind::ALL
        .into_iter()
        .filter(|k| nodes.iter().any(|n| n.kind == *k))
        .collect()
}

/// Proves every circuit of the tree (children are dependencies) with the keys, stop flag and
/// proofs folder of `ctx`; each proof's files are written as it completes.
fn run_proofs<B>(
    engine: &Engine<B>,
    nodes: &[TreeNode],
    circuits: Vec<AnyCircuit>,
    ctx: Arc<JobContext<B>>,
    peaks: HashMap<String, u64>,
    progress: &mut dyn Progress,
) -> Result<RunReport<NodeProof>>
where
    B: Backend + Clone + Send + Sync + 'static,
    PreparedKey<B>: Send + Sync,
{
    let mut graph = JobGraph::new();
    for (node, circuit) in nodes.iter().zip(circuits) {
        let deps: Vec<JobId> = node.children.iter().map(|&c| JobId(c)).collect();
        let job = ProofJob {
            id: node.id,
            circuit,
            ctx: ctx.clone(),
        };
        graph.add(job, &deps)?;
    }
    let counts = kinds_of(nodes)
        .into_iter()
        .map(|k| (k, nodes.iter().filter(|n| n.kind == k).count()))
        .collect();
    progress.event(&BlockEvent::ProvingStarted { counts });
    let mut done = 0usize;
    let run = run_graph(engine.runtime(), graph, peaks, |rec| {
        done += 1;
        if let Some(kind) = CircuitKind::from_name(&rec.circuit) {
            progress.event(&BlockEvent::Proved {
                kind,
                elapsed: rec.elapsed,
            });
        }
    });
    match run {
        Ok(r) => Ok(r),
        Err(_) if ctx.cancel.load(Ordering::SeqCst) => Err(Error::Cancelled {
            done,
            total: nodes.len(),
            partial: ctx
                .proofs_dir
                .parent()
                .map_or_else(|| ctx.proofs_dir.clone(), Path::to_path_buf),
        }),
        Err(e) => Err(e),
    }
}

/// Per-circuit figures of the run, checked against `profile`'s per-proof limits.
fn circuit_summaries<B: Backend>(
    profile: &Profile,
    keys: &BlockKeys<B>,
    report: &RunReport<NodeProof>,
) -> Vec<CircuitSummary> {
    keys.origins
        .iter()
        .map(|(&k, origin)| {
            let records: Vec<_> = report
                .records
                .iter()
                .filter(|r| r.circuit == k.name())
                .collect();
            let times: Vec<f64> = records.iter().map(|r| r.elapsed.as_secs_f64()).collect();
            let total: f64 = times.iter().sum();
            let max_s = times.iter().copied().fold(0.0, f64::max);
            let threads = records.first().map_or(0, |r| r.threads);
            let peak_bytes = report.peaks.get(k.name()).copied();
            let proof_bytes = records
                .first()
                .map_or(0, |r| report.outputs[r.id.0].proof.to_bytes().len() as u64);
            CircuitSummary {
                circuit: k,
                constraints: origin.constraints,
                count: times.len(),
                total_s: total,
                mean_s: total / times.len().max(1) as f64,
                max_s,
                peak_bytes,
                threads,
                cpu_s: records
                    .iter()
                    .filter_map(|r| r.cpu)
                    .map(|c| c.as_secs_f64())
                    .sum(),
                budget: BudgetCheck::new(
                    profile,
                    Family::of(k),
                    threads,
                    max_s,
                    peak_bytes,
                    proof_bytes,
                ),
                keys: origin.outcome.clone(),
                keys_s: origin.seconds,
            }
        })
        .collect()
}

/// Proves every node of `req`'s tree on `engine`, installs the bundle at `out` (absent, empty,
/// or an earlier bundle, which it replaces: see [`check_out`]) and returns the proven block with its summary (also in
/// `out/summary.json`).
pub fn prove_block<B>(
    engine: &Engine<B>,
    cache: &KeyCache,
    req: BlockRequest<'_>,
    out: &Path,
    cancel: Arc<AtomicBool>,
    progress: &mut dyn Progress,
) -> Result<(ProvenBlock, Summary)>
where
    B: Backend + Clone + Send + Sync + 'static,
    PreparedKey<B>: Send + Sync,
{
    let start = Instant::now();
    let preset = req.preset;
    let partial = prepare_out(out)?;
    let (header, l1_to_l2_msgs) = (
        req.tree.root().header,
        req.tree.root().l1_to_l2_msgs.clone(),
    );
    let (nodes, circuits) = req.tree.into_parts();
    let mut keys = load_block_keys(engine, cache, preset, &kinds_of(&nodes), &partial, progress)?;
    let verifying = keys
        .keys
        .iter()
        .map(|(k, v)| (*k, v.verifying.clone()))
        .collect();
    let ctx = Arc::new(JobContext {
        groth16: engine.groth16().clone(),
        keys: std::mem::take(&mut keys.keys),
        cancel,
        proofs_dir: partial.join("proofs"),
    });
    let prove_start = Instant::now();
    let peaks = std::mem::take(&mut keys.peaks);
    let report = run_proofs(engine, &nodes, circuits, ctx, peaks, progress)?;
    let prove_s = prove_start.elapsed().as_secs_f64();
    let preset_name = preset.name.to_string();
    for rec in &report.records {
        if let Some(p) = rec.measured_peak {
            cache.record_peak(&rec.circuit, &preset_name, p)?;
        }
    }
    let block = ProvenBlock {
        preset: preset.name,
        txs: req.txs,
        header,
        l1_to_l2_msgs,
        nodes,
        proofs: report.outputs.iter().map(|o| (**o).clone()).collect(),
        keys: verifying,
    };
    let rt = engine.runtime();
    let mut summary = Summary {
        preset: preset.name,
        txs: req.txs,
        proofs: block.nodes.len(),
        profile: rt.profile().name.clone(),
        threads: rt.threads(),
        memory_budget_bytes: rt.memory().capacity(),
        max_concurrency: report.max_concurrency,
        family_concurrency: report.family_concurrency.clone(),
        keys_s: keys.seconds,
        prove_s,
        wall_s: 0.0,
        process_peak_rss_bytes: peak_rss(),
        circuits: circuit_summaries(rt.profile(), &keys, &report),
    };
    summary.wall_s = start.elapsed().as_secs_f64();
    install(
        out,
        &partial,
        &block,
        std::mem::take(&mut keys.entries),
        &summary,
    )?;
    Ok((block, summary))
}
