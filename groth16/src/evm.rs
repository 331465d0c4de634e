//! BN254 Groth16 objects as the EVM takes them: 32-byte big-endian words, G1 points `x, y`, G2
//! points imaginary part first `x.c1, x.c0, y.c1, y.c0` (the precompiles' and Solidity
//! verifiers' order), the point at infinity as zeros.

use ark_bn254::{Bn254, Fq, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField, Zero};

/// A field element's canonical integer as a big-endian word.
pub fn field_be<F: PrimeField>(x: F) -> [u8; 32] {
    let bytes = x.into_bigint().to_bytes_be();
    let mut w = [0u8; 32];
    w[32 - bytes.len()..].copy_from_slice(&bytes);
    w
}

/// A G1 point as `[x, y]`.
pub fn g1_be(p: &G1Affine) -> [[u8; 32]; 2] {
    let (x, y) = p.xy().unwrap_or((Fq::zero(), Fq::zero()));
    [field_be(x), field_be(y)]
}

/// A G2 point as `[x.c1, x.c0, y.c1, y.c0]`.
pub fn g2_be(p: &G2Affine) -> [[u8; 32]; 4] {
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

/// A proof as 8 words: `A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y`.
pub fn proof_be(p: &ark_groth16::Proof<Bn254>) -> [[u8; 32]; 8] {
    let (a, b, c) = (g1_be(&p.a), g2_be(&p.b), g1_be(&p.c));
    [a[0], a[1], b[0], b[1], b[2], b[3], c[0], c[1]]
}

/// A verifying key as words: `α(2) β(4) γ(4) δ(4) IC(2 each)`.
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
