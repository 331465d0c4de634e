//! Root rollup: merges the last two children, proves the block starts from the state of the
//! previous header (a member of the previous archive at `next_index − 1`), inserts the block's
//! L1→L2 messages as one subtree, builds the new header and appends its hash to the archive.
//!
//! Public inputs (what the L1 checks): `previous archive root, new archive root, out hash,
//! total fees, prover id, in hash (root of the L1→L2 message subtree), chain id, block number,
//! timestamp, coinbase`, then the left and right children's [`RollupOutputs`] (14 each).

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_relations::lc;
use ark_serialize::CanonicalSerialize;

use super::header::{BlockHeader, BlockHeaderVar, GlobalVariables};
use super::messages::padded_batch;
use super::outputs::{RollupOutputs, RollupOutputsVar};
use crate::merkle::{
    MerklePath, MerklePathVar, SubtreeInsertion, TreeSnapshotVar, check_subtree_insertion,
    merkle_root, merkle_root_var,
};
use crate::poseidon::{hash2, hash2_var};
use crate::state::{PartialStateReferenceVar, WorldState};
use crate::{BlockCircuit, CircuitKind, Error, Preset, Result};

/// Positions of the root rollup's public inputs (see the module note).
pub struct RootPublicInputs;

impl RootPublicInputs {
    /// Archive root before the block.
    pub const PREVIOUS_ARCHIVE: usize = 0;
    /// Archive root after the block.
    pub const NEW_ARCHIVE: usize = 1;
    /// `Poseidon(left.out_hash, right.out_hash)`.
    pub const OUT_HASH: usize = 2;
    /// Sum of the block's fees.
    pub const TOTAL_FEES: usize = 3;
    /// The prover's identity (an L1 address).
    pub const PROVER_ID: usize = 4;
    /// Root of the block's L1→L2 message batch.
    pub const IN_HASH: usize = 5;
    /// L2 chain id.
    pub const CHAIN_ID: usize = 6;
    /// L2 block number.
    pub const BLOCK_NUMBER: usize = 7;
    /// Block timestamp.
    pub const TIMESTAMP: usize = 8;
    /// Fee recipient.
    pub const COINBASE: usize = 9;
    /// Start of the left child's [`RollupOutputs`].
    pub const LEFT: usize = 10;
    /// Start of the right child's [`RollupOutputs`].
    pub const RIGHT: usize = Self::LEFT + RollupOutputs::NUM_FIELDS;
    /// Number of public inputs.
    pub const LEN: usize = Self::RIGHT + RollupOutputs::NUM_FIELDS;
}

/// Everything the root rollup proves.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize)]
pub struct RootRollupWitness {
    /// Left child outputs.
    pub left: RollupOutputs,
    /// Right child outputs.
    pub right: RollupOutputs,
    /// Header of the previous block.
    pub prev_header: BlockHeader,
    /// Its membership path in the previous archive (index `next_index − 1`).
    pub prev_header_path: MerklePath,
    /// L1→L2 messages of the block, padded with zeros to the preset maximum.
    pub l1_to_l2_msgs: Vec<Fr>,
    /// Their subtree insertion into the L1→L2 tree.
    pub l1_to_l2: SubtreeInsertion,
    /// The new header.
    pub header: BlockHeader,
    /// Archive insertion of the new header's hash (a one-leaf subtree).
    pub archive: SubtreeInsertion,
    /// Identity of the prover (bound as a public input).
    pub prover_id: Fr,
}

impl RootRollupWitness {
    /// Closes a block on `state`, whose partial state must already include every tx of the
    /// children (`right.end`) and whose last header must be the state `left.start` builds on.
    /// `global.block_number` must be the archive's next index. Inserts the messages, the new
    /// header into the archive, and makes it `state.last_header`. On error `state` is unchanged.
    pub fn build(
        state: &mut WorldState,
        left: RollupOutputs,
        right: RollupOutputs,
        l1_to_l2_msgs: &[Fr],
        global: GlobalVariables,
        prover_id: Fr,
    ) -> Result<Self> {
        let msgs = padded_batch(state.preset(), l1_to_l2_msgs)?;
        let inconsistent = |m: &str| Err(Error::Inconsistent(m.into()));
        if left.end != right.start {
            return inconsistent("root children: left end state differs from right start state");
        }
        if left.start != state.last_header.state.partial {
            return inconsistent("the block does not start from the previous header's state");
        }
        if right.end != state.partial_reference() {
            return inconsistent("the world state is not at the block's end state");
        }
        let prev_archive = state.archive.snapshot();
        if global.block_number != prev_archive.next_index {
            return inconsistent("block number is not the archive's next index");
        }
        state.l1_to_l2.check_subtree(msgs.len())?;
        state.archive.check_subtree(1)?;

        let prev_header = state.last_header;
        let prev_header_path = state.archive.path(prev_archive.next_index - 1);
        let l1_to_l2 = state.l1_to_l2.insert_subtree(&msgs)?;
        let out_hash = hash2(left.out_hash, right.out_hash);
        let header = BlockHeader {
            last_archive: prev_archive,
            state: state.state_reference(),
            content_commitment: hash2(out_hash, merkle_root(&msgs)),
            global,
            total_fees: left.fee + right.fee,
        };
        let archive = state.archive.insert_subtree(&[header.hash()])?;
        state.last_header = header;
        Ok(Self {
            left,
            right,
            prev_header,
            prev_header_path,
            l1_to_l2_msgs: msgs,
            l1_to_l2,
            header,
            archive,
            prover_id,
        })
    }

