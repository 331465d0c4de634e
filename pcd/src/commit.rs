//! Pedersen vector commitments computed by the kernels MSM.
//!
//! `Commit(v) = sum_i v_i * G_i` over a short-Weierstrass group (BN254 G1 for node-circuit
//! witnesses, Grumpkin for CycleFold witnesses), non-hiding: a rollup proof needs binding, not
//! zero knowledge. The generators are sampled by hashing random `x` coordinates onto the
//! curve (try-and-increment), so nobody knows a discrete-log relation between them.
//!
//! [`KernelPedersen`] implements sonobe's commitment traits, so every commitment the folding
//! prover computes — witnesses, error terms, cross terms, on both curves — is one call to
//! [`Msm::msm_prepared`] on the backend held by the key ([`AnyBackend`]: CPU, CUDA or wgpu).
//! The key prepares its bases once, so a GPU backend keeps them resident. If the device fails
//! mid-run the commitment is recomputed on the CPU, since sonobe's commitment error type has
//! no variant for a device failure.

use ark_ec::{
    AffineRepr,
    short_weierstrass::{Affine, Projective, SWCurveConfig},
};
use ark_ff::UniformRand;
use ark_r1cs_std::{
    alloc::{AllocVar, AllocationMode},
    convert::ToBitsGadget,
    eq::EqGadget,
    fields::fp::FpVar,
    groups::CurveVar,
};
use ark_relations::gr1cs::{Namespace, SynthesisError};
use ark_serialize::{
    CanonicalDeserialize, CanonicalSerialize, Compress, Read, SerializationError, Valid, Validate,
    Write,
};
use ark_std::{borrow::Borrow, fmt, marker::PhantomData, rand::RngCore, sync::Arc};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use sidecar_kernels::{AnyBackend, AnyPrepared, Cpu, Msm};
use sonobe_primitives::{
    algebra::{Val, field::emulated::EmulatedFieldVar, group::emulated::EmulatedAffineVar},
    commitments::{
        CommitmentDef, CommitmentDefGadget, CommitmentKey, CommitmentOps, CommitmentOpsGadget,
        Error as CommitmentError, GroupBasedCommitment,
    },
    traits::{CF1, CF2, SonobeField},
    utils::null::Null,
};

/// Generators sampled per rayon task when building a key.
const KEYGEN_CHUNK: usize = 4096;

/// Commitment key: the generators `G_i`, and the backend that runs MSMs against them.
pub struct KernelPedersenKey<P: SWCurveConfig> {
    bases: Arc<Vec<Affine<P>>>,
    backend: AnyBackend,
    prepared: Arc<AnyPrepared<P>>,
}

impl<P: SWCurveConfig> KernelPedersenKey<P> {
    /// A key over `bases`, with MSMs on `backend`.
    pub fn new(bases: Vec<Affine<P>>, backend: AnyBackend) -> sidecar_kernels::Result<Self> {
        let prepared = Arc::new(backend.prepare(&bases)?);
        Ok(Self {
            bases: Arc::new(bases),
            backend,
            prepared,
        })
    }

    /// `len` generators with unknown discrete-log relations, derived from `rng`.
    pub fn sample(len: usize, mut rng: impl RngCore) -> sidecar_kernels::Result<Self> {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        let bases = (0..len.div_ceil(KEYGEN_CHUNK))
            .into_par_iter()
            .flat_map_iter(|chunk| {
                let mut rng = ChaCha20Rng::from_seed(seed);
                rng.set_stream(chunk as u64);
                let n = KEYGEN_CHUNK.min(len - chunk * KEYGEN_CHUNK);
                (0..n)
                    .map(move |_| hash_to_curve::<P>(&mut rng))
                    .collect::<Vec<_>>()
            })
            .collect();
        Self::new(bases, AnyBackend::Cpu(Cpu::new()))
    }

    /// The same generators with MSMs on `backend` (bases are prepared again there).
    pub fn with_backend(&self, backend: AnyBackend) -> sidecar_kernels::Result<Self> {
        let prepared = Arc::new(backend.prepare(&self.bases)?);
        Ok(Self {
            bases: self.bases.clone(),
            backend,
            prepared,
        })
    }

    /// The generators `G_i`.
    pub fn bases(&self) -> &[Affine<P>] {
        &self.bases
    }

