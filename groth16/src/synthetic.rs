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

/// A commit-and-prove circuit for tests, shaped like the decider: instance variables
/// `1, a, ζ, y_1..y_c, s` where the committed values `a` are `c` segments `v_j` laid end to end,
/// `y_j = Σ_i v_{j,i}·ζ^i` (Horner, one constraint per value) and `s = a_0·a_1 + c` (a statement
/// output that multiplies committed values, shifted by a witness `c`, zero unless
/// [`Evaluation::with_statement`] sets `s`). [`Evaluation::shape`] is the same circuit without
/// values, for key generation.
#[derive(Clone, Debug)]
pub struct Evaluation {
    segments: Vec<Vec<Fr>>,
    zeta: Fr,
    shift: Fr,
}

impl Evaluation {
    /// The circuit for `segments` (at least one, each non-empty, two values in all) at `zeta`.
    pub fn new(segments: Vec<Vec<Fr>>, zeta: Fr) -> Self {
        assert!(
            !segments.is_empty() && segments.iter().all(|v| !v.is_empty()),
            "the evaluation circuit needs non-empty segments"
        );
        assert!(segments.iter().map(Vec::len).sum::<usize>() >= 2);
        Self {
            segments,
            zeta,
            shift: Fr::from(0u64),
        }
    }

    /// The same circuit with statement output `s` (the witness `c` set to `s − a_0·a_1`).
    pub fn with_statement(mut self, s: Fr) -> Self {
        let a = self.committed();
        self.shift = s - a[0] * a[1];
        self
    }

    /// The circuit's shape for segments of these lengths (all values zero).
    pub fn shape(lengths: &[usize]) -> Self {
        let zero = Fr::from(0u64);
        Self::new(lengths.iter().map(|&n| vec![zero; n]).collect(), zero)
    }

    /// The committed values: the segments end to end.
    pub fn committed(&self) -> Vec<Fr> {
        self.segments.concat()
    }

    /// The public inputs after `ζ`: each segment's value at `ζ`, then `s = a_0·a_1 + c`.
    pub fn outputs(&self) -> Vec<Fr> {
        let a = self.committed();
        let mut out: Vec<Fr> = self
            .segments
            .iter()
            .map(|v| {
                v.iter()
                    .rev()
                    .fold(Fr::from(0u64), |acc, x| acc * self.zeta + x)
            })
            .collect();
        out.push(a[0] * a[1] + self.shift);
        out
    }
}

impl ConstraintSynthesizer<Fr> for Evaluation {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let a: Vec<Variable> = self
            .committed()
            .iter()
            .map(|x| cs.new_input_variable(|| Ok(*x)))
            .collect::<Result<_, _>>()?;
        let zeta = cs.new_input_variable(|| Ok(self.zeta))?;
        let outputs = self.outputs();
        let out: Vec<Variable> = outputs
            .iter()
            .map(|x| cs.new_input_variable(|| Ok(*x)))
            .collect::<Result<_, _>>()?;
        let shift = cs.new_witness_variable(|| Ok(self.shift))?;
        let lc = |v: Variable| LinearCombination::new() + v;
        cs.enforce_r1cs_constraint(
            || lc(a[0]),
            || lc(a[1]),
            || lc(out[self.segments.len()]) - shift,
        )?;
        let mut start = 0;
        for (j, segment) in self.segments.iter().enumerate() {
            let v = &a[start..start + segment.len()];
            start += segment.len();
            // acc_{n-1} = v_{n-1}; acc_i = acc_{i+1}·ζ + v_i; y_j = acc_0.
            let mut acc = v[v.len() - 1];
            let mut value = segment[segment.len() - 1];
            for i in (0..v.len() - 1).rev() {
                value = value * self.zeta + segment[i];
                let next = if i == 0 {
                    out[j]
                } else {
                    cs.new_witness_variable(|| Ok(value))?
                };
                cs.enforce_r1cs_constraint(
                    || lc(acc),
                    || lc(zeta),
                    || LinearCombination::new() + next - v[i],
                )?;
                acc = next;
            }
            if v.len() == 1 {
                cs.enforce_r1cs_constraint(|| lc(v[0]), || lc(Variable::One), || lc(out[j]))?;
            }
        }
        Ok(())
    }
}
