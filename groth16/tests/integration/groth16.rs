//! Our prover against ark-groth16's verifier on random synthetic circuits.

use ark_bn254::Fr;
use ark_ff::{One, UniformRand};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::Error;
use sidecar_groth16::synthetic::Synthetic;
use sidecar_groth16::{Groth16, Proof};

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

#[test]
fn proofs_of_random_circuits_verify_under_ark_groth16() {
    let g = Groth16::new(sidecar_kernels::Cpu::new());
    for (i, &(m, k)) in [(1usize, 1usize), (5, 2), (100, 3), (1000, 7), (3000, 1)]
        .iter()
        .enumerate()
    {
        let circuit = Synthetic::new(m, k, 1000 + i as u64);
        let pk = g.setup(circuit.clone(), &mut rng(i as u64)).unwrap();
        let prepared = g.prepare(&pk).unwrap();
        let vk = prepared.verifying_key();
        let x = circuit.public_inputs();
        let proof = g
            .prove(&prepared, circuit.clone(), &mut rng(77 + i as u64))
            .unwrap();
        assert!(
            g.verify(&vk, &x, &proof).unwrap(),
            "size {m}: honest proof rejected"
        );
        // Fresh randomness: a second proof of the same statement differs but verifies.
        let proof2 = g
            .prove(&prepared, circuit, &mut rng(99 + i as u64))
            .unwrap();
        assert_ne!(proof, proof2);
        assert!(g.verify(&vk, &x, &proof2).unwrap());
    }
}

#[test]
fn flipped_public_input_and_tampered_proofs_fail() {
    let g = Groth16::new(sidecar_kernels::Cpu::new());
    let circuit = Synthetic::new(300, 4, 5);
    let pk = g.setup(circuit.clone(), &mut rng(1)).unwrap();
    let prepared = g.prepare(&pk).unwrap();
    let vk = pk.verifying_key();
    let x = circuit.public_inputs();
    let proof = g.prove(&prepared, circuit, &mut rng(2)).unwrap();
    assert!(g.verify(&vk, &x, &proof).unwrap());
    for i in 0..x.len() {
        let mut bad = x.clone();
        bad[i] += Fr::one();
        assert!(
            !g.verify(&vk, &bad, &proof).unwrap(),
            "flipped input {i} accepted"
        );
    }
    let mut r = rng(3);
    let mut tampered = proof.clone();
    tampered.0.a = (tampered.0.a + ark_bn254::G1Affine::rand(&mut r)).into();
    assert!(!g.verify(&vk, &x, &tampered).unwrap());
    let mut tampered = proof.clone();
    tampered.0.c = (tampered.0.c + ark_bn254::G1Affine::rand(&mut r)).into();
    assert!(!g.verify(&vk, &x, &tampered).unwrap());
    let mut tampered = proof;
    tampered.0.b = (tampered.0.b + ark_bn254::G2Affine::rand(&mut r)).into();
    assert!(!g.verify(&vk, &x, &tampered).unwrap());
    assert!(matches!(
        g.verify(&vk, &x[1..], &tampered),
        Err(Error::PublicInputCount {
            expected: 4,
            given: 3
        })
    ));
}

#[test]
fn unsatisfied_witness_is_rejected_before_proving() {
    let g = Groth16::new(sidecar_kernels::Cpu::new());
    let circuit = Synthetic::new(200, 2, 9);
    let pk = g.setup(circuit.clone(), &mut rng(4)).unwrap();
    let prepared = g.prepare(&pk).unwrap();
    for bad in [0usize, 57, 199] {
        let err = g
            .prove(&prepared, circuit.clone().corrupt(bad), &mut rng(5))
            .unwrap_err();
        assert!(
            matches!(err, Error::Unsatisfied { index, total: 200 } if index == bad),
            "{err}"
        );
    }
    // A circuit of another shape is refused by the key.
    let other = Synthetic::new(201, 2, 9);
    assert!(matches!(
        g.prove(&prepared, other, &mut rng(6)),
        Err(Error::ShapeMismatch { .. })
    ));
}

