//! The orchestrator: witnesses → keys → job graph → proofs → bundle.
//!
//! Keys come from the [`KeyCache`] once per `(circuit, preset)`; the graph runs with
//! [`run_graph`] in the engine's pool under its memory budget, seeded with the peaks stored
//! next to the keys; peaks measured during the run are stored back. Progress goes to a
//! [`Progress`] observer (the library never prints). A raised stop flag makes every job not
//! yet started refuse to run; completed proofs stay in `DIR.partial`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ark_bn254::Fr;
use sha2::{Digest, Sha256};
use sidecar_circuits::kernel::KernelCircuit;
use sidecar_circuits::rollup::{
    BaseRollupCircuit, BlockHeader, MergeRollupCircuit, RootRollupCircuit,
};
use sidecar_circuits::vm::VmCircuit;
use sidecar_circuits::{BlockCircuit, CircuitKind, Preset};

use super::bundle::{
    BUNDLE_FORMAT, BlockOutputs, CircuitSummary, KeyEntry, L1_FILE, MANIFEST, Manifest,
    ManifestNode, SUMMARY, Summary, partial_dir, write_json,
};
use super::error::{BlockError, Result};
use super::job::{JobContext, ProofJob, Witness, proof_files, write_atomic};
use super::tree::{BlockProofWitnesses, TreeNode, layout};
use crate::groth16::{Backend, PreparedKey};
use crate::jobs::{CacheOutcome, JobGraph, JobId, KeyCache, peak_rss, run_graph};
use crate::{Engine, Keys};

/// What the orchestrator reports while it works.
#[derive(Clone, Debug)]
pub enum BlockEvent {
    /// Keys of one circuit are ready.
    KeysReady {
        /// Which circuit.
        kind: CircuitKind,
        /// Cache hit, created, or rebuilt (and why).
        outcome: CacheOutcome,
        /// Time taken.
        elapsed: Duration,
    },
    /// Proving starts: how many proofs of each circuit.
    ProvingStarted {
        /// Counts per circuit kind, leaves first.
        counts: Vec<(CircuitKind, usize)>,
    },
    /// One proof is done.
    Proved {
        /// Its circuit.
        kind: CircuitKind,
        /// Its wall time.
        elapsed: Duration,
    },
}

/// Receives [`BlockEvent`]s on the orchestrating thread.
pub trait Progress {
    /// Called for every event.
    fn event(&mut self, event: &BlockEvent);
}

/// Ignores every event.
impl Progress for () {
    fn event(&mut self, _: &BlockEvent) {}
}

/// A block ready to prove.
pub struct BlockRequest<'a> {
    /// Preset of every circuit.
    pub preset: &'a Preset,
    /// Every witness of the tree.
    pub witnesses: BlockProofWitnesses,
    /// Txs in the block (padding excluded).
    pub txs: usize,
}

fn keys_for<B: Backend, C: BlockCircuit>(
    engine: &Engine<B>,
    cache: &KeyCache,
    preset: &Preset,
) -> Result<(Keys<B>, CacheOutcome, u64, Option<u64>)> {
    let got = cache.get_or_create(
        engine,
        C::KIND.name(),
        &preset.name.to_string(),
        C::blank(preset),
    )?;
    Ok((
        got.keys,
        got.outcome,
        got.meta.num_constraints,
        got.meta.peak_bytes,
    ))
}

fn outcome_text(o: &CacheOutcome) -> String {
    match o {
        CacheOutcome::Hit => "hit".into(),
        CacheOutcome::Created => "created".into(),
        CacheOutcome::Rebuilt(why) => format!("rebuilt: {why}"),
    }
}

fn prepare_out(out: &Path) -> Result<std::path::PathBuf> {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map_err(|e| BlockError::io(out, e))?
            .next()
            .is_none();
        if !empty {
            return Err(BlockError::OutputExists(out.into()));
        }
    }
    let partial = partial_dir(out);
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| BlockError::io(&partial, e))?;
    }
    for sub in ["proofs", "keys"] {
        let d = partial.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| BlockError::io(&d, e))?;
    }
    Ok(partial)
}

