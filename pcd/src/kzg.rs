//! KZG polynomial commitments on BN254 over a checked [`Srs`]: a vector `v` is the
//! coefficient vector of `p(X) = Σ v_i X^i`, committed as `Σ v_i·τ^i·G1` — the same MSM as a
//! Pedersen commitment whose generators are the powers of `τ`, so a folding key built on the SRS
//! commits exactly what KZG opens. An opening of `C` at `z` is `(y, π)` with `y = p(z)` and
//! `π = [q(τ)]₁`, `q = (p - y)/(X - z)`; it is accepted iff `e(C - y·G1 + z·π, G2) = e(π, τ·G2)`.
//! The L1 checks the same equation with the BN254 precompiles.

use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::{AffineRepr, CurveGroup, pairing::Pairing};
use ark_ff::{UniformRand, Zero};
use rand::{SeedableRng, rngs::OsRng};
use rand_chacha::ChaCha20Rng;
use sidecar_kernels::AnyBackend;

use crate::{Error, Result, Srs, commit::KernelPedersenKey};

/// The prover's side: the SRS powers prepared on a kernels backend.
#[derive(Clone)]
pub struct KzgKey {
    powers: KernelPedersenKey<ark_bn254::g1::Config>,
    verifier: KzgVerifierKey,
}

/// The verifier's side: `τ·G2` (with the standard generators), what the L1 contract embeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KzgVerifierKey {
    /// `τ·G2`.
    pub tau_g2: G2Affine,
}

/// The claim that the polynomial committed in `commitment` takes `value` at `point`, with its
/// proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opening {
    /// The commitment `C`.
    pub commitment: G1Affine,
    /// The point `z`.
    pub point: Fr,
    /// The claimed value `y = p(z)`.
    pub value: Fr,
    /// The proof `π = [(p(τ) - y)/(τ - z)]₁`.
    pub proof: G1Affine,
}

impl KzgKey {
    /// The prover key over `srs`, with MSMs on `backend`.
    pub fn new(srs: &Srs, backend: AnyBackend) -> Result<Self> {
        Ok(Self {
            powers: KernelPedersenKey::new(srs.powers_g1().to_vec(), backend)?,
            verifier: KzgVerifierKey {
                tau_g2: srs.tau_g2(),
            },
        })
    }

    /// The verifier's half.
    pub fn verifier(&self) -> KzgVerifierKey {
        self.verifier
    }

    /// The powers as a commitment key (for folding keys that KZG later opens).
    pub fn powers(&self) -> &KernelPedersenKey<ark_bn254::g1::Config> {
        &self.powers
    }

    /// `[p(τ)]₁` for the coefficients `coeffs` (at most the SRS length).
    pub fn commit(&self, coeffs: &[Fr]) -> Result<G1Affine> {
        self.powers
            .commit(coeffs)
            .map(|p| p.into_affine())
            .map_err(|e| Error::srs(format!("commit: {e}")))
    }

    /// Opens the polynomial with coefficients `coeffs`, committed in `commitment`, at `point`.
    pub fn open(&self, coeffs: &[Fr], commitment: G1Affine, point: Fr) -> Result<Opening> {
        let (quotient, value) = divide_by_linear(coeffs, point);
        Ok(Opening {
            commitment,
            point,
            value,
            proof: self.commit(&quotient)?,
        })
    }
}

impl KzgVerifierKey {
    /// Accepts `openings` iff there is at least one and every one holds (one pairing check
    /// over a random combination: a false opening passes with probability about `len / 2^254`).
    pub fn verify(&self, openings: &[Opening]) -> bool {
        if openings.is_empty() {
            return false;
        }
        let mut rng = ChaCha20Rng::from_rng(OsRng).expect("the OS has entropy");
        let (mut lhs, mut rhs) = (G1Projective::zero(), G1Projective::zero());
        for o in openings {
            let gamma = Fr::rand(&mut rng);
            lhs += (o.commitment.into_group() - G1Affine::generator() * o.value
                + o.proof * o.point)
                * gamma;
            rhs += o.proof * gamma;
        }
        Bn254::multi_pairing(
            [lhs.into_affine(), (-rhs).into_affine()],
            [G2Affine::generator(), self.tau_g2],
        )
        .is_zero()
    }
}

/// `(q, p(z))` with `p(X) - p(z) = q(X)·(X - z)`, by synthetic division (`q` is one shorter).
pub fn divide_by_linear(coeffs: &[Fr], z: Fr) -> (Vec<Fr>, Fr) {
    let Some((&top, rest)) = coeffs.split_last() else {
        return (Vec::new(), Fr::zero());
    };
    let mut quotient = vec![Fr::zero(); rest.len()];
    let mut carry = top;
    for (i, &c) in rest.iter().enumerate().rev() {
        quotient[i] = carry;
        carry = c + z * carry;
    }
    (quotient, carry)
}

/// `p(z)` by Horner's rule.
pub fn evaluate(coeffs: &[Fr], z: Fr) -> Fr {
    coeffs.iter().rev().fold(Fr::zero(), |acc, &c| acc * z + c)
}

#[cfg(test)]
mod tests {
    use ark_ff::One;
    use rand::SeedableRng;

    use super::*;

    fn key(len: usize) -> KzgKey {
        KzgKey::new(
            &Srs::dev(len).unwrap(),
            AnyBackend::Cpu(sidecar_kernels::Cpu::new()),
        )
        .unwrap()
    }

    #[test]
    fn division_leaves_the_value_as_remainder() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        for len in [1, 2, 3, 17] {
            let p: Vec<Fr> = (0..len).map(|_| Fr::rand(&mut rng)).collect();
            let z = Fr::rand(&mut rng);
            let x = Fr::rand(&mut rng);
            let (q, y) = divide_by_linear(&p, z);
            assert_eq!(y, evaluate(&p, z));
            assert_eq!(evaluate(&p, x) - y, evaluate(&q, x) * (x - z));
        }
    }

    #[test]
    fn honest_openings_verify_alone_and_together() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let key = key(64);
        let openings: Vec<Opening> = [64, 33, 1]
            .into_iter()
            .map(|len| {
                let p: Vec<Fr> = (0..len).map(|_| Fr::rand(&mut rng)).collect();
                let c = key.commit(&p).unwrap();
                key.open(&p, c, Fr::rand(&mut rng)).unwrap()
            })
            .collect();
        for o in &openings {
            assert!(key.verifier().verify(&[*o]));
        }
        assert!(key.verifier().verify(&openings));
    }

    #[test]
    fn soundness_tampered_openings_are_rejected() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let key = key(32);
        let p: Vec<Fr> = (0..32).map(|_| Fr::rand(&mut rng)).collect();
        let c = key.commit(&p).unwrap();
        let honest = key.open(&p, c, Fr::rand(&mut rng)).unwrap();
        let other = key.commit(&p[1..]).unwrap();
        let forged = [
            Opening {
                value: honest.value + Fr::one(),
                ..honest
            },
            Opening {
                point: honest.point + Fr::one(),
                ..honest
            },
            Opening {
                commitment: other,
                ..honest
            },
            Opening {
                proof: (honest.proof + G1Affine::generator()).into_affine(),
                ..honest
            },
        ];
        for f in forged {
            assert!(!key.verifier().verify(&[f]), "{f:?}");
            assert!(
                !key.verifier().verify(&[honest, f]),
                "{f:?} beside an honest one"
            );
        }
    }

    #[test]
    fn longer_than_the_srs_is_an_error() {
        let key = key(4);
        assert!(key.commit(&[Fr::one(); 5]).is_err());
    }
}
