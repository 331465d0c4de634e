//! The block header committed into the archive tree by the root rollup.
//!
//! Fields, in hashing order (16 elements, `header_hash = hash_many(fields)`):
//! `last_archive (root, next_index)`, `state (l1_to_l2, note hash, nullifier, public data: root
//! and next_index each)`, `content_commitment = Poseidon(out_hash, in_hash)` (in_hash: Merkle
//! root of the block's L1→L2 message subtree), `chain_id, block_number, timestamp, coinbase`,
//! `total_fees`. Block `n`'s header is archive leaf `n` (`block_number = last_archive.next_index`).

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::SynthesisError;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use crate::merkle::{TreeSnapshot, TreeSnapshotVar};
use crate::poseidon::{hash_many, hash_many_var};
use crate::state::reference::{PartialStateReference, PartialStateReferenceVar, StateReference};

/// Block-level values chosen by the sequencer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct GlobalVariables {
    /// L2 chain id.
    pub chain_id: Fr,
    /// Block number (= the archive index of this block's header).
    pub block_number: u64,
    /// Unix timestamp of the block.
    pub timestamp: u64,
    /// Address credited with the fees.
    pub coinbase: Fr,
}

/// A block header (see the module note for the field order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct BlockHeader {
    /// Archive before this block.
    pub last_archive: TreeSnapshot,
    /// State after this block.
    pub state: StateReference,
    /// `Poseidon(out_hash, in_hash)`.
    pub content_commitment: Fr,
    /// Global variables.
    pub global: GlobalVariables,
    /// Sum of the block's fees.
    pub total_fees: Fr,
}

fn to_u64(x: Fr) -> Result<u64, String> {
    let b = x.into_bigint();
    if b.num_bits() > 64 {
        return Err("header integer field above 2^64".into());
    }
    Ok(b.as_ref()[0])
}

impl BlockHeader {
    /// Field elements in [`Self::to_fields`].
    pub const NUM_FIELDS: usize = 16;

    /// Header of block 0.
    pub fn genesis(empty_archive: TreeSnapshot, state: StateReference) -> Self {
        Self {
            last_archive: empty_archive,
            state,
            ..Self::default()
        }
    }

    /// The 16 hashed field elements.
    pub fn to_fields(&self) -> Vec<Fr> {
        let mut f = self.last_archive.to_fields().to_vec();
        f.extend(self.state.to_fields());
        f.push(self.content_commitment);
        let g = &self.global;
        f.extend([
            g.chain_id,
            Fr::from(g.block_number),
            Fr::from(g.timestamp),
            g.coinbase,
        ]);
        f.push(self.total_fees);
        f
    }

    /// Inverse of [`Self::to_fields`].
    pub fn from_fields(f: &[Fr]) -> Result<Self, String> {
        if f.len() != Self::NUM_FIELDS {
            return Err(format!(
                "header of {} fields, expected {}",
                f.len(),
                Self::NUM_FIELDS
            ));
        }
        let snap = |i: usize| {
            Ok::<_, String>(TreeSnapshot {
                root: f[i],
                next_index: to_u64(f[i + 1])?,
            })
        };
        Ok(Self {
            last_archive: snap(0)?,
            state: StateReference {
                l1_to_l2: snap(2)?,
                partial: PartialStateReference {
                    note_hash: snap(4)?,
                    nullifier: snap(6)?,
                    public_data: snap(8)?,
                },
            },
            content_commitment: f[10],
            global: GlobalVariables {
                chain_id: f[11],
                block_number: to_u64(f[12])?,
                timestamp: to_u64(f[13])?,
                coinbase: f[14],
            },
            total_fees: f[15],
        })
    }

    /// `hash_many(to_fields())`.
    pub fn hash(&self) -> Fr {
        hash_many(&self.to_fields())
    }
}

/// In-circuit [`BlockHeader`].
#[derive(Clone, Debug)]
pub struct BlockHeaderVar {
    /// Archive before the block.
    pub last_archive: TreeSnapshotVar,
    /// L1→L2 tree after the block.
    pub l1_to_l2: TreeSnapshotVar,
    /// Partial state after the block.
    pub partial: PartialStateReferenceVar,
    /// Content commitment.
    pub content_commitment: FpVar<Fr>,
    /// `[chain_id, block_number, timestamp, coinbase]`.
    pub global: [FpVar<Fr>; 4],
    /// Total fees.
    pub total_fees: FpVar<Fr>,
}

impl BlockHeaderVar {
    /// Same order as [`BlockHeader::to_fields`].
    pub fn to_fields(&self) -> Vec<FpVar<Fr>> {
        let mut f = self.last_archive.to_fields();
        f.extend(self.l1_to_l2.to_fields());
        f.extend(self.partial.to_fields());
        f.push(self.content_commitment.clone());
        f.extend(self.global.iter().cloned());
        f.push(self.total_fees.clone());
        f
    }

    /// In-circuit header hash.
    pub fn hash(&self) -> Result<FpVar<Fr>, SynthesisError> {
        hash_many_var(&self.to_fields())
    }
}
