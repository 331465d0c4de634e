//! Property tests: the CPU backend agrees with arkworks on arbitrary sizes, seeds and thread
//! counts, and its transforms invert each other.

use ark_bn254::{Fr, G1Projective, g1};
use ark_ec::VariableBaseMSM;
use ark_ff::UniformRand;
use proptest::prelude::*;
use rand::{SeedableRng, rngs::StdRng};
use sidecar_kernels::testing::{random_bases, random_scalars};
use sidecar_kernels::{Cpu, Msm, Ntt};

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any length up to 3000, any prefix of scalars, 1..=3 threads: equal to `VariableBaseMSM`.
    #[test]
    fn msm_matches_arkworks(n in 1usize..3000, cut in 0.0f64..=1.0, seed: u64, threads in 1usize..=3) {
        let mut rng = StdRng::seed_from_u64(seed);
        let bases = random_bases::<g1::Config>(n, &mut rng);
        let scalars = random_scalars::<Fr>(n, &mut rng);
        let m = ((n as f64) * cut) as usize;
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let ours = pool.install(|| Cpu::new().msm(&bases, &scalars[..m])).unwrap();
        prop_assert_eq!(ours, G1Projective::msm_unchecked(&bases[..m], &scalars[..m]));
    }

    /// Linearity: msm(a·s + t) = a·msm(s) + msm(t) on random vectors.
    #[test]
    fn msm_is_linear(n in 1usize..600, seed: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        let bases = random_bases::<g1::Config>(n, &mut rng);
        let s = random_scalars::<Fr>(n, &mut rng);
        let t = random_scalars::<Fr>(n, &mut rng);
        let a = Fr::rand(&mut rng);
        let combined: Vec<Fr> = s.iter().zip(&t).map(|(s, t)| a * s + t).collect();
        let cpu = Cpu::new();
        let lhs = cpu.msm(&bases, &combined).unwrap();
        let rhs = cpu.msm(&bases, &s).unwrap() * a + cpu.msm(&bases, &t).unwrap();
        prop_assert_eq!(lhs, rhs);
    }

    /// intt ∘ ntt and coset_intt ∘ coset_ntt are the identity for every size up to 2^14.
    #[test]
    fn transforms_round_trip(log in 0u32..=14, seed: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        let v: Vec<Fr> = (0..1usize << log).map(|_| Fr::rand(&mut rng)).collect();
        let shift = Fr::rand(&mut rng);
        let cpu = Cpu::new();
        let mut w = v.clone();
        cpu.ntt(&mut w).unwrap();
        cpu.intt(&mut w).unwrap();
        prop_assert_eq!(&w, &v);
        cpu.coset_ntt(&mut w, shift).unwrap();
        cpu.coset_intt(&mut w, shift).unwrap();
        prop_assert_eq!(&w, &v);
    }

    /// Evaluation at ω^k: the k-th output of the forward transform is Σ_j a_j ω^{jk}.
    #[test]
    fn ntt_evaluates_the_polynomial(log in 1u32..=10, k_frac in 0.0f64..1.0, seed: u64) {
        use ark_ff::{FftField, Field};
        let n = 1usize << log;
        let mut rng = StdRng::seed_from_u64(seed);
        let coeffs: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let k = ((n as f64) * k_frac) as usize;
        let x = Fr::get_root_of_unity(n as u64).unwrap().pow([k as u64]);
        let expect = coeffs.iter().rev().fold(Fr::from(0u64), |acc, c| acc * x + c);
        let mut evals = coeffs.clone();
        Cpu::new().ntt(&mut evals).unwrap();
        prop_assert_eq!(evals[k], expect);
    }
}
