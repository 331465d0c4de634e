//! The structured reference string for KZG commitments on BN254: the powers `τ^i·G1`
//! (`i < len`) and `τ·G2`, read from a snarkjs `.ptau` file (the format public powers-of-tau
//! ceremonies publish) or made by the insecure dev ceremony, and checked before use.
//!
//! ```text
//!   .ptau (snarkjs) ──read_ptau──┐
//!                                ├── check (curve, subgroup, one pairing equation) ──▶ Srs
//!   dev ceremony (τ public) ─────┘                                                    │
//!                                                      to_bytes / from_bytes (checked again)
//! ```
//!
//! Whoever knows `τ` can open a commitment to anything, so a production SRS must come from a
//! ceremony with at least one honest contributor; the dev SRS is for the quick start and tests.

mod check;
mod dev;
mod file;
mod ptau;

use ark_bn254::{G1Affine, G2Affine};
use sha2::{Digest, Sha256};

pub use ptau::read_ptau;

/// Where an SRS came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A snarkjs `.ptau` file: its SHA-256 and the number of powers it holds (`2^power`).
    Ptau {
        /// SHA-256 of the whole file.
        sha256: [u8; 32],
        /// The file's `power`: it holds `2^power` G2 powers and `2^(power+1) - 1` G1 powers.
        power: u32,
    },
    /// The dev ceremony: `τ` is derived from a public label, so anyone can forge openings.
    Dev,
}

/// A checked KZG reference string: `τ^i·G1` for `i < len` and `τ·G2` (`G1`, `G2` the standard
/// generators). Only constructed through [`check`](self::check)ed paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Srs {
    g1: Vec<G1Affine>,
    tau_g2: G2Affine,
    origin: Origin,
}

impl Srs {
    /// The powers `τ^i·G1`, `i < len()`.
    pub fn powers_g1(&self) -> &[G1Affine] {
        &self.g1
    }

    /// `τ·G2`.
    pub fn tau_g2(&self) -> G2Affine {
        self.tau_g2
    }

    /// Number of G1 powers: commitments to vectors of at most this length.
    pub fn len(&self) -> usize {
        self.g1.len()
    }

    /// Never true for a checked SRS (it holds at least two powers); for the `len` convention.
    pub fn is_empty(&self) -> bool {
        self.g1.is_empty()
    }

    /// Where it came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// SHA-256 of the powers (compressed, in order) and `τ·G2`: what keys built on this SRS
    /// record, so that a verifier can tell which SRS a key needs.
    pub fn digest(&self) -> [u8; 32] {
        use ark_serialize::CanonicalSerialize;
        let mut h = Sha256::new();
        h.update(b"sidecar-srs-v1");
        h.update((self.g1.len() as u64).to_le_bytes());
        let mut buf = Vec::with_capacity(64);
        for p in self.g1.iter() {
            buf.clear();
            p.serialize_compressed(&mut buf).expect("writing to a Vec");
            h.update(&buf);
        }
        buf.clear();
        self.tau_g2
            .serialize_compressed(&mut buf)
            .expect("writing to a Vec");
        h.update(&buf);
        h.finalize().into()
    }
}
