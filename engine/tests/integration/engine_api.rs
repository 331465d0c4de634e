//! The library API a marketplace links: reproducible setup and proofs from a caller's RNG, keys
//! written and read back, a stop flag that cancels a proof, and the arkworks re-exports.

use std::sync::atomic::AtomicBool;

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_engine::ark::Fr;
use sidecar_engine::{Engine, Error, Machine, Profile};
use sidecar_groth16::synthetic::Synthetic;
use sidecar_groth16::write_key_file;
use sidecar_kernels::Cpu;

fn engine() -> Engine<Cpu> {
    let rt = Profile::load("minimum")
        .unwrap()
        .apply_to(&Machine {
            cores: 2,
            ram_bytes: 8 << 30,
        })
        .unwrap();
    Engine::with_runtime(rt, Cpu::new())
}

#[test]
fn seeded_rngs_make_keys_and_proofs_reproducible() {
    let e = engine();
    let circuit = Synthetic::new(500, 3, 61);
    let pk1 = e
        .setup_key(circuit.clone(), &mut ChaCha20Rng::seed_from_u64(1))
        .unwrap();
    let pk2 = e
        .setup_key(circuit.clone(), &mut ChaCha20Rng::seed_from_u64(1))
        .unwrap();
    assert_eq!(
        pk1.verifying_key().to_bytes(),
        pk2.verifying_key().to_bytes()
    );
    let keys = e.prepare_key(&pk1).unwrap();
    let stop = AtomicBool::new(false);
    let prove = |seed: u64| {
        e.prove_with(
            &keys.proving,
            circuit.clone(),
            &mut ChaCha20Rng::seed_from_u64(seed),
            &stop,
        )
        .unwrap()
    };
    let (a, b, c) = (prove(7), prove(7), prove(8));
    assert_eq!(a, b, "the same randomness gives the same proof");
    assert_ne!(a, c);
    let x: Vec<Fr> = circuit.public_inputs();
    assert!(e.verify(&keys.verifying, &x, &a).unwrap());
    assert!(e.verify(&keys.verifying, &x, &c).unwrap());
}

#[test]
fn keys_written_and_read_back_prove_alike() {
    let e = engine();
    let circuit = Synthetic::new(300, 2, 62);
    let pk = e
        .setup_key(circuit.clone(), &mut ChaCha20Rng::seed_from_u64(2))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synthetic.pk");
    write_key_file(&path, &pk).unwrap();
    let keys = e.load_keys(&path, None).unwrap();
    let proof = e.prove(&keys.proving, circuit.clone()).unwrap();
    assert!(
        e.verify(&pk.verifying_key(), &circuit.public_inputs(), &proof)
            .unwrap()
    );
}

#[test]
fn a_raised_stop_flag_cancels_the_proof() {
    let e = engine();
    let circuit = Synthetic::new(300, 2, 63);
    let keys = e.setup(circuit.clone()).unwrap();
    let stop = AtomicBool::new(true);
    let err = e
        .prove_with(
            &keys.proving,
            circuit,
            &mut ChaCha20Rng::seed_from_u64(3),
            &stop,
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Groth16(sidecar_groth16::Error::Cancelled { .. })
        ),
        "{err}"
    );
}
