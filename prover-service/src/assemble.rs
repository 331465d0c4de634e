//! Assembling a proven block: every node's proof (uploaded by agents, each checked on upload)
//! is read back, the whole block is verified as `verify-block` verifies a bundle (pairings,
//! tree links, header against the root), and the bundle `prove-block` would write is written
//! and stored as artifacts. Its summary reports the agents' figures.

use std::collections::BTreeMap;
use std::sync::Arc;

use sidecar_circuits::CircuitKind;
use sidecar_circuits::rollup::BlockHeader;
use sidecar_engine::block::{
    CircuitSummary, NodeProof, ProvenBlock, Summary, verify_block, write_bundle,
};
use sidecar_engine::{BudgetCheck, Family, Profile};
use sidecar_groth16::{Proof, VerifyingKey};

use crate::blocks::BundleFile;
use crate::db::now_ms;
use crate::groth16::{BlockMeta, Params, ProofReport};
use crate::service::Service;
use crate::{Error, Result};

/// One node's job as stored: proof artifact, parameters, the agent's report, and its times.
struct NodeResult {
    proof: Vec<u8>,
    params: Params,
    report: ProofReport,
}

/// Per-circuit lines from the agents' reports, checked against `profile`.
fn circuit_lines(
    profile: &Profile,
    meta: &BlockMeta,
    results: &[NodeResult],
) -> Vec<CircuitSummary> {
    meta.keys
        .iter()
        .map(|(&kind, (_, constraints))| {
            let reports: Vec<&ProofReport> = results
                .iter()
                .filter(|r| r.params.circuit == kind)
                .map(|r| &r.report)
                .collect();
            let total: f64 = reports.iter().map(|r| r.prove_s).sum();
            let max_s = reports.iter().map(|r| r.prove_s).fold(0.0, f64::max);
            let threads = reports.first().map_or(0, |r| r.threads);
            let proof_bytes = results
                .iter()
                .find(|r| r.params.circuit == kind)
                .map_or(0, |r| r.proof.len() as u64);
            CircuitSummary {
                circuit: kind,
                constraints: *constraints,
                count: reports.len(),
                total_s: total,
                mean_s: total / reports.len().max(1) as f64,
                max_s,
                peak_bytes: None,
                threads,
                cpu_s: reports.iter().filter_map(|r| r.cpu_s).sum(),
                budget: BudgetCheck::new(
                    profile,
                    Family::of(kind),
                    threads,
                    max_s,
                    None,
                    proof_bytes,
                ),
                keys: "broker".into(),
                keys_s: 0.0,
            }
        })
        .collect()
}

impl Service {
    /// Assembles every block whose jobs are all done.
    pub(crate) async fn assemble_ready(self: &Arc<Self>) -> Result<()> {
        let ids: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM blocks WHERE state = 'assembling'")
                .fetch_all(&self.broker.db.pool)
                .await?;
        for (id,) in ids {
            if let Err(e) = self.assemble(&id).await {
                tracing::warn!("block {id}: assembly failed: {e}");
                sqlx::query(
                    "UPDATE blocks SET state = 'failed', error = $2, finished_ms = $3 \
                     WHERE id = $1 AND state = 'assembling'",
                )
                .bind(id)
                .bind(format!("assembly: {e}"))
                .bind(now_ms())
                .execute(&self.broker.db.pool)
                .await?;
            }
        }
        Ok(())
    }