#[test]
fn proof_encodings_round_trip_and_reject_garbage() {
    let g = Groth16::new(sidecar_kernels::Cpu::new());
    let circuit = Synthetic::new(50, 1, 11);
    let pk = g.setup(circuit.clone(), &mut rng(7)).unwrap();
    let proof = g
        .prove(&g.prepare(&pk).unwrap(), circuit, &mut rng(8))
        .unwrap();
    let evm = proof.to_bytes_256();
    assert_eq!(Proof::from_bytes_256(&evm).unwrap(), proof);
    let ark = proof.to_bytes();
    assert_eq!(ark.len(), 128);
    assert_eq!(Proof::from_bytes(&ark).unwrap(), proof);
    let mut bad = evm;
    bad[63] ^= 1; // A.y changes: off the curve
    assert!(Proof::from_bytes_256(&bad).is_err());
    let mut bad = evm;
    bad[0] = 0xff; // A.x ≥ p
    assert!(Proof::from_bytes_256(&bad).is_err());
    assert!(Proof::from_bytes_256(&evm[..255]).is_err());
}

#[test]
fn a_key_prepared_by_move_proves_like_one_prepared_by_reference() {
    let g = Groth16::new(sidecar_kernels::Cpu::new());
    let circuit = Synthetic::new(200, 2, 31);
    let pk = g.setup(circuit.clone(), &mut rng(32)).unwrap();
    let by_ref = g.prepare(&pk).unwrap();
    let moved = sidecar_groth16::PreparedKey::from_key(g.backend(), pk).unwrap();
    assert_eq!(moved.circuit_digest(), by_ref.circuit_digest());
    assert_eq!(
        moved.verifying_key().inner(),
        by_ref.verifying_key().inner()
    );
    // The same randomness gives the same proof under both.
    let a = g.prove(&moved, circuit.clone(), &mut rng(33)).unwrap();
    let b = g.prove(&by_ref, circuit.clone(), &mut rng(33)).unwrap();
    assert_eq!(a, b);
    assert!(
        g.verify(&moved.verifying_key(), &circuit.public_inputs(), &a)
            .unwrap()
    );
}

/// The CPU backend, reporting its BN254 G1 bases as resident on a device: the prover then runs
/// the G2 MSM beside the G1 MSMs, as it does on a GPU.
#[derive(Default)]
struct DeviceLike(sidecar_kernels::Cpu);

impl<P: ark_ec::short_weierstrass::SWCurveConfig> sidecar_kernels::Msm<P> for DeviceLike {
    type Prepared = <sidecar_kernels::Cpu as sidecar_kernels::Msm<P>>::Prepared;

    fn prepare(
        &self,
        bases: &[ark_ec::short_weierstrass::Affine<P>],
    ) -> sidecar_kernels::Result<Self::Prepared> {
        self.0.prepare(bases)
    }

    fn prepared_len(&self, prepared: &Self::Prepared) -> usize {
        self.0.prepared_len(prepared)
    }

    fn on_device(&self, _: &Self::Prepared) -> bool {
        std::any::TypeId::of::<P>() == std::any::TypeId::of::<ark_bn254::g1::Config>()
    }

    fn msm_prepared_batch(
        &self,
        prepared: &Self::Prepared,
        scalars: &[&[P::ScalarField]],
    ) -> sidecar_kernels::Result<Vec<ark_ec::short_weierstrass::Projective<P>>> {
        self.0.msm_prepared_batch(prepared, scalars)
    }
}

impl sidecar_kernels::Ntt<Fr> for DeviceLike {
    fn ntt_batch(
        &self,
        values: &mut [Fr],
        size: usize,
        dir: sidecar_kernels::Direction,
    ) -> sidecar_kernels::Result<()> {
        self.0.ntt_batch(values, size, dir)
    }
}

#[test]
fn proofs_with_g1_on_a_device_verify_under_ark_groth16() {
    let g = Groth16::new(DeviceLike::default());
    let circuit = Synthetic::new(2000, 3, 31);
    let pk = g.setup(circuit.clone(), &mut rng(31)).unwrap();
    let prepared = g.prepare(&pk).unwrap();
    let vk = prepared.verifying_key();
    let x = circuit.public_inputs();
    let proof = g.prove(&prepared, circuit, &mut rng(32)).unwrap();
    assert!(g.verify(&vk, &x, &proof).unwrap());
    let mut bad = x.clone();
    bad[0] += Fr::one();
    assert!(!g.verify(&vk, &bad, &proof).unwrap());
}
