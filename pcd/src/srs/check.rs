//! The checks every SRS passes before use, whatever its source: points on their curves and in
//! their subgroups, the standard G1 generator first, and `τ^{i+1}·G1 = τ·(τ^i·G1)` for every
//! `i` with the `τ` of `τ·G2`, as one pairing equation over a random linear combination.

use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM, pairing::Pairing};
use ark_ff::Zero;
use rand::{RngCore, SeedableRng, rngs::OsRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;

use super::{Origin, Srs};
use crate::{Error, Result};

/// Random coefficients drawn per rayon task.
const CHUNK: usize = 1 << 14;

/// Checks the powers and wraps them as an [`Srs`]; the error names the first failed check.
pub(super) fn checked(g1: Vec<G1Affine>, tau_g2: G2Affine, origin: Origin) -> Result<Srs> {
    if g1.len() < 2 {
        return Err(Error::srs(format!(
            "an SRS needs at least 2 G1 powers, got {}",
            g1.len()
        )));
    }
    if g1[0] != G1Affine::generator() {
        return Err(Error::srs("the first G1 power is not the generator"));
    }
    if let Some(i) = g1
        .par_iter()
        .position_first(|p| p.is_zero() || !p.is_on_curve())
    {
        return Err(Error::srs(format!(
            "G1 power {i} is not a point of BN254 G1 (or is the identity)"
        )));
    }
    if tau_g2.is_zero()
        || !tau_g2.is_on_curve()
        || !tau_g2.is_in_correct_subgroup_assuming_on_curve()
    {
        return Err(Error::srs("τ·G2 is not a point of the BN254 G2 subgroup"));
    }
    let (left, right) = shifted_combinations(&g1);
    let lhs = Bn254::multi_pairing([right, -left], [G2Affine::generator(), tau_g2]);
    if !lhs.is_zero() {
        return Err(Error::srs(
            "the G1 powers are not successive powers of the τ in τ·G2",
        ));
    }
    Ok(Srs { g1, tau_g2, origin })
}

/// `(Σ r_i·P_i, Σ r_i·P_{i+1})` over `i < n - 1` with fresh random 128-bit `r_i`: for an
/// honest SRS the second is `τ` times the first; for any other, with probability `2^-128`.
fn shifted_combinations(g1: &[G1Affine]) -> (G1Affine, G1Affine) {
    let mut seed = [0u8; 32];
    OsRng.fill_bytes(&mut seed);
    let n = g1.len() - 1;
    let r: Vec<Fr> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let mut rng = ChaCha20Rng::from_seed(seed);
            rng.set_stream(chunk as u64);
            let len = CHUNK.min(n - chunk * CHUNK);
            (0..len).map(move |_| {
                let lo = u128::from(rng.next_u64());
                let hi = u128::from(rng.next_u64());
                Fr::from(hi << 64 | lo)
            })
        })
        .collect();
    let left = G1Projective::msm(&g1[..n], &r).expect("equal lengths");
    let right = G1Projective::msm(&g1[1..], &r).expect("equal lengths");
    (left.into_affine(), right.into_affine())
}
