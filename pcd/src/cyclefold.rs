//! The CycleFold circuit: one point random linear combination on BN254 G1, proven over `Fq`
//! (G1's base field, Grumpkin's scalar field) so the group law is native there.
//!
//! Public inputs, in order: `rho` (the 128-bit folding challenge), `P0.x, P0.y, P1.x, P1.y`,
//! `Q.x, Q.y`; the circuit enforces `Q = P0 + rho * P1`. The node circuit computes these seven
//! public inputs itself from the commitments it hashes and the challenge its transcript
//! squeezed, so a CycleFold instance folded by a node is bound to that node's fold.

use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::{alloc::AllocVar, fields::fp::FpVar, groups::CurveVar};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use sonobe_ivc::compilers::cyclefold::circuits::CycleFoldCircuit;
use sonobe_primitives::{
    algebra::{Val, ops::bits::ToBitsGadgetExt},
    circuits::WitnessToPublic,
};

use crate::types::{CHALLENGE_BITS, Fq, Fr, G1};

/// Number of public inputs of [`PointRlcCircuit`].
pub(crate) const CF_PUBLIC_INPUTS: usize = 7;

/// Witness for one CycleFold step: `Q = P0 + rho * P1` on G1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointRlcCircuit {
    /// The challenge, little-endian, [`CHALLENGE_BITS`] bits.
    pub rho_bits: Vec<bool>,
    /// `P0`.
    pub p0: G1,
    /// `P1`.
    pub p1: G1,
}

impl PointRlcCircuit {
    /// The circuit for challenge bits `rho_bits` (as squeezed from the node's transcript).
    pub fn new(rho_bits: Vec<bool>, p0: G1, p1: G1) -> Self {
        Self { rho_bits, p0, p1 }
    }

    /// The challenge bits of an `Fr` challenge `rho < 2^128`.
    pub fn bits_of(rho: Fr) -> Vec<bool> {
        let mut bits = rho.into_bigint().to_bits_le();
        bits.truncate(CHALLENGE_BITS);
        bits
    }
}

impl Default for PointRlcCircuit {
    fn default() -> Self {
        Self {
            rho_bits: vec![false; CHALLENGE_BITS],
            p0: G1::default(),
            p1: G1::default(),
        }
    }
}

impl CycleFoldCircuit<Fq> for PointRlcCircuit {
    fn verify_point_rlc(&self, cs: ConstraintSystemRef<Fq>) -> Result<(), SynthesisError> {
        if self.rho_bits.len() != CHALLENGE_BITS {
            return Err(SynthesisError::Unsatisfiable);
        }
        let rho = FpVar::new_input(cs.clone(), || {
            Ok(Fq::from(<Fq as PrimeField>::BigInt::from_bits_le(
                &self.rho_bits,
            )))
        })?;
        let rho_bits = rho.to_n_bits_le(CHALLENGE_BITS)?;
        let p0 = <G1 as Val>::Var::new_witness(cs.clone(), || Ok(self.p0))?;
        let p1 = <G1 as Val>::Var::new_witness(cs, || Ok(self.p1))?;
        p0.mark_as_public()?;
        p1.mark_as_public()?;
        (p1.scalar_mul_le(rho_bits.iter())? + &p0).mark_as_public()
    }
}

#[cfg(test)]
mod tests {
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_ff::UniformRand;
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use sonobe_primitives::{
        arithmetizations::r1cs::R1CS,
        circuits::{ArithExtractor, AssignmentsExtractor},
        relations::Relation,
    };

    use super::*;

    #[test]
    fn public_inputs_are_rho_and_the_three_points() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let (p0, p1) = (G1::rand(&mut rng), G1::rand(&mut rng));
        let rho = Fr::from(u128::rand(&mut rng));
        let circuit = PointRlcCircuit::new(PointRlcCircuit::bits_of(rho), p0, p1);
        let cs = ConstraintSystem::<Fq>::new_ref();
        circuit.verify_point_rlc(cs.clone()).unwrap();
        assert!(cs.is_satisfied().unwrap());
        let q = p0 + p1 * rho;
        let xy = |p: G1| {
            let (x, y) = p.into_affine().xy().unwrap();
            [x, y]
        };
        let mut expected = vec![Fq::from(rho.into_bigint())];
        for p in [p0, p1, q] {
            expected.extend(xy(p));
        }
        assert_eq!(cs.instance_assignment().unwrap()[1..], expected[..]);
        assert_eq!(cs.num_instance_variables() - 1, CF_PUBLIC_INPUTS);
    }

    #[test]
    fn wrong_public_inputs_do_not_satisfy() {
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let rho = Fr::from(u128::rand(&mut rng));
        let circuit = PointRlcCircuit::new(
            PointRlcCircuit::bits_of(rho),
            G1::rand(&mut rng),
            G1::rand(&mut rng),
        );
        let cs = ArithExtractor::<Fq>::new();
        cs.execute_fn(|cs| PointRlcCircuit::default().verify_point_rlc(cs))
            .unwrap();
        let r1cs: R1CS<Fq> = cs.arith().unwrap();
        let cs = AssignmentsExtractor::<Fq>::new();
        cs.execute_fn(|cs| circuit.verify_point_rlc(cs)).unwrap();
        let z = cs.assignments().unwrap();
        r1cs.check_relation(&z.private, &z.public).unwrap();
        // Public inputs: rho, P0.x, P0.y, P1.x, P1.y, Q.x, Q.y. Changing rho, P1 or Q breaks it.
        for idx in [0, 3, 5, 6] {
            let mut x = z.public.clone();
            x[idx] += Fq::from(1u64);
            assert!(r1cs.check_relation(&z.private, &x).is_err(), "input {idx}");
        }
    }

    #[test]
    fn wrong_challenge_length_is_refused() {
        let circuit = PointRlcCircuit::new(vec![true; 3], G1::default(), G1::default());
        let cs = ConstraintSystem::<Fq>::new_ref();
        assert!(circuit.verify_point_rlc(cs).is_err());
    }
}
