//! Circuit-specific setup: synthesize the circuit's matrices and sample a CRS with
//! ark-groth16's generator (toxic waste drawn from the caller's RNG and dropped).

use ark_bn254::{Bn254, Fr};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode,
};
use rand::{CryptoRng, RngCore};

use super::{keys::ProvingKey, matrix::R1cs};
use crate::{Error, Result};

/// Synthesizes `circuit` in setup mode (no witness needed) and returns its matrices.
pub fn synthesize_matrices<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<R1cs> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    circuit.generate_constraints(cs.clone())?;
    cs.finalize();
    R1cs::from_cs(&cs)
}

/// Generates a proving key for `circuit`. The CRS is ark-groth16's
/// (`generate_random_parameters_with_reduction`, `LibsnarkReduction`); the matrices and their
/// digest are ours, so the prover need not rebuild the matrices on every proof.
pub fn generate_keys<C, R>(circuit: C, rng: &mut R) -> Result<ProvingKey>
where
    C: ConstraintSynthesizer<Fr> + Clone,
    R: RngCore + CryptoRng,
{
    let r1cs = synthesize_matrices(circuit.clone())?;
    let crs =
        ark_groth16::Groth16::<Bn254>::generate_random_parameters_with_reduction(circuit, rng)?;
    let vars = (r1cs.num_instance + r1cs.num_witness) as usize;
    if crs.a_query.len() != vars || crs.h_query.len() + 1 != r1cs.domain_size() {
        return Err(Error::UnsupportedCircuit {
            reason: "circuit synthesized differently on a second run (non-deterministic shape)"
                .into(),
        });
    }
    let digest = r1cs.digest();
    Ok(ProvingKey { crs, r1cs, digest })
}
