//! Circuit-specific setup: synthesize the circuit's matrices and derive a CRS from them, equal to
//! ark-groth16's generator's for the same RNG (toxic waste drawn from the caller's RNG and dropped).

use ark_bn254::{Bn254, Fr, G1Projective, G2Projective};
use ark_ec::{CurveGroup, scalar_mul::BatchMulPreprocessing};
use ark_ff::{Field, UniformRand, Zero};
use ark_poly::{EvaluationDomain, GeneralEvaluationDomain};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode,
};
use rand::{CryptoRng, RngCore};
use rayon::prelude::*;

use super::{heap::release_free_heap, keys::ProvingKey, matrix::R1cs};
use crate::{Error, Result};

/// Synthesizes `circuit` in setup mode (no witness needed) and returns its matrices; the
/// constraint system's freed heap goes back to the operating system.
pub fn synthesize_matrices<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<R1cs> {
    let r1cs = {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        circuit.generate_constraints(cs.clone())?;
        R1cs::from_cs(&cs)
    };
    release_free_heap();
    r1cs
}

/// Generates a proving key for `circuit`: synthesizes its matrices once, then derives the CRS
/// from them ([`crs_for`]). The key equals ark-groth16's
/// (`generate_random_parameters_with_reduction`, `LibsnarkReduction`) for the same RNG; ark's
/// generator keeps the whole constraint system alive while it computes the queries, ours only
/// the matrices, which is what lets an 8.5M-constraint circuit fit in 24 GB.
pub fn generate_keys<C, R>(circuit: C, rng: &mut R) -> Result<ProvingKey>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    let r1cs = synthesize_matrices(circuit)?;
    let crs = crs_for(&r1cs, rng)?;
    let digest = r1cs.digest();
    Ok(ProvingKey { crs, r1cs, digest })
}

/// The Groth16 CRS of `r1cs` under `LibsnarkReduction`, with the toxic waste drawn from `rng` in
/// ark-groth16's order (`α, β, γ, δ`, the two generators, then the evaluation point) and dropped.
pub fn crs_for<R: RngCore + CryptoRng>(
    r1cs: &R1cs,
    rng: &mut R,
) -> Result<ark_groth16::ProvingKey<Bn254>> {
    let [alpha, beta, gamma, delta] = [0; 4].map(|_| Fr::rand(rng));
    let g1 = G1Projective::rand(rng);
    let g2 = G2Projective::rand(rng);
    let inputs = r1cs.num_instance as usize;
    let vars = inputs + r1cs.num_witness as usize;
    let rows = r1cs.num_constraints();
    let domain = GeneralEvaluationDomain::<Fr>::new(rows + inputs).ok_or_else(|| {
        Error::UnsupportedCircuit {
            reason: format!("{} rows and inputs exceed the FFT domain", rows + inputs),
        }
    })?;
    let t = domain.sample_element_outside_domain(rng);
    let zt = domain.evaluate_vanishing_polynomial(t);
    let lagrange = domain.evaluate_all_lagrange_coefficients(t);

    // u_i(t), v_i(t), w_i(t) per variable; the instance variables' extra rows come first in a.
    let mut abc = [0, 1, 2].map(|_| vec![Fr::zero(); vars]);
    abc[0][..inputs].copy_from_slice(&lagrange[rows..rows + inputs]);
    for (m, out) in r1cs.matrices.iter().zip(abc.iter_mut()) {
        for (i, l) in lagrange.iter().enumerate().take(rows) {
            for (coeff, j) in m.row(i) {
                out[j] += *l * coeff;
            }
        }
    }
    drop(lagrange);
    let [a, b, c] = abc;

    let gamma_inv = gamma
        .inverse()
        .expect("γ is nonzero with overwhelming probability");
    let delta_inv = delta
        .inverse()
        .expect("δ is nonzero with overwhelming probability");
    let combine = |range: std::ops::Range<usize>, by: Fr| -> Vec<Fr> {
        range
            .into_par_iter()
            .map(|i| (beta * a[i] + alpha * b[i] + c[i]) * by)
            .collect()
    };
    let gamma_abc = combine(0..inputs, gamma_inv);
    let l = combine(inputs..vars, delta_inv);
    drop(c);

    let non_zero = |v: &[Fr]| v.par_iter().filter(|x| !x.is_zero()).count();
    let (non_zero_a, non_zero_b) = (non_zero(&a), non_zero(&b));
    let g2_table = BatchMulPreprocessing::new(g2, non_zero_b);
    let b_g2_query = g2_table.batch_mul(&b);
    drop(g2_table);
    let max_power = domain.size() - 1;
    let g1_table =
        BatchMulPreprocessing::new(g1, non_zero_a + non_zero_b + vars - 1 + max_power + 2);
    let a_query = g1_table.batch_mul(&a);
    drop(a);
    let b_g1_query = g1_table.batch_mul(&b);
    drop(b);
    let h_base = zt * delta_inv;
    let h_scalars: Vec<Fr> = (0..max_power)
        .into_par_iter()
        .map(|i| h_base * t.pow([i as u64]))
        .collect();
    let h_query = g1_table.batch_mul(&h_scalars);
    drop(h_scalars);
    let l_query = g1_table.batch_mul(&l);
    drop(l);
    let gamma_abc_g1 = g1_table.batch_mul(&gamma_abc);
    Ok(ark_groth16::ProvingKey {
        vk: ark_groth16::VerifyingKey {
            alpha_g1: (g1 * alpha).into_affine(),
            beta_g2: (g2 * beta).into_affine(),
            gamma_g2: (g2 * gamma).into_affine(),
            delta_g2: (g2 * delta).into_affine(),
            gamma_abc_g1,
        },
        beta_g1: (g1 * beta).into_affine(),
        delta_g1: (g1 * delta).into_affine(),
        a_query,
        b_g1_query,
        b_g2_query,
        h_query,
        l_query,
    })
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;
    use crate::synthetic::Synthetic;

    #[test]
    fn the_key_is_ark_groth16s_for_the_same_randomness() {
        for (rows, inputs, seed) in [(5, 1, 1), (100, 3, 2), (1000, 7, 3)] {
            let circuit = Synthetic::new(rows, inputs, seed);
            let ours =
                generate_keys(circuit.clone(), &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
            let ark = ark_groth16::Groth16::<Bn254>::generate_random_parameters_with_reduction(
                circuit,
                &mut ChaCha20Rng::seed_from_u64(seed),
            )
            .unwrap();
            assert!(ours.crs == ark, "{rows} rows, {inputs} inputs");
        }
    }
}
