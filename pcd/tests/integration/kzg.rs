//! KZG on BN254: snarkjs ceremony files are read and their powers open KZG commitments; the
//! dev ceremony round-trips through our file; every tampering of either is refused by name.
//! Folding keys on an SRS: the node-circuit generators are its powers of τ, so the accumulators
//! a tree folds into are KZG commitments that open under the SRS, and the decider accepts
//! exactly as with hashed generators.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use ark_bn254::Fr;
use ark_ec::CurveGroup;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{
    ChainStep, Error, KzgKey, Opening, Origin, Srs, decide, prove_leaf, prove_pair, read_ptau,
    setup_on_srs,
};

/// `$SIDECAR_SNARKJS`, else the one `scripts/node-deps.sh` installs.
fn snarkjs() -> PathBuf {
    std::env::var_os("SIDECAR_SNARKJS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../node-shim/node_modules/.bin/snarkjs")
        })
}

fn run_snarkjs(dir: &Path, args: &[&str]) {
    let bin = snarkjs();
    assert!(
        bin.exists(),
        "snarkjs not found at {}: run scripts/node-deps.sh",
        bin.display()
    );
    let out = Command::new(&bin)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("snarkjs runs");
    assert!(
        out.status.success(),
        "snarkjs {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A two-contribution ceremony of power 5 (63 G1 powers): `(contributed, prepared)` files.
fn ceremony(dir: &Path) -> (PathBuf, PathBuf) {
    run_snarkjs(dir, &["powersoftau", "new", "bn128", "5", "p0.ptau"]);
    run_snarkjs(
        dir,
        &[
            "powersoftau",
            "contribute",
            "p0.ptau",
            "p1.ptau",
            "--name=a",
            "-e=sidecar test a",
        ],
    );
    run_snarkjs(
        dir,
        &[
            "powersoftau",
            "contribute",
            "p1.ptau",
            "p2.ptau",
            "--name=b",
            "-e=sidecar test b",
        ],
    );
    run_snarkjs(
        dir,
        &["powersoftau", "prepare", "phase2", "p2.ptau", "final.ptau"],
    );
    (dir.join("p2.ptau"), dir.join("final.ptau"))
}

/// Body offset of section `kind` in a `.ptau` file.
fn section(bytes: &[u8], kind: u32) -> usize {
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
    let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap()) as usize;
    let mut at = 12;
    for _ in 0..u32_at(8) {
        if u32_at(at) == kind {
            return at + 12;
        }
        at += 12 + u64_at(at + 4);
    }
    panic!("no section {kind}");
}

fn refused(path: &Path, bytes: &[u8], powers: usize) -> String {
    std::fs::write(path, bytes).unwrap();
    match read_ptau(path, powers) {
        Err(Error::Srs { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn opens(srs: &Srs) {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let key = KzgKey::new(srs, AnyBackend::Cpu(Cpu::new())).unwrap();
    let p: Vec<Fr> = (0..srs.len()).map(|_| Fr::rand(&mut rng)).collect();
    let c = key.commit(&p).unwrap();
    let opening = key.open(&p, c, Fr::rand(&mut rng)).unwrap();
    assert!(key.verifier().verify(&[opening]));
}

#[test]
fn a_snarkjs_ceremony_is_read_and_its_powers_open_kzg() {
    let dir = tempfile::tempdir().unwrap();
    let (contributed, prepared) = ceremony(dir.path());
    let srs = read_ptau(&prepared, 63).unwrap();
    assert_eq!(srs.len(), 63);
    assert!(matches!(srs.origin(), Origin::Ptau { power: 5, .. }));
    assert_eq!(
        srs.powers_g1(),
        read_ptau(&contributed, 63).unwrap().powers_g1()
    );
    assert_eq!(
        read_ptau(&prepared, 8).unwrap().powers_g1(),
        &srs.powers_g1()[..8]
    );
    opens(&srs);
    let again = Srs::from_bytes(&srs.to_bytes()).unwrap();
    assert_eq!(again, srs);
    assert!(
        read_ptau(&prepared, 64).is_err(),
        "more powers than the file holds"
    );
}

#[test]
fn soundness_a_tampered_ceremony_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, prepared) = ceremony(dir.path());
    let honest = std::fs::read(&prepared).unwrap();
    let bad = dir.path().join("bad.ptau");
    let g1 = section(&honest, 2);
    let g2 = section(&honest, 3);

    let mut b = honest.clone();
    b[g1 + 3 * 64 + 5] ^= 1;
    let why = refused(&bad, &b, 63);
    assert!(why.contains("power 3"), "{why}");

    let mut b = honest.clone();
    b.copy_within(g1 + 4 * 64..g1 + 5 * 64, g1 + 3 * 64);
    assert!(refused(&bad, &b, 63).contains("successive powers"));

    let mut b = honest.clone();
    b.copy_within(g2 + 2 * 128..g2 + 3 * 128, g2 + 128);
    assert!(refused(&bad, &b, 63).contains("successive powers"));

    let mut b = honest.clone();
    b.copy_within(g1 + 64..g1 + 128, g1);
    assert!(refused(&bad, &b, 63).contains("generator"));

    let mut b = honest.clone();
    b[section(&honest, 1) + 4] ^= 1;
    assert!(refused(&bad, &b, 63).contains("BN254"));

    assert!(refused(&bad, &honest[..g1 + 100], 63).contains("past the end"));
    assert!(refused(&bad, b"not a ceremony file", 63).contains("magic"));
    assert!(refused(&bad, &honest, 1).contains("at least 2"));
}

#[test]
fn the_dev_srs_round_trips_and_a_changed_file_is_refused() {
    let srs = Srs::dev(40).unwrap();
    assert_eq!(srs.origin(), &Origin::Dev);
    assert_eq!(Srs::dev(40).unwrap().digest(), srs.digest(), "reproducible");
    opens(&srs);
    let bytes = srs.to_bytes();
    assert_eq!(Srs::from_bytes(&bytes).unwrap(), srs);

    let header = 12 + 4 + 1 + 8;
    let mut swapped = bytes.clone();
    swapped.copy_within(header + 5 * 64..header + 6 * 64, header + 4 * 64);
    assert!(matches!(Srs::from_bytes(&swapped), Err(Error::Srs { .. })));
    assert!(matches!(
        Srs::from_bytes(&bytes[..bytes.len() - 1]),
        Err(Error::Srs { .. })
    ));
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(Srs::from_bytes(&longer), Err(Error::Srs { .. })));
    let mut flipped = bytes;
    flipped[header + 7 * 64 + 3] ^= 0x10;
    assert!(matches!(Srs::from_bytes(&flipped), Err(Error::Srs { .. })));
}

fn cpu() -> AnyBackend {
    AnyBackend::Cpu(Cpu::new())
}

#[test]
fn a_tree_folded_on_an_srs_opens_its_accumulator_with_kzg() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let srs = Srs::dev(1 << 18).unwrap();
    let keys = setup_on_srs(
        ChainStep::new(1),
        &srs,
        cpu(),
        ChaCha20Rng::seed_from_u64(1),
    )
    .unwrap();

    let a = prove_leaf(&keys, Fr::rand(&mut rng), &mut rng).unwrap();
    let b = prove_leaf(&keys, Fr::rand(&mut rng), &mut rng).unwrap();
    let node = prove_pair(&keys, &a, &b, &mut rng).unwrap();
    decide(&keys, &node).unwrap();

    let kzg = KzgKey::new(&srs, cpu()).unwrap();
    let (acc, wit) = (&node.running_u, &node.running_w);
    assert_eq!(kzg.commit(&wit.w).unwrap(), acc.cm_w.into_affine());
    assert_eq!(kzg.commit(&wit.e).unwrap(), acc.cm_e.into_affine());
    let z = Fr::rand(&mut rng);
    let openings = [
        kzg.open(&wit.w, acc.cm_w.into_affine(), z).unwrap(),
        kzg.open(&wit.e, acc.cm_e.into_affine(), z).unwrap(),
    ];
    assert!(kzg.verifier().verify(&openings));
    assert!(!kzg.verifier().verify(&[Opening {
        commitment: openings[1].commitment,
        ..openings[0]
    }]));
}

#[test]
fn an_srs_shorter_than_the_node_circuit_is_refused() {
    let srs = Srs::dev(1 << 10).unwrap();
    match setup_on_srs(
        ChainStep::new(1),
        &srs,
        cpu(),
        ChaCha20Rng::seed_from_u64(1),
    ) {
        Err(Error::Srs { reason }) => assert!(reason.contains("powers"), "{reason}"),
        Err(e) => panic!("expected an SRS error, got {e}"),
        Ok(_) => panic!("expected an SRS error, got keys"),
    }
}
