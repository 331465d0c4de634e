//! R1CS constraint matrices in compressed-sparse-row form, as stored in proving keys.
//!
//! Variables are indexed as ark-relations does: `z = (1, x_1..x_{l-1}, w_0..w_{m-1})`, the
//! `num_instance` instance variables (the constant one first) followed by the witness. The last
//! [`R1cs::outlined`] witness variables are not the circuit's own: extraction introduces them for
//! long linear combinations used more than once ([`R1cs::from_cs`]), each defined by one of the
//! last rows, and [`R1cs::extend_outlined`] computes their values from the circuit's.

use ark_bn254::Fr;
use ark_ff::{One, Zero};
use ark_relations::gr1cs::{
    ConstraintSystem, ConstraintSystemRef, LinearCombination, R1CS_PREDICATE_LABEL, Variable,
};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// One sparse matrix: row `i` holds `(coeffs[j], cols[j])` for `j` in `row_ptr[i]..row_ptr[i+1]`.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct SparseMatrix {
    row_ptr: Vec<u64>,
    cols: Vec<u32>,
    coeffs: Vec<Fr>,
}

impl SparseMatrix {
    fn from_rows(rows: &[Vec<(Fr, usize)>]) -> Self {
        let mut m = SparseMatrix {
            row_ptr: vec![0],
            cols: Vec::new(),
            coeffs: Vec::new(),
        };
        for row in rows {
            for &(c, v) in row {
                m.cols.push(v as u32);
                m.coeffs.push(c);
            }
            m.row_ptr.push(m.cols.len() as u64);
        }
        m
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.row_ptr.len() - 1
    }

    /// The entries `(coefficient, column)` of row `i`.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (Fr, usize)> + '_ {
        let (lo, hi) = (self.row_ptr[i] as usize, self.row_ptr[i + 1] as usize);
        self.coeffs[lo..hi]
            .iter()
            .zip(&self.cols[lo..hi])
            .map(|(c, &v)| (*c, v as usize))
    }

    /// `<row_i, z>`.
    #[inline]
    pub fn row_dot(&self, i: usize, z: &[Fr]) -> Fr {
        let (lo, hi) = (self.row_ptr[i] as usize, self.row_ptr[i + 1] as usize);
        let mut acc = Fr::zero();
        for (c, &v) in self.coeffs[lo..hi].iter().zip(&self.cols[lo..hi]) {
            let x = z[v as usize];
            if c.is_one() { acc += x } else { acc += x * c }
        }
        acc
    }

    fn validate(&self, rows: usize, num_vars: usize) -> Result<(), String> {
        if self.row_ptr.len() != rows + 1 || self.row_ptr[0] != 0 {
            return Err(format!(
                "row table has {} entries for {rows} rows",
                self.row_ptr.len()
            ));
        }
        if self.row_ptr.windows(2).any(|w| w[0] > w[1]) {
            return Err("row table is not monotone".into());
        }
        if *self.row_ptr.last().unwrap_or(&0) as usize != self.cols.len()
            || self.cols.len() != self.coeffs.len()
        {
            return Err("row table, columns and coefficients disagree in length".into());
        }
        if let Some(c) = self.cols.iter().find(|&&c| c as usize >= num_vars) {
            return Err(format!("column {c} out of range ({num_vars} variables)"));
        }
        Ok(())
    }
}

/// The three R1CS matrices of a circuit: `(A z) ∘ (B z) = C z`.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct R1cs {
    /// Instance variables, including the constant one.
    pub num_instance: u64,
    /// Witness variables, the outlined ones included.
    pub num_witness: u64,
    /// Outlined combinations: witness variable `num_instance + num_witness − outlined + k` is
    /// defined by row `num_constraints − outlined + k`, `(A row)·1 = v`, over earlier variables.
    pub outlined: u64,
    /// `A`, `B`, `C`.
    pub matrices: [SparseMatrix; 3],
}

/// Extraction outlines an inlined combination with at least this many terms that constraints or
/// other combinations refer to more than once: one new variable and one row, instead of a copy
/// of every term at every use. Emulated-field limbs in a decider circuit are such combinations,
/// and inlined they make its matrices larger than memory.
pub const OUTLINE_MIN_TERMS: usize = 64;

