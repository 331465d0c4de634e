//! The dev ceremony: `τ` derived from a public label. Anyone can recompute `τ` and open a
//! commitment to any value, so proofs resting on it are not sound; it exists so that the quick
//! start and the tests need no ceremony file.

use ark_bn254::{Fr, G1Projective, G2Affine, G2Projective};
use ark_ec::{CurveGroup, PrimeGroup, scalar_mul::BatchMulPreprocessing};
use ark_ff::PrimeField;
use sha2::{Digest, Sha256};

use super::{Origin, Srs, check::checked};
use crate::Result;

/// The label `τ` is derived from: `τ = SHA-256(label) mod r`.
pub const DEV_LABEL: &[u8] = b"sidecar-dev-srs-v1: tau is public, never use on a real chain";

impl Srs {
    /// The dev SRS with `len` G1 powers (at least 2), checked like any other.
    pub fn dev(len: usize) -> Result<Self> {
        let tau = Fr::from_le_bytes_mod_order(&Sha256::digest(DEV_LABEL));
        let mut scalars = Vec::with_capacity(len);
        let mut power = Fr::from(1u64);
        for _ in 0..len {
            scalars.push(power);
            power *= tau;
        }
        let table = BatchMulPreprocessing::new(G1Projective::generator(), len);
        let g1 = table.batch_mul(&scalars);
        let tau_g2: G2Affine = (G2Projective::generator() * tau).into_affine();
        checked(g1, tau_g2, Origin::Dev)
    }
}
