//! The engine's block prover behind [`BlockProver`]: blocks are the engine's block files,
//! simulated against the world state at the requested archive root and proven with
//! `prove-block` (every proof of the tree, under the engine's hardware profile).
//!
//! With a [`BlockDecider`] ([`EngineBlockProver::with_folding`]) the blocks it submits are folded instead and decided
//! for the rollup's `DeciderVerifier` ([`BlockProver::prove_for_l1`]): one proof per block, the folded bundle and the
//! decided root's L1 form ([`DECIDED_ROOT`], `folded::root_json`) written under the work directory.
//!
//! World states are kept by archive root (the last [`KEPT_STATES`]), so any prover can prove a
//! block on top of any recent canonical block, and a block that is built but never proven
//! leaves no trace. Bundles are written under the work directory, one per proven block.

use crate::block_data::{BlockData, BlockHeader};
use crate::deploy::DeciderKeyWords;
use crate::error::{NodeError, Result};
use crate::folded::{decider_key_words, folded_proof, root_json};
use crate::proof::{
    BlockProof, BlockVerifyingKeys, RootPublicInputs as R, field_word, fr_from_address,
};
use crate::prover::{AnyBlockProof, BlockProver, BlockRequest};
use alloy::primitives::U256;
use ark_bn254::Fr;
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tree::BlockTree;
use sidecar_circuits::{AnyCircuit, CircuitKind, Preset};
use sidecar_engine::Engine;
use sidecar_engine::block::{
    BlockFile, BlockRequest as EngineRequest, Summary, build_tree, prove_block, write_atomic,
};
use sidecar_engine::folding::{BlockDecider, FoldedSummary};
use sidecar_engine::jobs::KeyCache;
use sidecar_groth16::{Backend, PreparedKey, VerifyingKey};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// World states kept for proving on top of recent blocks.
pub const KEPT_STATES: usize = 16;

/// L2 chain id of the blocks this prover builds (the workload generator's).
const CHAIN_ID: u64 = 31337;

/// Seconds between the timestamps of consecutive slots' blocks.
const SLOT_SECONDS: u64 = 12;

/// File of a folded bundle holding the decided root as the L1 was given it (`folded::root_json`).
pub const DECIDED_ROOT: &str = "decided-root.json";

/// What proving the last block measured.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(untagged)]
pub enum BlockSummary {
    /// A Groth16 forest: per-circuit counts, times, peak memory.
    Forest(Summary),
    /// A folded block: the fold's summary and the seconds deciding the root for the L1 took.
    Folded {
        #[serde(flatten)]
        folded: FoldedSummary,
        l1_decide_s: f64,
    },
}

/// A [`BlockProver`] over the engine at one preset.
pub struct EngineBlockProver<B: Backend> {
    engine: Engine<B>,
    cache: KeyCache,
    preset: Preset,
    work_dir: PathBuf,
    keys: BlockVerifyingKeys,
    genesis: WorldState,
    states: Mutex<VecDeque<(Fr, WorldState)>>,
    bundles: AtomicU64,
    last_summary: Mutex<Option<BlockSummary>>,
    decider: Option<DeciderKeyWords>,
    folding: Option<BlockDecider>,
}

fn verifying_key<B: Backend>(
    engine: &Engine<B>,
    cache: &KeyCache,
    preset: &Preset,
    kind: CircuitKind,
) -> Result<VerifyingKey> {
    let got = cache
        .get_or_create(
            engine,
            kind.name(),
            &preset.name.to_string(),
            AnyCircuit::blank(kind, preset),
        )
        .map_err(|e| NodeError::Prover(format!("keys of {}: {e}", kind.name())))?;
    Ok(got.keys.verifying)
}

/// The header a block's tree proves: root inputs the L1 checks, and the tree shape.
fn header_of(tree: &BlockTree) -> BlockHeader {
    let root = tree.root().public_inputs();
    let word = |i: usize| field_word(root[i]);
    let calls_per_tx = tree.calls_per_tx().into_iter().map(U256::from).collect();
    BlockHeader {
        chainId: word(R::CHAIN_ID),
        blockNumber: word(R::BLOCK_NUMBER),
        timestamp: word(R::TIMESTAMP),
        coinbase: word(R::COINBASE),
        inHash: word(R::IN_HASH),
        outHash: word(R::OUT_HASH),
        callsPerTx: calls_per_tx,
    }
}

