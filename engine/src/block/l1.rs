//! The interim L1 form of a block proof (until folding lands): every proof of the tree as
//! 8 uint256 words, its public inputs, its verifying-key slot, and the linkage checks.
//!
//! Words are `0x` + 64 hex digits, big-endian. A proof is `A.x, A.y, B.x.c1, B.x.c0, B.y.c1,
//! B.y.c0, C.x, C.y` (G2 imaginary part first, as the BN254 precompiles take it); a verifying
//! key is `α(2) β(4) γ(4) δ(4) IC(2 each)`. Node `i`'s inputs are
//! `inputs[offsets[i] .. offsets[i+1]]`. The L1 verifier:
//! 1. checks every `links`, `zero`, `nonzero` entry (indices are `(node, input)`),
//! 2. derives `r_i` from a hash of all proofs and inputs (`r_0 = 1`),
//! 3. checks, grouping nodes by key slot k with `S_k` the nodes using key k:
//!    `Π_i e(−r_i·A_i, B_i) · Π_k e(Σ_{S_k} r_i·α_k, β_k) · e(Σ_{S_k} r_i·X_i, γ_k) ·
//!    e(Σ_{S_k} r_i·C_i, δ_k) = 1` with `X_i = IC_0 + Σ_j x_{i,j}·IC_{j+1}`:
//!    `n + 3·K` pairings for `n` proofs under `K` distinct keys (`n + 3` when all proofs share
//!    one key). See `docs/prove-block.md`.

use std::collections::BTreeMap;

use ark_bn254::{Bn254, Fq, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField, Zero};
use serde::{Deserialize, Serialize};

use super::bundle::Manifest;
use super::error::{BlockError, Result};
use super::linkage::LinkSet;
use crate::groth16::{Proof, VerifyingKey};

/// Version of the L1 encoding.
pub const L1_FORMAT: u32 = 1;

/// The bundle as the L1 batch verifier takes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct L1Batch {
    /// [`L1_FORMAT`].
    pub format: u32,
    /// Circuit name of each key slot.
    pub key_circuits: Vec<String>,
    /// Verifying keys, one word list per slot.
    pub keys: Vec<Vec<String>>,
    /// Key slot of each node.
    pub node_keys: Vec<usize>,
    /// 8 words per node.
    pub proofs: Vec<[String; 8]>,
    /// Start of each node's inputs in `inputs`, plus the total (`n + 1` entries).
    pub offsets: Vec<usize>,
    /// All public inputs, node after node.
    pub inputs: Vec<String>,
    /// Linkage checks over `(node, input)` indices.
    pub linkage: LinkSet,
}

/// A field element's canonical integer as a big-endian uint256 word.
pub fn field_be<F: PrimeField>(x: F) -> [u8; 32] {
    let bytes = x.into_bigint().to_bytes_be();
    let mut w = [0u8; 32];
    w[32 - bytes.len()..].copy_from_slice(&bytes);
    w
}

fn g1_be(p: &G1Affine) -> [[u8; 32]; 2] {
    let (x, y) = p.xy().unwrap_or((Fq::zero(), Fq::zero()));
    [field_be(x), field_be(y)]
}

fn g2_be(p: &G2Affine) -> [[u8; 32]; 4] {
    match p.xy() {
        Some((x, y)) => [
            field_be(x.c1),
            field_be(x.c0),
            field_be(y.c1),
            field_be(y.c0),
        ],
        None => [[0u8; 32]; 4],
    }
}

/// A proof as 8 big-endian words: `A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y`.
pub fn proof_be(p: &ark_groth16::Proof<Bn254>) -> [[u8; 32]; 8] {
    let (a, b, c) = (g1_be(&p.a), g2_be(&p.b), g1_be(&p.c));
    [a[0], a[1], b[0], b[1], b[2], b[3], c[0], c[1]]
}

/// A verifying key as big-endian words: `α(2) β(4) γ(4) δ(4) IC(2 each)`.
pub fn key_be(k: &ark_groth16::VerifyingKey<Bn254>) -> Vec<[u8; 32]> {
    let mut w: Vec<[u8; 32]> = g1_be(&k.alpha_g1).into();
    for p in [&k.beta_g2, &k.gamma_g2, &k.delta_g2] {
        w.extend(g2_be(p));
    }
    for p in &k.gamma_abc_g1 {
        w.extend(g1_be(p));
    }
    w
}

fn hex_word(w: &[u8; 32]) -> String {
    format!("0x{}", hex::encode(w))
}

fn word<F: PrimeField>(x: F) -> String {
    hex_word(&field_be(x))
}

/// A proof as 8 words.
pub fn proof_words(p: &Proof) -> [String; 8] {
    proof_be(&p.0).map(|w| hex_word(&w))
}

/// A verifying key as words: `α(2) β(4) γ(4) δ(4) IC(2 each)`.
pub fn key_words(vk: &VerifyingKey) -> Vec<String> {
    key_be(vk.inner()).iter().map(hex_word).collect()
}

/// Encodes a manifest's proofs (read by the caller) and keys by circuit name.
pub fn encode_with(
    m: &Manifest,
    keys: &BTreeMap<String, VerifyingKey>,
    proofs: &[Proof],
) -> Result<L1Batch> {
    let key_circuits: Vec<String> = keys.keys().cloned().collect();
    let node_keys = m
        .nodes
        .iter()
        .map(|n| {
            key_circuits
                .iter()
                .position(|c| *c == n.node.kind)
                .ok_or_else(|| BlockError::Malformed(format!("no key for {}", n.node.kind)))
        })
        .collect::<Result<_>>()?;
    let mut offsets = vec![0];
    let mut inputs = Vec::new();
    for n in &m.nodes {
        inputs.extend(n.public_inputs.iter().map(|x| word(*x)));
        offsets.push(inputs.len());
    }
    let tree: Vec<_> = m.nodes.iter().map(|n| n.node.clone()).collect();
    Ok(L1Batch {
        format: L1_FORMAT,
        keys: key_circuits.iter().map(|c| key_words(&keys[c])).collect(),
        key_circuits,
        node_keys,
        proofs: proofs.iter().map(proof_words).collect(),
        offsets,
        inputs,
        linkage: LinkSet::build(&tree)?,
    })
}

/// Encodes the bundle in `dir` (proofs and keys read and checked from its files).
pub fn encode_bundle(dir: &std::path::Path) -> Result<L1Batch> {
    let m = super::bundle::read_manifest(dir)?;
    let keys = super::verify::load_keys(dir, &m)?;
    let proofs = (0..m.nodes.len())
        .map(|i| super::verify::load_proof(dir, &m, i))
        .collect::<Result<Vec<_>>>()?;
    encode_with(&m, &keys, &proofs)
}
