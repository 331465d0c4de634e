//! Reading a witness payload from untrusted bytes, field by field in the order
//! ark-serialize's derive writes them (compressed, validated: field elements must be canonical).
//!
//! Every vector's `u64` length prefix is checked against the preset's shape for it (exact, or a
//! maximum) and against the bytes left before anything is allocated, every Merkle path has its
//! tree's height and an index inside it, every VM row's pc is an instruction of the padded
//! bytecode, and every batch entry's low leaf in the batch is an earlier entry. So a decoded circuit has the shape its preset's keys were made for, and
//! synthesis and [`crate::AnyCircuit::public_inputs`] never index out of bounds.
//!
//! Types holding vectors derive only `CanonicalSerialize`: their decoding needs the preset (for
//! the shapes), which ark-serialize's trait cannot carry, so it lives here.

use ark_bn254::Fr;
use ark_serialize::{CanonicalDeserialize, Compress, SerializationError, Validate};

use crate::effects::TxEffects;
use crate::indexed::{BatchInsertion, EntryMode, EntryWitness, LowLeafWitness};
use crate::kernel::{KernelCircuit, KernelState, TreeRead};
use crate::merkle::{MerklePath, SubtreeInsertion};
use crate::rollup::{BaseRollupWitness, RootRollupWitness};
use crate::tx::{PublicCallRequest, Tx};
use crate::vm::{Row, VmCircuit, VmOutputs};
use crate::{Error, Preset, Result};

/// Compressed size of one field element.
const FR: usize = 32;
/// Compressed size of a `u64` (and of a length prefix).
const U64: usize = 8;

/// The error of a malformed encoding.
pub(super) fn malformed(msg: impl Into<String>) -> Error {
    Error::WitnessEncoding(msg.into())
}

/// The length a vector must have.
#[derive(Clone, Copy)]
enum Len {
    /// Exactly this many entries.
    Exact(usize),
    /// At most this many.
    AtMost(usize),
}