impl<B> EngineBlockProver<B>
where
    B: Backend + Clone + Send + Sync + 'static,
    PreparedKey<B>: Send + Sync,
{
    /// A prover on `engine` at `preset`, keys cached in `keys_dir` (all five circuits are set
    /// up now: the L1 needs every verifying key at deployment), bundles written under
    /// `work_dir`. It starts from the genesis world state of `preset`.
    pub fn new(
        engine: Engine<B>,
        preset: Preset,
        keys_dir: &Path,
        work_dir: &Path,
    ) -> Result<Self> {
        let cache = KeyCache::new(keys_dir).map_err(|e| NodeError::Prover(e.to_string()))?;
        let [vm, kernel, base, merge, root] =
            CircuitKind::ALL.map(|kind| verifying_key(&engine, &cache, &preset, kind));
        let keys = BlockVerifyingKeys::new([vm?, kernel?, base?, merge?, root?]);
        std::fs::create_dir_all(work_dir)?;
        let genesis = WorldState::genesis(&preset);
        let states = VecDeque::from([(genesis.archive_snapshot().root, genesis.clone())]);
        Ok(Self {
            engine,
            cache,
            preset,
            work_dir: work_dir.to_path_buf(),
            keys,
            genesis,
            states: Mutex::new(states),
            bundles: AtomicU64::new(0),
            last_summary: Mutex::new(None),
            decider: None,
            folding: None,
        })
    }

    /// This prover with the key of a decider of folded block proofs, deployed with the rollup
    /// ([`BlockProver::decider_key`]).
    pub fn with_decider_key(self, key: DeciderKeyWords) -> Self {
        Self {
            decider: Some(key),
            ..self
        }
    }

    /// This prover submitting folded blocks decided by `decider`, whose preset must be this prover's; the rollup is
    /// deployed with `decider`'s key.
    pub fn with_folding(self, decider: BlockDecider) -> Result<Self> {
        if decider.preset().name != self.preset.name {
            return Err(NodeError::Config(format!(
                "a decider of {} blocks for a prover of {} blocks",
                decider.preset().name,
                self.preset.name
            )));
        }
        let words = decider_key_words(decider.verifying_key(), &decider.kzg_verifier());
        Ok(Self {
            decider: Some(words),
            folding: Some(decider),
            ..self
        })
    }

    /// The engine this prover runs on.
    pub fn engine(&self) -> &Engine<B> {
        &self.engine
    }

    /// Summary of the last block proven.
    pub fn last_summary(&self) -> Option<BlockSummary> {
        self.last_summary.lock().expect("not poisoned").clone()
    }

    /// The tree of `request`'s block with every witness, and its tx count: the block executed on the world state at
    /// its previous archive, with the request's prover id in the root. What either proof system proves (the Groth16
    /// forest of [`BlockProver::prove_block`], or a folded tree, `sidecar_engine::folding`). The state after the
    /// block is not kept (only a proven block's is).
    pub fn block_tree(&self, request: &BlockRequest) -> Result<(BlockTree, usize)> {
        self.execute(request).map(|(tree, txs, _)| (tree, txs))
    }

    /// [`Self::block_tree`] and the world state after the block.
    fn execute(&self, request: &BlockRequest) -> Result<(BlockTree, usize, WorldState)> {
        let data = BlockData::decode(&request.data)?;
        let block = self.block_file(&data)?;
        let mut state = self.state_at(request.prev_archive)?;
        let tree = build_tree(&mut state, &block, fr_from_address(request.prover))
            .map_err(|e| NodeError::Prover(e.to_string()))?;
        if header_of(&tree) != data.header {
            return Err(NodeError::Prover(
                "the block's header does not match what its body executes to".into(),
            ));
        }
        Ok((tree, block.txs.len(), state))
    }

    fn state_at(&self, archive: Fr) -> Result<WorldState> {
        let states = self.states.lock().expect("not poisoned");
        states
            .iter()
            .rev()
            .find(|(root, _)| *root == archive)
            .map(|(_, s)| s.clone())
            .ok_or_else(|| {
                NodeError::Prover(format!(
                    "no world state at archive root {} (not a block this prover has seen)",
                    field_word(archive)
                ))
            })
    }

    fn keep_state(&self, state: WorldState) {
        let mut states = self.states.lock().expect("not poisoned");
        let root = state.archive_snapshot().root;
        if states.iter().any(|(r, _)| *r == root) {
            return;
        }
        if states.len() == KEPT_STATES {
            states.pop_front();
        }
        states.push_back((root, state));
    }

    /// A fresh bundle directory under the work directory for `request`.
    fn bundle_dir(&self, request: &BlockRequest) -> PathBuf {
        loop {
            let n = self.bundles.fetch_add(1, Ordering::Relaxed);
            let dir = self.work_dir.join(format!(
                "slot-{}-{}-{n}",
                request.slot,
                hex::encode(&request.prover.as_slice()[..4])
            ));
            if !dir.exists() {
                return dir;
            }
        }
    }

    fn block_file(&self, data: &BlockData) -> Result<BlockFile> {
        let text = std::str::from_utf8(&data.body)
            .map_err(|_| NodeError::Prover("block body is not UTF-8 block-file JSON".into()))?;
        BlockFile::from_json(text).map_err(|e| NodeError::Prover(e.to_string()))
    }
}

