//! Outlined linear combinations: a long combination used more than once becomes one witness
//! variable with a defining row. The prover fills those variables in, proofs verify, and a forged
//! outlined value is unsatisfiable.

use ark_bn254::Fr;
use ark_ff::{One, UniformRand};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::{Error, Groth16, OUTLINE_MIN_TERMS, R1cs, assignment, synthesize_matrices};

/// `s = Σ c_i·w_i` over `terms` random witnesses, used in three products and inside a second
/// combination `t = s + 3·w_0`; its one public input is `s·s`.
#[derive(Clone)]
struct Shared {
    terms: usize,
    seed: u64,
}

impl ConstraintSynthesizer<Fr> for Shared {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let mut rng = ChaCha20Rng::seed_from_u64(self.seed);
        let coeffs: Vec<Fr> = (0..self.terms).map(|_| Fr::rand(&mut rng)).collect();
        let values: Vec<Fr> = (0..self.terms).map(|_| Fr::rand(&mut rng)).collect();
        let s_value: Fr = coeffs.iter().zip(&values).map(|(c, v)| *c * v).sum();
        let square = cs.new_input_variable(|| Ok(s_value * s_value))?;
        let w: Vec<Variable> = values
            .iter()
            .map(|v| cs.new_witness_variable(|| Ok(*v)))
            .collect::<Result<_, _>>()?;
        let s = cs.new_lc(|| LinearCombination(coeffs.iter().copied().zip(w.clone()).collect()))?;
        let t = cs.new_lc(|| LinearCombination(vec![(Fr::one(), s), (Fr::from(3u64), w[0])]))?;
        let product = cs.new_witness_variable(|| Ok(s_value * values[1]))?;
        let shifted = cs.new_witness_variable(|| Ok(s_value + Fr::from(3u64) * values[0]))?;
        cs.enforce_r1cs_constraint(|| s.into(), || s.into(), || square.into())?;
        cs.enforce_r1cs_constraint(|| s.into(), || w[1].into(), || product.into())?;
        cs.enforce_r1cs_constraint(|| t.into(), || Variable::one().into(), || shifted.into())?;
        Ok(())
    }
}

fn public_input(c: &Shared) -> Fr {
    let z = assignment(c.clone(), &synthesize_matrices(c.clone()).unwrap()).unwrap();
    z[1]
}

#[test]
fn long_shared_combinations_are_outlined_and_proofs_verify() {
    let g = Groth16::new(sidecar_kernels::Cpu::new());
    for (seed, terms) in [(1u64, OUTLINE_MIN_TERMS), (2, 3 * OUTLINE_MIN_TERMS)] {
        let c = Shared { terms, seed };
        let r1cs = synthesize_matrices(c.clone()).unwrap();
        assert_eq!(r1cs.outlined, 1, "{terms} terms: s is outlined, t is not");
        assert_eq!(r1cs.num_constraints(), 4);
        r1cs.validate().unwrap();
        // Each use of s is one term now: the long row appears once, in the definition.
        let long_rows = (0..4)
            .filter(|&i| r1cs.matrices[0].row(i).count() >= terms)
            .collect::<Vec<_>>();
        assert_eq!(long_rows, vec![3]);

        let z = assignment(c.clone(), &r1cs).unwrap();
        assert_eq!(z.len() as u64, r1cs.num_instance + r1cs.num_witness);
        r1cs.evaluate(&z).unwrap();

        let pk = g
            .setup(c.clone(), &mut ChaCha20Rng::seed_from_u64(seed))
            .unwrap();
        assert_eq!(pk.r1cs, r1cs);
        let prepared = g.prepare(&pk).unwrap();
        let proof = g
            .prove(
                &prepared,
                c.clone(),
                &mut ChaCha20Rng::seed_from_u64(10 + seed),
            )
            .unwrap();
        let x = public_input(&c);
        assert!(g.verify(&prepared.verifying_key(), &[x], &proof).unwrap());
        assert!(
            !g.verify(&prepared.verifying_key(), &[x + Fr::one()], &proof)
                .unwrap()
        );
    }
}

#[test]
fn short_or_single_use_combinations_are_inlined() {
    let short = synthesize_matrices(Shared {
        terms: OUTLINE_MIN_TERMS - 1,
        seed: 3,
    })
    .unwrap();
    assert_eq!(short.outlined, 0);
    assert_eq!(short.num_constraints(), 3);
}

#[test]
fn soundness_a_forged_outlined_value_is_unsatisfiable() {
    let c = Shared {
        terms: 2 * OUTLINE_MIN_TERMS,
        seed: 4,
    };
    let r1cs = synthesize_matrices(c.clone()).unwrap();
    let honest = assignment(c, &r1cs).unwrap();
    let outlined = honest.len() - 1;
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    for _ in 0..4 {
        let mut z = honest.clone();
        z[outlined] = Fr::rand(&mut rng);
        assert!(matches!(r1cs.evaluate(&z), Err(Error::Unsatisfied { .. })));
        // A circuit witness changed with the outlined value left stale fails too.
        let mut z = honest.clone();
        z[2] = Fr::rand(&mut rng);
        assert!(matches!(r1cs.evaluate(&z), Err(Error::Unsatisfied { .. })));
    }
}

#[test]
fn soundness_matrices_whose_outlined_rows_define_nothing_are_refused() {
    let r1cs = synthesize_matrices(Shared {
        terms: OUTLINE_MIN_TERMS,
        seed: 6,
    })
    .unwrap();
    let more = R1cs {
        outlined: 2,
        ..r1cs.clone()
    };
    assert!(more.validate().is_err(), "row 2 defines no variable");
    let too_many = R1cs {
        outlined: 5,
        ..r1cs.clone()
    };
    assert!(too_many.validate().is_err());
    // The definition swapped with a circuit row: B is no longer the constant one.
    let mut swapped = r1cs.clone();
    swapped.matrices.swap(0, 1);
    assert!(swapped.validate().is_err());
}
