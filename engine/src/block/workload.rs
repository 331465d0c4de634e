//! Block input: the block file format, a workload from the circuits crate's generator, and the
//! simulator's proof tree (every witness in node order). The simulator (`sidecar_circuits::sim`)
//! executes every tx before anything is proven and names the first invalid one by index.

use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use sidecar_circuits::rollup::GlobalVariables;
use sidecar_circuits::sim::simulate_block;
use sidecar_circuits::sim::workload::Workload;
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tx::{Contract, ContractRegistry, Tx, fr_hex};
use sidecar_circuits::{Error as CircuitError, Preset, PresetName};

use sidecar_circuits::tree::BlockTree;

use crate::{Error, Result};

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
        serde_json::from_str(s).map_err(|e| Error::Malformed(format!("block file: {e}")))
    }

    /// JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a block file always serializes")
    }

    /// A seeded block of `n` valid txs against `state`: about a quarter token mints (one per
    /// funded account), the rest from the generator's mix (private-only txs, counter
    /// increments, transfers within balances already in `state`).
    pub fn generate(preset: &Preset, state: &WorldState, n: usize, seed: u64) -> Result<Self> {
        let accounts = (n / 4).max(1).min(n) as u64;
        let mut w = Workload::new(preset, seed, accounts)?;
        let mut txs = if n == 0 { vec![] } else { w.funding_txs(1000) };
        txs.extend(w.valid_txs(state, n - txs.len()));
        let contracts: Vec<Contract> = serde_json::from_str(&w.registry.to_json())
            .map_err(|e| Error::Malformed(format!("registry: {e}")))?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Ok(Self {
            preset: preset.name,
            contracts,
            txs,
            l1_to_l2_msgs: (0..preset.max_l1_to_l2_msgs_per_block)
                .map(|_| Fr::rand(&mut rng))
                .collect(),
            chain_id: Fr::from(31337u64),
            timestamp: 1_700_000_000,
            coinbase: Fr::rand(&mut rng),
        })
    }
}

/// Simulates `block` on `state` (unchanged on error; advanced to the block's end state on
/// success) and returns its proof tree with every witness. An invalid tx is reported as
/// [`Error::InvalidTx`] with its index before anything is proven.
pub fn build_tree(state: &mut WorldState, block: &BlockFile, prover_id: Fr) -> Result<BlockTree> {
    let preset = state.preset().clone();
    if block.preset != preset.name {
        return Err(Error::Malformed(format!(
            "block file is for preset {}, the state is {}",
            block.preset, preset.name
        )));
    }
    let mut registry = ContractRegistry::default();
    for c in &block.contracts {
        registry.deploy(&preset, c.clone())?;
    }
    let global = GlobalVariables {
        chain_id: block.chain_id,
        block_number: state.archive_snapshot().next_index,
        timestamp: block.timestamp,
        coinbase: block.coinbase,
    };
    let sim = simulate_block(
        state,
        &registry,
        &block.txs,
        &block.l1_to_l2_msgs,
        global,
        prover_id,
    )
    .map_err(|e| match e {
        CircuitError::InvalidTx { index, reason } => Error::InvalidTx { index, reason },
        other => other.into(),
    })?;
    Ok(sim.into_tree()?)
}
