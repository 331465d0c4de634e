//! Writing a bundle: `DIR.partial` is prepared, filled (verifying keys, proofs, summary, and the
//! manifest last) and renamed to `DIR`. `prove_block` fills it as proofs complete;
//! [`write_bundle`] writes a block proven elsewhere (the proving service's agents) in one go.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sidecar_circuits::CircuitKind;
use sidecar_groth16::{Proof, VerifyingKey};

use super::bundle::{
    BUNDLE_FORMAT, KeyEntry, MANIFEST, Manifest, ManifestNode, SUMMARY, Summary, check_out,
    key_file, partial_dir, proof_files, replace_dir, write_atomic, write_json,
};
use super::proven::ProvenBlock;
use crate::{Error, Result};

/// Checks `out` may receive a bundle ([`check_out`]) and creates `out.partial/{proofs,keys}`.
pub(crate) fn prepare_out(out: &Path) -> Result<PathBuf> {
    check_out(out)?;
    let partial = partial_dir(out);
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
    }
    for sub in ["proofs", "keys"] {
        let d = partial.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
    }
    Ok(partial)
}

/// Writes node `id`'s proof in both encodings under `proofs_dir`.
pub(crate) fn write_proof(
    proofs_dir: &Path,
    id: usize,
    kind: CircuitKind,
    proof: &Proof,
) -> Result<()> {
    let (ark, evm) = proof_files(id, kind);
    for (name, bytes) in [
        (ark, proof.to_bytes()),
        (evm, proof.to_bytes_256().to_vec()),
    ] {
        let path = proofs_dir.join(name);
        write_atomic(&path, &bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// Writes `kind`'s verifying key into the bundle at `bundle_dir` and returns its entry.
pub(crate) fn write_key(
    bundle_dir: &Path,
    kind: CircuitKind,
    vk: &VerifyingKey,
) -> Result<KeyEntry> {
    let bytes = vk.to_bytes();
    let file = key_file(kind);
    let path = bundle_dir.join(&file);
    write_atomic(&path, &bytes).map_err(|e| Error::io(&path, e))?;
    Ok(KeyEntry {
        circuit: kind,
        file,
        sha256: hex::encode(Sha256::digest(&bytes)),
        public_inputs: vk.num_public_inputs(),
    })
}

/// Writes the summary, then the manifest (last), and renames `partial` to `out`.
pub(crate) fn install(
    out: &Path,
    partial: &Path,
    block: &ProvenBlock,
    keys: Vec<KeyEntry>,
    summary: &Summary,
) -> Result<()> {
    let nodes = block
        .nodes
        .iter()
        .zip(&block.proofs)
        .map(|(n, p)| {
            let (ark, evm) = proof_files(n.id, n.kind);
            ManifestNode {
                node: n.clone(),
                public_inputs: p.public_inputs.clone(),
                proof: format!("proofs/{ark}"),
                proof_evm: format!("proofs/{evm}"),
            }
        })
        .collect();
    let manifest = Manifest {
        format: BUNDLE_FORMAT,
        preset: block.preset,
        txs: block.txs,
        header: block.header.to_fields(),
        header_hash: block.header.hash(),
        outputs: block.outputs(),
        l1_to_l2_msgs: block.l1_to_l2_msgs.clone(),
        keys,
        nodes,
    };
    write_json(&partial.join(SUMMARY), summary)?;
    write_json(&partial.join(MANIFEST), &manifest)?;
    replace_dir(out, partial)
}

/// Writes `block` (proven elsewhere) as a bundle at `out`, on the same terms as
/// `prove_block`: `out` absent, empty or an earlier bundle, and complete once it exists.
pub fn write_bundle(out: &Path, block: &ProvenBlock, summary: &Summary) -> Result<()> {
    if block.proofs.len() != block.nodes.len() {
        return Err(Error::Malformed(format!(
            "{} proofs for {} nodes",
            block.proofs.len(),
            block.nodes.len()
        )));
    }
    let partial = prepare_out(out)?;
    let keys = block
        .keys
        .iter()
        .map(|(&kind, vk)| write_key(&partial, kind, vk))
        .collect::<Result<Vec<_>>>()?;
    let proofs_dir = partial.join("proofs");
    for (node, p) in block.nodes.iter().zip(&block.proofs) {
        write_proof(&proofs_dir, node.id, node.kind, &p.proof)?;
    }
    install(out, &partial, block, keys, summary)
}
