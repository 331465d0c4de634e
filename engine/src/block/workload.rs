//! Interim block input until the circuits crate's simulator lands: a block file format, a
//! workload generator, and witness building for txs whose public calls do not touch public
//! storage (the calls emit note hashes and nullifiers). A call that reads or writes storage is
//! refused with a clear error; the simulator replaces [`build_witnesses`] without changing the
//! orchestrator, which only consumes [`BlockProofWitnesses`].

use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sidecar_circuits::effects::TxEffects;
use sidecar_circuits::kernel::{KernelCircuit, KernelState};
use sidecar_circuits::rollup::{GlobalVariables, build_block};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tx::{Contract, ContractRegistry, PublicCallRequest, Tx, fr_hex};
use sidecar_circuits::vm::{Storage, VmCircuit, assemble};
use sidecar_circuits::{Error as CircuitError, Preset, PresetName};

use super::error::{BlockError, Result};
use super::tree::{BlockProofWitnesses, CallWitness};

/// The generator's contract: emits `calldata[0]` as a note hash and `calldata[1]` as a nullifier.
pub const EMITTER: &str = "calldata r0, 0\nnote r0\ncalldata r1, 1\nnullify r1\nreturn\n";

/// A block file: contracts, txs (the tx module's JSON form), L1→L2 messages, globals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockFile {
    /// Preset the txs are shaped for.
    pub preset: PresetName,
    /// Contracts the public calls refer to (addresses recomputed on load).
    pub contracts: Vec<Contract>,
    /// The txs, in block order.
    pub txs: Vec<Tx>,
    /// L1→L2 messages consumed by the block.
    #[serde(with = "fr_hex::vec")]
    pub l1_to_l2_msgs: Vec<Fr>,
    /// L2 chain id.
    #[serde(with = "fr_hex")]
    pub chain_id: Fr,
    /// Block timestamp (unix seconds).
    pub timestamp: u64,
    /// Fee recipient.
    #[serde(with = "fr_hex")]
    pub coinbase: Fr,
}

impl BlockFile {
    /// Parses the JSON form.
    pub fn from_json(s: &str) -> Result<Self> {
        serde_json::from_str(s).map_err(|e| BlockError::Malformed(format!("block file: {e}")))
    }

    /// JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a block file always serializes")
    }

    /// A random block of `n` txs: each has a private nullifier and note hash, a fee, and
    /// (every other tx) one call to [`EMITTER`] with fresh random values.
    pub fn generate<R: Rng>(preset: &Preset, n: usize, rng: &mut R) -> Self {
        let emitter = Contract {
            code: assemble(EMITTER).expect("the emitter assembles"),
            salt: Fr::rand(rng),
        };
        let address = emitter
            .address(preset)
            .expect("the emitter fits every preset");
        let txs = (0..n)
            .map(|i| Tx {
                note_hashes: vec![Fr::rand(rng)],
                nullifiers: vec![Fr::rand(rng)],
                public_calls: if i % 2 == 0 {
                    vec![PublicCallRequest {
                        contract: address,
                        calldata: vec![Fr::rand(rng), Fr::rand(rng)],
                    }]
                } else {
                    vec![]
                },
                fee: rng.gen_range(1..1_000_000),
            })
            .collect();
        Self {
            preset: preset.name,
            contracts: vec![emitter],
            txs,
            l1_to_l2_msgs: (0..preset.max_l1_to_l2_msgs_per_block)
                .map(|_| Fr::rand(rng))
                .collect(),
            chain_id: Fr::from(31337u64),
            timestamp: 1_700_000_000,
            coinbase: Fr::rand(rng),
        }
    }
}

/// Public storage is the simulator's: refuse every access.
struct NoStorage;

impl Storage for NoStorage {
    fn sload(&mut self, _: Fr) -> sidecar_circuits::Result<Fr> {
        Err(CircuitError::Kernel(
            "public storage reads need the simulator".into(),
        ))
    }
    fn sstore(&mut self, _: Fr, _: Fr) -> sidecar_circuits::Result<()> {
        Err(CircuitError::Kernel(
            "public storage writes need the simulator".into(),
        ))
    }
}

fn tx_witnesses(
    preset: &Preset,
    registry: &ContractRegistry,
    tx: &Tx,
    start_root: Fr,
) -> sidecar_circuits::Result<(Vec<CallWitness>, TxEffects)> {
    tx.check_shape(preset)?;
    let mut state = KernelState::init(preset, tx, start_root)?;
    let mut calls = Vec::with_capacity(tx.public_calls.len());
    for call in &tx.public_calls {
        let contract = registry
            .get(&call.contract)
            .ok_or_else(|| CircuitError::Kernel("call to an unknown contract".into()))?;
        let vm = VmCircuit::execute(preset, &contract.code, &call.calldata, &mut NoStorage)?;
        let kernel = KernelCircuit::new(
            preset,
            tx,
            &state,
            &contract.code,
            contract.salt,
            &vm.outputs,
            vec![],
        )?;
        state = kernel.next.clone();
        calls.push(CallWitness { vm, kernel });
    }
    let effects = if tx.public_calls.is_empty() {
        TxEffects {
            note_hashes: tx.note_hashes.clone(),
            nullifiers: tx.nullifiers.clone(),
            public_data_writes: vec![],
            fee: tx.fee,
        }
    } else {
        state.effects()
    };
    Ok((calls, effects))
}

/// Every witness of `block` applied to `state` (unchanged on error). An invalid tx is reported
/// as [`BlockError::InvalidTx`] with its index before anything is proven.
pub fn build_witnesses(
    state: &mut WorldState,
    block: &BlockFile,
    prover_id: Fr,
) -> Result<BlockProofWitnesses> {
    let preset = state.preset().clone();
    if block.preset != preset.name {
        return Err(BlockError::Malformed(format!(
            "block file is for preset {}, the state is {}",
            block.preset, preset.name
        )));
    }
    let mut registry = ContractRegistry::default();
    for c in &block.contracts {
        registry.deploy(&preset, c.clone())?;
    }
    // Calls here never write public data, so every tx starts from the block's public data root.
    let start_root = state.partial_reference().public_data.root;
    let mut calls = Vec::with_capacity(block.txs.len());
    let mut effects = Vec::with_capacity(block.txs.len());
    for (index, tx) in block.txs.iter().enumerate() {
        let (c, e) = tx_witnesses(&preset, &registry, tx, start_root).map_err(|e| {
            BlockError::InvalidTx {
                index,
                reason: e.to_string(),
            }
        })?;
        calls.push(c);
        effects.push(e);
    }
    let global = GlobalVariables {
        chain_id: block.chain_id,
        block_number: state.archive_snapshot().next_index,
        timestamp: block.timestamp,
        coinbase: block.coinbase,
    };
    let rollup = build_block(state, &effects, &block.l1_to_l2_msgs, global, prover_id).map_err(
        |e| match e {
            CircuitError::InvalidTx { index, reason } => BlockError::InvalidTx { index, reason },
            other => other.into(),
        },
    )?;
    Ok(BlockProofWitnesses { calls, rollup })
}