/// A cursor over the bytes not read yet.
pub(super) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// The next `n` raw bytes.
    pub(super) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if n > self.rest.len() {
            return Err(malformed(format!("{what}: truncated")));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// Succeeds iff every byte was read.
    pub(super) fn finish(self) -> Result<()> {
        match self.rest.len() {
            0 => Ok(()),
            n => Err(malformed(format!("{n} trailing bytes after the witness"))),
        }
    }

    /// One value of a type without vectors, through its ark-serialize derive.
    fn read<T: CanonicalDeserialize>(&mut self, what: &str) -> Result<T> {
        T::deserialize_with_mode(&mut self.rest, Compress::Yes, Validate::Yes).map_err(|e| {
            malformed(match e {
                SerializationError::IoError(_) => format!("{what}: truncated"),
                _ => format!(
                    "{what}: invalid value (a field element not below the modulus, a bool not \
                     0 or 1, or an unknown tag)"
                ),
            })
        })
    }

    /// A count (a `usize` field, written as a `u64`) of at most `max`.
    fn count(&mut self, what: &str, max: usize) -> Result<usize> {
        let n: u64 = self.read(what)?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= max)
            .ok_or_else(|| malformed(format!("{what}: {n} exceeds the preset's {max}")))
    }

    /// A vector of `len` entries of at least `min_size` bytes each, read by `item(self, j)`.
    /// The length prefix is checked before anything is allocated.
    fn vec<T>(
        &mut self,
        what: &str,
        len: Len,
        min_size: usize,
        mut item: impl FnMut(&mut Self, usize) -> Result<T>,
    ) -> Result<Vec<T>> {
        let n: u64 = self.read(what)?;
        let ok = match len {
            Len::Exact(m) => n == m as u64,
            Len::AtMost(m) => n <= m as u64,
        };
        if !ok {
            let want = match len {
                Len::Exact(m) => format!("exactly {m}"),
                Len::AtMost(m) => format!("at most {m}"),
            };
            return Err(malformed(format!(
                "{what}: {n} entries, the preset has {want}"
            )));
        }
        let left = self.rest.len() / min_size.max(1);
        let n = usize::try_from(n)
            .ok()
            .filter(|&n| n <= left)
            .ok_or_else(|| malformed(format!("{what}: truncated")))?;
        let mut v = Vec::with_capacity(n);
        for j in 0..n {
            v.push(item(self, j)?);
        }
        Ok(v)
    }

    fn frs(&mut self, what: &str, len: Len) -> Result<Vec<Fr>> {
        self.vec(what, len, FR, |r, _| r.read(what))
    }

    /// A Merkle path of `height` siblings whose index lies inside the tree.
    fn path(&mut self, what: &str, height: usize) -> Result<MerklePath> {
        let index: u64 = self.read(what)?;
        let siblings = self.frs(what, Len::Exact(height))?;
        if index.checked_shr(height as u32).unwrap_or(0) != 0 {
            return Err(malformed(format!(
                "{what}: index {index} outside a path of height {height}"
            )));
        }
        Ok(MerklePath { index, siblings })
    }

    /// The height of the path above an aligned `n`-leaf subtree of a `height` tree.
    fn subtree_height(what: &str, height: usize, n: usize) -> Result<usize> {
        let k = n.trailing_zeros() as usize;
        height
            .checked_sub(k)
            .filter(|_| n.is_power_of_two())
            .ok_or_else(|| malformed(format!("{what}: no {n}-leaf subtree in height {height}")))
    }

    /// An insertion of `n` leaves into an append-only tree of `height`.
    fn subtree(&mut self, what: &str, height: usize, n: usize) -> Result<SubtreeInsertion> {
        let path_height = Self::subtree_height(what, height, n)?;
        Ok(SubtreeInsertion {
            old: self.read(what)?,
            new: self.read(what)?,
            path: self.path(what, path_height)?,
            leaves: self.frs(what, Len::Exact(n))?,
        })
    }

    /// A batch of `n` entries into an indexed tree of `height`.
    fn batch(&mut self, what: &str, height: usize, n: usize) -> Result<BatchInsertion> {
        let path_height = Self::subtree_height(what, height, n)?;
        let entry_size = 2 * FR + 1 + 3 * FR + U64 + 2 * U64;
        Ok(BatchInsertion {
            old: self.read(what)?,
            entries: self.vec(what, Len::Exact(n), entry_size, |r, j| {
                let (key, value) = (r.read(what)?, r.read(what)?);
                let mode: EntryMode = r.read(what)?;
                if matches!(mode, EntryMode::LowInBatch(i) if i >= j) {
                    return Err(malformed(format!(
                        "{what}: entry {j}'s low leaf is not an earlier entry"
                    )));
                }
                Ok(EntryWitness {
                    key,
                    value,
                    mode,
                    low_leaf: r.read(what)?,
                    low_path: r.path(what, height)?,
                })
            })?,
            subtree_path: self.path(what, path_height)?,
            new: self.read(what)?,
        })
    }

    /// A tx within the preset's per-tx maxima ([`Tx::check_shape`]).
    fn tx(&mut self, p: &Preset) -> Result<Tx> {
        let call_size = FR + U64;
        Ok(Tx {
            note_hashes: self.frs("tx note hashes", Len::AtMost(p.max_note_hashes_per_tx))?,
            nullifiers: self.frs("tx nullifiers", Len::AtMost(p.max_nullifiers_per_tx))?,
            public_calls: self.vec(
                "tx public calls",
                Len::AtMost(p.max_public_calls_per_tx),
                call_size,
                |r, _| {
                    Ok(PublicCallRequest {
                        contract: r.read("call contract")?,
                        calldata: r.frs("call calldata", Len::AtMost(p.vm_max_calldata))?,
                    })
                },
            )?,
            fee: self.read("tx fee")?,
        })
    }

    /// A call's outputs within the preset's maxima.
    fn vm_outputs(&mut self, p: &Preset) -> Result<VmOutputs> {
        let access_size = 1 + 2 * FR;
        Ok(VmOutputs {
            accesses: self.vec(
                "storage accesses",
                Len::AtMost(p.vm_max_storage_accesses),
                access_size,
                |r, _| r.read("storage access"),
            )?,
            note_hashes: self.frs("output note hashes", Len::AtMost(p.max_note_hashes_per_tx))?,
            nullifiers: self.frs("output nullifiers", Len::AtMost(p.max_nullifiers_per_tx))?,
        })
    }

    fn kernel_state(&mut self, p: &Preset) -> Result<KernelState> {
        let calls = p.max_public_calls_per_tx;
        let pairs = |r: &mut Self, what: &str, max: usize| {
            r.vec(what, Len::AtMost(max), 2 * FR, |r, _| r.read(what))
        };
        Ok(KernelState {
            tx_hash: self.read("kernel state tx hash")?,
            call_index: self.count("kernel state call index", calls)?,
            num_calls: self.count("kernel state call count", calls)?,
            start_root: self.read("kernel state start root")?,
            fee: self.read("kernel state fee")?,
            note_hashes: self.frs("kernel note hashes", Len::AtMost(p.max_note_hashes_per_tx))?,
            nullifiers: self.frs("kernel nullifiers", Len::AtMost(p.max_nullifiers_per_tx))?,
            writes: pairs(self, "kernel writes", p.max_public_data_writes_per_tx)?,
            requests: pairs(self, "kernel call requests", calls)?,
        })
    }

    /// A VM witness: padded bytecode and calldata, `vm_max_steps` rows whose pc are instructions.
    pub(super) fn vm(&mut self, p: &Preset) -> Result<VmCircuit> {
        let words = p.vm_max_bytecode_len;
        let row_size = U64 + crate::vm::NUM_REGS * FR;
        Ok(VmCircuit {
            preset: p.clone(),
            words: self.frs("VM bytecode words", Len::Exact(words))?,
            calldata: self.frs("VM calldata", Len::Exact(p.vm_max_calldata))?,
            rows: self.vec("VM rows", Len::Exact(p.vm_max_steps), row_size, |r, t| {
                let row: Row = r.read("VM row")?;
                if row.pc >= words {
                    return Err(malformed(format!(
                        "VM row {t}: pc {} outside the bytecode",
                        row.pc
                    )));
                }
                Ok(row)
            })?,
            outputs: self.vm_outputs(p)?,
            bytecode_hash: self.read("VM bytecode hash")?,
            calldata_hash: self.read("VM calldata hash")?,
            outputs_hash: self.read("VM outputs hash")?,
        })
    }

    /// A kernel step: one tree read per storage access, paths of the public data tree's height.
    pub(super) fn kernel(&mut self, p: &Preset) -> Result<KernelCircuit> {
        let h = p.public_data_height;
        let read_size = 1 + 3 * FR + U64 + 2 * U64;
        Ok(KernelCircuit {
            preset: p.clone(),
            tx: self.tx(p)?,
            prev: self.kernel_state(p)?,
            next: self.kernel_state(p)?,
            bytecode_hash: self.read("kernel bytecode hash")?,
            salt: self.read("kernel salt")?,
            calldata_hash: self.read("kernel calldata hash")?,
            outputs: self.vm_outputs(p)?,
            reads: self.vec(
                "kernel tree reads",
                Len::Exact(p.vm_max_storage_accesses),
                read_size,
                |r, _| {
                    Ok(TreeRead {
                        member: r.read("tree read")?,
                        witness: LowLeafWitness {
                            leaf: r.read("tree read leaf")?,
                            path: r.path("tree read path", h)?,
                        },
                    })
                },
            )?,
        })
    }

    /// A base rollup: effects padded to the maxima, insertions of the preset's sizes and heights.
    pub(super) fn base(&mut self, p: &Preset) -> Result<BaseRollupWitness> {
        let write_size = 2 * FR;
        Ok(BaseRollupWitness {
            preset: p.clone(),
            tx: self.tx(p)?,
            effects: TxEffects {
                note_hashes: self
                    .frs("effects note hashes", Len::Exact(p.max_note_hashes_per_tx))?,
                nullifiers: self.frs("effects nullifiers", Len::Exact(p.max_nullifiers_per_tx))?,
                public_data_writes: self.vec(
                    "effects public data writes",
                    Len::Exact(p.max_public_data_writes_per_tx),
                    write_size,
                    |r, _| r.read("public data write"),
                )?,
                fee: self.read("effects fee")?,
            },
            start: self.read("base start state")?,
            note_hash: self.subtree(
                "note hash insertion",
                p.note_hash_height,
                p.max_note_hashes_per_tx,
            )?,
            nullifier: self.batch(
                "nullifier batch",
                p.nullifier_height,
                p.max_nullifiers_per_tx,
            )?,
            public_data: self.batch(
                "public data batch",
                p.public_data_height,
                p.max_public_data_writes_per_tx,
            )?,
            end: self.read("base end state")?,
            effects_hash: self.read("base effects hash")?,
        })
    }

    /// A root rollup: the preset's message batch, archive and L1→L2 paths of its heights.
    pub(super) fn root(&mut self, p: &Preset) -> Result<RootRollupWitness> {
        let msgs = p.max_l1_to_l2_msgs_per_block;
        Ok(RootRollupWitness {
            left: self.read("root left child")?,
            right: self.read("root right child")?,
            prev_header: self.read("previous header")?,
            prev_header_path: self.path("previous header path", p.archive_height)?,
            l1_to_l2_msgs: self.frs("L1→L2 messages", Len::Exact(msgs))?,
            l1_to_l2: self.subtree("L1→L2 insertion", p.l1_to_l2_height, msgs)?,
            header: self.read("header")?,
            archive: self.subtree("archive insertion", p.archive_height, 1)?,
            prover_id: self.read("prover id")?,
        })
    }

    /// A merge rollup (no preset-dependent shape).
    pub(super) fn merge(&mut self) -> Result<crate::rollup::MergeRollupWitness> {
        self.read("merge children")
    }
}