    /// A valid witness of the preset's shape: a block of two empty txs on genesis.
    pub fn blank(preset: &Preset) -> Self {
        let mut state = WorldState::genesis(preset);
        let (left, right) = super::base::BaseRollupWitness::blank_pair(&mut state);
        let global = GlobalVariables {
            block_number: 1,
            ..GlobalVariables::default()
        };
        Self::build(&mut state, left, right, &[], global, Fr::from(1u64))
            .expect("blank block is valid")
    }

    /// The public inputs (see the module note).
    pub fn public_inputs(&self) -> Vec<Fr> {
        let g = &self.header.global;
        let mut f = vec![
            self.archive.old.root,
            self.archive.new.root,
            hash2(self.left.out_hash, self.right.out_hash),
            self.header.total_fees,
            self.prover_id,
            merkle_root(&self.l1_to_l2_msgs),
            g.chain_id,
            Fr::from(g.block_number),
            Fr::from(g.timestamp),
            g.coinbase,
        ];
        f.extend(self.left.to_fields());
        f.extend(self.right.to_fields());
        f
    }
}

/// In-circuit inputs of the root rollup.
#[derive(Clone, Debug)]
pub struct RootInputsVar {
    /// Left child.
    pub left: RollupOutputsVar,
    /// Right child.
    pub right: RollupOutputsVar,
    /// Previous header (preimage).
    pub prev_header: BlockHeaderVar,
    /// Its path in the previous archive.
    pub prev_header_path: MerklePathVar,
    /// Previous archive (root, next index).
    pub prev_archive: TreeSnapshotVar,
    /// Messages.
    pub l1_to_l2_msgs: Vec<FpVar<Fr>>,
    /// Path of the messages' subtree slot.
    pub l1_to_l2_path: MerklePathVar,
    /// `[chain_id, block_number, timestamp, coinbase]`.
    pub global: [FpVar<Fr>; 4],
    /// Path of the new header's archive slot.
    pub archive_path: MerklePathVar,
}

/// Outputs of [`root_rollup_gadget`].
#[derive(Clone, Debug)]
pub struct RootOutputsVar {
    /// Archive root after the block.
    pub new_archive_root: FpVar<Fr>,
    /// `Poseidon(left.out_hash, right.out_hash)`.
    pub out_hash: FpVar<Fr>,
    /// Sum of the children's fees.
    pub total_fees: FpVar<Fr>,
    /// Root of the L1→L2 message subtree.
    pub in_hash: FpVar<Fr>,
}

/// The root rollup (see the module note). Enforces: continuity of the children; the previous
/// header is archive leaf `prev_archive.next_index − 1` and `left.start` is its state; block
/// number = `prev_archive.next_index`; timestamp < 2^64; the messages fill the next empty
/// L1→L2 subtree; the new header (state after = `right.end` and the new L1→L2 tree) is appended
/// to the archive.
pub fn root_rollup_gadget(i: &RootInputsVar) -> Result<RootOutputsVar, SynthesisError> {
    let merged = RollupOutputsVar::merge(&i.left, &i.right)?;
    let prev_hash = i.prev_header.hash()?;
    i.prev_header_path
        .root(&prev_hash)?
        .enforce_equal(&i.prev_archive.root)?;
    (i.prev_header_path.index()? + Fr::from(1u64)).enforce_equal(&i.prev_archive.next_index)?;
    i.left.start.enforce_equal(&i.prev_header.partial)?;
    i.global[1].enforce_equal(&i.prev_archive.next_index)?;
    let (_timestamp_bits, _) = i.global[2].to_bits_le_with_top_bits_zero(64)?;

    let l1_to_l2 =
        check_subtree_insertion(&i.prev_header.l1_to_l2, &i.l1_to_l2_msgs, &i.l1_to_l2_path)?;
    let in_hash = merkle_root_var(&i.l1_to_l2_msgs)?;
    let header = BlockHeaderVar {
        last_archive: i.prev_archive.clone(),
        l1_to_l2,
        partial: merged.end.clone(),
        content_commitment: hash2_var(&merged.out_hash, &in_hash)?,
        global: i.global.clone(),
        total_fees: merged.fee.clone(),
    };
    let archive = check_subtree_insertion(&i.prev_archive, &[header.hash()?], &i.archive_path)?;
    Ok(RootOutputsVar {
        new_archive_root: archive.root,
        out_hash: merged.out_hash,
        total_fees: merged.fee,
        in_hash,
    })
}