    /// `sum_i v_i * G_i`; errors if `v` is longer than the key.
    pub fn commit(&self, v: &[P::ScalarField]) -> Result<Projective<P>, CommitmentError> {
        if v.len() > self.bases.len() {
            return Err(CommitmentError::MessageTooLong(self.bases.len(), v.len()));
        }
        match self.backend.msm_prepared(&self.prepared, v) {
            Ok(p) => Ok(p),
            Err(_) => Cpu::new()
                .msm(&self.bases, v)
                .map_err(|_| CommitmentError::MessageTooLong(self.bases.len(), v.len())),
        }
    }
}

/// A uniformly random `x` lifted to the curve; cofactor cleared (both curves here have
/// cofactor 1, so this is the identity on them).
fn hash_to_curve<P: SWCurveConfig>(rng: &mut ChaCha20Rng) -> Affine<P> {
    loop {
        let x = P::BaseField::rand(rng);
        let greatest = rng.next_u32() & 1 == 1;
        if let Some(p) = Affine::<P>::get_point_from_x_unchecked(x, greatest) {
            let p = P::clear_cofactor(&p);
            if p.xy().is_some() {
                return p;
            }
        }
    }
}

impl<P: SWCurveConfig> Clone for KernelPedersenKey<P> {
    fn clone(&self) -> Self {
        Self {
            bases: self.bases.clone(),
            backend: self.backend.clone(),
            prepared: self.prepared.clone(),
        }
    }
}

impl<P: SWCurveConfig> CommitmentKey for KernelPedersenKey<P> {
    fn max_scalars_len(&self) -> usize {
        self.bases.len()
    }
}

impl<P: SWCurveConfig> Valid for KernelPedersenKey<P> {
    fn check(&self) -> Result<(), SerializationError> {
        self.bases.check()
    }
}

/// Serialized as the generators alone; a deserialized key runs on the CPU backend.
impl<P: SWCurveConfig> CanonicalSerialize for KernelPedersenKey<P> {
    fn serialize_with_mode<W: Write>(&self, w: W, c: Compress) -> Result<(), SerializationError> {
        self.bases.serialize_with_mode(w, c)
    }

    fn serialized_size(&self, c: Compress) -> usize {
        self.bases.serialized_size(c)
    }
}

impl<P: SWCurveConfig> CanonicalDeserialize for KernelPedersenKey<P> {
    fn deserialize_with_mode<R: Read>(
        r: R,
        c: Compress,
        v: Validate,
    ) -> Result<Self, SerializationError> {
        let bases = Vec::<Affine<P>>::deserialize_with_mode(r, c, v)?;
        Self::new(bases, AnyBackend::Cpu(Cpu::new())).map_err(|_| SerializationError::InvalidData)
    }
}

/// Non-hiding Pedersen commitments on the curve `P`, through the kernels MSM.
pub struct KernelPedersen<P>(PhantomData<P>);

impl<P> Clone for KernelPedersen<P> {
    fn clone(&self) -> Self {
        Self(PhantomData)
    }
}

impl<P> fmt::Debug for KernelPedersen<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KernelPedersen")
    }
}