    /// Verifies block `id` whole and stores its bundle.
    async fn assemble(self: &Arc<Self>, id: &str) -> Result<()> {
        let pool = &self.broker.db.pool;
        let (meta, created): (Option<String>, i64) =
            sqlx::query_as("SELECT meta, created_ms FROM blocks WHERE id = $1")
                .bind(id.to_string())
                .fetch_one(pool)
                .await?;
        let meta: BlockMeta = serde_json::from_str(meta.as_deref().unwrap_or(""))
            .map_err(|e| Error::BadRequest(format!("block meta: {e}")))?;
        let rows: Vec<(i64, Option<String>, String, Option<String>)> = sqlx::query_as(
            "SELECT bj.node, j.output, j.params, j.report FROM block_jobs bj \
             JOIN jobs j ON j.id = bj.job WHERE bj.block = $1 ORDER BY bj.node",
        )
        .bind(id.to_string())
        .fetch_all(pool)
        .await?;
        if rows.len() != meta.nodes.len() {
            return Err(Error::Conflict(format!(
                "{} jobs for {} nodes",
                rows.len(),
                meta.nodes.len()
            )));
        }
        let mut results = Vec::with_capacity(rows.len());
        for (node, output, params, report) in rows {
            let output =
                output.ok_or_else(|| Error::Conflict(format!("node {node} has no proof")))?;
            results.push(NodeResult {
                proof: self.artifacts.get(&output).await?,
                params: serde_json::from_str(&params)
                    .map_err(|e| Error::BadRequest(format!("job params: {e}")))?,
                report: report
                    .and_then(|r| serde_json::from_str(&r).ok())
                    .unwrap_or_default(),
            });
        }
        let mut vks = BTreeMap::new();
        for (&kind, (vk, _)) in &meta.keys {
            let bytes = self.artifacts.get(vk).await?;
            let vk = VerifyingKey::from_bytes(&bytes)
                .map_err(|e| Error::BadRequest(format!("verifying key {vk}: {e}")))?;
            vks.insert(kind, vk);
        }
        let dir = self.config.artifacts.join("bundles").join(id);
        let me = self.clone();
        let out = dir.clone();
        let files =
            tokio::task::spawn_blocking(move || -> Result<Vec<(String, std::path::PathBuf)>> {
                let block = proven_block(&meta, &results, vks)?;
                verify_block(&block)?;
                let profile = me.engine.runtime().profile();
                let circuits = circuit_lines(profile, &meta, &results);
                let wall_s = (now_ms() - created) as f64 / 1000.0;
                let summary = Summary {
                    preset: meta.preset,
                    txs: meta.txs,
                    proofs: results.len(),
                    profile: format!("{} (broker; proofs by agents)", profile.name),
                    threads: 0,
                    memory_budget_bytes: 0,
                    max_concurrency: 0,
                    family_concurrency: BTreeMap::new(),
                    keys_s: 0.0,
                    prove_s: wall_s,
                    wall_s,
                    process_peak_rss_bytes: None,
                    circuits,
                };
                write_bundle(&out, &block, &summary)?;
                bundle_listing(&out)
            })
            .await
            .map_err(|e| Error::Conflict(format!("assembly task: {e}")))??;
        let mut listing = Vec::with_capacity(files.len());
        for (path, file) in files {
            let hash = self.artifacts.put_file(&file).await?;
            let size = std::fs::metadata(&file)
                .map_err(|e| Error::io(&file, e))?
                .len();
            listing.push(BundleFile { path, hash, size });
        }
        sqlx::query(
            "UPDATE blocks SET state = 'done', bundle = $2, finished_ms = $3 \
             WHERE id = $1 AND state = 'assembling'",
        )
        .bind(id.to_string())
        .bind(serde_json::to_string(&listing).expect("serializes"))
        .bind(now_ms())
        .execute(pool)
        .await?;
        let _ = std::fs::remove_dir_all(&dir);
        tracing::info!("block {id}: done, bundle of {} files", listing.len());
        Ok(())
    }
}

/// The proven block from the stored node results.
fn proven_block(
    meta: &BlockMeta,
    results: &[NodeResult],
    keys: BTreeMap<CircuitKind, VerifyingKey>,
) -> Result<ProvenBlock> {
    let header = BlockHeader::from_fields(&meta.header).map_err(Error::BadRequest)?;
    let proofs = results
        .iter()
        .map(|r| {
            Ok(NodeProof {
                proof: Proof::from_bytes(&r.proof).map_err(sidecar_engine::Error::from)?,
                public_inputs: r.params.public_inputs.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ProvenBlock {
        preset: meta.preset,
        txs: meta.txs,
        header,
        l1_to_l2_msgs: meta.l1_to_l2_msgs.clone(),
        nodes: meta.nodes.clone(),
        proofs,
        keys,
    })
}

/// Every file under the bundle at `dir`, with its path relative to `dir`.
fn bundle_listing(dir: &std::path::Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let mut out = Vec::new();
    for sub in ["", "keys", "proofs"] {
        let d = dir.join(sub);
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .map_err(|e| Error::io(&d, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().expect("files have names").to_string_lossy();
            let rel = if sub.is_empty() {
                name.to_string()
            } else {
                format!("{sub}/{name}")
            };
            out.push((rel, p));
        }
    }
    Ok(out)
}
