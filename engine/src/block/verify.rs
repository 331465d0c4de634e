//! Verifying a bundle from its files alone: every proof under the bundle's verifying keys
//! (ark-groth16 pairing check), the keys against their recorded SHA-256, both proof encodings
//! against each other, the tree linkage ([`LinkSet`]) and the header against the root.

use std::collections::BTreeMap;
use std::path::Path;

use ark_bn254::Fr;
use sha2::{Digest, Sha256};
use sidecar_circuits::Preset;
use sidecar_circuits::poseidon::{hash_many, hash2};
use sidecar_circuits::rollup::{BlockHeader, RollupOutputs, RootPublicInputs as R, in_hash};
use sidecar_circuits::state::PartialStateReference;

use super::bundle::{Manifest, read_manifest};
use super::error::{BlockError, Result};
use super::linkage::LinkSet;
use super::prove::outputs_of;
use crate::groth16::{Proof, VerifyingKey, verify};

/// What a successful verification covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// Proofs verified.
    pub proofs: usize,
    /// Linkage checks passed (equalities, zero and non-zero checks).
    pub links: usize,
    /// Proofs per circuit name.
    pub per_circuit: BTreeMap<String, usize>,
}

fn read(dir: &Path, rel: &str) -> Result<Vec<u8>> {
    let path = dir.join(rel);
    std::fs::read(&path).map_err(|e| BlockError::io(path, e))
}

/// Loads the bundle's verifying keys, checking each file's SHA-256 against the manifest.
pub fn load_keys(dir: &Path, m: &Manifest) -> Result<BTreeMap<String, VerifyingKey>> {
    let mut keys = BTreeMap::new();
    for k in &m.keys {
        let bytes = read(dir, &k.file)?;
        if hex::encode(Sha256::digest(&bytes)) != k.sha256 {
            return Err(BlockError::Rejected(format!(
                "verifying key {} does not match its recorded SHA-256",
                k.file
            )));
        }
        let vk = VerifyingKey::from_bytes(&bytes)
            .map_err(|e| BlockError::Malformed(format!("{}: {e}", k.file)))?;
        if vk.num_public_inputs() != k.public_inputs {
            return Err(BlockError::Malformed(format!(
                "{}: public input count",
                k.file
            )));
        }
        keys.insert(k.circuit.clone(), vk);
    }
    Ok(keys)
}

/// Loads node `i`'s proof from its canonical file and checks the EVM file encodes the same proof.
pub fn load_proof(dir: &Path, m: &Manifest, i: usize) -> Result<Proof> {
    let n = &m.nodes[i];
    let rejected = |what: &str, e: String| BlockError::Rejected(format!("node {i}: {what}: {e}"));
    let proof =
        Proof::from_bytes(&read(dir, &n.proof)?).map_err(|e| rejected(&n.proof, e.to_string()))?;
    let evm = Proof::from_bytes_256(&read(dir, &n.proof_evm)?)
        .map_err(|e| rejected(&n.proof_evm, e.to_string()))?;
    if evm != proof {
        return Err(rejected(
            &n.proof_evm,
            "differs from the canonical proof".into(),
        ));
    }
    Ok(proof)
}

/// Checks every verifying key of the bundle against `trusted`, a directory of
/// `<circuit>.vk` files (the bundle's own `keys/` layout): the same bytes, by SHA-256. Without
/// it a bundle is only checked against the keys it carries, which proves internal consistency
/// but not that the proofs are for the circuits the verifier means.
pub fn check_trusted_keys(m: &Manifest, trusted: &Path) -> Result<()> {
    for k in &m.keys {
        let path = trusted.join(format!("{}.vk", k.circuit));
        let bytes = std::fs::read(&path).map_err(|e| {
            BlockError::Rejected(format!(
                "no trusted key for {} ({}: {e})",
                k.circuit,
                path.display()
            ))
        })?;
        if hex::encode(Sha256::digest(&bytes)) != k.sha256 {
            return Err(BlockError::Rejected(format!(
                "verifying key of {} differs from the trusted key {}",
                k.circuit,
                path.display()
            )));
        }
    }
    Ok(())
}