impl<P> PartialEq for KernelPedersen<P> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<P> Eq for KernelPedersen<P> {}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> CommitmentDef
    for KernelPedersen<P>
{
    const IS_HIDING: bool = false;

    type Key = KernelPedersenKey<P>;
    type Scalar = CF1<Projective<P>>;
    type Commitment = Projective<P>;
    type Randomness = Null;
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> CommitmentOps
    for KernelPedersen<P>
{
    fn generate_key(len: usize, rng: impl RngCore) -> Result<Self::Key, CommitmentError> {
        KernelPedersenKey::sample(len, rng).map_err(|_| CommitmentError::MessageTooLong(0, len))
    }

    fn commit(
        ck: &Self::Key,
        v: &[Self::Scalar],
        _rng: impl RngCore,
    ) -> Result<(Projective<P>, Null), CommitmentError> {
        Ok((ck.commit(v)?, Null))
    }

    fn open(
        ck: &Self::Key,
        v: &[Self::Scalar],
        _r: &Null,
        cm: &Projective<P>,
    ) -> Result<(), CommitmentError> {
        (ck.commit(v)? == *cm)
            .then_some(())
            .ok_or(CommitmentError::CommitmentVerificationFail)
    }
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> GroupBasedCommitment
    for KernelPedersen<P>
{
    type Gadget1 = KernelPedersenGadget<P>;
    type Gadget2 = KernelPedersenEmulatedGadget<P>;
}

/// The commitment scheme inside a circuit over the curve's base field (points native).
pub struct KernelPedersenGadget<P>(PhantomData<P>);

impl<P> Clone for KernelPedersenGadget<P> {
    fn clone(&self) -> Self {
        Self(PhantomData)
    }
}

/// The generators as native point variables.
pub struct KeyVar<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> {
    g: Vec<<Projective<P> as Val>::Var>,
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>>
    AllocVar<KernelPedersenKey<P>, CF2<Projective<P>>> for KeyVar<P>
{
    fn new_variable<T: Borrow<KernelPedersenKey<P>>>(
        cs: impl Into<Namespace<CF2<Projective<P>>>>,
        f: impl FnOnce() -> Result<T, SynthesisError>,
        mode: AllocationMode,
    ) -> Result<Self, SynthesisError> {
        let cs = cs.into().cs();
        let key = f()?;
        let points: Vec<Projective<P>> = key.borrow().bases.iter().map(|a| (*a).into()).collect();
        Ok(Self {
            g: AllocVar::new_variable(cs, || Ok(&points[..]), mode)?,
        })
    }
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> CommitmentDefGadget
    for KernelPedersenGadget<P>
{
    type ConstraintField = CF2<Projective<P>>;
    type KeyVar = KeyVar<P>;
    type ScalarVar = EmulatedFieldVar<CF2<Projective<P>>, CF1<Projective<P>>>;
    type CommitmentVar = <Projective<P> as Val>::Var;
    type RandomnessVar = Null;
    type Widget = KernelPedersen<P>;
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> CommitmentOpsGadget
    for KernelPedersenGadget<P>
{
    /// Enforces `cm = sum_i v_i * G_i` with one in-circuit scalar multiplication per entry.
    fn open(
        ck: &KeyVar<P>,
        v: &[Self::ScalarVar],
        _r: &Null,
        cm: &Self::CommitmentVar,
    ) -> Result<(), SynthesisError> {
        if v.len() > ck.g.len() {
            return Err(SynthesisError::Unsatisfiable);
        }
        let mut acc = <Self::CommitmentVar as CurveVar<_, _>>::zero();
        for (g, s) in ck.g.iter().zip(v) {
            acc += g.scalar_mul_le(s.to_bits_le()?.iter())?;
        }
        acc.enforce_equal(cm)
    }
}

/// The commitment scheme inside a circuit over the curve's scalar field (points emulated).
/// Only commitments are carried there (and handed to CycleFold); nothing is opened.
pub struct KernelPedersenEmulatedGadget<P>(PhantomData<P>);

impl<P> Clone for KernelPedersenEmulatedGadget<P> {
    fn clone(&self) -> Self {
        Self(PhantomData)
    }
}

/// The generators as emulated point variables.
pub struct EmulatedKeyVar<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> {
    g: Vec<EmulatedAffineVar<CF1<Projective<P>>, Projective<P>>>,
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> EmulatedKeyVar<P> {
    /// The generators.
    pub fn generators(&self) -> &[EmulatedAffineVar<CF1<Projective<P>>, Projective<P>>] {
        &self.g
    }
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>>
    AllocVar<KernelPedersenKey<P>, CF1<Projective<P>>> for EmulatedKeyVar<P>
{
    fn new_variable<T: Borrow<KernelPedersenKey<P>>>(
        cs: impl Into<Namespace<CF1<Projective<P>>>>,
        f: impl FnOnce() -> Result<T, SynthesisError>,
        mode: AllocationMode,
    ) -> Result<Self, SynthesisError> {
        let cs = cs.into().cs();
        let key = f()?;
        let points: Vec<Projective<P>> = key.borrow().bases.iter().map(|a| (*a).into()).collect();
        Ok(Self {
            g: AllocVar::new_variable(cs, || Ok(&points[..]), mode)?,
        })
    }
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> CommitmentDefGadget
    for KernelPedersenEmulatedGadget<P>
{
    type ConstraintField = CF1<Projective<P>>;
    type KeyVar = EmulatedKeyVar<P>;
    type ScalarVar = FpVar<CF1<Projective<P>>>;
    type CommitmentVar = EmulatedAffineVar<CF1<Projective<P>>, Projective<P>>;
    type RandomnessVar = Null;
    type Widget = KernelPedersen<P>;
}

#[cfg(test)]
mod tests {
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_r1cs_std::alloc::AllocVar;
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    use super::*;
    use crate::types::{Fq, Fr, G1, G2};

    type Bn = ark_bn254::g1::Config;
    type Gk = ark_grumpkin::GrumpkinConfig;

    fn naive(bases: &[Affine<Bn>], v: &[Fr]) -> G1 {
        bases.iter().zip(v).map(|(g, s)| *g * s).sum()
    }

    #[test]
    fn commit_is_the_msm_of_the_generators() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let key = KernelPedersenKey::<Bn>::sample(37, &mut rng).unwrap();
        assert_eq!(key.bases().len(), 37);
        assert!(key.bases().iter().all(|g| g.is_on_curve() && !g.is_zero()));
        for len in [37, 20, 1] {
            let v: Vec<Fr> = (0..len).map(|_| Fr::rand(&mut rng)).collect();
            assert_eq!(key.commit(&v).unwrap(), naive(key.bases(), &v));
        }
    }

    #[test]
    fn generators_are_distinct_and_reproducible() {
        let a = KernelPedersenKey::<Bn>::sample(5000, ChaCha20Rng::seed_from_u64(7)).unwrap();
        let b = KernelPedersenKey::<Bn>::sample(5000, ChaCha20Rng::seed_from_u64(7)).unwrap();
        assert_eq!(a.bases(), b.bases());
        let mut xs: Vec<_> = a.bases().iter().map(|g| g.x).collect();
        xs.sort();
        xs.dedup();
        assert_eq!(xs.len(), 5000);
    }

    #[test]
    fn open_rejects_another_vector_and_long_messages() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let key = KernelPedersenKey::<Gk>::sample(16, &mut rng).unwrap();
        let mut v: Vec<Fq> = (0..16).map(|_| Fq::rand(&mut rng)).collect();
        let (cm, r) = KernelPedersen::<Gk>::commit(&key, &v, &mut rng).unwrap();
        KernelPedersen::<Gk>::open(&key, &v, &r, &cm).unwrap();
        let i = rng.gen_range(0..16);
        v[i] += Fq::from(1u64);
        assert!(KernelPedersen::<Gk>::open(&key, &v, &r, &cm).is_err());
        v.push(Fq::rand(&mut rng));
        assert!(matches!(
            key.commit(&v),
            Err(CommitmentError::MessageTooLong(16, 17))
        ));
    }

    #[test]
    fn serialization_keeps_the_generators() {
        let key = KernelPedersenKey::<Bn>::sample(9, ChaCha20Rng::seed_from_u64(3)).unwrap();
        let mut bytes = Vec::new();
        key.serialize_compressed(&mut bytes).unwrap();
        let back = KernelPedersenKey::<Bn>::deserialize_compressed(&bytes[..]).unwrap();
        assert_eq!(back.bases(), key.bases());
    }

    #[test]
    fn in_circuit_opening_accepts_only_the_commitment() {
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        let key = KernelPedersenKey::<Gk>::sample(3, &mut rng).unwrap();
        let v: Vec<Fq> = (0..3).map(|_| Fq::rand(&mut rng)).collect();
        let cm = key.commit(&v).unwrap();
        for (claimed, ok) in [(cm, true), (cm + G2::generator(), false)] {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let ck = KeyVar::new_constant(cs.clone(), &key).unwrap();
            let vs =
                Vec::<EmulatedFieldVar<Fr, Fq>>::new_witness(cs.clone(), || Ok(&v[..])).unwrap();
            let c =
                <G2 as Val>::Var::new_witness(cs.clone(), || Ok(claimed.into_affine())).unwrap();
            KernelPedersenGadget::<Gk>::open(&ck, &vs, &Null, &c).unwrap();
            assert_eq!(cs.is_satisfied().unwrap(), ok);
        }
    }
}
