//! A circuit's R1CS enforced inside another circuit, switched on or off by a selector.
//!
//! Every R1CS constraint `(A z)(B z) = C z` is homogeneous in `z = (1, x, w)`. Replacing the
//! constant one by a boolean selector `s` gives a system that is the circuit itself when
//! `s = 1` and is satisfied by `z = 0` when `s = 0`, so one node circuit can carry several
//! circuits and pay for the one it runs with a selector, not with a valid witness of each.
//! With the selector off the system no longer pins its variables (any solution of the
//! homogeneous system satisfies it), so a caller must multiply the returned instance variables
//! by the selector before using them.

use ark_bn254::Fr;
use ark_r1cs_std::{boolean::Boolean, fields::fp::FpVar};
use ark_relations::gr1cs::{ConstraintSystemRef, LinearCombination, SynthesisError, Variable};
use sidecar_groth16::R1cs;

use ark_r1cs_std::fields::fp::AllocatedFp;

/// Enforces `r1cs` on fresh witness variables for `z[1..]`, with `selector` in the constant
/// one's place, and returns the instance variables `x` (without the constant). `z` is the
/// full assignment `(1, x, w)` when the selector is on, `None` when it is off (all zeros) or
/// when `cs` only builds the shape.
pub fn embed(
    cs: &ConstraintSystemRef<Fr>,
    r1cs: &R1cs,
    selector: &Boolean<Fr>,
    z: Option<&[Fr]>,
) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    let vars = (r1cs.num_instance + r1cs.num_witness) as usize;
    if z.is_some_and(|z| z.len() != vars) {
        return Err(SynthesisError::AssignmentMissing);
    }
    let value = |j: usize| z.map_or(Fr::from(0u64), |z| z[j]);
    let mut columns = Vec::with_capacity(vars);
    columns.push(selector.variable());
    for j in 1..vars {
        columns.push(cs.new_witness_variable(|| Ok(value(j)))?);
    }
    if cs.should_construct_matrices() {
        let lc = |m: usize, i: usize| {
            LinearCombination(
                r1cs.matrices[m]
                    .row(i)
                    .map(|(c, v)| (c, columns[v]))
                    .collect::<Vec<(Fr, Variable)>>(),
            )
        };
        for i in 0..r1cs.num_constraints() {
            cs.enforce_r1cs_constraint(|| lc(0, i), || lc(1, i), || lc(2, i))?;
        }
    }
    let instance = 1..r1cs.num_instance as usize;
    Ok(instance
        .map(|j| {
            FpVar::Var(AllocatedFp::new(
                z.map(|z| z[j]).or(Some(Fr::from(0u64))),
                columns[j],
                cs.clone(),
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use ark_ff::UniformRand;
    use ark_r1cs_std::{GR1CSVar, alloc::AllocVar, eq::EqGadget, fields::FieldVar};
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use sidecar_groth16::{assignment, synthesize_matrices};

    use super::*;

    /// `x · y = out` with `x, out` public, and `x + 3 = t` with `t` a witness.
    #[derive(Clone)]
    struct Product {
        x: Fr,
        y: Fr,
    }

    impl ConstraintSynthesizer<Fr> for Product {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let x = FpVar::new_input(cs.clone(), || Ok(self.x))?;
            let out = FpVar::new_input(cs.clone(), || Ok(self.x * self.y))?;
            let y = FpVar::new_witness(cs.clone(), || Ok(self.y))?;
            (&x * &y).enforce_equal(&out)?;
            let t = FpVar::new_witness(cs, || Ok(self.x + Fr::from(3u64)))?;
            (x + FpVar::constant(Fr::from(3u64))).enforce_equal(&t)
        }
    }

    fn run(r1cs: &R1cs, on: bool, z: Option<Vec<Fr>>) -> (bool, Vec<Fr>) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let s = Boolean::new_witness(cs.clone(), || Ok(on)).unwrap();
        let x = embed(&cs, r1cs, &s, z.as_deref()).unwrap();
        let values = x.iter().map(|v| v.value().unwrap()).collect();
        (cs.is_satisfied().unwrap(), values)
    }

    #[test]
    fn on_is_the_circuit_and_off_is_free() {
        let mut rng = ChaCha20Rng::seed_from_u64(40);
        let c = Product {
            x: Fr::rand(&mut rng),
            y: Fr::rand(&mut rng),
        };
        let r1cs = synthesize_matrices(c.clone()).unwrap();
        let z = assignment(c.clone(), &r1cs).unwrap();
        let (ok, x) = run(&r1cs, true, Some(z.clone()));
        assert!(ok);
        assert_eq!(x, vec![c.x, c.x * c.y]);
        assert!(run(&r1cs, false, None).0, "off with zeros");

        let mut forged = z.clone();
        forged[2] += Fr::from(1u64);
        assert!(!run(&r1cs, true, Some(forged)).0, "a wrong output");

        // Off, the system does not pin its variables (here an honest assignment satisfies it
        // with nonzero outputs), which is why callers mask the outputs with the selector.
        let (ok, x) = run(&r1cs, false, Some(z));
        assert!(ok && x.iter().any(|v| *v != Fr::from(0u64)));
    }
}
