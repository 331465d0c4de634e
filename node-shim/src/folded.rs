//! Folded block proofs on L1: a PCD root decided for the L1 ([`sidecar_pcd::RootProof`]) as the argument of
//! `Rollup.submitFoldedProof` / `submitFoldedBackup`, and the key words of its decider. One proof per block, of the
//! same size and gas whatever the block's size (docs/pcd.md, "The decider circuit").

use crate::block_data::BlockHeader;
use crate::contracts::Rollup;
use crate::contracts::rollup::DeciderVerifier as Abi;
use crate::deploy::DeciderKeyWords;
use crate::error::{NodeError, Result};
use crate::proof::field_word;
use alloy::primitives::U256;
use ark_bn254::G1Affine;
use serde_json::{Value, json};
use sidecar_groth16::CommittedVerifyingKey;
use sidecar_groth16::evm::{g1_be, proof_be};
use sidecar_pcd::{KzgVerifierKey, RootProof, key_words};

fn g1_words(p: &G1Affine) -> [U256; 2] {
    g1_be(p).map(U256::from_be_bytes)
}

fn field_words(xs: &[ark_bn254::Fr]) -> Vec<U256> {
    xs.iter().map(|x| field_word(*x)).collect()
}

/// The rollup's form of `root`: the decider proof, the fold the L1 redoes and the root's state.
pub fn folded_proof(root: &RootProof) -> Rollup::FoldedProof {
    let (fold, proof) = (&root.fold, &root.proof);
    Rollup::FoldedProof {
        proof: Abi::Proof {
            groth16: proof_be(&proof.proof.proof.0).map(U256::from_be_bytes),
            commitment: g1_words(&proof.proof.commitment),
            knowledge: g1_words(&proof.proof.knowledge),
            opening: g1_words(&proof.opening),
        },
        running: Abi::Running {
            witness: g1_words(&fold.running.witness),
            error: g1_words(&fold.running.error),
            u: field_word(fold.running.u),
            x: field_words(&fold.running.x),
        },
        fresh: Abi::Fresh {
            witness: g1_words(&fold.fresh.witness),
            x: field_words(&fold.fresh.x),
        },
        cross: g1_words(&fold.cross),
        state: field_words(&fold.statement.state),
        values: field_words(&proof.values),
    }
}

/// `Rollup.submitFoldedProof` of `root` for the revealed `header` of `slot`.
pub fn submit_folded_call(
    slot: u64,
    header: &BlockHeader,
    root: &RootProof,
) -> Rollup::submitFoldedProofCall {
    Rollup::submitFoldedProofCall {
        slot: U256::from(slot),
        header: header.summary(),
        proof: folded_proof(root),
    }
}

/// The words `DeciderVerifier` is deployed with for the decider key `vk` over the SRS of `kzg`.
pub fn decider_key_words(vk: &CommittedVerifyingKey, kzg: &KzgVerifierKey) -> DeciderKeyWords {
    DeciderKeyWords::from_be(&key_words(vk, kzg))
}

fn hex_word(w: &U256) -> Value {
    Value::String(format!("0x{}", hex::encode(w.to_be_bytes::<32>())))
}

fn hex_words(ws: &[U256]) -> Value {
    Value::Array(ws.iter().map(hex_word).collect())
}

/// The L1 form of a decided root as JSON, in 32-byte big-endian `0x` hex words: the decider's `key` words, the fold
/// (`running`, `fresh`, `cross`), the root's `state`, the `proof`, the opened `values` and the `statement` hash `h`.
/// What `DeciderVerifier.verifyRoot` and `Rollup.submitFoldedProof` are given, for tools and fixtures.
pub fn root_json(key: &DeciderKeyWords, root: &RootProof) -> Value {
    let p = folded_proof(root);
    json!({
        "key": hex_words(&key.0),
        "running": {
            "witness": hex_words(&p.running.witness),
            "error": hex_words(&p.running.error),
            "u": hex_word(&p.running.u),
            "x": hex_words(&p.running.x),
        },
        "fresh": {
            "witness": hex_words(&p.fresh.witness),
            "x": hex_words(&p.fresh.x),
        },
        "cross": hex_words(&p.cross),
        "state": hex_words(&p.state),
        "proof": {
            "groth16": hex_words(&p.proof.groth16),
            "commitment": hex_words(&p.proof.commitment),
            "knowledge": hex_words(&p.proof.knowledge),
            "opening": hex_words(&p.proof.opening),
        },
        "values": hex_words(&p.values),
        "statement": hex_word(&field_word(root.fold.statement.hash())),
    })
}

/// Reads [`root_json`]'s form: the key words, the rollup's argument and the statement hash.
pub fn read_root_json(v: &Value) -> Result<(DeciderKeyWords, Rollup::FoldedProof, U256)> {
    let bad = |what: &str| NodeError::MalformedProof(format!("folded proof JSON: {what}"));
    let word = |v: &Value, what: &str| -> Result<U256> {
        v.as_str()
            .and_then(|s| s.parse::<U256>().ok())
            .ok_or_else(|| bad(&format!("{what} is not a 0x hex word")))
    };
    let words = |v: &Value, what: &str| -> Result<Vec<U256>> {
        v.as_array()
            .ok_or_else(|| bad(&format!("{what} is not an array")))?
            .iter()
            .map(|w| word(w, what))
            .collect()
    };
    let fixed = |v: &Value, what: &str| -> Result<[U256; 2]> {
        words(v, what)?
            .try_into()
            .map_err(|_| bad(&format!("{what} is not 2 words")))
    };
    let proof = Rollup::FoldedProof {
        proof: Abi::Proof {
            groth16: words(&v["proof"]["groth16"], "proof.groth16")?
                .try_into()
                .map_err(|_| bad("proof.groth16 is not 8 words"))?,
            commitment: fixed(&v["proof"]["commitment"], "proof.commitment")?,
            knowledge: fixed(&v["proof"]["knowledge"], "proof.knowledge")?,
            opening: fixed(&v["proof"]["opening"], "proof.opening")?,
        },
        running: Abi::Running {
            witness: fixed(&v["running"]["witness"], "running.witness")?,
            error: fixed(&v["running"]["error"], "running.error")?,
            u: word(&v["running"]["u"], "running.u")?,
            x: words(&v["running"]["x"], "running.x")?,
        },
        fresh: Abi::Fresh {
            witness: fixed(&v["fresh"]["witness"], "fresh.witness")?,
            x: words(&v["fresh"]["x"], "fresh.x")?,
        },
        cross: fixed(&v["cross"], "cross")?,
        state: words(&v["state"], "state")?,
        values: words(&v["values"], "values")?,
    };
    Ok((
        DeciderKeyWords(words(&v["key"], "key")?),
        proof,
        word(&v["statement"], "statement")?,
    ))
}
