//! The proof object and its two encodings: ark canonical (compressed, 128 bytes) and the
//! EVM / Solidity verifier layout (uncompressed, 256 bytes, big-endian coordinates).

use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use crate::evm::proof_be;
use crate::{Error, Result};

/// A Groth16 proof `(A ∈ G1, B ∈ G2, C ∈ G1)` over BN254.
#[derive(Clone, Debug, PartialEq)]
pub struct Proof(pub ark_groth16::Proof<Bn254>);

/// Length of [`Proof::to_bytes_256`].
pub const EVM_PROOF_LEN: usize = 256;

impl Proof {
    /// Canonical compressed arkworks encoding (128 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        self.0
            .serialize_compressed(&mut out)
            .expect("writing to a Vec cannot fail");
        out
    }

    /// Decodes [`Proof::to_bytes`], checking that every point is on the curve and in the subgroup.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut reader = bytes;
        let p = ark_groth16::Proof::deserialize_compressed(&mut reader).map_err(|e| {
            Error::ProofEncoding {
                reason: e.to_string(),
            }
        })?;
        if !reader.is_empty() {
            return Err(Error::ProofEncoding {
                reason: format!("{} trailing bytes", reader.len()),
            });
        }
        Ok(Self(p))
    }

    /// EVM layout: `A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y`, each a 32-byte
    /// big-endian integer (the precompiles' and Solidity verifiers' order: imaginary part
    /// first); the point at infinity is `(0, 0)`.
    pub fn to_bytes_256(&self) -> [u8; EVM_PROOF_LEN] {
        let mut out = [0u8; EVM_PROOF_LEN];
        for (chunk, w) in out.chunks_mut(32).zip(proof_be(&self.0)) {
            chunk.copy_from_slice(&w);
        }
        out
    }

    /// Decodes [`Proof::to_bytes_256`]: rejects non-canonical integers (≥ p), points off the
    /// curve and G2 points outside the prime-order subgroup.
    pub fn from_bytes_256(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != EVM_PROOF_LEN {
            return Err(Error::ProofEncoding {
                reason: format!("{} bytes, expected 256", bytes.len()),
            });
        }
        let w: Vec<Fq> = bytes.chunks(32).map(fq_be).collect::<Result<_>>()?;
        let a = g1_from(w[0], w[1], "A")?;
        let b = g2_from(Fq2::new(w[3], w[2]), Fq2::new(w[5], w[4]))?;
        let c = g1_from(w[6], w[7], "C")?;
        Ok(Self(ark_groth16::Proof { a, b, c }))
    }
}

fn fq_be(bytes: &[u8]) -> Result<Fq> {
    let x = Fq::from_be_bytes_mod_order(bytes);
    if x.into_bigint().to_bytes_be() != bytes {
        return Err(Error::ProofEncoding {
            reason: "coordinate not below the field modulus".into(),
        });
    }
    Ok(x)
}

fn g1_from(x: Fq, y: Fq, name: &str) -> Result<G1Affine> {
    if x.is_zero() && y.is_zero() {
        return Ok(G1Affine::zero());
    }
    let p = G1Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(Error::ProofEncoding {
            reason: format!("{name} is not on the curve"),
        });
    }
    Ok(p)
}

fn g2_from(x: Fq2, y: Fq2) -> Result<G2Affine> {
    if x.is_zero() && y.is_zero() {
        return Ok(G2Affine::zero());
    }
    let p = G2Affine::new_unchecked(x, y);
    if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(Error::ProofEncoding {
            reason: "B is not in the G2 subgroup".into(),
        });
    }
    Ok(p)
}
