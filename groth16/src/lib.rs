//! # sidecar-groth16
//!
//! Groth16 over BN254 with our own prover, one file per phase:
//!
//! ```text
//! setup.rs    circuit → matrices (R1cs) → CRS (ark-groth16's, from R1cs) → ProvingKey
//! keyfile.rs  ProvingKey ⇄ versioned, checksummed file, loaded via mmap
//! prover.rs   ProvingKey → PreparedKey<B>; circuit+witness → z → h (qap.rs, NTT) → A,B,C (MSM)
//! verifier.rs ark-groth16's pairing check                                → bool
//! committed.rs commit-and-prove: a committed prefix of the inputs, a challenge drawn after it
//! ```
//!
//! The backend `B` supplies every MSM (G1 and G2) and NTT; [`Groth16`] bundles a backend
//! with these phases (`Groth16<B = kernels::Cpu>`).

mod committed;
mod error;
pub mod evm;
mod heap;
mod keyfile;
mod keys;
mod matrix;
mod proof;
mod prover;
mod qap;
mod setup;
pub mod synthetic;
mod verifier;

use ark_bn254::{Fr, g1, g2};
use ark_relations::gr1cs::ConstraintSynthesizer;
use rand::{CryptoRng, RngCore};
use sidecar_kernels::{Msm, Ntt};

pub use committed::{
    CommittedKey, CommittedProof, CommittedVerifyingKey, PreparedCommittedKey, challenge,
    prove_committed, verify_committed,
};
pub use error::{Error, KeyFileError, Result};
pub use keyfile::{FORMAT_VERSION, KeyFile, write_committed_key_file, write_key_file};
pub use keys::{ProvingKey, PublicInputs, VerifyingKey};
pub use matrix::{OUTLINE_MIN_TERMS, R1cs, SparseMatrix};
pub use proof::{EVM_PROOF_LEN, Proof};
pub use prover::{PreparedKey, assignment, prove_until};
pub use qap::h_coefficients;
pub use setup::{generate_keys, synthesize_matrices};
pub use verifier::verify;

/// What Groth16 needs from a kernels backend: MSM in G1 and G2, NTT over Fr.
pub trait Backend: Msm<g1::Config> + Msm<g2::Config> + Ntt<Fr> {}

impl<T: Msm<g1::Config> + Msm<g2::Config> + Ntt<Fr>> Backend for T {}

/// Groth16 on BN254 with kernels backend `B`.
#[derive(Clone, Debug, Default)]
pub struct Groth16<B: Backend = sidecar_kernels::Cpu> {
    backend: B,
}

impl<B: Backend> Groth16<B> {
    /// Groth16 running its kernels on `backend`.
    pub fn new(backend: B) -> Self {
        Self { backend }
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// Circuit-specific setup; see [`generate_keys`].
    pub fn setup<C, R>(&self, circuit: C, rng: &mut R) -> Result<ProvingKey>
    where
        C: ConstraintSynthesizer<Fr> + Clone,
        R: RngCore + CryptoRng,
    {
        generate_keys(circuit, rng)
    }

    /// Prepares a proving key's bases on this backend.
    pub fn prepare(&self, pk: &ProvingKey) -> Result<PreparedKey<B>> {
        PreparedKey::new(&self.backend, pk)
    }

    /// Proves `circuit` (carrying its witness); see [`prover::prove`].
    pub fn prove<C, R>(&self, pk: &PreparedKey<B>, circuit: C, rng: &mut R) -> Result<Proof>
    where
        C: ConstraintSynthesizer<Fr>,
        R: RngCore + CryptoRng,
    {
        prover::prove(&self.backend, pk, circuit, rng)
    }

    /// [`Groth16::prove`] that stops at the next phase boundary once `stop` is set; see
    /// [`prove_until`].
    pub fn prove_until<C, R>(
        &self,
        pk: &PreparedKey<B>,
        circuit: C,
        rng: &mut R,
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<Proof>
    where
        C: ConstraintSynthesizer<Fr>,
        R: RngCore + CryptoRng,
    {
        prover::prove_until(&self.backend, pk, circuit, rng, stop)
    }

    /// Verifies with ark-groth16; see [`verify`].
    pub fn verify(&self, vk: &VerifyingKey, public_inputs: &[Fr], proof: &Proof) -> Result<bool> {
        verify(vk, public_inputs, proof)
    }
}