#[cfg(test)]
mod tests {
    use ark_ff::{BigInteger, PrimeField};

    use super::*;

    fn frs(bytes: &[u8], len: Len) -> Result<Vec<Fr>> {
        let mut r = Reader::new(bytes);
        let v = r.frs("v", len)?;
        r.finish()?;
        Ok(v)
    }

    #[test]
    fn a_length_beyond_the_bytes_left_is_refused_before_allocating() {
        let unbounded = Len::AtMost(usize::MAX);
        for claimed in [3, 1 << 40, u64::MAX] {
            let mut bytes = claimed.to_le_bytes().to_vec();
            bytes.extend([7u8; 2 * FR]);
            // A 2^40-entry allocation would abort the test.
            let e = frs(&bytes, unbounded).unwrap_err().to_string();
            assert!(e.contains("truncated"), "{e}");
        }
        let mut bytes = 2u64.to_le_bytes().to_vec();
        bytes.extend([7u8; 2 * FR]);
        assert_eq!(frs(&bytes, unbounded).unwrap().len(), 2);
        assert!(frs(&bytes, Len::AtMost(1)).is_err());
        assert!(frs(&bytes, Len::Exact(3)).is_err());
    }

    #[test]
    fn sizes_are_the_compressed_ones() {
        use ark_serialize::CanonicalSerialize;
        assert_eq!(Fr::from(0u64).compressed_size(), FR);
        assert_eq!(0u64.compressed_size(), U64);
        assert_eq!(Vec::<Fr>::new().compressed_size(), U64);
    }

