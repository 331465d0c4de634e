//! A synthetic R1CS generator for tests and benches: random, satisfiable constraints of a
//! chosen size, with the witness carried in the circuit.
//!
//! Constraint `i` is `(c_1·u + c_2·v) · (c_3·u' + c_4·v') = w_i`, where `u, v, u', v'` are
//! drawn (from a seeded ChaCha RNG) among the constant one, the public inputs and the
//! earlier `w_j`, the `c_k` are random field elements and `w_i` is a fresh witness variable.
//! The shape depends only on `(num_constraints, num_inputs, seed)`; [`Synthetic::corrupt`]
//! makes one witness value wrong, so that constraint is the first one unsatisfied.

use ark_bn254::Fr;
use ark_ff::{One, UniformRand};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// A random satisfiable R1CS instance with its witness.
#[derive(Clone, Debug)]
pub struct Synthetic {
    num_constraints: usize,
    num_inputs: usize,
    seed: u64,
    corrupt: Option<usize>,
}

struct Term {
    coeffs: [Fr; 4],
    vars: [usize; 4],
}

impl Synthetic {
    /// `num_constraints` random constraints over `num_inputs` public inputs, from `seed`.
    pub fn new(num_constraints: usize, num_inputs: usize, seed: u64) -> Self {
        Self {
            num_constraints,
            num_inputs,
            seed,
            corrupt: None,
        }
    }

    /// The same circuit with the witness of constraint `index` off by one.
    pub fn corrupt(mut self, index: usize) -> Self {
        self.corrupt = Some(index);
        self
    }

    /// Public inputs (allocation order), computed natively.
    pub fn public_inputs(&self) -> Vec<Fr> {
        let mut rng = self.rng();
        (0..self.num_inputs).map(|_| Fr::rand(&mut rng)).collect()
    }

    fn rng(&self) -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(self.seed)
    }

    /// The constraints' random structure and the values of all variables, in the variable
    /// order `1, x_1..x_k, w_0..w_{m-1}`.
    fn plan(&self) -> (Vec<Fr>, Vec<Term>) {
        let mut rng = self.rng();
        let mut values = vec![Fr::one()];
        values.extend((0..self.num_inputs).map(|_| Fr::rand(&mut rng)));
        let mut terms = Vec::with_capacity(self.num_constraints);
        for i in 0..self.num_constraints {
            let avail = values.len();
            let t = Term {
                coeffs: [0; 4].map(|_| Fr::rand(&mut rng)),
                vars: [0; 4].map(|_| rng.gen_range(0..avail)),
            };
            let l = t.coeffs[0] * values[t.vars[0]] + t.coeffs[1] * values[t.vars[1]];
            let r = t.coeffs[2] * values[t.vars[2]] + t.coeffs[3] * values[t.vars[3]];
            let off = if self.corrupt == Some(i) {
                Fr::one()
            } else {
                Fr::from(0u64)
            };
            values.push(l * r + off);
            terms.push(t);
        }
        (values, terms)
    }
}

impl ConstraintSynthesizer<Fr> for Synthetic {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let (values, terms) = self.plan();
        let mut vars = vec![Variable::One];
        for v in &values[1..=self.num_inputs] {
            vars.push(cs.new_input_variable(|| Ok(*v))?);
        }
        for (i, t) in terms.iter().enumerate() {
            let w = cs.new_witness_variable(|| Ok(values[1 + self.num_inputs + i]))?;
            let lc = |a: usize, b: usize| {
                LinearCombination::new()
                    + (t.coeffs[a], vars[t.vars[a]])
                    + (t.coeffs[b], vars[t.vars[b]])
            };
            cs.enforce_r1cs_constraint(|| lc(0, 1), || lc(2, 3), || LinearCombination::new() + w)?;
            vars.push(w);
        }
        Ok(())
    }
}

/// A commit-and-prove circuit for tests: instance variables `1, v_0..v_{k-1}, ζ, y` with
/// `y = Σ v_i·ζ^i` (Horner, one constraint per value) and `v_0·v_1 = t` for a witness `t`,
/// so the committed values enter a product too. [`Evaluation::shape`] is the same circuit
/// without values, for key generation.
#[derive(Clone, Debug)]
pub struct Evaluation {
    values: Vec<Fr>,
    zeta: Fr,
}

impl Evaluation {
    /// The circuit for `values` (at least two) at `zeta`.
    pub fn new(values: Vec<Fr>, zeta: Fr) -> Self {
        assert!(values.len() >= 2, "the evaluation circuit needs two values");
        Self { values, zeta }
    }

    /// The circuit's shape for `k` values (all zero).
    pub fn shape(k: usize) -> Self {
        Self::new(vec![Fr::from(0u64); k], Fr::from(0u64))
    }

    /// `y = Σ v_i·ζ^i`, its public output.
    pub fn value(&self) -> Fr {
        self.values
            .iter()
            .rev()
            .fold(Fr::from(0u64), |acc, v| acc * self.zeta + v)
    }
}

impl ConstraintSynthesizer<Fr> for Evaluation {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let v: Vec<Variable> = self
            .values
            .iter()
            .map(|x| cs.new_input_variable(|| Ok(*x)))
            .collect::<Result<_, _>>()?;
        let zeta = cs.new_input_variable(|| Ok(self.zeta))?;
        let y = cs.new_input_variable(|| Ok(self.value()))?;
        let t = cs.new_witness_variable(|| Ok(self.values[0] * self.values[1]))?;
        cs.enforce_r1cs_constraint(
            || LinearCombination::new() + v[0],
            || LinearCombination::new() + v[1],
            || LinearCombination::new() + t,
        )?;
        // acc_{k-1} = v_{k-1}; acc_i = acc_{i+1}·ζ + v_i; y = acc_0.
        let mut acc = LinearCombination::new() + v[v.len() - 1];
        let mut value = self.values[self.values.len() - 1];
        for (i, vi) in v.iter().enumerate().rev().skip(1) {
            value = value * self.zeta + self.values[i];
            let next = if i == 0 {
                y
            } else {
                cs.new_witness_variable(|| Ok(value))?
            };
            let prev = acc.clone();
            cs.enforce_r1cs_constraint(
                || prev,
                || LinearCombination::new() + zeta,
                || LinearCombination::new() + next - *vi,
            )?;
            acc = LinearCombination::new() + next;
        }
        Ok(())
    }
}
