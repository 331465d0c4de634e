//! R1CS constraint matrices in compressed-sparse-row form, as stored in proving keys.
//!
//! Variables are indexed as ark-relations does: `z = (1, x_1..x_{l-1}, w_0..w_{m-1})`, the
//! `num_instance` instance variables (the constant one first) followed by the witness.

use ark_bn254::Fr;
use ark_ff::{One, Zero};
use ark_relations::gr1cs::{ConstraintSystemRef, R1CS_PREDICATE_LABEL};
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
    /// Witness variables.
    pub num_witness: u64,
    /// `A`, `B`, `C`.
    pub matrices: [SparseMatrix; 3],
}

impl R1cs {
    /// Extracts the matrices of a finalized constraint system synthesized with matrices on.
    pub fn from_cs(cs: &ConstraintSystemRef<Fr>) -> Result<Self> {
        let all = cs.to_matrices()?;
        if let Some(other) = all.keys().find(|k| k.as_str() != R1CS_PREDICATE_LABEL) {
            return Err(Error::UnsupportedCircuit {
                reason: format!("predicate {other} is not R1CS; Groth16 proves R1CS only"),
            });
        }
        let empty = vec![Vec::new(), Vec::new(), Vec::new()];
        let m = all.get(R1CS_PREDICATE_LABEL).unwrap_or(&empty);
        if m.len() != 3 {
            return Err(Error::UnsupportedCircuit {
                reason: format!("R1CS predicate of arity {}", m.len()),
            });
        }
        let num_vars = cs.num_instance_variables() + cs.num_witness_variables();
        if num_vars > u32::MAX as usize {
            return Err(Error::UnsupportedCircuit {
                reason: format!("{num_vars} variables exceed 2^32"),
            });
        }
        Ok(R1cs {
            num_instance: cs.num_instance_variables() as u64,
            num_witness: cs.num_witness_variables() as u64,
            matrices: [0, 1, 2].map(|i| SparseMatrix::from_rows(&m[i])),
        })
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
            .try_for_each(|m| m.validate(rows, vars))
    }

    /// SHA-256 digest identifying the constraint system (shape and every coefficient).
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"sidecar-r1cs-v1");
        let mut bytes = Vec::new();
        self.serialize_uncompressed(&mut bytes)
            .expect("writing to a Vec cannot fail");
        h.update(&bytes);
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
