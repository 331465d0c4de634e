//! Multi-scalar multiplication: the trait every backend implements.
//!
//! For a short-Weierstrass curve `P`, bases `G_0..G_{n-1}` and scalars `s_0..s_{m-1}` with
//! `m <= n`, an MSM computes `sum_{i<m} s_i * G_i` (the bases beyond the scalars are ignored,
//! so a proving key's query can be used with a shorter witness). More scalars than bases is an
//! [`Error::InvalidInput`](crate::Error::InvalidInput). Points at infinity and zero scalars
//! are allowed anywhere.

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};

use crate::Result;

/// MSM over the curve `P`, with bases that can be prepared once and reused (proving-key
/// bases are fixed: a CPU backend may precompute tables, a GPU backend keeps them resident).
pub trait Msm<P: SWCurveConfig>: Send + Sync {
    /// Bases prepared for repeated MSMs.
    type Prepared: Send + Sync;

    /// Prepares `bases` for repeated use with [`Msm::msm_prepared_batch`].
    fn prepare(&self, bases: &[Affine<P>]) -> Result<Self::Prepared>;

    /// Number of bases held by `prepared`.
    fn prepared_len(&self, prepared: &Self::Prepared) -> usize;

    /// One MSM per scalar vector, each against the same prepared bases. The one required
    /// computation of a backend; every other form below derives from it.
    fn msm_prepared_batch(
        &self,
        prepared: &Self::Prepared,
        scalars: &[&[P::ScalarField]],
    ) -> Result<Vec<Projective<P>>>;

    /// One MSM against prepared bases.
    fn msm_prepared(
        &self,
        prepared: &Self::Prepared,
        scalars: &[P::ScalarField],
    ) -> Result<Projective<P>> {
        let mut out = self.msm_prepared_batch(prepared, &[scalars])?;
        Ok(out.pop().expect("one scalar vector gives one result"))
    }

    /// Whether MSMs against `prepared` run on a device, leaving the host's cores free for other
    /// work meanwhile.
    fn on_device(&self, _prepared: &Self::Prepared) -> bool {
        false
    }

    /// One MSM against bases used once. Backends override this when preparing would cost
    /// more than it saves.
    fn msm(&self, bases: &[Affine<P>], scalars: &[P::ScalarField]) -> Result<Projective<P>> {
        check_lengths(bases.len(), scalars.len())?;
        let prepared = self.prepare(&bases[..scalars.len()])?;
        self.msm_prepared(&prepared, scalars)
    }
}

/// Checks the length contract shared by every MSM: at most as many scalars as bases.
pub fn check_lengths(bases: usize, scalars: usize) -> Result<()> {
    if scalars > bases {
        return Err(crate::Error::invalid(format!(
            "msm: {scalars} scalars but only {bases} bases"
        )));
    }
    Ok(())
}
