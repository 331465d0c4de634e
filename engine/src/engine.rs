//! The library API a marketplace links: an [`Engine`] is a kernels backend applied under a
//! hardware profile; every setup and proof runs inside the profile's rayon pool.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use ark_bn254::Fr;
use ark_relations::gr1cs::ConstraintSynthesizer;
use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore};

use crate::{Profile, Result, Runtime};
use sidecar_groth16::{
    Backend, Groth16, KeyFile, PreparedKey, Proof, ProvingKey, VerifyingKey, write_key_file,
};

/// Keys for one circuit: the proving key prepared on the engine's backend, and the
/// verifying key.
pub struct Keys<B: Backend> {
    /// Proving key, bases prepared for the backend.
    pub proving: PreparedKey<B>,
    /// Verifying key.
    pub verifying: VerifyingKey,
}

/// A proving engine: Groth16 over BN254 on backend `B`, under a hardware profile.
///
/// ```no_run
/// use sidecar_engine::{Engine, Profile};
/// use sidecar_groth16::synthetic::Synthetic;
/// let engine = Engine::new(&Profile::load("minimum")?, sidecar_kernels::Cpu::new())?;
/// let circuit = Synthetic::new(1 << 10, 2, 7);
/// let keys = engine.setup(circuit.clone())?;
/// let proof = engine.prove(&keys.proving, circuit.clone())?;
/// assert!(engine.verify(&keys.verifying, &circuit.public_inputs(), &proof)?);
/// # Ok::<(), sidecar_engine::Error>(())
/// ```
pub struct Engine<B: Backend = sidecar_kernels::Cpu> {
    runtime: Runtime,
    groth16: Groth16<B>,
}

impl<B: Backend> Engine<B> {
    /// Applies `profile` to this machine (its warnings, when the machine is smaller than the
    /// profile, are logged with `tracing` and kept in [`Runtime::warnings`]) and runs kernels
    /// on `backend`.
    pub fn new(profile: &Profile, backend: B) -> Result<Self> {
        let runtime = profile.apply()?;
        for w in runtime.warnings() {
            tracing::warn!("{w}");
        }
        Ok(Self::with_runtime(runtime, backend))
    }

    /// An engine on an already applied profile.
    pub fn with_runtime(runtime: Runtime, backend: B) -> Self {
        Self {
            runtime,
            groth16: Groth16::new(backend),
        }
    }

    /// The applied profile (pool, memory budget, warnings).
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The Groth16 instance (backend access).
    pub fn groth16(&self) -> &Groth16<B> {
        &self.groth16
    }

    /// Circuit-specific setup with fresh OS randomness; the toxic waste is dropped.
    pub fn setup<C: ConstraintSynthesizer<Fr> + Clone + Send>(
        &self,
        circuit: C,
    ) -> Result<Keys<B>> {
        self.prepare_key(&self.setup_key(circuit, &mut OsRng)?)
    }

    /// The proving key of `circuit` drawn from `rng` (deterministic for a seeded RNG: for tests
    /// only, a known seed is known toxic waste), unprepared, so it can be written to a key file
    /// (`sidecar_groth16::write_key_file`) and prepared with [`Engine::prepare_key`].
    pub fn setup_key<C, R>(&self, circuit: C, rng: &mut R) -> Result<ProvingKey>
    where
        C: ConstraintSynthesizer<Fr> + Clone + Send,
        R: RngCore + CryptoRng + Send,
    {
        self.runtime
            .pool()
            .install(|| Ok(self.groth16.setup(circuit, rng)?))
    }

    /// Prepares `pk`'s bases on the engine's backend.
    pub fn prepare_key(&self, pk: &ProvingKey) -> Result<Keys<B>> {
        self.runtime.pool().install(|| {
            Ok(Keys {
                proving: self.groth16.prepare(pk)?,
                verifying: pk.verifying_key(),
            })
        })
    }

    /// Setup that also writes the proving key to `path` (see [`KeyFile`] for the format).
    pub fn setup_to_file<C>(&self, circuit: C, path: &Path) -> Result<Keys<B>>
    where
        C: ConstraintSynthesizer<Fr> + Clone + Send,
    {
        let pk = self.setup_key(circuit, &mut OsRng)?;
        write_key_file(path, &pk)?;
        self.prepare_key(&pk)
    }

    /// Loads keys from a key file through a memory map; with `expected_digest`, a key for
    /// another circuit is an error.
    pub fn load_keys(&self, path: &Path, expected_digest: Option<[u8; 32]>) -> Result<Keys<B>> {
        self.runtime.pool().install(|| {
            let file = KeyFile::open(path, expected_digest)?;
            Ok(Keys {
                proving: file.prepare(self.groth16.backend())?,
                verifying: file.verifying_key()?,
            })
        })
    }

    /// Proves `circuit` (carrying its witness) with fresh OS randomness, in the profile's pool.
    /// An unsatisfied witness is reported ([`sidecar_groth16::Error::Unsatisfied`]) before any
    /// group work.
    pub fn prove<C: ConstraintSynthesizer<Fr> + Send>(
        &self,
        pk: &PreparedKey<B>,
        circuit: C,
    ) -> Result<Proof> {
        self.prove_with(pk, circuit, &mut OsRng, &AtomicBool::new(false))
    }

    /// [`Engine::prove`] with the caller's randomness (a seeded RNG makes the proof
    /// reproducible), giving up with `sidecar_groth16::Error::Cancelled` at the next phase
    /// boundary once `stop` is set (from another thread).
    pub fn prove_with<C, R>(
        &self,
        pk: &PreparedKey<B>,
        circuit: C,
        rng: &mut R,
        stop: &AtomicBool,
    ) -> Result<Proof>
    where
        C: ConstraintSynthesizer<Fr> + Send,
        R: RngCore + CryptoRng + Send,
    {
        self.runtime
            .pool()
            .install(|| Ok(self.groth16.prove_until(pk, circuit, rng, stop)?))
    }

    /// Verifies `proof` for `public_inputs` with ark-groth16's verifier.
    pub fn verify(&self, vk: &VerifyingKey, public_inputs: &[Fr], proof: &Proof) -> Result<bool> {
        Ok(self.groth16.verify(vk, public_inputs, proof)?)
    }
}
