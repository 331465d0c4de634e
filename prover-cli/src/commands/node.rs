//! `sidecar node`: M sequencers and P provers take K slots through the Fernet / Sidecar block
//! lifecycle on an L1 — the embedded revm devchain (default), an anvil started here, or any
//! JSON-RPC endpoint — with blocks proven by the engine (`prove-block`). Each slot's
//! lifecycle is printed with the confirmation stage it reached. `prove-block --submit` runs one
//! slot of the same lifecycle for the block it proves.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use alloy::primitives::U256;
use clap::Args;
use sidecar_circuits::{Preset, PresetName};
use sidecar_node_shim::l1::{AnvilProcess, anvil_default_keys};
use sidecar_node_shim::{
    BlockProver, Devchain, EngineBlockProver, Fault, L1, Node, NodeConfig, RpcL1, SlotReport,
};

use super::BoxError;

/// Arguments of `node`.
#[derive(Args)]
pub struct NodeArgs {
    /// Registered sequencers (each proposes every slot; the best Fernet score wins).
    #[arg(long, default_value_t = 3)]
    pub sequencers: usize,
    /// Provers (the canonical proposer names one per slot, round robin).
    #[arg(long, default_value_t = 2)]
    pub provers: usize,
    /// Slots to run.
    #[arg(long, default_value_t = 3)]
    pub slots: u64,
    /// Transactions per block (at least 2).
    #[arg(long, default_value_t = 2)]
    pub txs: usize,
    /// L1: `embedded` (in-process revm devchain), `anvil` (start one on 127.0.0.1 from
    /// node-shim/node_modules), or a JSON-RPC URL (accounts from the standard dev mnemonic).
    #[arg(long, default_value = "embedded")]
    pub l1: String,
    /// Inject a fault: `SLOT:KIND`, SLOT counted from 0, KIND one of no-proposal,
    /// no-commitment, missed-deadline, invalid-proof, invalid-linkage, withheld-data (repeatable).
    #[arg(long = "fault")]
    pub faults: Vec<String>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// How blocks are proven: shared by `node` and `prove-block --submit`.
#[derive(Args, Clone)]
pub struct EngineArgs {
    /// Circuit preset of the proven blocks (`tiny` proves a block in seconds; `devnet` in
    /// minutes on a small machine).
    #[arg(long, default_value = "tiny")]
    pub preset: String,
    /// Hardware profile: minimum, recommended, ideal, or a TOML path.
    #[arg(long, default_value = "minimum")]
    pub profile: String,
    /// Kernel backend: cpu, cuda, wgpu or auto.
    #[arg(long, default_value = "auto")]
    pub backend: String,
    /// Key cache directory.
    #[arg(long, default_value = "out/keys")]
    pub keys: PathBuf,
    /// Directory for the proof bundles of every proven block.
    #[arg(long, default_value = "out/node")]
    pub out: PathBuf,
    /// Seed of the generated blocks.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn parse_fault(s: &str) -> Result<(u64, Fault), BoxError> {
    let (slot, kind) = s
        .split_once(':')
        .ok_or_else(|| format!("--fault {s}: expected SLOT:KIND"))?;
    let slot = slot
        .parse()
        .map_err(|_| format!("--fault {s}: slot must be a number"))?;
    let fault = match kind {
        "no-proposal" => Fault::NoProposal,
        "no-commitment" => Fault::NoCommitment,
        "missed-deadline" => Fault::MissedDeadline,
        "invalid-proof" => Fault::InvalidProof,
        "invalid-linkage" => Fault::InvalidLinkage,
        "withheld-data" => Fault::WithheldData,
        other => return Err(format!("--fault {s}: unknown kind {other:?}").into()),
    };
    Ok((slot, fault))
}

/// The engine's block prover for `args`, keys set up for all five circuits.
pub fn engine_prover(
    args: &EngineArgs,
) -> Result<EngineBlockProver<sidecar_kernels::AnyBackend>, BoxError> {
    let preset = Preset::get(args.preset.parse::<PresetName>()?);
    let engine = super::engine_for(&args.profile, &args.backend)?;
    let t = Instant::now();
    let prover = EngineBlockProver::new(engine, preset, &args.keys, &args.out)?;
    println!(
        "keys of all five circuits ready in {:.1} s ({})",
        t.elapsed().as_secs_f64(),
        args.keys.display()
    );
    Ok(prover)
}

/// Keeps a started anvil alive while the run uses it.
enum Chain {
    Embedded(Devchain),
    /// A JSON-RPC chain; an anvil started for it is killed when this drops.
    Rpc {
        l1: RpcL1,
        _anvil: Option<AnvilProcess>,
    },
}

impl Chain {
    fn open(spec: &str, accounts: usize, seed: u64) -> Result<Self, BoxError> {
        Ok(match spec {
            "embedded" => Chain::Embedded(Devchain::new(accounts, seed)),
            "anvil" => {
                let anvil = AnvilProcess::start(accounts)?;
                let rpc = RpcL1::connect(&anvil.endpoint(), anvil.signers())?;
                Chain::Rpc {
                    l1: rpc,
                    _anvil: Some(anvil),
                }
            }
            url if url.starts_with("http://") || url.starts_with("https://") => Chain::Rpc {
                l1: RpcL1::connect(url, anvil_default_keys(accounts)?)?,
                _anvil: None,
            },
            other => {
                return Err(
                    format!("--l1 {other}: expected embedded, anvil or an http(s) URL").into(),
                );
            }
        })
    }