/// Proves every node of `req`'s tree on `engine` and installs the bundle at `out` (which must
/// not exist or be empty). Returns the summary also written to `out/summary.json`.
pub fn prove_block<B>(
    engine: &Engine<B>,
    cache: &KeyCache,
    req: BlockRequest<'_>,
    out: &Path,
    cancel: Arc<AtomicBool>,
    progress: &mut dyn Progress,
) -> Result<Summary>
where
    B: Backend + Clone + Send + Sync + 'static,
    PreparedKey<B>: Send + Sync,
{
    let start = Instant::now();
    let preset = req.preset;
    let nodes = layout(&req.witnesses)?;
    let partial = prepare_out(out)?;

    // Witnesses in node order (the order `layout` assigns ids).
    let w = req.witnesses;
    let mut witnesses: Vec<Witness> = Vec::with_capacity(nodes.len());
    for calls in w.calls {
        for c in calls {
            witnesses.push(Witness::Vm(c.vm));
            witnesses.push(Witness::Kernel(c.kernel));
        }
    }
    let r = w.rollup;
    witnesses.extend(
        r.bases
            .into_iter()
            .map(|b| Witness::Base(BaseRollupCircuit { witness: b })),
    );
    witnesses.extend(
        r.merges
            .into_iter()
            .map(|m| Witness::Merge(MergeRollupCircuit { witness: m.witness })),
    );
    let header = r.root.header;
    let l1_to_l2_msgs = r.root.l1_to_l2_msgs.clone();
    witnesses.push(Witness::Root(RootRollupCircuit { witness: r.root }));

    // Keys, once per circuit kind present.
    let mut keys = BTreeMap::new();
    let mut meta: BTreeMap<CircuitKind, (String, f64, u64)> = BTreeMap::new();
    let mut peaks = HashMap::new();
    let mut key_entries = Vec::new();
    let kinds: Vec<CircuitKind> = CircuitKind::ALL
        .into_iter()
        .filter(|k| witnesses.iter().any(|w| w.kind() == *k))
        .collect();
    let keys_start = Instant::now();
    for &kind in &kinds {
        let t = Instant::now();
        let (k, outcome, constraints, peak) = match kind {
            CircuitKind::PublicVm => keys_for::<B, VmCircuit>(engine, cache, preset)?,
            CircuitKind::PublicKernel => keys_for::<B, KernelCircuit>(engine, cache, preset)?,
            CircuitKind::BaseRollup => keys_for::<B, BaseRollupCircuit>(engine, cache, preset)?,
            CircuitKind::MergeRollup => keys_for::<B, MergeRollupCircuit>(engine, cache, preset)?,
            CircuitKind::RootRollup => keys_for::<B, RootRollupCircuit>(engine, cache, preset)?,
        };
        let elapsed = t.elapsed();
        progress.event(&BlockEvent::KeysReady {
            kind,
            outcome: outcome.clone(),
            elapsed,
        });
        if let Some(p) = peak {
            peaks.insert(kind.name().to_string(), p);
        }
        let vk_bytes = k.verifying.to_bytes();
        let file = format!("keys/{}.vk", kind.name());
        let path = partial.join(&file);
        write_atomic(&path, &vk_bytes).map_err(|e| BlockError::io(&path, e))?;
        key_entries.push(KeyEntry {
            circuit: kind.name().into(),
            file,
            sha256: hex::encode(Sha256::digest(&vk_bytes)),
            public_inputs: k.verifying.num_public_inputs(),
        });
        meta.insert(
            kind,
            (outcome_text(&outcome), elapsed.as_secs_f64(), constraints),
        );
        keys.insert(kind, k);
    }
    let keys_s = keys_start.elapsed().as_secs_f64();

    // The job graph: children are dependencies.
    let ctx = Arc::new(JobContext {
        groth16: engine.groth16().clone(),
        keys,
        cancel: cancel.clone(),
        proofs_dir: partial.join("proofs"),
    });
    let public_inputs: Vec<Vec<Fr>> = witnesses.iter().map(Witness::public_inputs).collect();
    let mut graph = JobGraph::new();
    for (node, witness) in nodes.iter().zip(witnesses) {
        let deps: Vec<JobId> = node.children.iter().map(|&c| JobId(c)).collect();
        graph.add(
            ProofJob {
                id: node.id,
                witness,
                ctx: ctx.clone(),
            },
            &deps,
        )?;
    }
    let counts: Vec<(CircuitKind, usize)> = kinds
        .iter()
        .map(|&k| (k, nodes.iter().filter(|n| n.kind == k.name()).count()))
        .collect();
    progress.event(&BlockEvent::ProvingStarted {
        counts: counts.clone(),
    });

    let prove_start = Instant::now();
    let mut done = 0usize;
    let run = run_graph(engine.runtime(), graph, peaks, |rec| {
        done += 1;
        if let Ok(kind) = super::tree::kind_from_name(&rec.circuit) {
            progress.event(&BlockEvent::Proved {
                kind,
                elapsed: rec.elapsed,
            });
        }
    });
    let report = match run {
        Ok(r) => r,
        Err(_) if cancel.load(Ordering::SeqCst) => {
            return Err(BlockError::Cancelled {
                done,
                total: nodes.len(),
                partial,
            });
        }
        Err(e) => return Err(e.into()),
    };
    let prove_s = prove_start.elapsed().as_secs_f64();
    let preset_name = preset.name.to_string();
    for rec in &report.records {
        if let Some(p) = rec.measured_peak {
            cache.record_peak(&rec.circuit, &preset_name, p)?;
        }
    }

    // Manifest, summary, L1 encoding; the manifest last, then install.
    let manifest_nodes: Vec<ManifestNode> = nodes
        .iter()
        .zip(public_inputs)
        .map(|(n, public_inputs)| manifest_node(n, public_inputs))
        .collect::<Result<_>>()?;
    let root = &manifest_nodes
        .last()
        .expect("a tree has a root")
        .public_inputs;
    let manifest = Manifest {
        format: BUNDLE_FORMAT,
        preset: preset.name,
        txs: req.txs,
        header: header.to_fields(),
        header_hash: header.hash(),
        outputs: outputs_of(root, &header),
        l1_to_l2_msgs,
        keys: key_entries,
        nodes: manifest_nodes,
    };
    let circuits = kinds
        .iter()
        .map(|&k| {
            let times: Vec<f64> = report
                .records
                .iter()
                .filter(|r| r.circuit == k.name())
                .map(|r| r.elapsed.as_secs_f64())
                .collect();
            let total: f64 = times.iter().sum();
            let (keys, keys_s, constraints) = meta[&k].clone();
            CircuitSummary {
                circuit: k.name().into(),
                constraints,
                count: times.len(),
                total_s: total,
                mean_s: total / times.len().max(1) as f64,
                max_s: times.iter().copied().fold(0.0, f64::max),
                peak_bytes: report.peaks.get(k.name()).copied(),
                keys,
                keys_s,
            }
        })
        .collect();
    let rt = engine.runtime();
    let mut summary = Summary {
        preset: preset.name,
        txs: req.txs,
        proofs: nodes.len(),
        profile: rt.profile().name.clone(),
        threads: rt.threads(),
        memory_budget_bytes: rt.memory().capacity(),
        max_concurrency: report.max_concurrency,
        keys_s,
        prove_s,
        wall_s: 0.0,
        process_peak_rss_bytes: peak_rss(),
        circuits,
    };
    let proofs: Vec<_> = report.outputs.iter().map(|o| o.proof.clone()).collect();
    write_json(
        &partial.join(L1_FILE),
        &super::l1::encode_with(&manifest, &ctx_vks(&ctx), &proofs)?,
    )?;
    summary.wall_s = start.elapsed().as_secs_f64();
    write_json(&partial.join(SUMMARY), &summary)?;
    write_json(&partial.join(MANIFEST), &manifest)?;
    if out.exists() {
        std::fs::remove_dir(out).map_err(|e| BlockError::io(out, e))?;
    }
    std::fs::rename(&partial, out).map_err(|e| BlockError::io(out, e))?;
    Ok(summary)
}

