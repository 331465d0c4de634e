//! One proof of the tree as a scheduler [`Job`]: prove the node's circuit, check the proof with
//! ark-groth16 under the node's verifying key, and write both encodings to the proofs folder
//! (temporary file + rename, so a file that exists is complete).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rand::rngs::OsRng;
use sidecar_circuits::{AnyCircuit, CircuitKind};
use sidecar_groth16::{Backend, Groth16, PreparedKey};

use super::install::write_proof;
use super::proven::NodeProof;
use crate::jobs::Job;
use crate::{Error, Family, Keys, Result};

/// What every job of one block shares: the prover, the keys, the stop flag, the output folder.
pub(crate) struct JobContext<B: Backend> {
    pub groth16: Groth16<B>,
    pub keys: BTreeMap<CircuitKind, Keys<B>>,
    pub cancel: Arc<AtomicBool>,
    pub proofs_dir: PathBuf,
}

/// Proves one node.
pub(crate) struct ProofJob<B: Backend> {
    pub id: usize,
    pub circuit: AnyCircuit,
    pub ctx: Arc<JobContext<B>>,
}

/// Reason carried by the error of a job refused after a stop request.
pub(crate) const CANCELLED: &str = "stopped before starting: interrupt requested";

impl<B: Backend + Send + Sync + 'static> Job for ProofJob<B>
where
    PreparedKey<B>: Send + Sync,
{
    type Output = NodeProof;

    fn label(&self) -> String {
        format!("{} #{}", self.circuit.kind().name(), self.id)
    }

    fn circuit(&self) -> &str {
        self.circuit.kind().name()
    }

    fn family(&self) -> Family {
        Family::of(self.circuit.kind())
    }

    fn run(&self, _deps: &[&NodeProof]) -> Result<NodeProof> {
        if self.ctx.cancel.load(Ordering::SeqCst) {
            return Err(Error::JobGraph {
                reason: CANCELLED.into(),
            });
        }
        let kind = self.circuit.kind();
        let keys = self.ctx.keys.get(&kind).ok_or_else(|| Error::JobGraph {
            reason: format!("no keys loaded for {}", kind.name()),
        })?;
        let g = &self.ctx.groth16;
        let proof = g.prove(&keys.proving, self.circuit.clone(), &mut OsRng)?;
        let public_inputs = self.circuit.public_inputs();
        if !g.verify(&keys.verifying, &public_inputs, &proof)? {
            return Err(Error::JobGraph {
                reason: format!("{} proof does not verify", self.label()),
            });
        }
        write_proof(&self.ctx.proofs_dir, self.id, kind, &proof)?;
        Ok(NodeProof {
            proof,
            public_inputs,
        })
    }
}
