//! Proving keys on disk: a versioned, checksummed container read through `memmap2`.
//!
//! ```text
//! offset 0   magic "SIDECARK" | version u32 | curve u32 | circuit digest [32] | sections u32 | 0u32
//!            sections × (kind u32 | 0u32 | offset u64 | len u64 | sha256 [32])
//!            sha256 of all header bytes above [32]
//! then       sections, in kind order: params, r1cs, A, B_G1, B_G2, H, L[, commit]
//! ```
//! There are 7 sections, or 8 for a commit-and-prove key ([`CommittedKey`]), whose last section
//! holds `(k, σ·IC_1..σ·IC_k, σ·G2)`. Integers are little-endian; sections are arkworks
//! uncompressed encodings. Opening checks
//! magic, version, curve, both kinds of checksum, bounds and (optionally) the circuit digest.
//! Query bases are then decoded from the map one query at a time, each right before the
//! backend prepares it, so a large key is never resident twice. Points in the query sections
//! are decoded without curve checks: the section checksum vouches for them (key files are
//! local artifacts written by [`write_key_file`], not untrusted input).

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ark_bn254::{Bn254, G1Affine, G2Affine};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use memmap2::Mmap;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::prover::{G1Query, KeyParts, QueryLoader};
use super::{
    Backend, CommittedKey, PreparedCommittedKey, PreparedKey, ProvingKey, R1cs, VerifyingKey,
};
use crate::{Error, KeyFileError, Result};

const MAGIC: &[u8; 8] = b"SIDECARK";
/// Key file format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 2;
const CURVE_BN254: u32 = 1;
/// Sections of a plain key; a commit-and-prove key has one more.
const PLAIN_SECTIONS: usize = 7;
const SECTION_NAMES: [&str; PLAIN_SECTIONS + 1] =
    ["params", "r1cs", "A", "B_G1", "B_G2", "H", "L", "commit"];
const FIXED: usize = 8 + 4 + 4 + 32 + 4 + 4;
const ENTRY: usize = 4 + 4 + 8 + 8 + 32;

/// Header bytes of a file with `n` sections.
const fn header_len(n: usize) -> usize {
    FIXED + n * ENTRY + 32
}

#[derive(Clone, Copy, Debug, Default)]
struct Section {
    offset: u64,
    len: u64,
    sha: [u8; 32],
}

/// Writes `pk` to `path` (through a temporary file and a rename, so a crash never leaves a
/// half-written key under the final name).
pub fn write_key_file(path: &Path, pk: &ProvingKey) -> Result<()> {
    write_sections(path, pk, None)
}

/// Writes the commit-and-prove key `key` to `path`, as [`write_key_file`] does; read it back
/// with [`KeyFile::to_committed_key`].
pub fn write_committed_key_file(path: &Path, key: &CommittedKey) -> Result<()> {
    write_sections(path, &key.key, Some(key))
}

fn write_sections(path: &Path, pk: &ProvingKey, committed: Option<&CommittedKey>) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let io = |e: std::io::Error| Error::io(&tmp, e);
    let mut w = BufWriter::new(File::create(&tmp).map_err(io)?);
    let n = PLAIN_SECTIONS + usize::from(committed.is_some());
    w.write_all(&vec![0u8; header_len(n)]).map_err(io)?;
    let c = &pk.crs;
    let mut sections = vec![Section::default(); n];
    let mut offset = header_len(n) as u64;
    for (i, s) in sections.iter_mut().enumerate() {
        let mut hw = HashingWriter {
            inner: &mut w,
            hasher: Sha256::new(),
            len: 0,
        };
        let res = match i {
            0 => (&c.vk, c.beta_g1, c.delta_g1).serialize_uncompressed(&mut hw),
            1 => pk.r1cs.serialize_uncompressed(&mut hw),
            2 => c.a_query.serialize_uncompressed(&mut hw),
            3 => c.b_g1_query.serialize_uncompressed(&mut hw),
            4 => c.b_g2_query.serialize_uncompressed(&mut hw),
            5 => c.h_query.serialize_uncompressed(&mut hw),
            6 => c.l_query.serialize_uncompressed(&mut hw),
            _ => match committed {
                Some(k) => (k.committed as u64, &k.knowledge_bases, k.sigma_g2)
                    .serialize_uncompressed(&mut hw),
                None => Ok(()),
            },
        };
        res.map_err(|e| io(std::io::Error::other(e)))?;
        *s = Section {
            offset,
            len: hw.len,
            sha: hw.hasher.finalize().into(),
        };
        offset += s.len;
    }
    w.seek(SeekFrom::Start(0)).map_err(io)?;
    w.write_all(&encode_header(&pk.digest, &sections))
        .map_err(io)?;
    w.into_inner()
        .map_err(|e| io(e.into_error()))?
        .sync_all()
        .map_err(io)?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