    fn l1(&mut self) -> &mut dyn L1 {
        match self {
            Chain::Embedded(d) => d,
            Chain::Rpc { l1, .. } => l1,
        }
    }
}

/// Runs `config` on the L1 named by `l1`, printing every slot as it closes, then settles and
/// prints stages, rewards and bond balances. Every slot must reach stage 7 (finalized and past
/// the finality depth), else it is an error. Returns the slot reports.
pub fn drive(
    l1: &str,
    prover: &dyn BlockProver,
    config: NodeConfig,
) -> Result<Vec<SlotReport>, BoxError> {
    let mut chain = Chain::open(l1, config.accounts_needed(), config.seed)?;
    println!("L1: {}", chain.l1().describe());
    println!("prover: {}", prover.describe());
    let mut node = Node::setup(chain.l1(), prover, config)?;
    println!(
        "contracts: rollup {}, registry {}, RANDAO {}, reward token {}, inbox {}",
        node.deployment.rollup,
        node.deployment.registry,
        node.deployment.randao,
        node.deployment.token,
        node.deployment.inbox
    );
    let mut reports = Vec::new();
    for i in 0..node.config.slots {
        let t = Instant::now();
        let report = node.run_slot(node.first_slot + i)?;
        println!("{report}  ({:.1} s)", t.elapsed().as_secs_f64());
        reports.push(report);
    }
    let stages = node.settle()?;
    println!(
        "\nafter {} L1 blocks of finality:",
        node.config.params.finality_depth
    );
    for &(slot, stage) in &stages {
        println!("  slot {slot}: stage {stage}");
    }
    let actors = node
        .sequencers
        .iter()
        .map(|a| ("sequencer", a.address))
        .chain(node.provers.iter().map(|a| ("prover", a.address)))
        .chain([("watcher", node.watcher.address)])
        .collect::<Vec<_>>();
    for (role, who) in actors {
        let reward = node.reward_balance(who)?;
        let eth = node.l1().balance(who)?;
        println!(
            "  {role:<9} {who}: {} reward tokens, {} ETH",
            units(reward),
            units(eth)
        );
    }
    if let Some((slot, stage)) = stages.iter().find(|(_, stage)| *stage < 7) {
        return Err(format!("slot {slot} ended at confirmation stage {stage}, not 7").into());
    }
    Ok(reports)
}

/// An 18-decimal amount, to 3 decimals.
fn units(x: U256) -> String {
    let milli = x / U256::from(10u64).pow(U256::from(15u64));
    let milli: u128 = milli.try_into().unwrap_or(u128::MAX);
    format!("{}.{:03}", milli / 1000, milli % 1000)
}

/// Runs `node`.
pub fn run(args: NodeArgs) -> Result<(), BoxError> {
    let faults: BTreeMap<u64, Fault> = args
        .faults
        .iter()
        .map(|f| parse_fault(f))
        .collect::<Result<_, _>>()?;
    if let Some(&slot) = faults.keys().find(|&&s| s >= args.slots) {
        return Err(format!("--fault at slot {slot}, but only {} slots run", args.slots).into());
    }
    let prover = engine_prover(&args.engine)?;
    let mut config = NodeConfig::new(args.sequencers, args.provers, args.slots);
    config.txs_per_block = args.txs;
    config.seed = args.engine.seed;
    config.faults = faults;
    let start = Instant::now();
    let reports = drive(&args.l1, &prover, config)?;
    let proven = reports.iter().filter(|r| r.verify_gas.is_some()).count();
    println!(
        "{} slots, {proven} blocks proven on L1, in {:.1} s; bundles in {}",
        reports.len(),
        start.elapsed().as_secs_f64(),
        args.engine.out.display()
    );
    Ok(())
}
