//! Quick start: set up, prove and verify a small real circuit on the CPU backend under the
//! `minimum` hardware profile.
//!
//! The circuit proves knowledge of `x` with `x³ + x + 5 = y` for a public `y`.
//!
//! Run with `cargo run --release -p sidecar-engine --example quickstart`.

use ark_bn254::Fr;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable,
};
use sidecar_engine::{Engine, Profile};

/// `x³ + x + 5 = y`, with `x` secret and `y` public.
#[derive(Clone)]
struct Cubic {
    x: Fr,
    y: Fr,
}

impl Cubic {
    /// The instance for `x`, with its matching `y`.
    fn new(x: u64) -> Self {
        let x = Fr::from(x);
        Self {
            x,
            y: x * x * x + x + Fr::from(5u64),
        }
    }
}

impl ConstraintSynthesizer<Fr> for Cubic {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let y = cs.new_input_variable(|| Ok(self.y))?;
        let x = cs.new_witness_variable(|| Ok(self.x))?;
        let x2 = cs.new_witness_variable(|| Ok(self.x * self.x))?;
        let x3 = cs.new_witness_variable(|| Ok(self.x * self.x * self.x))?;
        let lc = |v: Variable| LinearCombination::new() + v;
        cs.enforce_r1cs_constraint(|| lc(x), || lc(x), || lc(x2))?;
        cs.enforce_r1cs_constraint(|| lc(x2), || lc(x), || lc(x3))?;
        cs.enforce_r1cs_constraint(
            || lc(x3) + x + (Fr::from(5u64), Variable::One),
            || lc(Variable::One),
            || lc(y),
        )?;
        Ok(())
    }
}

fn main() -> Result<(), sidecar_engine::Error> {
    let engine = Engine::new(&Profile::load("minimum")?, sidecar_kernels::Cpu::new())?;
    let circuit = Cubic::new(3);
    let keys = engine.setup(circuit.clone())?;
    let proof = engine.prove(&keys.proving, circuit.clone())?;
    println!(
        "proved x³ + x + 5 = 35 with {} threads",
        engine.runtime().threads()
    );
    println!(
        "proof (EVM encoding, 256 bytes): 0x{}",
        hex::encode(proof.to_bytes_256())
    );
    assert!(engine.verify(&keys.verifying, &[circuit.y], &proof)?);
    assert!(!engine.verify(&keys.verifying, &[circuit.y + Fr::from(1u64)], &proof)?);
    println!("verified; the same proof with y = 36 is rejected");
    // A witness that does not satisfy the circuit is refused before any proving work.
    let wrong = Cubic {
        x: Fr::from(4u64),
        y: circuit.y,
    };
    let err = engine
        .prove(&keys.proving, wrong)
        .expect_err("x = 4 does not give y = 35");
    println!("wrong witness refused: {err}");
    Ok(())
}
