//! Reading a bundle back into a [`ProvenBlock`] from its files alone: every verifying key
//! against its recorded SHA-256 (and, on request, against trusted keys), every proof from both
//! of its encodings, which must be the same proof.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};
use sidecar_circuits::rollup::BlockHeader;
use sidecar_circuits::{CircuitKind, public_input_len};
use sidecar_groth16::{Proof, VerifyingKey};

use super::bundle::{Manifest, read_manifest};
use super::proven::{NodeProof, ProvenBlock};
use crate::{Error, Result};

/// The bytes of the bundle's file `rel`; a missing or unreadable one is malformed, named by
/// `what` (the node or key it belongs to).
fn read(dir: &Path, rel: &str, what: &str) -> Result<Vec<u8>> {
    let path = dir.join(rel);
    std::fs::read(&path).map_err(|e| Error::Malformed(format!("{what}: {}: {e}", path.display())))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn load_keys(dir: &Path, m: &Manifest) -> Result<BTreeMap<CircuitKind, VerifyingKey>> {
    let mut keys = BTreeMap::new();
    for k in &m.keys {
        let bytes = read(dir, &k.file, &format!("verifying key of {}", k.circuit))?;
        if sha256_hex(&bytes) != k.sha256 {
            return Err(Error::Rejected(format!(
                "verifying key {} does not match its recorded SHA-256",
                k.file
            )));
        }
        let vk = VerifyingKey::from_bytes(&bytes)
            .map_err(|e| Error::Malformed(format!("{}: {e}", k.file)))?;
        if vk.num_public_inputs() != k.public_inputs
            || k.public_inputs != public_input_len(k.circuit)
        {
            return Err(Error::Malformed(format!("{}: public input count", k.file)));
        }
        keys.insert(k.circuit, vk);
    }
    Ok(keys)
}

fn load_proof(dir: &Path, m: &Manifest, i: usize) -> Result<Proof> {
    let n = &m.nodes[i];
    let rejected = |what: &str, e: String| Error::Rejected(format!("node {i}: {what}: {e}"));
    let node = format!("node {i} ({})", n.node.kind);
    let proof = Proof::from_bytes(&read(dir, &n.proof, &node)?)
        .map_err(|e| rejected(&n.proof, e.to_string()))?;
    let evm = Proof::from_bytes_256(&read(dir, &n.proof_evm, &node)?)
        .map_err(|e| rejected(&n.proof_evm, e.to_string()))?;
    if evm != proof {
        return Err(rejected(
            &n.proof_evm,
            "differs from the canonical proof".into(),
        ));
    }
    Ok(proof)
}

/// Checks every verifying key of the bundle in `dir` against `trusted`, a directory of
/// `<circuit>.vk` files (the bundle's own `keys/` layout): the same bytes, by SHA-256. Without
/// it a bundle is only checked against the keys it carries, which proves internal consistency
/// but not that the proofs are for the circuits the verifier means.
fn check_trusted_keys(m: &Manifest, trusted: &Path) -> Result<()> {
    for k in &m.keys {
        let name = k.circuit.name();
        let path = trusted.join(format!("{name}.vk"));
        let bytes = std::fs::read(&path).map_err(|e| {
            Error::Rejected(format!(
                "no trusted key for {name} ({}: {e})",
                path.display()
            ))
        })?;
        if sha256_hex(&bytes) != k.sha256 {
            return Err(Error::Rejected(format!(
                "verifying key of {name} differs from the trusted key {}",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Reads the bundle in `dir` (see the module note); with `trusted`, its keys must equal the
/// trusted ones ([`check_trusted_keys`]). Nothing is verified beyond the files' integrity: see
/// `verify_block`.
pub fn read_bundle(dir: &Path, trusted: Option<&Path>) -> Result<ProvenBlock> {
    let m = read_manifest(dir)?;
    if let Some(t) = trusted {
        check_trusted_keys(&m, t)?;
    }
    let keys = load_keys(dir, &m)?;
    let proofs = (0..m.nodes.len())
        .map(|i| {
            Ok(NodeProof {
                proof: load_proof(dir, &m, i)?,
                public_inputs: m.nodes[i].public_inputs.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let header = BlockHeader::from_fields(&m.header).map_err(Error::Malformed)?;
    if header.hash() != m.header_hash {
        return Err(Error::Rejected(
            "header: header hash does not match the header fields".into(),
        ));
    }
    let block = ProvenBlock {
        preset: m.preset,
        txs: m.txs,
        header,
        l1_to_l2_msgs: m.l1_to_l2_msgs,
        nodes: m.nodes.into_iter().map(|n| n.node).collect(),
        proofs,
        keys,
    };
    if block.outputs() != m.outputs {
        return Err(Error::Rejected(
            "header: named outputs differ from the root's public inputs".into(),
        ));
    }
    Ok(block)
}
