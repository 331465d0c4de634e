//! Commit-and-prove Groth16 on random values: honest proofs verify (and are ordinary Groth16
//! proofs under ark-groth16's verifier once the committed values are revealed); every
//! tampering of the commitment, its knowledge element, the binding data, the challenge, the
//! public inputs or the proof is rejected.

use ark_bn254::{Fr, G1Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{One, UniformRand};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::synthetic::Evaluation;
use sidecar_groth16::{
    CommittedKey, CommittedProof, Error, Groth16, KeyFile, KeyFileError, PreparedCommittedKey,
    challenge, prove_committed, verify_committed, write_committed_key_file, write_key_file,
};
use sidecar_kernels::Cpu;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn random(k: usize, rng: &mut ChaCha20Rng) -> Vec<Fr> {
    (0..k).map(|_| Fr::rand(rng)).collect()
}

struct Setup {
    key: CommittedKey,
    prepared: PreparedCommittedKey<Cpu>,
}

/// Keys for one segment of `k` values.
fn setup(k: usize, seed: u64) -> Setup {
    setup_segments(&[k], seed)
}

fn setup_segments(lengths: &[usize], seed: u64) -> Setup {
    let k = lengths.iter().sum();
    let key = CommittedKey::generate(Evaluation::shape(lengths), k, &mut rng(seed)).unwrap();
    let prepared = PreparedCommittedKey::new(&Cpu::new(), &key).unwrap();
    Setup { key, prepared }
}

/// Proves one segment holding `values`.
fn prove(s: &Setup, bind: &[u8], values: &[Fr], seed: u64) -> (CommittedProof, Vec<Fr>) {
    prove_segments(s, bind, &[values.to_vec()], seed)
}

fn prove_segments(
    s: &Setup,
    bind: &[u8],
    segments: &[Vec<Fr>],
    seed: u64,
) -> (CommittedProof, Vec<Fr>) {
    prove_committed(
        &Cpu::new(),
        &s.prepared,
        bind,
        &segments.concat(),
        |zeta| Evaluation::new(segments.to_vec(), zeta),
        &mut rng(seed),
    )
    .unwrap()
}

#[test]
fn committed_proofs_verify_and_are_groth16_proofs_under_ark() {
    let shapes: [&[usize]; 4] = [&[2], &[3, 2], &[40, 24, 1], &[200, 100]];
    for (i, lengths) in shapes.into_iter().enumerate() {
        let s = setup_segments(lengths, i as u64);
        let mut r = rng(100 + i as u64);
        let segments: Vec<Vec<Fr>> = lengths.iter().map(|&n| random(n, &mut r)).collect();
        let bind = Fr::rand(&mut r).to_string();
        let (proof, x) = prove_segments(&s, bind.as_bytes(), &segments, 7);
        let vk = s.prepared.verifying_key();
        assert!(
            verify_committed(vk, bind.as_bytes(), &x, &proof).unwrap(),
            "{lengths:?}"
        );
        let zeta = challenge(bind.as_bytes(), &proof.commitment);
        assert_eq!(x, Evaluation::new(segments.clone(), zeta).outputs());
        // Revealed, the committed values are plain public inputs of a Groth16 proof.
        let revealed = [segments.concat(), vec![zeta], x].concat();
        let g = Groth16::new(Cpu::new());
        assert!(
            g.verify(&s.key.key.verifying_key(), &revealed, &proof.proof)
                .unwrap()
        );
    }
}

#[test]
fn soundness_tampered_commit_and_prove_proofs_are_rejected() {
    let k = 16;
    let s = setup(k, 1);
    let vk = s.prepared.verifying_key();
    let mut r = rng(2);
    let values = random(k, &mut r);
    let bind = b"accumulator commitments";
    let (proof, x) = prove(&s, bind, &values, 3);
    assert!(verify_committed(vk, bind, &x, &proof).unwrap());

    let other_values = random(k, &mut r);
    let (other, other_x) = prove(&s, bind, &other_values, 4);
    assert!(verify_committed(vk, bind, &other_x, &other).unwrap());

    let ic = &s.key.key.crs.vk.gamma_abc_g1;
    let shifted = |p: G1Affine, by: G1Affine| (p + by).into_affine();
    let random_point = (G1Affine::generator() * Fr::rand(&mut r)).into_affine();
    let mut forgeries: Vec<(&str, CommittedProof, Vec<Fr>, &[u8])> = Vec::new();
    let mut with = |name, f: &dyn Fn(&mut CommittedProof)| {
        let mut p = proof.clone();
        f(&mut p);
        forgeries.push((name, p, x.clone(), bind));
    };
    with("another commitment and its knowledge element", &|p| {
        p.commitment = other.commitment;
        p.knowledge = other.knowledge;
    });
    with(
        "commitment outside the committed bases (the challenge's)",
        &|p| {
            p.commitment = shifted(p.commitment, ic[k + 1]);
        },
    );
    with(
        "commitment plus a committed base, knowledge unchanged",
        &|p| {
            p.commitment = shifted(p.commitment, ic[1]);
        },
    );
    with("knowledge element changed", &|p| {
        p.knowledge = shifted(p.knowledge, random_point);
    });
    with("commitment and knowledge both the identity", &|p| {
        p.commitment = G1Affine::identity();
        p.knowledge = G1Affine::identity();
    });
    with("Groth16 proof of other values", &|p| {
        p.proof = other.proof.clone()
    });
    with("A changed", &|p| {
        p.proof.0.a = shifted(p.proof.0.a, random_point)
    });
    with("C changed", &|p| {
        p.proof.0.c = shifted(p.proof.0.c, random_point)
    });
    forgeries.push((
        "claimed value changed",
        proof.clone(),
        vec![x[0] + Fr::one(), x[1]],
        bind,
    ));
    forgeries.push((
        "statement changed",
        proof.clone(),
        vec![x[0], x[1] + Fr::one()],
        bind,
    ));
    forgeries.push((
        "another value's claim",
        proof.clone(),
        other_x.clone(),
        bind,
    ));
    forgeries.push((
        "other binding data",
        proof.clone(),
        x.clone(),
        b"accumulator commitmentz",
    ));
    for (name, p, inputs, b) in forgeries {
        assert!(
            !verify_committed(vk, b, &inputs, &p).unwrap(),
            "accepted: {name}"
        );
    }
}

#[test]
fn soundness_a_challenge_not_from_the_transcript_is_rejected() {
    let k = 8;
    let s = setup(k, 5);
    let vk = s.prepared.verifying_key();
    let mut r = rng(6);
    let values = random(k, &mut r);
    let bind = b"bind";
    let (honest, _) = prove(&s, bind, &values, 7);
    // A prover that picks ζ itself: the honest prover refuses such a circuit...
    let chosen = Fr::rand(&mut r);
    let refused = prove_committed(
        &Cpu::new(),
        &s.prepared,
        bind,
        &values,
        |_| Evaluation::new(vec![values.clone()], chosen),
        &mut rng(8),
    );
    assert!(
        matches!(refused, Err(Error::CommittedLayout { .. })),
        "{refused:?}"
    );
    // ...and a plain Groth16 proof for it, under the honest commitment, is rejected.
    let g = Groth16::new(Cpu::new());
    let inner = g.prepare(&s.key.key).unwrap();
    let circuit = Evaluation::new(vec![values.clone()], chosen);
    let forged = CommittedProof {
        proof: g.prove(&inner, circuit.clone(), &mut rng(9)).unwrap(),
        ..honest
    };
    assert!(!verify_committed(vk, bind, &circuit.outputs(), &forged).unwrap());
}

#[test]
fn values_outside_the_layout_are_an_error() {
    let k = 4;
    let s = setup(k, 10);
    let mut r = rng(11);
    let values = random(k, &mut r);
    let other = random(k, &mut r);
    let prove_with = |given: &[Fr], circuit_values: Vec<Fr>| {
        prove_committed(
            &Cpu::new(),
            &s.prepared,
            b"",
            given,
            |zeta| Evaluation::new(vec![circuit_values], zeta),
            &mut rng(12),
        )
    };
    for (name, result) in [
        ("circuit holds other values", prove_with(&values, other)),
        (
            "too few values",
            prove_with(&values[..k - 1], values.clone()),
        ),
    ] {
        assert!(
            matches!(result, Err(Error::CommittedLayout { .. })),
            "{name}: {result:?}"
        );
    }
    let (proof, x) = prove(&s, b"", &values, 13);
    let vk = s.prepared.verifying_key();
    let wrong = [x.clone(), x].concat();
    assert!(matches!(
        verify_committed(vk, b"", &wrong, &proof),
        Err(Error::PublicInputCount {
            expected: 2,
            given: 4
        })
    ));
    // A key needs room for the challenge after the committed values.
    let too_many = CommittedKey::generate(Evaluation::shape(&[k]), k + 3, &mut rng(14));
    assert!(matches!(too_many, Err(Error::CommittedLayout { .. })));
    // The challenge depends on the binding data.
    assert_ne!(
        challenge(b"a", &proof.commitment),
        challenge(b"", &proof.commitment)
    );
}

#[test]
fn a_committed_key_prepared_by_move_proves_like_one_prepared_by_reference() {
    let s = setup(5, 40);
    let moved = Setup {
        prepared: PreparedCommittedKey::from_key(&Cpu::new(), s.key.clone()).unwrap(),
        key: s.key.clone(),
    };
    let values = random(5, &mut rng(41));
    assert_eq!(
        prove(&s, b"bind", &values, 42),
        prove(&moved, b"bind", &values, 42)
    );
}

/// A commit-and-prove key written to a key file reads back whole; proofs under the key prepared from the file
/// verify under the original's verifying key; a flipped byte in the commit section, or a plain
/// key read as a committed one, is refused by name.
#[test]
fn committed_keys_round_trip_through_key_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("decider.key");
    let s = setup_segments(&[30, 10], 41);
    write_committed_key_file(&path, &s.key).unwrap();
    let file = KeyFile::open(&path, Some(s.key.key.digest)).unwrap();
    let read = file.to_committed_key().unwrap();
    assert_eq!(read, s.key);
    // Prepared straight from the file, one query at a time: the same key.
    let again = Setup {
        prepared: file.prepare_committed(&Cpu::new()).unwrap(),
        key: read,
    };
    assert_eq!(
        again.prepared.verifying_key().sigma_g2,
        s.key.sigma_g2,
        "σ·G2 read back"
    );
    let mut r = rng(42);
    let segments = vec![random(30, &mut r), random(10, &mut r)];
    let (proof, x) = prove_segments(&again, b"bind", &segments, 43);
    assert!(verify_committed(s.prepared.verifying_key(), b"bind", &x, &proof).unwrap());

    let len = std::fs::metadata(&path).unwrap().len() as usize;
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[len - 1] ^= 0x10;
    std::fs::write(&path, &bytes).unwrap();
    match KeyFile::open(&path, None).err() {
        Some(Error::KeyFile { kind, .. }) => assert_eq!(
            kind,
            KeyFileError::Checksum {
                section: "commit".into()
            }
        ),
        other => panic!("{other:?}"),
    }

    let plain = dir.path().join("plain.key");
    write_key_file(&plain, &s.key.key).unwrap();
    let err = KeyFile::open(&plain, None)
        .unwrap()
        .to_committed_key()
        .unwrap_err();
    assert!(
        err.to_string().contains("not a commit-and-prove key"),
        "{err}"
    );
}