impl R1cs {
    /// Extracts the matrices of a constraint system synthesized with matrices on, finalized or
    /// not. Linear combinations are inlined in one pass that frees each after its last use (ark
    /// keeps every inlined combination, and a chain of `k` nested sums, a bit decomposition,
    /// costs `k²/2` terms there, `k` here). A combination of [`OUTLINE_MIN_TERMS`] or more terms
    /// used more than once becomes a new witness variable with its defining row appended;
    /// without such combinations the rows equal ark-relations' (`finalize`, `to_matrices`).
    pub fn from_cs(cs: &ConstraintSystemRef<Fr>) -> Result<Self> {
        let cs = cs.borrow().ok_or(Error::UnsupportedCircuit {
            reason: "no constraint system".into(),
        })?;
        if let Some(other) = cs
            .predicate_constraint_systems
            .keys()
            .find(|k| k.as_str() != R1CS_PREDICATE_LABEL)
        {
            return Err(Error::UnsupportedCircuit {
                reason: format!("predicate {other} is not R1CS; Groth16 proves R1CS only"),
            });
        }
        let num_vars = cs.num_instance_variables + cs.num_witness_variables;
        if num_vars > u32::MAX as usize {
            return Err(Error::UnsupportedCircuit {
                reason: format!("{num_vars} variables exceed 2^32"),
            });
        }
        let no_args = [Vec::new(), Vec::new(), Vec::new()];
        let args = match cs.predicate_constraint_systems.get(R1CS_PREDICATE_LABEL) {
            Some(p) => p.get_constraints().as_slice(),
            None => &no_args[..],
        };
        if args.len() != 3 {
            return Err(Error::UnsupportedCircuit {
                reason: format!("R1CS predicate of arity {}", args.len()),
            });
        }
        let lcs = Inliner::new(&cs, args);
        let inputs = cs.num_instance_variables;
        let witness = cs.num_witness_variables;
        let outlined = lcs.outlined.len();
        if num_vars + outlined > u32::MAX as usize {
            return Err(Error::UnsupportedCircuit {
                reason: format!("{num_vars} variables and {outlined} outlined exceed 2^32"),
            });
        }
        let one = [(Fr::one(), Variable::One)];
        let matrices = [0, 1, 2].map(|k| {
            let mut m = SparseMatrix {
                row_ptr: vec![0],
                cols: Vec::new(),
                coeffs: Vec::new(),
            };
            let mut push = |row: &[(Fr, Variable)]| {
                for &(c, var) in row {
                    if let (false, false, Some(j)) =
                        (c.is_zero(), var.is_zero(), var.get_variable_index(inputs))
                    {
                        m.cols.push(j as u32);
                        m.coeffs.push(c);
                    }
                }
                m.row_ptr.push(m.cols.len() as u64);
            };
            for &v in &args[k] {
                push(&lcs.row(v));
            }
            for (j, def) in lcs.outlined.iter().enumerate() {
                match k {
                    0 => push(def),
                    1 => push(&one),
                    _ => push(&[(Fr::one(), Variable::witness(witness + j))]),
                }
            }
            m
        });
        Ok(R1cs {
            num_instance: inputs as u64,
            num_witness: (witness + outlined) as u64,
            outlined: outlined as u64,
            matrices,
        })
    }

    /// Appends the outlined variables' values to `z`, the circuit's own assignment
    /// `(1, x, w)` (of length `num_instance + num_witness − outlined`).
    pub fn extend_outlined(&self, z: &mut Vec<Fr>) {
        let first = self.num_constraints() - self.outlined as usize;
        z.reserve(self.outlined as usize);
        for row in first..self.num_constraints() {
            let v = self.matrices[0].row_dot(row, z);
            z.push(v);
        }
    }

    /// The R1CS of matrices given row by row as `(coefficient, column)` pairs (arkworks'
    /// `Matrix` layout), over `num_instance` instance variables (the constant one included)
    /// and `num_witness` witness variables; [`Error::UnsupportedCircuit`] if they disagree.
    pub fn from_rows(
        num_instance: usize,
        num_witness: usize,
        rows: [&[Vec<(Fr, usize)>]; 3],
    ) -> Result<Self> {
        if num_instance + num_witness > u32::MAX as usize {
            return Err(Error::UnsupportedCircuit {
                reason: format!("{} variables exceed 2^32", num_instance + num_witness),
            });
        }
        let r1cs = R1cs {
            num_instance: num_instance as u64,
            num_witness: num_witness as u64,
            outlined: 0,
            matrices: rows.map(SparseMatrix::from_rows),
        };
        if rows.iter().any(|m| m.len() != rows[0].len()) {
            return Err(Error::UnsupportedCircuit {
                reason: "the three matrices have different row counts".into(),
            });
        }
        r1cs.validate()
            .map_err(|reason| Error::UnsupportedCircuit { reason })?;
        Ok(r1cs)
    }

    /// Number of constraints.
    pub fn num_constraints(&self) -> usize {
        self.matrices[0].rows()
    }

    /// Size of the QAP evaluation domain: the next power of two ≥ constraints + instance
    /// variables (ark-groth16's `LibsnarkReduction` convention).
    pub fn domain_size(&self) -> usize {
        (self.num_constraints() + self.num_instance as usize).next_power_of_two()
    }

