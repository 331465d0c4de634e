//! The CPU backend: Pippenger MSM with batch-affine buckets and a cache-blocked radix-2 NTT,
//! both parallel over the caller's rayon pool.
//!
//! `Cpu` is cheap to clone; clones share the twiddle cache, so an engine can hand copies to
//! several jobs without recomputing roots of unity.

mod cast;
mod field;
mod msm;
mod ntt;
mod twiddles;

use std::sync::Arc;

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::FftField;
use rayon::prelude::*;

pub use field::arithmetic as field_arithmetic;
pub use msm::{Plan, plan as msm_plan};

use crate::msm::check_lengths;
use crate::ntt::check_size;
use crate::{Direction, Msm, Ntt, Result};
use twiddles::TwiddleCache;

/// CPU backend. Implements [`Msm<P>`] for every short-Weierstrass curve (BN254 G1 and G2,
/// Grumpkin) and [`Ntt<F>`] for every two-adic field.
#[derive(Clone, Default)]
pub struct Cpu {
    twiddles: Arc<TwiddleCache>,
}

impl Cpu {
    /// A CPU backend with an empty twiddle cache.
    pub fn new() -> Self {
        Self::default()
    }
}

impl core::fmt::Debug for Cpu {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Cpu")
    }
}

/// Bases prepared by the CPU backend: the finite bases, with their positions when some base is
/// at infinity.
///
/// A proving key's query holds the point at infinity for every variable its matrix never
/// uses, often a third or more of them. Such a base adds nothing, yet inside the MSM it would
/// still be sorted into buckets and pay its share of the batch inversions; dropped here once,
/// it costs one gathered scalar per MSM instead.
#[derive(Clone, Debug)]
pub struct CpuBases<P: SWCurveConfig> {
    /// The bases not at infinity, in their original order.
    finite: Vec<Affine<P>>,
    /// `finite[k]`'s index among the original bases (increasing); `None` when no base was
    /// dropped.
    positions: Option<Vec<u32>>,
    /// Number of original bases.
    len: usize,
}

impl<P: SWCurveConfig> CpuBases<P> {
    /// Prepares `bases`, dropping those at infinity where there are some (and their indices
    /// fit in `u32`).
    fn new(bases: &[Affine<P>]) -> Self {
        let len = bases.len();
        let some_infinite = bases.par_iter().any(|b| b.is_zero());
        if !some_infinite || u32::try_from(len).is_err() {
            return Self {
                finite: bases.to_vec(),
                positions: None,
                len,
            };
        }
        let (positions, finite) = bases
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.is_zero())
            .map(|(i, b)| (i as u32, *b))
            .unzip();
        Self {
            finite,
            positions: Some(positions),
            len,
        }
    }

    /// Number of bases prepared, points at infinity included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no base was prepared.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `Σ_i scalars[i] · G_i` over the prepared bases `G`, `scalars.len() <= self.len()`.
    fn msm(&self, scalars: &[P::ScalarField]) -> Projective<P> {
        match &self.positions {
            None => msm::msm(&self.finite, scalars),
            Some(positions) => {
                let k = positions.partition_point(|&i| (i as usize) < scalars.len());
                msm::msm_gathered(&self.finite[..k], &positions[..k], scalars)
            }
        }
    }
}

impl<P: SWCurveConfig> Msm<P> for Cpu {
    type Prepared = CpuBases<P>;

    fn prepare(&self, bases: &[Affine<P>]) -> Result<CpuBases<P>> {
        Ok(CpuBases::new(bases))
    }

    fn prepared_len(&self, prepared: &CpuBases<P>) -> usize {
        prepared.len()
    }

    fn msm_prepared_batch(
        &self,
        prepared: &CpuBases<P>,
        scalars: &[&[P::ScalarField]],
    ) -> Result<Vec<Projective<P>>> {
        for s in scalars {
            check_lengths(prepared.len(), s.len())?;
        }
        Ok(scalars.iter().map(|s| prepared.msm(s)).collect())
    }

    fn msm(&self, bases: &[Affine<P>], scalars: &[P::ScalarField]) -> Result<Projective<P>> {
        check_lengths(bases.len(), scalars.len())?;
        Ok(msm::msm(bases, scalars))
    }
}

impl<F: FftField> Ntt<F> for Cpu {
    fn ntt_batch(&self, values: &mut [F], size: usize, dir: Direction) -> Result<()> {
        let log = check_size::<F>(values.len(), size)?;
        if values.is_empty() {
            return Ok(());
        }
        let table = self.twiddles.get::<F>(log);
        let run = |v: &mut [F]| match dir {
            Direction::Forward => ntt::forward(v, log, &table),
            Direction::Inverse => ntt::inverse(v, log, &table),
        };
        values.par_chunks_mut(size).for_each(run);
        Ok(())
    }
}
