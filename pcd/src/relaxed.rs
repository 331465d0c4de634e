//! The primary half of the L1 decider's circuit: a relaxed R1CS instance `(u, x)` of a circuit
//! holds for a witness `W` and error `E` that are the coefficients of KZG-committed
//! polynomials. In the L1 format ([`crate::prove_l1`]) `W ‖ E` are the committed values, the
//! outputs are `W(ζ)`, `E(ζ)` and the statement is `(u, x)`:
//!
//! ```text
//! instance: 1, W_0..W_{n-1}, E_0..E_{m-1}, ζ, W(ζ), E(ζ), u, x_1..x_{l-1}
//! per row i: t_i = u·(C z)_i;  (A z)_i·(B z)_i = t_i + E_i        with z = (u, x, W)
//! Horner:   W(ζ) over W, E(ζ) over E                               (n + m constraints)
//! ```
//!
//! `3m + n` constraints for an R1CS of `m` rows and `n` witness variables.

use ark_bn254::Fr;
use ark_ff::Zero;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable,
};
use sidecar_groth16::R1cs;

use crate::evaluate;

/// The relaxed R1CS check of `(u, x)` with witness `w` and error `e`, outputs at `zeta`.
#[derive(Clone, Debug)]
pub struct RelaxedCheck<'a> {
    r1cs: &'a R1cs,
    u: Fr,
    x: Vec<Fr>,
    w: Vec<Fr>,
    e: Vec<Fr>,
    zeta: Fr,
}

/// `E = A z ∘ B z - u·C z` for `z = (u, x, w)`: the error that makes `(u, x, w)` a relaxed
/// instance of `r1cs` (`None` if the lengths do not fit).
pub fn relaxed_error(r1cs: &R1cs, u: Fr, x: &[Fr], w: &[Fr]) -> Option<Vec<Fr>> {
    let z = assignment(r1cs, u, x, w)?;
    let [a, b, c] = &r1cs.matrices;
    Some(
        (0..r1cs.num_constraints())
            .map(|i| a.row_dot(i, &z) * b.row_dot(i, &z) - u * c.row_dot(i, &z))
            .collect(),
    )
}

pub(crate) fn assignment(r1cs: &R1cs, u: Fr, x: &[Fr], w: &[Fr]) -> Option<Vec<Fr>> {
    (x.len() + 1 == r1cs.num_instance as usize && w.len() == r1cs.num_witness as usize)
        .then(|| [&[u], x, w].concat())
}

impl<'a> RelaxedCheck<'a> {
    /// The check of `(u, x)` with `w`, `e` at `zeta`. Lengths must fit `r1cs` (panics
    /// otherwise: a caller bug, not input).
    pub fn new(r1cs: &'a R1cs, u: Fr, x: Vec<Fr>, w: Vec<Fr>, e: Vec<Fr>, zeta: Fr) -> Self {
        assert!(
            assignment(r1cs, u, &x, &w).is_some() && e.len() == r1cs.num_constraints(),
            "relaxed instance does not fit the R1CS"
        );
        Self {
            r1cs,
            u,
            x,
            w,
            e,
            zeta,
        }
    }

    /// The circuit's shape for `r1cs` (all values zero), for key generation.
    pub fn shape(r1cs: &'a R1cs) -> Self {
        let zero = Fr::zero();
        Self::new(
            r1cs,
            zero,
            vec![zero; r1cs.num_instance as usize - 1],
            vec![zero; r1cs.num_witness as usize],
            vec![zero; r1cs.num_constraints()],
            zero,
        )
    }

    /// The KZG-committed polynomials: `W`, then `E`.
    pub fn polys(&self) -> [Vec<Fr>; 2] {
        [self.w.clone(), self.e.clone()]
    }

    /// The statement: `u`, then `x`.
    pub fn statement(&self) -> Vec<Fr> {
        [&[self.u], self.x.as_slice()].concat()
    }

    /// The public inputs after `ζ`: `W(ζ)`, `E(ζ)`, then the statement.
    pub fn outputs(&self) -> Vec<Fr> {
        let mut out = vec![evaluate(&self.w, self.zeta), evaluate(&self.e, self.zeta)];
        out.extend(self.statement());
        out
    }
}