    /// Checks internal consistency (after decoding from untrusted bytes).
    pub fn validate(&self) -> Result<(), String> {
        let rows = self.num_constraints();
        let vars = (self.num_instance + self.num_witness) as usize;
        if self.num_instance == 0 {
            return Err("no instance variables (the constant one is missing)".into());
        }
        self.matrices
            .iter()
            .try_for_each(|m| m.validate(rows, vars))?;
        let outlined = self.outlined as usize;
        if outlined as u64 > self.num_witness || outlined > rows {
            return Err(format!(
                "{outlined} outlined variables for {} witness variables and {rows} rows",
                self.num_witness
            ));
        }
        for k in 0..outlined {
            let (row, var) = (rows - outlined + k, vars - outlined + k);
            let one = Fr::one();
            let defines = self.matrices[1].row(row).eq([(one, 0)])
                && self.matrices[2].row(row).eq([(one, var)])
                && self.matrices[0].row(row).all(|(_, j)| j < var);
            if !defines {
                return Err(format!("row {row} does not define outlined variable {var}"));
            }
        }
        Ok(())
    }

    /// SHA-256 digest identifying the constraint system (shape and every coefficient). The
    /// serialization is streamed into the hash: a decider's matrices are gigabytes, and a copy
    /// beside them and its key is what would not fit in memory.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"sidecar-r1cs-v1");
        self.serialize_uncompressed(&mut h)
            .expect("writing to a hash cannot fail");
        h.finalize().into()
    }

    /// Evaluates `(A z, B z, C z)` row by row and returns them, or the index of the first
    /// row where `(A z)_i · (B z)_i ≠ (C z)_i`.
    pub fn evaluate(&self, z: &[Fr]) -> Result<[Vec<Fr>; 3]> {
        let n = self.num_constraints();
        let mut out = [
            vec![Fr::zero(); n],
            vec![Fr::zero(); n],
            vec![Fr::zero(); n],
        ];
        let [a, b, c] = &mut out;
        a.par_iter_mut()
            .zip(b.par_iter_mut())
            .zip(c.par_iter_mut())
            .enumerate()
            .for_each(|(i, ((a, b), c))| {
                *a = self.matrices[0].row_dot(i, z);
                *b = self.matrices[1].row_dot(i, z);
                *c = self.matrices[2].row_dot(i, z);
            });
        let bad = (0..n)
            .into_par_iter()
            .find_first(|&i| out[0][i] * out[1][i] != out[2][i]);
        match bad {
            Some(index) => Err(Error::Unsatisfied { index, total: n }),
            None => Ok(out),
        }
    }
}

/// The constraints' linear combinations with every symbolic combination inlined, computed in
/// index order (a combination only refers to earlier ones) and kept only while a later
/// combination or a constraint still needs it; long ones used more than once are outlined.
struct Inliner {
    kept: Vec<Option<Vec<(Fr, Variable)>>>,
    /// The outlined combinations' terms, in the order of their new witness variables.
    outlined: Vec<Vec<(Fr, Variable)>>,
}

impl Inliner {
    fn new(cs: &ConstraintSystem<Fr>, constraints: &[Vec<Variable>]) -> Self {
        let n = cs.num_linear_combinations;
        let lc = |i: usize| cs.get_lc(Variable::symbolic_lc(i));
        let mut uses = vec![0u32; n];
        for i in 0..n {
            for (_, v) in lc(i).iter() {
                if let Some(j) = v.get_lc_index() {
                    uses[j] += 1;
                }
            }
        }
        let mut in_rows = vec![0u32; n];
        for v in constraints.iter().flatten() {
            if let Some(j) = v.get_lc_index() {
                in_rows[j] += 1;
            }
        }
        // Like ark-relations, leave the combinations as written when none refers to another.
        let nested = uses.iter().any(|&u| u > 0);
        let mut kept: Vec<Option<Vec<(Fr, Variable)>>> = vec![None; n];
        let mut outlined = Vec::new();
        for i in 0..n {
            let mut out = LinearCombination(Vec::new());
            for (coeff, var) in lc(i).0 {
                let Some(j) = var.get_lc_index().filter(|_| nested) else {
                    out.0.push((coeff, var));
                    continue;
                };
                let inlined = kept[j]
                    .as_ref()
                    .expect("a combination refers to earlier ones");
                if coeff.is_one() {
                    out.0.extend_from_slice(inlined);
                } else {
                    out.0.extend(
                        inlined
                            .iter()
                            .filter(|(c, v)| !v.is_zero() && !c.is_zero())
                            .map(|(c, v)| (coeff * c, *v)),
                    );
                }
                uses[j] -= 1;
                if uses[j] == 0 && in_rows[j] == 0 {
                    kept[j] = None;
                }
            }
            if nested {
                out.compactify();
            }
            let refs = uses[i] + in_rows[i];
            if refs > 1 && out.0.len() >= OUTLINE_MIN_TERMS {
                let v = Variable::witness(cs.num_witness_variables + outlined.len());
                outlined.push(out.0);
                kept[i] = Some(vec![(Fr::one(), v)]);
            } else if refs > 0 {
                kept[i] = Some(out.0);
            }
        }
        Self { kept, outlined }
    }

