//! Routing between a GPU backend and its CPU fallback, for [`AnyBackend`](crate::AnyBackend).
//!
//! The GPU backends (CUDA, wgpu) run BN254 G1 MSMs and BN254 Fr NTTs on the device and
//! everything else (G2, Grumpkin, other fields) on [`Cpu`]. `AnyBackend` is generic over the
//! curve and the field, so the choice is made by type identity: a curve whose affine points
//! *are* `ark_bn254::G1Affine` goes to the device, any other to the CPU. The casts below are
//! only taken when the two types are the same type (equal `TypeId`s), so they reinterpret
//! nothing.

use core::any::{Any, TypeId};
use std::sync::Arc;

use ark_bn254::{Fr, G1Affine, g1};
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::FftField;

use crate::{Cpu, CpuBases, Direction, Error, Msm, Ntt, Result};

/// A backend with device kernels for BN254 G1 MSM and Fr NTT, and a CPU for the rest.
pub trait DeviceBackend: Msm<g1::Config> + Ntt<Fr> {
    /// The CPU backend that serves every other curve and field.
    fn cpu(&self) -> &Cpu;
}

/// Bases prepared through a GPU backend: on the device (BN254 G1) or on the host (others).
pub enum GpuBases<P: SWCurveConfig, D> {
    /// BN254 G1 bases resident on the device.
    Device(Arc<D>, usize),
    /// Bases of another curve, prepared by the CPU fallback.
    Host(CpuBases<P>),
}

impl<P: SWCurveConfig, D> GpuBases<P, D> {
    /// Number of bases.
    pub fn len(&self) -> usize {
        match self {
            Self::Device(_, n) => *n,
            Self::Host(b) => b.len(),
        }
    }

    /// Whether the bases are resident on the device.
    pub fn on_device(&self) -> bool {
        matches!(self, Self::Device(..))
    }

    /// Whether there are no bases.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<P: SWCurveConfig + Clone, D> Clone for GpuBases<P, D> {
    fn clone(&self) -> Self {
        match self {
            Self::Device(d, n) => Self::Device(Arc::clone(d), *n),
            Self::Host(b) => Self::Host(b.clone()),
        }
    }
}

impl<P: SWCurveConfig, D> core::fmt::Debug for GpuBases<P, D> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Device(_, n) => write!(f, "GpuBases::Device({n} bases)"),
            Self::Host(b) => write!(f, "GpuBases::Host({} bases)", b.len()),
        }
    }
}

fn same<A: 'static, B: 'static>() -> bool {
    TypeId::of::<A>() == TypeId::of::<B>()
}

/// `s` as a slice of `B` when `A` and `B` are the same type.
fn cast<A: 'static, B: 'static>(s: &[A]) -> Option<&[B]> {
    // SAFETY: `A` and `B` are the same type, so the slice is reinterpreted as itself.
    same::<A, B>().then(|| unsafe { &*(s as *const [A] as *const [B]) })
}

/// `s` as a mutable slice of `B` when `A` and `B` are the same type.
fn cast_mut<A: 'static, B: 'static>(s: &mut [A]) -> Option<&mut [B]> {
    // SAFETY: as in `cast`.
    same::<A, B>().then(|| unsafe { &mut *(s as *mut [A] as *mut [B]) })
}

/// `v` as a `B` when `A` and `B` are the same type (safe: through `Any`).
fn cast_owned<A: 'static, B: 'static>(v: A) -> Option<B> {
    (Box::new(v) as Box<dyn Any>)
        .downcast::<B>()
        .ok()
        .map(|b| *b)
}

fn mismatch() -> Error {
    Error::invalid("curve routing mismatch between prepared bases and scalars")
}

