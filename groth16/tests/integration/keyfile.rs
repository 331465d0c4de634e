//! Key files: round trip through disk and memory map, and a clear error for each corruption.

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::synthetic::Synthetic;
use sidecar_groth16::{Error, KeyFileError};
use sidecar_groth16::{Groth16, KeyFile, ProvingKey, write_key_file};
use std::path::{Path, PathBuf};

fn key(m: usize, seed: u64) -> (Synthetic, ProvingKey) {
    let circuit = Synthetic::new(m, 3, seed);
    let pk = Groth16::new(sidecar_kernels::Cpu::new())
        .setup(circuit.clone(), &mut ChaCha20Rng::seed_from_u64(seed))
        .unwrap();
    (circuit, pk)
}

fn written(dir: &Path, pk: &ProvingKey) -> PathBuf {
    let path = dir.join("circuit.pk");
    write_key_file(&path, pk).unwrap();
    path
}

fn kind(err: Error) -> KeyFileError {
    match err {
        Error::KeyFile { kind, .. } => kind,
        other => panic!("expected a key file error, got {other}"),
    }
}

fn rewrite(path: &Path, f: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = std::fs::read(path).unwrap();
    f(&mut bytes);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn round_trip_proves_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (circuit, pk) = key(500, 21);
    let path = written(dir.path(), &pk);
    let file = KeyFile::open(&path, Some(pk.digest)).unwrap();
    assert_eq!(file.to_proving_key().unwrap(), pk);
    let g = Groth16::new(sidecar_kernels::Cpu::new());
    let prepared = file.prepare(g.backend()).unwrap();
    assert_eq!(prepared.circuit_digest(), pk.digest);
    let proof = g
        .prove(
            &prepared,
            circuit.clone(),
            &mut ChaCha20Rng::seed_from_u64(3),
        )
        .unwrap();
    let vk = file.verifying_key().unwrap();
    assert!(g.verify(&vk, &circuit.public_inputs(), &proof).unwrap());
}

#[test]
fn each_corruption_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (_, pk) = key(64, 22);
    let path = written(dir.path(), &pk);
    let len = std::fs::metadata(&path).unwrap().len() as usize;
    let open = |p: &Path| KeyFile::open(p, None).err().map(kind);

    // A flipped byte in a section body (last byte: inside the L query).
    rewrite(&path, |b| b[len - 1] ^= 0x40);
    assert_eq!(
        open(&path),
        Some(KeyFileError::Checksum {
            section: "L".into()
        })
    );

    // A flipped byte in the header's section table.
    write_key_file(&path, &pk).unwrap();
    rewrite(&path, |b| b[70] ^= 1);
    assert_eq!(
        open(&path),
        Some(KeyFileError::Checksum {
            section: "header".into()
        })
    );

    // Truncated body and truncated header.
    write_key_file(&path, &pk).unwrap();
    rewrite(&path, |b| b.truncate(len - 10));
    assert!(matches!(open(&path), Some(KeyFileError::Truncated { .. })));
    rewrite(&path, |b| b.truncate(20));
    assert!(matches!(open(&path), Some(KeyFileError::Truncated { .. })));

    // Another format version, and not a key at all.
    write_key_file(&path, &pk).unwrap();
    rewrite(&path, |b| b[8] = 9);
    assert_eq!(
        open(&path),
        Some(KeyFileError::UnsupportedVersion {
            found: 9,
            supported: sidecar_groth16::FORMAT_VERSION
        })
    );
    std::fs::write(&path, b"hello, this is not a key file at all......").unwrap();
    assert_eq!(open(&path), Some(KeyFileError::BadMagic));

    // Missing file.
    assert!(matches!(
        open(&dir.path().join("absent.pk")),
        Some(KeyFileError::Unreadable(_))
    ));
}

#[test]
fn key_for_another_circuit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, pk) = key(64, 23);
    let (_, other) = key(64, 24);
    assert_ne!(pk.digest, other.digest);
    let path = written(dir.path(), &pk);
    let err = KeyFile::open(&path, Some(other.digest)).err().map(kind);
    assert!(matches!(err, Some(KeyFileError::WrongCircuit { .. })));
}