    #[test]
    fn field_elements_must_be_canonical() {
        let mut bytes = 1u64.to_le_bytes().to_vec();
        bytes.extend(Fr::MODULUS.to_bytes_le());
        let e = frs(&bytes, Len::Exact(1)).unwrap_err().to_string();
        assert!(e.contains("invalid value"), "{e}");
        let mut below = Fr::MODULUS;
        below.sub_with_borrow(&1u64.into());
        let mut bytes = 1u64.to_le_bytes().to_vec();
        bytes.extend(below.to_bytes_le());
        assert_eq!(frs(&bytes, Len::Exact(1)).unwrap(), vec![-Fr::from(1u64)]);
    }

    #[test]
    fn path_indices_lie_inside_the_tree() {
        let path = |index: u64, height: usize| {
            let mut bytes = index.to_le_bytes().to_vec();
            bytes.extend((height as u64).to_le_bytes());
            bytes.extend(vec![0u8; height * FR]);
            let mut r = Reader::new(&bytes);
            r.path("p", height).map(|p| p.index)
        };
        assert_eq!(path(7, 3).unwrap(), 7);
        assert!(path(8, 3).is_err());
        assert!(path(1, 0).is_err());
        assert_eq!(path(u64::MAX, 64).unwrap(), u64::MAX);
    }
}