fn encode_header(digest: &[u8; 32], sections: &[Section]) -> Vec<u8> {
    let mut h = Vec::with_capacity(header_len(sections.len()));
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    h.extend_from_slice(&CURVE_BN254.to_le_bytes());
    h.extend_from_slice(digest);
    h.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    h.extend_from_slice(&0u32.to_le_bytes());
    for (kind, s) in sections.iter().enumerate() {
        h.extend_from_slice(&(kind as u32).to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&s.offset.to_le_bytes());
        h.extend_from_slice(&s.len.to_le_bytes());
        h.extend_from_slice(&s.sha);
    }
    let sha: [u8; 32] = Sha256::digest(&h).into();
    h.extend_from_slice(&sha);
    h
}

struct HashingWriter<'a, W: Write> {
    inner: &'a mut W,
    hasher: Sha256,
    len: u64,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// An opened, validated key file, memory-mapped.
pub struct KeyFile {
    path: PathBuf,
    map: Mmap,
    digest: [u8; 32],
    sections: Vec<Section>,
}

impl KeyFile {
    /// Maps and validates the key at `path`. With `expected_digest`, a key for another
    /// circuit is rejected ([`KeyFileError::WrongCircuit`]).
    pub fn open(path: &Path, expected_digest: Option<[u8; 32]>) -> Result<Self> {
        let fail = |kind| Error::key_file(path, kind);
        let file = File::open(path).map_err(|e| fail(KeyFileError::Unreadable(e.to_string())))?;
        // SAFETY: the map is read-only; key files are written once (temp file + rename) and
        // never modified in place by this crate.
        let map = unsafe { Mmap::map(&file) }
            .map_err(|e| fail(KeyFileError::Unreadable(e.to_string())))?;
        let (digest, sections) = parse_header(&map).map_err(fail)?;
        if let Some(expected) = expected_digest.filter(|e| *e != digest) {
            return Err(fail(KeyFileError::WrongCircuit {
                expected: hex::encode(expected),
                found: hex::encode(digest),
            }));
        }
        sections.par_iter().enumerate().try_for_each(|(i, s)| {
            let bytes = &map[s.offset as usize..(s.offset + s.len) as usize];
            let sha: [u8; 32] = Sha256::digest(bytes).into();
            if sha == s.sha {
                Ok(())
            } else {
                Err(fail(KeyFileError::Checksum {
                    section: SECTION_NAMES[i].into(),
                }))
            }
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            map,
            digest,
            sections,
        })
    }

    /// Digest of the circuit the key was generated for.
    pub fn circuit_digest(&self) -> [u8; 32] {
        self.digest
    }

    fn section(&self, i: usize) -> &[u8] {
        let s = &self.sections[i];
        &self.map[s.offset as usize..(s.offset + s.len) as usize]
    }

    fn malformed(&self, what: impl std::fmt::Display) -> Error {
        Error::key_file(&self.path, KeyFileError::Malformed(what.to_string()))
    }

    fn params(&self) -> Result<(ark_groth16::VerifyingKey<Bn254>, G1Affine, G1Affine)> {
        CanonicalDeserialize::deserialize_uncompressed(self.section(0))
            .map_err(|e| self.malformed(format!("params: {e}")))
    }

