//! The binary encoding of one proof's witness ([`AnyCircuit::to_bytes`] /
//! [`AnyCircuit::from_bytes`]): what a proving service ships to remote agents and what a broker
//! reads client-submitted jobs' public inputs from.
//!
//! ```text
//!   magic   4 bytes  "SCW1"
//!   version 1 byte   WITNESS_FORMAT_VERSION
//!   kind    1 byte   CircuitKind::slot
//!   preset  1 byte n, then n ASCII bytes: the PresetName ("tiny", "devnet", "aztec");
//!                    n = 0 for a merge rollup, whose witness has no preset-dependent shape
//!   payload          the witness, ark-serialize compressed, to the last byte
//! ```
//! The payload is the circuit's fields in declaration order, each as its `CanonicalSerialize`
//! derive writes it (vectors as a `u64` length then the entries, `usize` as `u64`), except the
//! [`Preset`]: it is carried once, by name, in the header and rebuilt with [`Preset::get`].
//! A root rollup's witness holds no preset: the header names the built-in preset whose shape it
//! has. Only built-in presets are representable: a circuit built at a modified [`Preset`] encodes
//! under its name but does not decode (its shapes differ), or decodes to an unsatisfiable circuit.

use std::str::FromStr;

use ark_serialize::CanonicalSerialize;

use super::AnyCircuit;
use super::decode::{Reader, malformed};
use crate::rollup::{BaseRollupCircuit, MergeRollupCircuit, RootRollupCircuit, RootRollupWitness};
use crate::{CircuitKind, Preset, PresetName, Result};

/// The first four bytes of every witness encoding.
pub const WITNESS_MAGIC: [u8; 4] = *b"SCW1";

/// The format version this build writes, and the only one it reads.
pub const WITNESS_FORMAT_VERSION: u8 = 1;

/// Longest preset name the header may carry.
const MAX_PRESET_NAME: usize = 16;

/// Appends `v`'s compressed encoding.
fn put<T: CanonicalSerialize>(out: &mut Vec<u8>, v: &T) {
    v.serialize_compressed(out)
        .expect("serializing into a Vec cannot fail");
}

/// The built-in preset whose shape a root witness has (its heights and batch size).
fn root_preset(w: &RootRollupWitness) -> Option<PresetName> {
    PresetName::ALL.into_iter().find(|&name| {
        let p = Preset::get(name);
        w.prev_header_path.siblings.len() == p.archive_height
            && w.l1_to_l2_msgs.len() == p.max_l1_to_l2_msgs_per_block
            && w.l1_to_l2.path.siblings.len() + w.l1_to_l2.leaves.len().trailing_zeros() as usize
                == p.l1_to_l2_height
    })
}

impl AnyCircuit {
    /// The built-in preset this circuit is shaped for, as its encoding's header names it: a VM,
    /// kernel or base witness's preset; for a root rollup, the built-in preset whose archive
    /// height and message batch its witness has (`None` if none does: it then does not decode);
    /// `None` for a merge rollup, whose witness does not depend on the preset.
    pub fn preset_name(&self) -> Option<PresetName> {
        match self {
            Self::Vm(c) => Some(c.preset.name),
            Self::Kernel(c) => Some(c.preset.name),
            Self::Base(c) => Some(c.witness.preset.name),
            Self::Merge(_) => None,
            Self::Root(c) => root_preset(&c.witness),
        }
    }

