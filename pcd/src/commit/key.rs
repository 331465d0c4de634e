//! The commitment key: generators with unknown discrete-log relations, prepared once on a
//! kernels backend, serialized as the generators alone.

use ark_ec::{
    AffineRepr,
    short_weierstrass::{Affine, Projective, SWCurveConfig},
};
use ark_ff::UniformRand;
use ark_serialize::{
    CanonicalDeserialize, CanonicalSerialize, Compress, Read, SerializationError, Valid, Validate,
    Write,
};
use ark_std::{rand::RngCore, sync::Arc};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use sidecar_kernels::{AnyBackend, AnyPrepared, Cpu, Msm};
use sonobe_primitives::commitments::{CommitmentKey, Error as CommitmentError};

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
