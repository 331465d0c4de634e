//! Single jobs, for marketplaces: a client uploads one circuit's witness (the bytes of
//! `AnyCircuit::to_bytes`) as an artifact and submits it; an agent proves it; the client reads
//! the job and downloads its proof. The broker decodes the witness first, so a malformed one is
//! refused at submission and the proof is checked against the witness's public inputs.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sidecar_circuits::{AnyCircuit, Preset, PresetName};

use crate::artifacts::is_hash;
use crate::broker::{JobSpec, JobView};
use crate::groth16::{self, Params};
use crate::service::Service;
use crate::{Error, Result};

/// `POST /v1/jobs`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSubmission {
    /// Artifact holding the witness.
    pub witness: String,
    /// Retries after a retryable failure (default: the broker's).
    #[serde(default)]
    pub retries: Option<i64>,
}

/// The preset whose keys prove `circuit`: the one its witness names, or (for a merge rollup,
/// whose shape is the same at every preset) devnet.
fn preset_of(circuit: &AnyCircuit) -> PresetName {
    circuit.preset_name().unwrap_or(PresetName::Devnet)
}

impl Service {
    /// Decodes the witness, makes sure its keys exist, and enqueues its proof.
    pub async fn submit_job(self: &Arc<Self>, sub: JobSubmission) -> Result<JobView> {
        if !is_hash(&sub.witness) {
            return Err(Error::BadRequest(
                "witness: a 64-digit lowercase hex artifact hash".into(),
            ));
        }
        let retries = sub.retries.unwrap_or(self.config.retries);
        if !(0..=10).contains(&retries) {
            return Err(Error::BadRequest("retries: 0 to 10".into()));
        }
        let bytes = self.artifacts.get(&sub.witness).await?;
        let me = self.clone();
        let (circuit, keys) = tokio::task::spawn_blocking(move || -> Result<_> {
            let circuit = groth16::inspect_witness(&bytes)?;
            let preset = Preset::get(preset_of(&circuit));
            let keys = me.keys_for(circuit.kind(), &preset)?;
            Ok((circuit, keys))
        })
        .await
        .map_err(|e| Error::BadRequest(format!("witness: {e}")))??;
        let pk = self.key_artifact(&keys.pk_path).await?;
        let vk = self.artifacts.put(&keys.vk).await?;
        let params = Params {
            circuit: circuit.kind(),
            preset: preset_of(&circuit),
            vk,
            public_inputs: circuit.public_inputs(),
        };
        let spec = JobSpec {
            system: groth16::SYSTEM.into(),
            kind: groth16::queue_of(circuit.kind()).into(),
            depth: 0,
            inputs: vec![sub.witness, pk],
            deps: vec![],
            params: serde_json::to_value(&params).expect("serializes"),
            max_attempts: 1 + retries,
        };
        let id = self.broker.enqueue(&spec).await?;
        self.broker.job(&id).await
    }
}