    /// The witness encoding described in the module note. Deterministic: equal circuits give
    /// equal bytes, and `from_bytes(b)?.to_bytes() == b` for every `b` that decodes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = WITNESS_MAGIC.to_vec();
        out.push(WITNESS_FORMAT_VERSION);
        out.push(self.kind().slot() as u8);
        let name = self
            .preset_name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        out.push(name.len() as u8);
        out.extend(name.as_bytes());
        match self {
            Self::Vm(c) => {
                put(&mut out, &c.words);
                put(&mut out, &c.calldata);
                put(&mut out, &c.rows);
                put(&mut out, &c.outputs);
                put(&mut out, &c.bytecode_hash);
                put(&mut out, &c.calldata_hash);
                put(&mut out, &c.outputs_hash);
            }
            Self::Kernel(c) => {
                put(&mut out, &c.tx);
                put(&mut out, &c.prev);
                put(&mut out, &c.next);
                put(&mut out, &c.bytecode_hash);
                put(&mut out, &c.salt);
                put(&mut out, &c.calldata_hash);
                put(&mut out, &c.outputs);
                put(&mut out, &c.reads);
            }
            Self::Base(c) => {
                let w = &c.witness;
                put(&mut out, &w.tx);
                put(&mut out, &w.effects);
                put(&mut out, &w.start);
                put(&mut out, &w.note_hash);
                put(&mut out, &w.nullifier);
                put(&mut out, &w.public_data);
                put(&mut out, &w.end);
                put(&mut out, &w.effects_hash);
            }
            Self::Merge(c) => put(&mut out, &c.witness),
            Self::Root(c) => put(&mut out, &c.witness),
        }
        out
    }

    /// Decodes [`Self::to_bytes`]'s encoding from untrusted bytes. Never panics; allocates at
    /// most in proportion to `bytes.len()`. Errors ([`crate::Error::WitnessEncoding`]) on a
    /// wrong magic, version, kind or preset name, on truncation or trailing bytes, on a field
    /// element not below the modulus, and on any shape other than the preset's (vector lengths,
    /// path heights and indices, per-tx maxima, VM pc values, batch entry references), so the
    /// decoded circuit synthesizes the constraint system of its kind and preset.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        let magic = r.take(WITNESS_MAGIC.len(), "magic")?;
        if magic != WITNESS_MAGIC {
            return Err(malformed(format!(
                "magic {magic:02x?} is not {WITNESS_MAGIC:02x?} (\"SCW1\"): not a witness"
            )));
        }
        let version = r.take(1, "version")?[0];
        if version != WITNESS_FORMAT_VERSION {
            return Err(malformed(format!(
                "format version {version}; this build reads version {WITNESS_FORMAT_VERSION}"
            )));
        }
        let slot = r.take(1, "circuit kind")?[0];
        let kind = *CircuitKind::ALL
            .get(usize::from(slot))
            .ok_or_else(|| malformed(format!("unknown circuit kind {slot}")))?;
        let len = usize::from(r.take(1, "preset name length")?[0]);
        if len > MAX_PRESET_NAME {
            return Err(malformed(format!("preset name of {len} bytes")));
        }
        let name = r.take(len, "preset name")?;
        let preset = match name {
            [] => None,
            _ => Some(
                core::str::from_utf8(name)
                    .ok()
                    .and_then(|s| PresetName::from_str(s).ok())
                    .map(Preset::get)
                    .ok_or_else(|| {
                        malformed(format!(
                            "unknown preset {:?} (expected tiny, devnet or aztec)",
                            String::from_utf8_lossy(name)
                        ))
                    })?,
            ),
        };
        let circuit = match (kind, &preset) {
            (CircuitKind::MergeRollup, None) => Self::Merge(MergeRollupCircuit {
                witness: r.merge()?,
            }),
            (CircuitKind::MergeRollup, Some(_)) => {
                return Err(malformed("a merge rollup names no preset"));
            }
            (_, None) => return Err(malformed(format!("a {kind} witness needs a preset"))),
            (CircuitKind::PublicVm, Some(p)) => Self::Vm(r.vm(p)?),
            (CircuitKind::PublicKernel, Some(p)) => Self::Kernel(r.kernel(p)?),
            (CircuitKind::BaseRollup, Some(p)) => Self::Base(BaseRollupCircuit {
                witness: r.base(p)?,
            }),
            (CircuitKind::RootRollup, Some(p)) => Self::Root(RootRollupCircuit {
                witness: r.root(p)?,
            }),
        };
        r.finish()?;
        Ok(circuit)
    }
}