fn ctx_vks<B: Backend>(ctx: &JobContext<B>) -> BTreeMap<String, crate::groth16::VerifyingKey> {
    ctx.keys
        .iter()
        .map(|(k, v)| (k.name().to_string(), v.verifying.clone()))
        .collect()
}

fn manifest_node(n: &TreeNode, public_inputs: Vec<Fr>) -> Result<ManifestNode> {
    let kind = super::tree::kind_from_name(&n.kind)?;
    let (ark, evm) = proof_files(n.id, kind);
    Ok(ManifestNode {
        node: n.clone(),
        public_inputs,
        proof: format!("proofs/{ark}"),
        proof_evm: format!("proofs/{evm}"),
    })
}

/// Named block outputs from the root's public inputs.
pub(crate) fn outputs_of(root: &[Fr], header: &BlockHeader) -> BlockOutputs {
    use sidecar_circuits::rollup::RootPublicInputs as R;
    BlockOutputs {
        previous_archive_root: root[R::PREVIOUS_ARCHIVE],
        new_archive_root: root[R::NEW_ARCHIVE],
        out_hash: root[R::OUT_HASH],
        total_fees: root[R::TOTAL_FEES],
        prover_id: root[R::PROVER_ID],
        in_hash: root[R::IN_HASH],
        block_number: header.global.block_number,
    }
}