/// The root rollup as a constraint synthesizer.
#[derive(Clone, Debug)]
pub struct RootRollupCircuit {
    /// The witness.
    pub witness: RootRollupWitness,
}

impl ConstraintSynthesizer<Fr> for RootRollupCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let w = &self.witness;
        let pi = w.public_inputs();
        let public: Vec<FpVar<Fr>> = pi[..10]
            .iter()
            .map(|x| FpVar::new_input(cs.clone(), || Ok(*x)))
            .collect::<Result<_, _>>()?;
        let left = RollupOutputsVar::new_input(cs.clone(), || Ok(w.left))?;
        let right = RollupOutputsVar::new_input(cs.clone(), || Ok(w.right))?;
        // The prover id enters no other constraint; this one ties it to the proof.
        if let FpVar::Var(p) = &public[4] {
            cs.enforce_r1cs_constraint(
                || lc!() + p.variable,
                || lc!() + ark_relations::gr1cs::Variable::One,
                || lc!() + p.variable,
            )?;
        }
        let ph = &w.prev_header;
        let snap = |s| TreeSnapshotVar::new_witness(cs.clone(), || Ok(s));
        let prev_header = BlockHeaderVar {
            last_archive: snap(ph.last_archive)?,
            l1_to_l2: snap(ph.state.l1_to_l2)?,
            partial: PartialStateReferenceVar::new_witness(cs.clone(), || Ok(ph.state.partial))?,
            content_commitment: FpVar::new_witness(cs.clone(), || Ok(ph.content_commitment))?,
            global: [
                ph.global.chain_id,
                Fr::from(ph.global.block_number),
                Fr::from(ph.global.timestamp),
                ph.global.coinbase,
            ]
            .map(|x| FpVar::new_witness(cs.clone(), || Ok(x)))
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?
            .try_into()
            .expect("four globals"),
            total_fees: FpVar::new_witness(cs.clone(), || Ok(ph.total_fees))?,
        };
        let prev_archive = TreeSnapshotVar {
            root: public[0].clone(),
            next_index: FpVar::new_witness(cs.clone(), || Ok(Fr::from(w.archive.old.next_index)))?,
        };
        let inputs = RootInputsVar {
            left,
            right,
            prev_header,
            prev_header_path: MerklePathVar::new_witness(cs.clone(), || Ok(&w.prev_header_path))?,
            prev_archive,
            l1_to_l2_msgs: w
                .l1_to_l2_msgs
                .iter()
                .map(|m| FpVar::new_witness(cs.clone(), || Ok(*m)))
                .collect::<Result<_, _>>()?,
            l1_to_l2_path: MerklePathVar::new_witness(cs.clone(), || Ok(&w.l1_to_l2.path))?,
            global: [
                public[6].clone(),
                public[7].clone(),
                public[8].clone(),
                public[9].clone(),
            ],
            archive_path: MerklePathVar::new_witness(cs.clone(), || Ok(&w.archive.path))?,
        };
        let out = root_rollup_gadget(&inputs)?;
        out.new_archive_root.enforce_equal(&public[1])?;
        out.out_hash.enforce_equal(&public[2])?;
        out.total_fees.enforce_equal(&public[3])?;
        out.in_hash.enforce_equal(&public[5])
    }
}

impl BlockCircuit for RootRollupCircuit {
    const KIND: CircuitKind = CircuitKind::RootRollup;

    fn blank(preset: &Preset) -> Self {
        Self {
            witness: RootRollupWitness::blank(preset),
        }
    }

    fn public_inputs(&self) -> Vec<Fr> {
        self.witness.public_inputs()
    }
}
