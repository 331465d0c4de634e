//! On-disk world state: one versioned, checksummed binary file, replaced atomically.
//!
//! ```text
//! "SCWSTATE" | version u32 | preset u8 | 5 heights u8
//! | note hash tree | nullifier tree | public data tree | L1→L2 tree | archive | last header
//! | SHA-256 of everything before
//! ```
//! Append-only trees store `count u64` then their leaves; indexed trees store `count u64` then
//! per slot a tag (0 empty, 1 leaf) and `key, next_key, value` (32-byte canonical LE field
//! elements) and `next_index u64`; the header stores its 16 field elements. Integers are little
//! endian. Trees are rebuilt from leaves on open. Saving writes `<path>.tmp`, syncs it, renames
//! it over `<path>` and syncs the directory, so a crash leaves the old or the new file, never a
//! torn one.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use ark_bn254::Fr;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use sha2::{Digest, Sha256};

use super::WorldState;
use crate::indexed::{IndexedLeaf, IndexedTree};
use crate::merkle::AppendTree;
use crate::rollup::header::BlockHeader;
use crate::{Error, Preset, PresetName, Result};

const MAGIC: &[u8; 8] = b"SCWSTATE";
/// Current file format version.
pub const VERSION: u32 = 1;

fn preset_tag(p: PresetName) -> u8 {
    match p {
        PresetName::Tiny => 0,
        PresetName::Devnet => 1,
        PresetName::Aztec => 2,
    }
}

fn heights(p: &Preset) -> [u8; 5] {
    [
        p.note_hash_height,
        p.nullifier_height,
        p.public_data_height,
        p.l1_to_l2_height,
        p.archive_height,
    ]
    .map(|h| h as u8)
}

fn put_fr(out: &mut Vec<u8>, x: &Fr) {
    x.serialize_compressed(out)
        .expect("writing to a Vec cannot fail");
}

fn put_append(out: &mut Vec<u8>, t: &AppendTree) {
    let leaves = t.leaves();
    out.extend((leaves.len() as u64).to_le_bytes());
    leaves.iter().for_each(|l| put_fr(out, l));
}

fn put_indexed(out: &mut Vec<u8>, t: &IndexedTree) {
    out.extend((t.leaves().len() as u64).to_le_bytes());
    for slot in t.leaves() {
        match slot {
            None => out.push(0),
            Some(l) => {
                out.push(1);
                [l.key, l.next_key, l.value]
                    .iter()
                    .for_each(|x| put_fr(out, x));
                out.extend(l.next_index.to_le_bytes());
            }
        }
    }
}

/// Serializes `state` into the file format (checksum included).
pub fn encode(state: &WorldState) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend(VERSION.to_le_bytes());
    out.push(preset_tag(state.preset.name));
    out.extend(heights(&state.preset));
    put_append(&mut out, &state.note_hash);
    put_indexed(&mut out, &state.nullifier);
    put_indexed(&mut out, &state.public_data);
    put_append(&mut out, &state.l1_to_l2);
    put_append(&mut out, &state.archive);
    state
        .last_header
        .to_fields()
        .iter()
        .for_each(|x| put_fr(&mut out, x));
    let digest = Sha256::digest(&out);
    out.extend(digest);
    out
}

/// Writes `state` to `path` atomically.
pub fn save(state: &WorldState, path: &Path) -> Result<()> {
    let bytes = encode(state);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = Path::new(&tmp);
    {
        let mut f = File::create(tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
    }
    fs::rename(tmp, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Reads and verifies a state file written for `preset`.
pub fn open(path: &Path, preset: &Preset) -> Result<WorldState> {
    let bytes = fs::read(path)?;
    decode(&bytes, preset).map_err(|reason| Error::StateFile {
        path: path.display().to_string(),
        reason,
    })
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.0.len() < n {
            return Err("truncated".into());
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn fr(&mut self) -> Result<Fr, String> {
        Fr::deserialize_compressed(self.take(32)?).map_err(|e| format!("bad field element: {e}"))
    }
    fn count(&mut self, height: usize) -> Result<usize, String> {
        let n = self.u64()?;
        if height < 64 && n > 1u64 << height {
            return Err(format!("{n} leaves in a tree of height {height}"));
        }
        usize::try_from(n).map_err(|_| "leaf count too large".to_string())
    }
    fn append(&mut self, height: usize) -> Result<AppendTree, String> {
        let n = self.count(height)?;
        let leaves = (0..n).map(|_| self.fr()).collect::<Result<Vec<_>, _>>()?;
        AppendTree::from_leaves(height, &leaves).map_err(|e| e.to_string())
    }
    fn indexed(&mut self, height: usize) -> Result<IndexedTree, String> {
        let n = self.count(height)?;
        let mut slots = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            slots.push(match self.take(1)?[0] {
                0 => None,
                1 => {
                    let (key, next_key, value) = (self.fr()?, self.fr()?, self.fr()?);
                    Some(IndexedLeaf {
                        key,
                        next_key,
                        value,
                        next_index: self.u64()?,
                    })
                }
                t => return Err(format!("bad slot tag {t}")),
            });
        }
        IndexedTree::from_leaves(height, slots).map_err(|e| e.to_string())
    }
}

/// Parses and verifies the file format (the inverse of [`encode`]).
pub fn decode(bytes: &[u8], preset: &Preset) -> Result<WorldState, String> {
    if bytes.len() < MAGIC.len() + 4 + 6 + 32 {
        return Err("truncated".into());
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != digest {
        return Err("checksum mismatch (corrupt or truncated file)".into());
    }
    let mut r = Reader(body);
    if r.take(8)? != MAGIC {
        return Err("not a world state file".into());
    }
    let version = u32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes"));
    if version != VERSION {
        return Err(format!(
            "format version {version}, this build reads {VERSION}"
        ));
    }
    if r.take(1)?[0] != preset_tag(preset.name) || r.take(5)? != heights(preset) {
        return Err(format!("saved for another preset than {}", preset.name));
    }
    let state = WorldState {
        preset: preset.clone(),
        note_hash: r.append(preset.note_hash_height)?,
        nullifier: r.indexed(preset.nullifier_height)?,
        public_data: r.indexed(preset.public_data_height)?,
        l1_to_l2: r.append(preset.l1_to_l2_height)?,
        archive: r.append(preset.archive_height)?,
        last_header: BlockHeader::from_fields(
            &(0..BlockHeader::NUM_FIELDS)
                .map(|_| r.fr())
                .collect::<Result<Vec<_>, _>>()?,
        )?,
    };
    if !r.0.is_empty() {
        return Err("trailing bytes".into());
    }
    let last = state
        .archive
        .snapshot()
        .next_index
        .checked_sub(1)
        .ok_or("empty archive")?;
    if state.archive.leaf(last) != state.last_header.hash() {
        return Err("last header is not the archive's last leaf".into());
    }
    Ok(state)
}