    /// The inlined combination behind a constraint's argument.
    fn row(&self, v: Variable) -> std::borrow::Cow<'_, [(Fr, Variable)]> {
        match v.get_lc_index() {
            Some(i) => std::borrow::Cow::Borrowed(self.kept[i].as_deref().unwrap_or(&[])),
            None => std::borrow::Cow::Owned(vec![(Fr::one(), v)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use ark_ff::UniformRand;
    use ark_relations::gr1cs::{ConstraintSynthesizer, OptimizationGoal, SynthesisMode};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    use super::*;
    use crate::synthetic::Synthetic;

    /// Random nested combinations: chains of sums, repeated variables, scaled references, and
    /// constraints over combinations, variables and constants.
    struct Nested(u64);

    impl ConstraintSynthesizer<Fr> for Nested {
        fn generate_constraints(
            self,
            cs: ConstraintSystemRef<Fr>,
        ) -> ark_relations::gr1cs::Result<()> {
            let mut rng = ChaCha20Rng::seed_from_u64(self.0);
            let mut vars = vec![Variable::One, cs.new_input_variable(|| Ok(Fr::from(3u64)))?];
            for _ in 0..20 {
                vars.push(cs.new_witness_variable(|| Ok(Fr::rand(&mut rng)))?);
            }
            let mut lcs = vec![];
            for _ in 0..60 {
                let pick = |rng: &mut ChaCha20Rng, lcs: &Vec<Variable>| {
                    if !lcs.is_empty() && rng.gen_bool(0.5) {
                        lcs[rng.gen_range(0..lcs.len())]
                    } else {
                        vars[rng.gen_range(0..vars.len())]
                    }
                };
                let terms: Vec<(Fr, Variable)> = (0..rng.gen_range(1..5))
                    .map(|_| {
                        let c = if rng.gen_bool(0.5) {
                            Fr::one()
                        } else {
                            Fr::rand(&mut rng)
                        };
                        (c, pick(&mut rng, &lcs))
                    })
                    .collect();
                lcs.push(cs.new_lc(|| LinearCombination(terms))?);
            }
            for _ in 0..40 {
                let [a, b, c] = [0; 3].map(|_| {
                    if rng.gen_bool(0.7) {
                        lcs[rng.gen_range(0..lcs.len())]
                    } else {
                        vars[rng.gen_range(0..vars.len())]
                    }
                });
                cs.enforce_r1cs_constraint(
                    || LinearCombination::from(a),
                    || LinearCombination::from(b),
                    || LinearCombination::from(c),
                )?;
            }
            Ok(())
        }
    }

    /// ark-relations' own extraction: inline everything, then its matrices.
    fn arks<C: ConstraintSynthesizer<Fr>>(circuit: C) -> R1cs {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        circuit.generate_constraints(cs.clone()).unwrap();
        cs.finalize();
        let m = &cs.to_matrices().unwrap()[R1CS_PREDICATE_LABEL];
        R1cs::from_rows(
            cs.num_instance_variables(),
            cs.num_witness_variables(),
            [&m[0], &m[1], &m[2]],
        )
        .unwrap()
    }

    #[test]
    fn streaming_extraction_equals_arks() {
        for seed in 0..8 {
            assert_eq!(
                crate::synthesize_matrices(Nested(seed)).unwrap(),
                arks(Nested(seed)),
                "nested combinations, seed {seed}"
            );
        }
        let s = Synthetic::new(300, 4, 9);
        assert_eq!(crate::synthesize_matrices(s.clone()).unwrap(), arks(s));
    }

    /// Key files on disk carry this digest: streaming it must hash the same bytes as hashing
    /// the whole serialization at once.
    #[test]
    fn the_streamed_digest_hashes_the_whole_serialization() {
        for seed in 0..4 {
            let r1cs = crate::synthesize_matrices(Synthetic::new(200 + 50 * seed, 3, seed as u64))
                .unwrap();
            let mut bytes = b"sidecar-r1cs-v1".to_vec();
            r1cs.serialize_uncompressed(&mut bytes).unwrap();
            assert_eq!(
                r1cs.digest(),
                <[u8; 32]>::from(Sha256::digest(&bytes)),
                "seed {seed}"
            );
        }
    }
}