    /// The verifying key stored in the file (points fully checked).
    pub fn verifying_key(&self) -> Result<VerifyingKey> {
        Ok(VerifyingKey::new(self.params()?.0))
    }

    /// The circuit's matrices (layout validated).
    pub fn r1cs(&self) -> Result<R1cs> {
        let r1cs = R1cs::deserialize_uncompressed_unchecked(self.section(1))
            .map_err(|e| self.malformed(format!("r1cs: {e}")))?;
        r1cs.validate()
            .map_err(|e| self.malformed(format!("r1cs: {e}")))?;
        if r1cs.digest() != self.digest {
            return Err(self.malformed("r1cs does not match the header's circuit digest"));
        }
        Ok(r1cs)
    }

    /// Decodes the whole key into memory.
    pub fn to_proving_key(&self) -> Result<ProvingKey> {
        let (vk, beta_g1, delta_g1) = self.params()?;
        let crs = ark_groth16::ProvingKey {
            vk,
            beta_g1,
            delta_g1,
            a_query: self.g1(G1Query::A)?,
            b_g1_query: self.g1(G1Query::BG1)?,
            b_g2_query: self.b_g2()?,
            h_query: self.g1(G1Query::H)?,
            l_query: self.g1(G1Query::L)?,
        };
        Ok(ProvingKey {
            crs,
            r1cs: self.r1cs()?,
            digest: self.digest,
        })
    }

    /// The commit section of a commit-and-prove key: `(k, σ·IC_1..σ·IC_k, σ·G2)`; a plain key is
    /// [`KeyFileError::Malformed`].
    fn commit_parts(&self) -> Result<(usize, Vec<G1Affine>, G2Affine)> {
        if self.sections.len() == PLAIN_SECTIONS {
            return Err(self.malformed("a plain Groth16 key, not a commit-and-prove key"));
        }
        let (committed, knowledge_bases, sigma_g2): (u64, Vec<G1Affine>, G2Affine) =
            CanonicalDeserialize::deserialize_uncompressed(self.section(PLAIN_SECTIONS))
                .map_err(|e| self.malformed(format!("commit: {e}")))?;
        let committed = usize::try_from(committed)
            .map_err(|_| self.malformed(format!("commit: {committed} committed values")))?;
        Ok((committed, knowledge_bases, sigma_g2))
    }

    /// Decodes a commit-and-prove key (one written by [`write_committed_key_file`]) into memory;
    /// a plain key, or commit parts that do not fit the key, is [`KeyFileError::Malformed`].
    pub fn to_committed_key(&self) -> Result<CommittedKey> {
        let (committed, knowledge_bases, sigma_g2) = self.commit_parts()?;
        let key = self.to_proving_key()?;
        let inputs = key.crs.vk.gamma_abc_g1.len();
        if knowledge_bases.len() != committed || committed + 2 > inputs {
            return Err(self.malformed(format!(
                "commit: {committed} committed values, {} knowledge bases, {inputs} input bases",
                knowledge_bases.len()
            )));
        }
        Ok(CommittedKey {
            key,
            committed,
            knowledge_bases,
            sigma_g2,
        })
    }

    /// Prepares a commit-and-prove key for `backend` as [`Self::prepare`] does, one query at a
    /// time from the map, so the whole key is never decoded at once.
    pub fn prepare_committed<B: Backend>(&self, backend: &B) -> Result<PreparedCommittedKey<B>> {
        let (committed, knowledge_bases, sigma_g2) = self.commit_parts()?;
        let key = self.prepare(backend)?;
        PreparedCommittedKey::from_prepared(backend, key, committed, &knowledge_bases, sigma_g2)
            .map_err(|e| self.malformed(format!("commit: {e}")))
    }

    /// Prepares the key for `backend`, decoding one query at a time from the map.
    pub fn prepare<B: Backend>(&self, backend: &B) -> Result<PreparedKey<B>> {
        let (vk, beta_g1, delta_g1) = self.params()?;
        let parts = KeyParts {
            r1cs: self.r1cs()?,
            digest: self.digest,
            vk,
            beta_g1,
            delta_g1,
        };
        PreparedKey::from_parts(backend, parts, self)
    }
}

