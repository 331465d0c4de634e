//! Nova's fold of a fresh instance into a running one, with the verifier's half done on L1:
//! `DeciderVerifier.verifyFolded` folds the KZG commitments with the precompiles and the scalars
//! with `mulmod`, then decides the folded instance ([`crate::RelaxedCheck`] in the L1 format), so
//! the decider circuit never computes a challenge.
//!
//! For a running instance `(C_W, C_E, u, x)` with witness `(W, E)`, a fresh one `(C_w, x_u)`
//! with witness `w` (`u = 1`, `E = 0`), and the cross term
//! `T = A z_1 ∘ B z_2 + A z_2 ∘ B z_1 - u·C z_2 - C z_1` (`z_1 = (u, x, W)`, `z_2 = (1, x_u, w)`)
//! committed in `C_T`: with `r = keccak256(C_W ‖ C_E ‖ u ‖ x ‖ C_w ‖ x_u ‖ C_T) mod r`, the fold is
//! `(C_W + r·C_w, C_E + r·C_T, u + r, x + r·x_u)` with witness `(W + r·w, E + r·T)`; it satisfies
//! the relaxed relation iff both inputs do, except with probability about `2/r`.

use ark_bn254::{Fr, G1Affine};
use ark_ec::CurveGroup;
use ark_ff::{One, PrimeField};
use sha3::{Digest, Keccak256};
use sidecar_groth16::R1cs;
use sidecar_groth16::evm::{field_be, g1_be};

/// A running (relaxed) instance with KZG commitments to its witness and error.
#[derive(Clone, Debug, PartialEq)]
pub struct RunningInstance {
    /// `C_W`.
    pub witness: G1Affine,
    /// `C_E`.
    pub error: G1Affine,
    /// `u`.
    pub u: Fr,
    /// `x`.
    pub x: Vec<Fr>,
}

/// A fresh instance (`u = 1`, no error) with the KZG commitment to its witness.
#[derive(Clone, Debug, PartialEq)]
pub struct FreshInstance {
    /// `C_w`.
    pub witness: G1Affine,
    /// `x_u`.
    pub x: Vec<Fr>,
}

/// `r = keccak256(C_W ‖ C_E ‖ u ‖ x ‖ C_w ‖ x_u ‖ C_T) mod r`, points as `[x, y]` and scalars as
/// 32-byte big-endian words.
pub fn fold_challenge(running: &RunningInstance, fresh: &FreshInstance, cross: &G1Affine) -> Fr {
    let mut h = Keccak256::new();
    let point = |h: &mut Keccak256, p: &G1Affine| g1_be(p).iter().for_each(|w| h.update(w));
    point(&mut h, &running.witness);
    point(&mut h, &running.error);
    h.update(field_be(running.u));
    running.x.iter().for_each(|x| h.update(field_be(*x)));
    point(&mut h, &fresh.witness);
    fresh.x.iter().for_each(|x| h.update(field_be(*x)));
    point(&mut h, cross);
    Fr::from_be_bytes_mod_order(&h.finalize())
}

/// The cross term `T` of the running `(u, x, w_run)` and the fresh `(x_u, w)` (`None` if the
/// lengths do not fit `r1cs`).
pub fn cross_term(
    r1cs: &R1cs,
    running: (Fr, &[Fr], &[Fr]),
    fresh: (&[Fr], &[Fr]),
) -> Option<Vec<Fr>> {
    let (u, x, w_run) = running;
    let (x_u, w) = fresh;
    let l = r1cs.num_instance as usize;
    let n = r1cs.num_witness as usize;
    if x.len() + 1 != l || x_u.len() + 1 != l || w_run.len() != n || w.len() != n {
        return None;
    }
    let z1 = [&[u], x, w_run].concat();
    let z2 = [&[Fr::one()], x_u, w].concat();
    let [a, b, c] = &r1cs.matrices;
    Some(
        (0..r1cs.num_constraints())
            .map(|i| {
                let (a1, b1, c1) = (a.row_dot(i, &z1), b.row_dot(i, &z1), c.row_dot(i, &z1));
                let (a2, b2, c2) = (a.row_dot(i, &z2), b.row_dot(i, &z2), c.row_dot(i, &z2));
                a1 * b2 + a2 * b1 - u * c2 - c1
            })
            .collect(),
    )
}

/// The folded instance: `(C_W + r·C_w, C_E + r·C_T, u + r, x + r·x_u)`.
pub fn fold_instance(
    running: &RunningInstance,
    fresh: &FreshInstance,
    cross: &G1Affine,
    r: Fr,
) -> RunningInstance {
    RunningInstance {
        witness: (running.witness + fresh.witness * r).into_affine(),
        error: (running.error + *cross * r).into_affine(),
        u: running.u + r,
        x: fold_vector(&running.x, &fresh.x, r),
    }
}

/// `a + r·b`, entry by entry (the folded witness `W + r·w`, or error `E + r·T`).
pub fn fold_vector(a: &[Fr], b: &[Fr], r: Fr) -> Vec<Fr> {
    a.iter().zip(b).map(|(a, b)| *a + r * b).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relaxed_error;
    use ark_ff::UniformRand;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use sidecar_groth16::synthetic::Synthetic;
    use sidecar_groth16::{assignment, synthesize_matrices};

    #[test]
    fn folding_a_satisfying_fresh_instance_keeps_the_relaxed_relation_and_a_bad_one_breaks_it() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let circuit = Synthetic::new(50, 2, 3);
        let r1cs = synthesize_matrices(circuit.clone()).unwrap();
        let l = r1cs.num_instance as usize;
        let z = assignment(circuit, &r1cs).unwrap();
        let (x_u, w) = (&z[1..l], &z[l..]);
        let u = Fr::rand(&mut rng);
        let x: Vec<Fr> = (1..l).map(|_| Fr::rand(&mut rng)).collect();
        let w_run: Vec<Fr> = (0..r1cs.num_witness).map(|_| Fr::rand(&mut rng)).collect();
        let e_run = relaxed_error(&r1cs, u, &x, &w_run).unwrap();
        let r = Fr::rand(&mut rng);
        let fold = |w: &[Fr]| {
            let t = cross_term(&r1cs, (u, &x, &w_run), (x_u, w)).unwrap();
            let x2: Vec<Fr> = fold_vector(&x, x_u, r);
            let w2 = fold_vector(&w_run, w, r);
            (
                relaxed_error(&r1cs, u + r, &x2, &w2).unwrap(),
                fold_vector(&e_run, &t, r),
            )
        };
        let (needed, folded) = fold(w);
        assert_eq!(needed, folded);
        let mut bad = w.to_vec();
        bad[4] += Fr::one();
        let (needed, folded) = fold(&bad);
        assert_ne!(needed, folded);
        assert!(cross_term(&r1cs, (u, &x, &w_run), (x_u, &w[1..])).is_none());
    }
}
