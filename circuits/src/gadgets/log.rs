//! Ordered append-only logs: a one-hot write position, advanced row by row.
//!
//! Row `t` appends iff its flag `en_t ∈ {0,1}`. The position vector `p ∈ {0,1}^{cap+1}` is
//! one-hot (initially `e_0`); `m_j = p_j·en_t` says "this row writes entry `j`", and the next
//! position is `p_j − m_j + m_{j−1}` (linear). Writing with `p_cap = 1` (overflow) is forbidden.
//! Cost per row: `cap + 1` products plus one per matched field per entry.

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::SynthesisError;

/// The running write position of one log.
#[derive(Clone, Debug)]
pub struct LogCursor {
    pos: Vec<FpVar<Fr>>,
}

impl LogCursor {
    /// A cursor at entry 0 of a log with `cap` entries.
    pub fn new(cap: usize) -> Self {
        let mut pos = vec![FpVar::Constant(Fr::ZERO); cap + 1];
        pos[0] = FpVar::Constant(Fr::ONE);
        Self { pos }
    }

    /// A cursor at witness position `count ≤ cap` (one-hot booleans, sum enforced to one).
    pub fn alloc(
        cs: &ark_relations::gr1cs::ConstraintSystemRef<Fr>,
        count: usize,
        cap: usize,
    ) -> Result<Self, SynthesisError> {
        let pos = (0..=cap)
            .map(|j| {
                Ok(FpVar::from(Boolean::new_witness(cs.clone(), || {
                    Ok(j == count)
                })?))
            })
            .collect::<Result<Vec<_>, SynthesisError>>()?;
        pos.iter()
            .fold(FpVar::zero(), |a, p| a + p)
            .enforce_equal(&FpVar::one())?;
        Ok(Self { pos })
    }

    /// `before[j] = 1` iff entry `j` lies before the cursor (is written).
    pub fn before(&self) -> Vec<FpVar<Fr>> {
        let mut seen = FpVar::zero();
        let mut out = Vec::with_capacity(self.pos.len() - 1);
        for p in &self.pos[..self.pos.len() - 1] {
            seen += p;
            out.push(FpVar::one() - &seen);
        }
        out
    }

    /// One row: if `en`, the row's fields must equal the entry at the cursor, which then
    /// advances. `fields[k] = (entry values of field k for every j, the row's value)`.
    /// Returns the flags `m_j` ("this row wrote entry `j`").
    pub fn step(
        &mut self,
        en: &FpVar<Fr>,
        fields: &[(Vec<FpVar<Fr>>, FpVar<Fr>)],
    ) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
        let cap = self.pos.len() - 1;
        let m: Vec<FpVar<Fr>> = self.pos.iter().map(|p| mul_folding(p, en)).collect();
        m[cap].enforce_equal(&FpVar::zero())?;
        for (j, mj) in m.iter().enumerate().take(cap) {
            if matches!(mj, FpVar::Constant(c) if *c == Fr::ZERO) {
                continue;
            }
            for (entries, value) in fields {
                mj.mul_equals(&(&entries[j] - value), &FpVar::zero())?;
            }
        }
        for j in (0..=cap).rev() {
            let incoming = if j == 0 {
                FpVar::zero()
            } else {
                m[j - 1].clone()
            };
            self.pos[j] = &self.pos[j] - &m[j] + incoming;
        }
        Ok(m)
    }

    /// The number of entries written so far, `Σ j·p_j`.
    pub fn count(&self) -> FpVar<Fr> {
        self.pos
            .iter()
            .enumerate()
            .fold(FpVar::zero(), |acc, (j, p)| acc + p * Fr::from(j as u64))
    }

    /// Forces every entry at or after the cursor to zero in each of `entries` (canonical padding).
    pub fn enforce_zero_tail(&self, entries: &[&[FpVar<Fr>]]) -> Result<(), SynthesisError> {
        let mut unused = FpVar::zero();
        for j in 0..self.pos.len() - 1 {
            unused += &self.pos[j];
            for e in entries {
                unused.mul_equals(&e[j], &FpVar::zero())?;
            }
        }
        Ok(())
    }
}

/// `p·en`, staying a constant when `p` is (so rows before a log can be reached cost nothing).
fn mul_folding(p: &FpVar<Fr>, en: &FpVar<Fr>) -> FpVar<Fr> {
    match p {
        FpVar::Constant(c) if *c == Fr::ZERO => FpVar::Constant(Fr::ZERO),
        FpVar::Constant(c) if *c == Fr::ONE => en.clone(),
        _ => p * en,
    }
}
