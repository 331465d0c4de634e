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

mod gadget;
mod key;

pub use gadget::{EmulatedKeyVar, KernelPedersenEmulatedGadget, KernelPedersenGadget, KeyVar};
pub use key::KernelPedersenKey;

use ark_ec::short_weierstrass::{Projective, SWCurveConfig};
use ark_std::{fmt, marker::PhantomData, rand::RngCore};
use sonobe_primitives::{
    commitments::{CommitmentDef, CommitmentOps, Error as CommitmentError, GroupBasedCommitment},
    traits::{CF1, SonobeField},
    utils::null::Null,
};

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

#[cfg(test)]
mod tests {
    use ark_ec::{AffineRepr, CurveGroup, PrimeGroup, short_weierstrass::Affine};
    use ark_ff::UniformRand;
    use ark_r1cs_std::alloc::AllocVar;
    use ark_relations::gr1cs::ConstraintSystem;
    use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;
    use sonobe_primitives::{
        algebra::{Val, field::emulated::EmulatedFieldVar},
        commitments::CommitmentOpsGadget,
    };

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