/// Allocates `values` as instance variables.
pub(crate) fn inputs(
    cs: &ConstraintSystemRef<Fr>,
    values: &[Fr],
) -> Result<Vec<Variable>, SynthesisError> {
    values
        .iter()
        .map(|v| cs.new_input_variable(|| Ok(*v)))
        .collect()
}

/// Enforces `out = Σ c_i ζ^i` over `coeffs` by Horner's rule; `out` is allocated by the caller.
pub(crate) fn horner(
    cs: &ConstraintSystemRef<Fr>,
    coeffs: &[Variable],
    values: &[Fr],
    zeta: (Variable, Fr),
    out: Variable,
) -> Result<(), SynthesisError> {
    let lc = |v: Variable| LinearCombination::new() + v;
    let Some((&top, rest)) = coeffs.split_last() else {
        return cs.enforce_r1cs_constraint(
            || lc(out),
            || lc(Variable::One),
            LinearCombination::new,
        );
    };
    let mut acc = top;
    let mut value = values[values.len() - 1];
    for i in (0..rest.len()).rev() {
        value = value * zeta.1 + values[i];
        let next = if i == 0 {
            out
        } else {
            cs.new_witness_variable(|| Ok(value))?
        };
        cs.enforce_r1cs_constraint(
            || lc(acc),
            || lc(zeta.0),
            || LinearCombination::new() + next - coeffs[i],
        )?;
        acc = next;
    }
    if rest.is_empty() {
        cs.enforce_r1cs_constraint(|| lc(top), || lc(Variable::One), || lc(out))?;
    }
    Ok(())
}

/// Enforces `(A z)_i·(B z)_i = u·(C z)_i + E_i` for every row `i` of `r1cs`, with
/// `z = (u, x, w)` given as variables and `z_value` its assignment (zeros in setup): two
/// constraints per row.
pub(crate) fn enforce_relaxed_rows(
    cs: &ConstraintSystemRef<Fr>,
    r1cs: &R1cs,
    (u, x, w): (Variable, &[Variable], &[Variable]),
    e: &[Variable],
    z_value: &[Fr],
) -> Result<(), SynthesisError> {
    if x.len() + 1 != r1cs.num_instance as usize
        || w.len() != r1cs.num_witness as usize
        || e.len() != r1cs.num_constraints()
        || z_value.len() != 1 + x.len() + w.len()
    {
        return Err(SynthesisError::Unsatisfiable);
    }
    let column = |j: usize| match j {
        0 => u,
        j if j <= x.len() => x[j - 1],
        j => w[j - 1 - x.len()],
    };
    let [ma, mb, mc] = &r1cs.matrices;
    let row = |m: &sidecar_groth16::SparseMatrix, i: usize| {
        m.row(i)
            .fold(LinearCombination::new(), |lc, (c, j)| lc + (c, column(j)))
    };
    for (i, &e_i) in e.iter().enumerate() {
        let t_value = z_value[0] * mc.row_dot(i, z_value);
        let t = cs.new_witness_variable(|| Ok(t_value))?;
        cs.enforce_r1cs_constraint(
            || LinearCombination::new() + u,
            || row(mc, i),
            || LinearCombination::new() + t,
        )?;
        cs.enforce_r1cs_constraint(
            || row(ma, i),
            || row(mb, i),
            || LinearCombination::new() + t + e_i,
        )?;
    }
    Ok(())
}

impl ConstraintSynthesizer<Fr> for RelaxedCheck<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let w = inputs(&cs, &self.w)?;
        let e = inputs(&cs, &self.e)?;
        let zeta = cs.new_input_variable(|| Ok(self.zeta))?;
        let outputs = self.outputs();
        let out = inputs(&cs, &outputs)?;
        let z_value = assignment(self.r1cs, self.u, &self.x, &self.w)
            .ok_or(SynthesisError::AssignmentMissing)?;
        enforce_relaxed_rows(&cs, self.r1cs, (out[2], &out[3..], &w), &e, &z_value)?;
        horner(&cs, &w, &self.w, (zeta, self.zeta), out[0])?;
        horner(&cs, &e, &self.e, (zeta, self.zeta), out[1])?;
        Ok(())
    }
}
