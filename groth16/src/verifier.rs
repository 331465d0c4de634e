//! Verification through ark-groth16's verifier: an independent check of our prover.

use ark_bn254::{Bn254, Fr};

use super::{keys::VerifyingKey, proof::Proof};
use crate::{Error, Result};

/// Checks `e(A, B) = e(α, β) · e(Σ x_i·γ_abc_i, γ) · e(C, δ)` with ark-groth16's
/// `verify_proof` on the prepared key. `Ok(false)` is a well-formed proof that does not
/// verify; a wrong number of public inputs is an error (ark would silently truncate).
pub fn verify(vk: &VerifyingKey, public_inputs: &[Fr], proof: &Proof) -> Result<bool> {
    let expected = vk.num_public_inputs();
    if public_inputs.len() != expected {
        return Err(Error::PublicInputCount {
            expected,
            given: public_inputs.len(),
        });
    }
    Ok(ark_groth16::Groth16::<Bn254>::verify_proof(
        vk.prepared(),
        &proof.0,
        public_inputs,
    )?)
}
