//! The SRS as one file of ours: `"SIDECAR-SRS\0"`, version, origin, the powers uncompressed.
//! Decoding runs every check again, so a file changed on disk is refused, not trusted.

use ark_bn254::{G1Affine, G2Affine};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

use super::{Origin, Srs, check::checked};
use crate::{Error, Result};

const MAGIC: &[u8; 12] = b"SIDECAR-SRS\0";
const VERSION: u32 = 1;
const G1_BYTES: usize = 64;

impl Srs {
    /// The file encoding (about 64 bytes per power).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.g1.len() * G1_BYTES + 128);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        match &self.origin {
            Origin::Dev => out.push(0),
            Origin::Ptau { sha256, power } => {
                out.push(1);
                out.extend_from_slice(sha256);
                out.extend_from_slice(&power.to_le_bytes());
            }
        }
        out.extend_from_slice(&(self.g1.len() as u64).to_le_bytes());
        for p in &self.g1 {
            p.serialize_uncompressed(&mut out)
                .expect("writing to a Vec");
        }
        self.tau_g2
            .serialize_uncompressed(&mut out)
            .expect("writing to a Vec");
        out
    }

    /// Decodes and checks [`Srs::to_bytes`]'s output; anything else is an [`Error::Srs`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = bytes;
        if take(&mut r, MAGIC.len())? != MAGIC {
            return Err(Error::srs("not an SRS file of ours (magic)"));
        }
        let version = u32::from_le_bytes(take(&mut r, 4)?.try_into().expect("4 bytes"));
        if version != VERSION {
            return Err(Error::srs(format!(
                "SRS file version {version}, expected {VERSION}"
            )));
        }
        let origin = match take(&mut r, 1)?[0] {
            0 => Origin::Dev,
            1 => Origin::Ptau {
                sha256: take(&mut r, 32)?.try_into().expect("32 bytes"),
                power: u32::from_le_bytes(take(&mut r, 4)?.try_into().expect("4 bytes")),
            },
            t => return Err(Error::srs(format!("unknown SRS origin tag {t}"))),
        };
        let len = u64::from_le_bytes(take(&mut r, 8)?.try_into().expect("8 bytes"));
        let g2_bytes = G2Affine::default().serialized_size(Compress::No);
        if (r.len() as u64)
            != len
                .saturating_mul(G1_BYTES as u64)
                .saturating_add(g2_bytes as u64)
        {
            return Err(Error::srs(format!(
                "SRS file of {len} powers has {} bytes of points, expected {}",
                r.len(),
                len.saturating_mul(G1_BYTES as u64)
                    .saturating_add(g2_bytes as u64)
            )));
        }
        let point_error = |e| Error::srs(format!("SRS file holds a malformed point: {e}"));
        let g1 = r[..r.len() - g2_bytes]
            .chunks_exact(G1_BYTES)
            .map(|b| G1Affine::deserialize_with_mode(b, Compress::No, Validate::No))
            .collect::<Result<Vec<_>, _>>()
            .map_err(point_error)?;
        let tau_g2 =
            G2Affine::deserialize_with_mode(&r[r.len() - g2_bytes..], Compress::No, Validate::No)
                .map_err(point_error)?;
        checked(g1, tau_g2, origin)
    }
}

fn take<'a>(r: &mut &'a [u8], n: usize) -> Result<&'a [u8]> {
    if r.len() < n {
        return Err(Error::srs("the SRS file is truncated"));
    }
    let (head, tail) = r.split_at(n);
    *r = tail;
    Ok(head)
}
