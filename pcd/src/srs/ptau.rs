//! Reading snarkjs `.ptau` files (the format of public powers-of-tau ceremonies).
//!
//! Layout (little-endian): `"ptau"`, version `1`, section count, then sections of
//! `(type: u32, size: u64, body)`. Section 1 is the header `(n8 = 32, q, power, ceremony power)`;
//! section 2 holds `τ^i·G1` for `i < 2^(power+1) - 1`, section 3 `τ^i·G2` for `i < 2^power`.
//! Coordinates are 32-byte little-endian Montgomery forms (`x·2^256 mod q`), G2 coordinates as
//! `(x.c0, x.c1, y.c0, y.c1)`. Only the sections read here are looked at; the points pass
//! [`check`](super::check) before an [`Srs`] is returned.

use std::{
    fs::File,
    io::{BufReader, Read, Seek, SeekFrom},
    path::Path,
};

use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, PrimeField};
use sha2::{Digest, Sha256};

use super::{Origin, Srs, check::checked};
use crate::{Error, Result};

const HEADER: u32 = 1;
const TAU_G1: u32 = 2;
const TAU_G2: u32 = 3;

/// Reads the first `powers` G1 powers and `τ·G2` from the `.ptau` file at `path`, and checks
/// them. Any malformed, truncated or inconsistent file is an
/// [`Error::Srs`] naming what is wrong.
pub fn read_ptau(path: &Path, powers: usize) -> Result<Srs> {
    let sha256 = file_sha256(path)?;
    let mut file = BufReader::new(File::open(path).map_err(|e| io(path, e))?);
    let sections = section_table(&mut file)?;
    let find = |kind: u32| {
        sections
            .iter()
            .find(|s| s.0 == kind)
            .copied()
            .ok_or_else(|| Error::srs(format!("the file has no section {kind}")))
    };

    let (_, header_at, header_len) = find(HEADER)?;
    if header_len < 4 + 32 + 4 {
        return Err(Error::srs("section 1 (header) is too short"));
    }
    file.seek(SeekFrom::Start(header_at))
        .map_err(|e| io(path, e))?;
    let n8 = read_u32(&mut file)?;
    if n8 != 32 {
        return Err(Error::srs(format!(
            "field elements of {n8} bytes, not 32: not BN254"
        )));
    }
    let mut q = [0u8; 32];
    read_exact(&mut file, &mut q)?;
    if q != modulus_le() {
        return Err(Error::srs("the base field is not BN254's: wrong curve"));
    }
    let power = read_u32(&mut file)?;
    if power >= 40 {
        return Err(Error::srs(format!(
            "power {power} is not a plausible ceremony size"
        )));
    }

    let in_file = (1usize << (power + 1)) - 1;
    let want = powers;
    if want > in_file {
        return Err(Error::srs(format!(
            "{want} G1 powers asked for, the file holds {in_file} (power {power})"
        )));
    }
    let (_, g1_at, g1_len) = find(TAU_G1)?;
    if g1_len != in_file as u64 * 64 {
        return Err(Error::srs(format!(
            "section 2 (τ^i·G1) is {g1_len} bytes, power {power} needs {}",
            in_file as u64 * 64
        )));
    }
    let (_, g2_at, g2_len) = find(TAU_G2)?;
    if g2_len != (1u64 << power) * 128 {
        return Err(Error::srs(format!(
            "section 3 (τ^i·G2) is {g2_len} bytes, power {power} needs {}",
            (1u64 << power) * 128
        )));
    }

    file.seek(SeekFrom::Start(g1_at)).map_err(|e| io(path, e))?;
    let mut raw = vec![0u8; want * 64];
    read_exact(&mut file, &mut raw)?;
    let g1 = raw
        .chunks_exact(64)
        .enumerate()
        .map(|(i, b)| g1_point(b).ok_or_else(|| bad_coordinate("G1", i)))
        .collect::<Result<Vec<_>>>()?;

    file.seek(SeekFrom::Start(g2_at)).map_err(|e| io(path, e))?;
    let mut raw = [0u8; 256];
    read_exact(&mut file, &mut raw)?;
    let g2_0 = g2_point(&raw[..128]).ok_or_else(|| bad_coordinate("G2", 0))?;
    let tau_g2 = g2_point(&raw[128..]).ok_or_else(|| bad_coordinate("G2", 1))?;
    if g2_0 != G2Affine::generator() {
        return Err(Error::srs("the first G2 power is not the generator"));
    }
    checked(g1, tau_g2, Origin::Ptau { sha256, power })
}

/// `(type, body offset, body size)` of every section, in file order.
fn section_table<R: Read + Seek>(file: &mut R) -> Result<Vec<(u32, u64, u64)>> {
    let mut magic = [0u8; 4];
    read_exact(file, &mut magic)?;
    if &magic != b"ptau" {
        return Err(Error::srs("not a .ptau file (no \"ptau\" magic)"));
    }
    let version = read_u32(file)?;
    if version != 1 {
        return Err(Error::srs(format!(
            "ptau version {version}, only 1 is known"
        )));
    }
    let count = read_u32(file)?;
    let end = file.seek(SeekFrom::End(0)).map_err(Error::from)?;
    let mut at = 12u64;
    let mut sections = Vec::new();
    for _ in 0..count {
        file.seek(SeekFrom::Start(at)).map_err(Error::from)?;
        let kind = read_u32(file)?;
        let size = read_u64(file)?;
        let body = at + 12;
        if size > end - body.min(end) {
            return Err(Error::srs(format!(
                "section {kind} claims {size} bytes past the end of the file"
            )));
        }
        sections.push((kind, body, size));
        at = body + size;
    }
    Ok(sections)
}

/// BN254's base-field modulus, little-endian.
fn modulus_le() -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, limb) in out.chunks_exact_mut(8).zip(Fq::MODULUS.0) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    out
}

/// An `Fq` from its 32-byte little-endian Montgomery form; `None` unless canonical (`< q`).
fn fq_montgomery(bytes: &[u8]) -> Option<Fq> {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        *limb = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
    }
    let repr = BigInt(limbs);
    (repr < Fq::MODULUS).then(|| Fq::new_unchecked(repr))
}

fn g1_point(b: &[u8]) -> Option<G1Affine> {
    let (x, y) = (fq_montgomery(&b[..32])?, fq_montgomery(&b[32..])?);
    Some(G1Affine::new_unchecked(x, y))
}

fn g2_point(b: &[u8]) -> Option<G2Affine> {
    let c = |i: usize| fq_montgomery(&b[32 * i..32 * (i + 1)]);
    Some(G2Affine::new_unchecked(
        Fq2::new(c(0)?, c(1)?),
        Fq2::new(c(2)?, c(3)?),
    ))
}

fn bad_coordinate(group: &str, i: usize) -> Error {
    Error::srs(format!(
        "{group} power {i} has a coordinate that is not a field element"
    ))
}

fn file_sha256(path: &Path) -> Result<[u8; 32]> {
    let mut file = File::open(path).map_err(|e| io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| io(path, e))?;
        if n == 0 {
            return Ok(h.finalize().into());
        }
        h.update(&buf[..n]);
    }
}

fn read_exact(r: &mut impl Read, buf: &mut [u8]) -> Result<()> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => Error::srs("the file ends inside a section"),
        _ => Error::from(e),
    })
}

fn read_u32(r: &mut impl Read) -> Result<u32> {
    let mut b = [0u8; 4];
    read_exact(r, &mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64(r: &mut impl Read) -> Result<u64> {
    let mut b = [0u8; 8];
    read_exact(r, &mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::srs(format!("{}: {e}", path.display()))
}