/// Verifies the bundle in `dir` (see the module note) under its own verifying keys.
pub fn verify_bundle(dir: &Path) -> Result<VerifyReport> {
    verify_bundle_with(dir, None)
}

/// Verifies the bundle in `dir`; with `trusted`, its keys must also equal the trusted ones
/// ([`check_trusted_keys`]).
pub fn verify_bundle_with(dir: &Path, trusted: Option<&Path>) -> Result<VerifyReport> {
    let m = read_manifest(dir)?;
    if let Some(t) = trusted {
        check_trusted_keys(&m, t)?;
    }
    let keys = load_keys(dir, &m)?;
    let mut per_circuit = BTreeMap::new();
    for (i, n) in m.nodes.iter().enumerate() {
        let vk = keys.get(&n.node.kind).ok_or_else(|| {
            BlockError::Malformed(format!("node {i}: no verifying key for {}", n.node.kind))
        })?;
        let proof = load_proof(dir, &m, i)?;
        let ok = verify(vk, &n.public_inputs, &proof)
            .map_err(|e| BlockError::Rejected(format!("node {i} ({}): {e}", n.node.kind)))?;
        if !ok {
            return Err(BlockError::Rejected(format!(
                "node {i} ({}): the proof does not verify",
                n.node.kind
            )));
        }
        *per_circuit.entry(n.node.kind.clone()).or_insert(0) += 1;
    }
    let tree: Vec<_> = m.nodes.iter().map(|n| n.node.clone()).collect();
    let links = LinkSet::build(&tree)?;
    let inputs: Vec<Vec<Fr>> = m.nodes.iter().map(|n| n.public_inputs.clone()).collect();
    links.check(&inputs)?;
    check_header(&m)?;
    Ok(VerifyReport {
        proofs: m.nodes.len(),
        links: links.links.len() + links.zero.len() + links.nonzero.len() + links.values.len(),
        per_circuit,
    })
}

/// The manifest's header and named outputs must be what the root proves.
fn check_header(m: &Manifest) -> Result<()> {
    let bad = |what: &str| Err(BlockError::Rejected(format!("header: {what}")));
    let root = &m
        .nodes
        .last()
        .expect("LinkSet checked a root exists")
        .public_inputs;
    let header = BlockHeader::from_fields(&m.header).map_err(BlockError::Malformed)?;
    if hash_many(&m.header) != m.header_hash {
        return bad("header hash does not match the header fields");
    }
    if outputs_of(root, &header) != m.outputs {
        return bad("named outputs differ from the root's public inputs");
    }
    let msgs_root = in_hash(&Preset::get(m.preset), &m.l1_to_l2_msgs)
        .map_err(|e| BlockError::Malformed(format!("L1→L2 messages: {e}")))?;
    let g = &header.global;
    let end = R::RIGHT + RollupOutputs::END;
    let checks = [
        (
            header.last_archive.root == root[R::PREVIOUS_ARCHIVE],
            "previous archive root",
        ),
        (header.total_fees == root[R::TOTAL_FEES], "total fees"),
        (
            msgs_root == root[R::IN_HASH],
            "in hash is not the root of the listed L1→L2 messages",
        ),
        (
            header.content_commitment == hash2(root[R::OUT_HASH], root[R::IN_HASH]),
            "content commitment",
        ),
        (
            [
                g.chain_id,
                Fr::from(g.block_number),
                Fr::from(g.timestamp),
                g.coinbase,
            ][..]
                == root[R::CHAIN_ID..=R::COINBASE],
            "global variables",
        ),
        (
            header.state.partial.to_fields()[..]
                == root[end..end + PartialStateReference::NUM_FIELDS],
            "end state",
        ),
    ];
    match checks.iter().find(|(ok, _)| !ok) {
        Some((_, what)) => bad(what),
        None => Ok(()),
    }
}
