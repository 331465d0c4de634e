use ark_bn254::Fr;
use ark_ff::{PrimeField, UniformRand};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::ConstraintSystem;
use light_poseidon::{Poseidon, PoseidonHasher};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;

fn fr_hex(s: &str) -> Fr {
    let bytes: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect();
    Fr::from_be_bytes_mod_order(&bytes)
}

#[test]
fn circomlib_vectors() {
    let one = Fr::from(1u64);
    let two = Fr::from(2u64);
    assert_eq!(
        hash(&[one, two]),
        fr_hex("115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a")
    );
    assert_eq!(
        hash(&[one]),
        fr_hex("29176100eaa962bdc1fe6c654d6a3c130e96a4d1168b33848b897dc502820133")
    );
    assert_eq!(
        hash(&[one, two, Fr::from(3u64), Fr::from(4u64)]),
        fr_hex("299c867db6c1fdd79dcefa40e4510b9837e60ebb1ce0663dbaa525df65250465")
    );
}

#[test]
fn native_matches_light_poseidon_every_arity() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for n in 1..=MAX_ARITY {
        let xs: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let expected = Poseidon::<Fr>::new_circom(n).unwrap().hash(&xs).unwrap();
        assert_eq!(hash(&xs), expected, "arity {n}");
    }
}

#[test]
fn gadget_matches_native_every_arity_and_chain() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    for n in (0..=MAX_ARITY).chain([13, 23, 40]) {
        let xs: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let cs = ConstraintSystem::<Fr>::new_ref();
        let vars: Vec<FpVar<Fr>> = xs
            .iter()
            .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
            .collect();
        let out = hash_var(&vars).unwrap();
        assert_eq!(out.value().unwrap(), hash(&xs), "length {n}");
        let expected = FpVar::new_input(cs.clone(), || Ok(hash(&xs))).unwrap();
        out.enforce_equal(&expected).unwrap();
        assert!(cs.is_satisfied().unwrap());
    }
}

#[test]
fn gadget_rejects_wrong_output() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let (a, b) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let cs = ConstraintSystem::<Fr>::new_ref();
    let va = FpVar::new_witness(cs.clone(), || Ok(a)).unwrap();
    let vb = FpVar::new_witness(cs.clone(), || Ok(b)).unwrap();
    let out = hash2_var(&va, &vb).unwrap();
    let claimed = FpVar::new_input(cs.clone(), || Ok(hash2(b, a))).unwrap();
    out.enforce_equal(&claimed).unwrap();
    assert!(!cs.is_satisfied().unwrap());
}

#[test]
fn chain_is_length_prefixed() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let xs: Vec<Fr> = (0..13).map(|_| Fr::rand(&mut rng)).collect();
    let mut manual = hash(&[
        Fr::from(13u64),
        xs[0],
        xs[1],
        xs[2],
        xs[3],
        xs[4],
        xs[5],
        xs[6],
        xs[7],
        xs[8],
        xs[9],
        xs[10],
    ]);
    manual = hash(&[manual, xs[11], xs[12]]);
    assert_eq!(hash_many(&xs), manual);
    assert_eq!(hash(&xs), manual);
    assert_ne!(hash_many(&xs[..12]), hash(&xs[..12]));
}

#[test]
fn two_to_one_constraint_count() {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let a = FpVar::new_witness(cs.clone(), || Ok(Fr::from(5u64))).unwrap();
    let b = FpVar::new_witness(cs.clone(), || Ok(Fr::from(7u64))).unwrap();
    let _ = hash2_var(&a, &b).unwrap();
    // 8 full rounds × 3 S-boxes + 57 partial rounds × 1 S-box, 3 constraints each, minus the
    // first round's S-box on the constant capacity element (folded into a constant).
    assert_eq!(cs.num_constraints(), 240);
}