fn g1_scalars<'a, F: 'static>(scalars: &[&'a [F]]) -> Result<Vec<&'a [Fr]>> {
    scalars
        .iter()
        .map(|s| cast::<F, Fr>(s).ok_or_else(mismatch))
        .collect()
}

/// Prepares `bases` on the device when `P` is BN254 G1, else on the CPU.
///
/// Bases the device has no room for are kept on the host instead, with a warning naming the
/// size: their MSMs then run on the CPU and the proof still completes. Any other device error
/// is returned.
pub fn prepare<P, B>(b: &B, bases: &[Affine<P>]) -> Result<GpuBases<P, B::Prepared>>
where
    P: SWCurveConfig,
    B: DeviceBackend,
{
    let Some(g1) = cast::<Affine<P>, G1Affine>(bases) else {
        return Ok(GpuBases::Host(b.cpu().prepare(bases)?));
    };
    match b.prepare(g1) {
        Ok(d) => Ok(GpuBases::Device(Arc::new(d), bases.len())),
        Err(e @ Error::OutOfMemory { .. }) => {
            tracing::warn!(
                bases = bases.len(),
                "{e}: these {} bases stay on the host and their MSMs run on the CPU",
                bases.len()
            );
            Ok(GpuBases::Host(b.cpu().prepare(bases)?))
        }
        Err(e) => Err(e),
    }
}

/// One MSM per scalar vector against `prepared`.
pub fn msm_prepared_batch<P, B>(
    b: &B,
    prepared: &GpuBases<P, B::Prepared>,
    scalars: &[&[P::ScalarField]],
) -> Result<Vec<Projective<P>>>
where
    P: SWCurveConfig,
    B: DeviceBackend,
{
    match prepared {
        GpuBases::Host(p) => b.cpu().msm_prepared_batch(p, scalars),
        GpuBases::Device(d, _) => {
            let out = b.msm_prepared_batch(d, &g1_scalars(scalars)?)?;
            cast_owned::<Vec<Projective<g1::Config>>, Vec<Projective<P>>>(out).ok_or_else(mismatch)
        }
    }
}

/// One MSM against bases used once.
pub fn msm<P, B>(b: &B, bases: &[Affine<P>], scalars: &[P::ScalarField]) -> Result<Projective<P>>
where
    P: SWCurveConfig,
    B: DeviceBackend,
{
    match cast::<Affine<P>, G1Affine>(bases) {
        Some(g1) => {
            let s = cast::<P::ScalarField, Fr>(scalars).ok_or_else(mismatch)?;
            cast_owned(b.msm(g1, s)?).ok_or_else(mismatch)
        }
        None => b.cpu().msm(bases, scalars),
    }
}

/// Batch NTT: on the device when `F` is BN254 Fr, else on the CPU.
pub fn ntt_batch<F, B>(b: &B, values: &mut [F], size: usize, dir: Direction) -> Result<()>
where
    F: FftField,
    B: DeviceBackend,
{
    if same::<F, Fr>() {
        let v = cast_mut::<F, Fr>(values).ok_or_else(mismatch)?;
        return b.ntt_batch(v, size, dir);
    }
    b.cpu().ntt_batch(values, size, dir)
}

/// Coset NTT (`inverse` selects the direction) with the backend's own coset path for Fr.
pub fn coset<F, B>(b: &B, values: &mut [F], shift: F, inverse: bool) -> Result<()>
where
    F: FftField,
    B: DeviceBackend,
{
    if let (Some(v), Some(s)) = (cast_mut::<F, Fr>(values), cast_owned::<F, Fr>(shift)) {
        return if inverse {
            b.coset_intt(v, s)
        } else {
            b.coset_ntt(v, s)
        };
    }
    if inverse {
        b.cpu().coset_intt(values, shift)
    } else {
        b.cpu().coset_ntt(values, shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{G1Projective, G2Affine};
    use ark_ec::{CurveGroup, VariableBaseMSM};
    use ark_std::UniformRand;
    use rand::{SeedableRng, rngs::StdRng};

    /// A device whose every G1 preparation fails with the error `fail` makes for that many
    /// bases; a G1 MSM that reaches it is a routing bug.
    struct FailingDevice {
        cpu: Cpu,
        fail: fn(usize) -> Error,
    }

    impl Msm<g1::Config> for FailingDevice {
        type Prepared = ();

        fn prepare(&self, bases: &[G1Affine]) -> Result<()> {
            Err((self.fail)(bases.len()))
        }

        fn prepared_len(&self, _: &()) -> usize {
            unreachable!("nothing is ever prepared on this device")
        }

        fn msm_prepared_batch(&self, _: &(), _: &[&[Fr]]) -> Result<Vec<G1Projective>> {
            unreachable!("nothing is ever prepared on this device")
        }
    }

    impl Ntt<Fr> for FailingDevice {
        fn ntt_batch(&self, values: &mut [Fr], size: usize, dir: Direction) -> Result<()> {
            self.cpu.ntt_batch(values, size, dir)
        }
    }

    impl DeviceBackend for FailingDevice {
        fn cpu(&self) -> &Cpu {
            &self.cpu
        }
    }

    /// A device with no memory left.
    fn full() -> FailingDevice {
        FailingDevice {
            cpu: Cpu::default(),
            fail: |n| Error::OutOfMemory {
                backend: "full",
                needed_bytes: n * 64,
            },
        }
    }

    /// Bases the device has no room for stay on the host, and MSMs on them still give
    /// arkworks' result.
    #[test]
    fn bases_the_device_cannot_hold_stay_on_the_host() {
        let mut rng = StdRng::seed_from_u64(21);
        let device = full();
        let bases: Vec<G1Affine> = (0..300).map(|_| G1Affine::rand(&mut rng)).collect();
        let scalars: Vec<Fr> = (0..300).map(|_| Fr::rand(&mut rng)).collect();
        let prepared = prepare(&device, &bases).expect("falls back to the host");
        assert!(!prepared.on_device(), "{prepared:?}");
        assert_eq!(prepared.len(), bases.len());
        let got = msm_prepared_batch(&device, &prepared, &[&scalars]).expect("msm on the host");
        let want = G1Projective::msm(&bases, &scalars).expect("equal lengths");
        assert_eq!(got[0].into_affine(), want.into_affine());
    }

    /// Only running out of memory falls back: other device errors reach the caller.
    #[test]
    fn other_device_errors_are_returned() {
        let broken = FailingDevice {
            cpu: Cpu::default(),
            fail: |_| Error::Device {
                backend: "broken",
                reason: "lost".into(),
            },
        };
        let mut rng = StdRng::seed_from_u64(22);
        let bases: Vec<G1Affine> = (0..5).map(|_| G1Affine::rand(&mut rng)).collect();
        let err = prepare(&broken, &bases).expect_err("device error");
        assert!(matches!(err, Error::Device { .. }), "{err}");
        let g2: Vec<G2Affine> = (0..5).map(|_| G2Affine::rand(&mut rng)).collect();
        let host = prepare(&broken, &g2).expect("G2 is prepared on the host");
        assert!(!host.on_device());
    }
}
