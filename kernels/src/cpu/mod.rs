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

/// Bases prepared by the CPU backend: an owned copy, ready for repeated MSMs.
#[derive(Clone, Debug)]
pub struct CpuBases<P: SWCurveConfig> {
    bases: Vec<Affine<P>>,
}

impl<P: SWCurveConfig> CpuBases<P> {
    /// The prepared bases, in their original order.
    pub fn bases(&self) -> &[Affine<P>] {
        &self.bases
    }
}

impl<P: SWCurveConfig> Msm<P> for Cpu {
    type Prepared = CpuBases<P>;

    fn prepare(&self, bases: &[Affine<P>]) -> Result<CpuBases<P>> {
        Ok(CpuBases {
            bases: bases.to_vec(),
        })
    }

    fn prepared_len(&self, prepared: &CpuBases<P>) -> usize {
        prepared.bases.len()
    }

    fn msm_prepared_batch(
        &self,
        prepared: &CpuBases<P>,
        scalars: &[&[P::ScalarField]],
    ) -> Result<Vec<Projective<P>>> {
        for s in scalars {
            check_lengths(prepared.bases.len(), s.len())?;
        }
        Ok(scalars
            .iter()
            .map(|s| msm::msm(&prepared.bases, s))
            .collect())
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
