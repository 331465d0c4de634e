//! One proof of the tree as a scheduler [`Job`]: prove the node's circuit, check the proof with
//! ark-groth16 under the node's verifying key, and write both encodings to the proofs folder
//! (temporary file + rename, so a file that exists is complete).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ark_bn254::Fr;
use rand::rngs::OsRng;
use sidecar_circuits::kernel::KernelCircuit;
use sidecar_circuits::rollup::{BaseRollupCircuit, MergeRollupCircuit, RootRollupCircuit};
use sidecar_circuits::vm::VmCircuit;
use sidecar_circuits::{BlockCircuit, CircuitKind};

use crate::groth16::{Backend, Groth16, Proof};
use crate::jobs::Job;
use crate::{Error, Keys, Result};

/// The witness of one node.
#[derive(Clone, Debug)]
pub(crate) enum Witness {
    Vm(VmCircuit),
    Kernel(KernelCircuit),
    Base(BaseRollupCircuit),
    Merge(MergeRollupCircuit),
    Root(RootRollupCircuit),
}

impl Witness {
    pub(crate) fn kind(&self) -> CircuitKind {
        match self {
            Witness::Vm(_) => CircuitKind::PublicVm,
            Witness::Kernel(_) => CircuitKind::PublicKernel,
            Witness::Base(_) => CircuitKind::BaseRollup,
            Witness::Merge(_) => CircuitKind::MergeRollup,
            Witness::Root(_) => CircuitKind::RootRollup,
        }
    }

    pub(crate) fn public_inputs(&self) -> Vec<Fr> {
        match self {
            Witness::Vm(c) => c.public_inputs(),
            Witness::Kernel(c) => c.public_inputs(),
            Witness::Base(c) => c.public_inputs(),
            Witness::Merge(c) => c.public_inputs(),
            Witness::Root(c) => c.public_inputs(),
        }
    }
}

/// What every job of one block shares: the prover, the keys, the stop flag, the output folder.
pub(crate) struct JobContext<B: Backend> {
    pub groth16: Groth16<B>,
    pub keys: BTreeMap<CircuitKind, Keys<B>>,
    pub cancel: Arc<AtomicBool>,
    pub proofs_dir: PathBuf,
}

/// A proven node: its proof and public inputs.
#[derive(Clone, Debug)]
pub struct NodeProof {
    /// The proof.
    pub proof: Proof,
    /// Its public inputs.
    pub public_inputs: Vec<Fr>,
}

/// File names of node `id`'s proof: canonical (128 bytes) and EVM (256 bytes).
pub fn proof_files(id: usize, kind: CircuitKind) -> (String, String) {
    let stem = format!("{id:05}-{}", kind.name());
    (format!("{stem}.proof"), format!("{stem}.evm"))
}

/// Writes `bytes` to `path` through a temporary sibling and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Proves one node.
pub(crate) struct ProofJob<B: Backend> {
    pub id: usize,
    pub witness: Witness,
    pub ctx: Arc<JobContext<B>>,
}

/// Reason carried by the error of a job refused after a stop request.
pub(crate) const CANCELLED: &str = "stopped before starting: interrupt requested";

impl<B: Backend + Send + Sync + 'static> Job for ProofJob<B>
where
    crate::groth16::PreparedKey<B>: Send + Sync,
{
    type Output = NodeProof;

    fn label(&self) -> String {
        format!("{} #{}", self.witness.kind().name(), self.id)
    }

    fn circuit(&self) -> &str {
        self.witness.kind().name()
    }

    fn run(&self, _deps: &[&NodeProof]) -> Result<NodeProof> {
        if self.ctx.cancel.load(Ordering::SeqCst) {
            return Err(Error::JobGraph {
                reason: CANCELLED.into(),
            });
        }
        let kind = self.witness.kind();
        let keys = self.ctx.keys.get(&kind).ok_or_else(|| Error::JobGraph {
            reason: format!("no keys loaded for {}", kind.name()),
        })?;
        let g = &self.ctx.groth16;
        let pk = &keys.proving;
        let proof = match self.witness.clone() {
            Witness::Vm(c) => g.prove(pk, c, &mut OsRng),
            Witness::Kernel(c) => g.prove(pk, c, &mut OsRng),
            Witness::Base(c) => g.prove(pk, c, &mut OsRng),
            Witness::Merge(c) => g.prove(pk, c, &mut OsRng),
            Witness::Root(c) => g.prove(pk, c, &mut OsRng),
        }?;
        let public_inputs = self.witness.public_inputs();
        if !g.verify(&keys.verifying, &public_inputs, &proof)? {
            return Err(Error::JobGraph {
                reason: format!("{} proof does not verify", self.label()),
            });
        }
        let (ark, evm) = proof_files(self.id, kind);
        for (name, bytes) in [
            (ark, proof.to_bytes()),
            (evm, proof.to_bytes_256().to_vec()),
        ] {
            let path = self.ctx.proofs_dir.join(name);
            write_atomic(&path, &bytes).map_err(|e| Error::io(&path, e))?;
        }
        Ok(NodeProof {
            proof,
            public_inputs,
        })
    }
}
