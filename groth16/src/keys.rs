//! Key material: the proving key (ark-groth16's CRS plus our R1CS matrices and their
//! digest) and the verifying key (with its pairing-prepared form).

use ark_bn254::{Bn254, Fr};
use ark_groth16::{PreparedVerifyingKey, prepare_verifying_key};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use super::matrix::R1cs;

/// A Groth16 proving key for one circuit over BN254.
///
/// `crs` is the structured reference string in ark-groth16's layout (`a_query`,
/// `b_g1_query`, `b_g2_query` indexed by variable; `h_query[i] = τ^i·Z(τ)/δ` for
/// `i < n − 1`; `l_query` over witness variables); `r1cs` are the matrices it was made for.
#[derive(Clone, Debug, PartialEq)]
pub struct ProvingKey {
    /// The CRS.
    pub crs: ark_groth16::ProvingKey<Bn254>,
    /// The circuit's constraint matrices.
    pub r1cs: R1cs,
    /// `r1cs.digest()`, cached.
    pub digest: [u8; 32],
}

impl ProvingKey {
    /// The verifying key embedded in the proving key.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::new(self.crs.vk.clone())
    }
}

/// A Groth16 verifying key: `e(A, B) = e(α, β) · e(Σ x_i·γ_abc_i, γ) · e(C, δ)`.
#[derive(Clone, Debug)]
pub struct VerifyingKey {
    prepared: PreparedVerifyingKey<Bn254>,
}

impl VerifyingKey {
    /// Wraps and pairing-prepares an ark-groth16 verifying key.
    pub fn new(vk: ark_groth16::VerifyingKey<Bn254>) -> Self {
        Self {
            prepared: prepare_verifying_key(&vk),
        }
    }

    /// The plain key.
    pub fn inner(&self) -> &ark_groth16::VerifyingKey<Bn254> {
        &self.prepared.vk
    }

    /// The pairing-prepared key.
    pub fn prepared(&self) -> &PreparedVerifyingKey<Bn254> {
        &self.prepared
    }

    /// Number of public inputs a proof under this key has (the constant one excluded).
    pub fn num_public_inputs(&self) -> usize {
        self.prepared.vk.gamma_abc_g1.len() - 1
    }

    /// Canonical compressed bytes of the plain key.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.prepared
            .vk
            .serialize_compressed(&mut out)
            .expect("writing to a Vec cannot fail");
        out
    }

    /// Decodes [`VerifyingKey::to_bytes`] output, checking every point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ark_serialize::SerializationError> {
        ark_groth16::VerifyingKey::deserialize_compressed(bytes).map(Self::new)
    }
}

/// Public inputs as field elements, in allocation order.
pub type PublicInputs = Vec<Fr>;
