//! Non-zero checks selected by flags.

use ark_bn254::Fr;
use ark_ff::{Field, Zero};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::SynthesisError;

/// Enforces `values[j] ≠ 0` wherever `flags[j] = 1`, for flags in `{0, 1}`: one constraint
/// `values[j] · inv_j = flags[j]` each (with `flags[j] = 0`, `inv_j = 0` satisfies it).
pub fn enforce_nonzero_where(
    flags: &[FpVar<Fr>],
    values: &[FpVar<Fr>],
) -> Result<(), SynthesisError> {
    assert_eq!(flags.len(), values.len(), "one flag per value");
    for (f, v) in flags.iter().zip(values) {
        if matches!(f, FpVar::Constant(c) if c.is_zero()) {
            continue;
        }
        let cs = f.cs().or(v.cs());
        let inv = FpVar::new_witness(cs, || {
            let on = !f.value()?.is_zero();
            Ok(if on {
                v.value()?.inverse().unwrap_or(Fr::zero())
            } else {
                Fr::zero()
            })
        })?;
        v.mul_equals(&inv, f)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn satisfied(flags: &[bool], values: &[Fr]) -> bool {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let f: Vec<FpVar<Fr>> = flags
            .iter()
            .map(|b| FpVar::from(Boolean::new_witness(cs.clone(), || Ok(*b)).unwrap()))
            .collect();
        let v: Vec<FpVar<Fr>> = values
            .iter()
            .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
            .collect();
        enforce_nonzero_where(&f, &v).unwrap();
        cs.is_satisfied().unwrap()
    }

    #[test]
    fn soundness_flagged_zero_is_unsatisfiable() {
        let mut rng = ChaCha20Rng::seed_from_u64(90);
        let (a, b) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
        assert!(satisfied(&[true, true], &[a, b]));
        assert!(satisfied(&[true, false], &[a, Fr::zero()]));
        assert!(satisfied(&[false, false], &[Fr::zero(), b]));
        assert!(!satisfied(&[true, true], &[a, Fr::zero()]));
        assert!(!satisfied(&[true, false], &[Fr::zero(), b]));
    }
}