impl QueryLoader for KeyFile {
    fn g1(&self, which: G1Query) -> Result<Vec<G1Affine>> {
        let i = match which {
            G1Query::A => 2,
            G1Query::BG1 => 3,
            G1Query::H => 5,
            G1Query::L => 6,
        };
        Vec::deserialize_uncompressed_unchecked(self.section(i))
            .map_err(|e| self.malformed(format!("{}: {e}", SECTION_NAMES[i])))
    }

    fn b_g2(&self) -> Result<Vec<G2Affine>> {
        Vec::deserialize_uncompressed_unchecked(self.section(4))
            .map_err(|e| self.malformed(format!("B_G2: {e}")))
    }
}

fn parse_header(map: &[u8]) -> Result<([u8; 32], Vec<Section>), KeyFileError> {
    let shortest = header_len(PLAIN_SECTIONS);
    if map.len() < MAGIC.len() || &map[..MAGIC.len()] != MAGIC {
        return Err(if MAGIC.starts_with(map) && map.len() < MAGIC.len() {
            KeyFileError::Truncated {
                needed: shortest as u64,
                actual: map.len() as u64,
            }
        } else {
            KeyFileError::BadMagic
        });
    }
    if map.len() < shortest {
        return Err(KeyFileError::Truncated {
            needed: shortest as u64,
            actual: map.len() as u64,
        });
    }
    let u32_at = |o: usize| u32::from_le_bytes(map[o..o + 4].try_into().expect("4 bytes"));
    let u64_at = |o: usize| u64::from_le_bytes(map[o..o + 8].try_into().expect("8 bytes"));
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        return Err(KeyFileError::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let n = u32_at(48) as usize;
    if n != PLAIN_SECTIONS && n != PLAIN_SECTIONS + 1 {
        return Err(KeyFileError::Malformed(format!(
            "{n} sections, expected {PLAIN_SECTIONS} or {}",
            PLAIN_SECTIONS + 1
        )));
    }
    let header = header_len(n);
    if map.len() < header {
        return Err(KeyFileError::Truncated {
            needed: header as u64,
            actual: map.len() as u64,
        });
    }
    let sha: [u8; 32] = Sha256::digest(&map[..header - 32]).into();
    if sha[..] != map[header - 32..header] {
        return Err(KeyFileError::Checksum {
            section: "header".into(),
        });
    }
    let curve = u32_at(12);
    if curve != CURVE_BN254 {
        return Err(KeyFileError::WrongCurve {
            found: curve,
            expected: CURVE_BN254,
        });
    }
    let digest: [u8; 32] = map[16..48].try_into().expect("32 bytes");
    let mut sections = vec![Section::default(); n];
    let mut end = header as u64;
    for (i, s) in sections.iter_mut().enumerate() {
        let o = FIXED + i * ENTRY;
        if u32_at(o) as usize != i {
            return Err(KeyFileError::Malformed(format!(
                "section {i} has kind {}",
                u32_at(o)
            )));
        }
        *s = Section {
            offset: u64_at(o + 8),
            len: u64_at(o + 16),
            sha: map[o + 24..o + 56].try_into().expect("32 bytes"),
        };
        if s.offset != end {
            return Err(KeyFileError::Malformed(format!(
                "section {} not contiguous",
                SECTION_NAMES[i]
            )));
        }
        end = s
            .offset
            .checked_add(s.len)
            .ok_or_else(|| KeyFileError::Malformed("section length overflows".into()))?;
    }
    if (map.len() as u64) < end {
        return Err(KeyFileError::Truncated {
            needed: end,
            actual: map.len() as u64,
        });
    }
    if map.len() as u64 > end {
        return Err(KeyFileError::Malformed(format!(
            "{} trailing bytes",
            map.len() as u64 - end
        )));
    }
    Ok((digest, sections))
}
