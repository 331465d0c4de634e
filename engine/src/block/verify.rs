//! Verifying a proven block: every proof under its circuit's verifying key (ark-groth16's
//! pairing check), the tree's shape and linkage (`sidecar_circuits::tree::LinkSet`), the header
//! against the root, and the listed L1→L2 messages against the root's in hash.

use std::collections::BTreeMap;
use std::path::Path;

use ark_bn254::Fr;
use sidecar_circuits::poseidon::hash2;
use sidecar_circuits::rollup::{BlockHeader, RollupOutputs, RootPublicInputs as R, in_hash};
use sidecar_circuits::state::PartialStateReference;
use sidecar_circuits::tree::{LinkSet, TreeNode};
use sidecar_circuits::{CircuitKind, Error as CircuitError, Preset, PresetName};
use sidecar_groth16::{VerifyingKey, verify};

use super::proven::{NodeProof, ProvenBlock};
use super::reader::read_bundle;
use crate::{Error, Result};

/// What a successful verification covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// Proofs verified.
    pub proofs: usize,
    /// Linkage checks passed (equalities, zero, non-zero and value checks).
    pub links: usize,
    /// Proofs per circuit.
    pub per_circuit: BTreeMap<CircuitKind, usize>,
}

/// A tree error as a bundle error: a malformed tree cannot be verified, a broken link rejects.
fn tree_error(e: CircuitError) -> Error {
    match e {
        CircuitError::BrokenLink(m) => Error::Rejected(format!("link broken: {m}")),
        other => Error::Malformed(other.to_string()),
    }
}

/// Verifies `proofs` as the proofs of `nodes`: each under `keys[kind]`, then the tree's shape
/// and every linkage check. The core of every native check of a block's proofs.
pub fn verify_tree(
    nodes: &[TreeNode],
    proofs: &[NodeProof],
    keys: &BTreeMap<CircuitKind, VerifyingKey>,
) -> Result<VerifyReport> {
    if nodes.len() != proofs.len() {
        return Err(Error::Malformed(format!(
            "{} proofs for a tree of {} nodes",
            proofs.len(),
            nodes.len()
        )));
    }
    let links = LinkSet::build(nodes).map_err(tree_error)?;
    let mut per_circuit = BTreeMap::new();
    for (i, (n, p)) in nodes.iter().zip(proofs).enumerate() {
        let name = n.kind.name();
        let vk = keys
            .get(&n.kind)
            .ok_or_else(|| Error::Malformed(format!("node {i}: no verifying key for {name}")))?;
        let ok = verify(vk, &p.public_inputs, &p.proof)
            .map_err(|e| Error::Rejected(format!("node {i} ({name}): {e}")))?;
        if !ok {
            return Err(Error::Rejected(format!(
                "node {i} ({name}): the proof does not verify"
            )));
        }
        *per_circuit.entry(n.kind).or_insert(0) += 1;
    }
    let inputs: Vec<Vec<Fr>> = proofs.iter().map(|p| p.public_inputs.clone()).collect();
    links.check(&inputs).map_err(tree_error)?;
    Ok(VerifyReport {
        proofs: proofs.len(),
        links: links.links.len() + links.zero.len() + links.nonzero.len() + links.values.len(),
        per_circuit,
    })
}

/// Verifies `block` (see the module note).
pub fn verify_block(block: &ProvenBlock) -> Result<VerifyReport> {
    let report = verify_tree(&block.nodes, &block.proofs, &block.keys)?;
    check_header(
        block.preset,
        &block.header,
        &block.l1_to_l2_msgs,
        block.root_inputs(),
    )?;
    Ok(report)
}

/// Reads the bundle in `dir` and verifies it under its own verifying keys.
pub fn verify_bundle(dir: &Path) -> Result<VerifyReport> {
    verify_bundle_with(dir, None)
}

/// Reads the bundle in `dir` (its keys pinned to `trusted` when given) and verifies it.
pub fn verify_bundle_with(dir: &Path, trusted: Option<&Path>) -> Result<VerifyReport> {
    verify_block(&read_bundle(dir, trusted)?)
}

/// The header and the listed messages must be what the root rollup's public inputs `root`
/// prove (whichever proof system attests to them).
pub fn check_header(
    preset: PresetName,
    header: &BlockHeader,
    l1_to_l2_msgs: &[Fr],
    root: &[Fr],
) -> Result<()> {
    let bad = |what: &str| Err(Error::Rejected(format!("header: {what}")));
    if root.len() != R::LEN {
        return Err(Error::Malformed(format!(
            "the root has {} public inputs, its layout {}",
            root.len(),
            R::LEN
        )));
    }
    let msgs_root = in_hash(&Preset::get(preset), l1_to_l2_msgs)
        .map_err(|e| Error::Malformed(format!("L1→L2 messages: {e}")))?;
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