impl<B> BlockProver for EngineBlockProver<B>
where
    B: Backend + Clone + Send + Sync + 'static,
    PreparedKey<B>: Send + Sync,
{
    fn verifying_keys(&self) -> &BlockVerifyingKeys {
        &self.keys
    }

    fn decider_key(&self) -> Option<DeciderKeyWords> {
        self.decider.clone()
    }

    fn genesis_archive(&self) -> Fr {
        self.genesis.archive_snapshot().root
    }

    fn genesis_block_number(&self) -> u64 {
        self.genesis.archive_snapshot().next_index
    }

    fn chain_id(&self) -> Fr {
        Fr::from(CHAIN_ID)
    }

    fn messages_per_block(&self) -> usize {
        self.preset.max_l1_to_l2_msgs_per_block
    }

    fn build_block(
        &self,
        prev_archive: Fr,
        slot: u64,
        txs: usize,
        seed: u64,
        messages: &[Fr],
    ) -> Result<Vec<u8>> {
        let mut state = self.state_at(prev_archive)?;
        let mut block = BlockFile::generate(&self.preset, &state, txs, seed)
            .map_err(|e| NodeError::Prover(e.to_string()))?;
        block.chain_id = Fr::from(CHAIN_ID);
        block.l1_to_l2_msgs = messages.to_vec();
        block.timestamp += slot * SLOT_SECONDS;
        // The sequencer executes its block to learn what the proof will show; the prover id
        // is not part of the header, so any value serves here.
        let tree = build_tree(&mut state, &block, Fr::from(0u64))
            .map_err(|e| NodeError::Prover(e.to_string()))?;
        let data = BlockData {
            header: header_of(&tree),
            body: block.to_json().into_bytes(),
        };
        Ok(data.encode())
    }

    fn prove_block(&self, request: &BlockRequest) -> Result<BlockProof> {
        let (tree, txs, state) = self.execute(request)?;
        let out = self.bundle_dir(request);
        let req = EngineRequest {
            preset: &self.preset,
            tree,
            txs,
        };
        let (proven, summary) = prove_block(
            &self.engine,
            &self.cache,
            req,
            &out,
            Arc::new(AtomicBool::new(false)),
            &mut (),
        )
        .map_err(|e| NodeError::Prover(e.to_string()))?;
        *self.last_summary.lock().expect("not poisoned") = Some(BlockSummary::Forest(summary));
        self.keep_state(state);
        Ok(BlockProof::from_proven(&proven))
    }

    fn prove_for_l1(&self, request: &BlockRequest) -> Result<AnyBlockProof> {
        let Some(decider) = &self.folding else {
            return self.prove_block(request).map(AnyBlockProof::Forest);
        };
        let (tree, txs, state) = self.execute(request)?;
        let out = self.bundle_dir(request);
        let (folded, l1_decide_s, root) = decider
            .prove_block(self.engine.runtime(), &tree, txs, request.slot, &out)
            .map_err(|e| NodeError::Prover(e.to_string()))?;
        let words = self.decider.as_ref().expect("set with the decider");
        let text = serde_json::to_string_pretty(&root_json(words, &root))
            .map_err(|e| NodeError::Prover(e.to_string()))?;
        write_atomic(&out.join(DECIDED_ROOT), (text + "\n").as_bytes())?;
        *self.last_summary.lock().expect("not poisoned") = Some(BlockSummary::Folded {
            folded,
            l1_decide_s,
        });
        self.keep_state(state);
        Ok(AnyBlockProof::Folded(Box::new(folded_proof(&root))))
    }

    fn describe(&self) -> String {
        format!(
            "engine prover, preset {}, {}, {} threads, bundles in {}",
            self.preset.name,
            match self.folding {
                Some(_) => "folded blocks decided for L1",
                None => "Groth16 forests",
            },
            self.engine.runtime().threads(),
            self.work_dir.display()
        )
    }
}
