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
use serde_json::{Value, json};
use sidecar_circuits::Preset;
use sidecar_circuits::tx::fr_hex;
use sidecar_engine::folding::BlockDecider;
use sidecar_node_shim::l1::{AnvilProcess, anvil_default_keys};
use sidecar_node_shim::{
    BlockProver, Devchain, EngineBlockProver, Fault, L1, Node, NodeConfig, RpcL1, SlotReport,
};
use sidecar_pcd::Srs;

use crate::args::{ProofSystemArg, ProofSystemArgs, ProverArgs};
use crate::exit::{CliError, Exit};

/// Arguments of `node`.
#[derive(Args)]
pub struct NodeArgs {
    /// Registered sequencers (each proposes every slot; the best Fernet score wins).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub sequencers: u64,
    /// Provers (the canonical proposer names one per slot, round robin).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub provers: u64,
    /// Slots to run.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub slots: u64,
    /// Transactions per block (a block of one tx is padded with an empty one).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub txs: u64,
    /// L1: `embedded` (in-process revm devchain), `anvil` (start one on 127.0.0.1 from
    /// node-shim/node_modules), or a JSON-RPC URL (accounts from the standard dev mnemonic).
    #[arg(long, env = "SIDECAR_L1", default_value = "embedded", value_parser = parse_l1)]
    pub l1: String,
    /// Inject a fault (repeatable): `SLOT:KIND`, SLOT the index of the run's slot (0 for its
    /// first), KIND no-proposal, no-commitment, missed-deadline, invalid-proof, invalid-linkage
    /// or withheld-data.
    #[arg(long = "fault", value_parser = parse_fault)]
    pub faults: Vec<(u64, Fault)>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print the slot reports, stages and balances as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// How blocks are proven: shared by `node` and `prove-block --submit`.
#[derive(Args, Clone, Debug)]
pub struct EngineArgs {
    #[command(flatten)]
    pub prover: ProverArgs,
    #[command(flatten)]
    pub system: ProofSystemArgs,
    /// Directory under which every proven block's bundle is written
    /// (`slot-<slot>-<prover>-<n>/`).
    #[arg(long, env = "SIDECAR_BUNDLES", default_value = "out/node")]
    pub bundles: PathBuf,
    /// Seed of the generated blocks.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn parse_fault(s: &str) -> Result<(u64, Fault), String> {
    let (slot, kind) = s
        .split_once(':')
        .ok_or_else(|| format!("{s}: expected SLOT:KIND"))?;
    let slot = slot
        .parse()
        .map_err(|_| format!("{s}: slot must be a number"))?;
    let kind = Fault::from_name(kind).ok_or_else(|| {
        let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
        format!(
            "{s}: unknown fault {kind:?}, expected one of {}",
            names.join(", ")
        )
    })?;
    Ok((slot, kind))
}

pub(crate) fn parse_l1(s: &str) -> Result<String, String> {
    match s {
        "embedded" | "anvil" => Ok(s.into()),
        url if url.starts_with("http://") || url.starts_with("https://") => Ok(s.into()),
        other => Err(format!(
            "{other}: expected embedded, anvil or an http(s) URL"
        )),
    }
}

/// The SRS blocks are folded over for an L1 (`--proof-system folding --srs FILE`), read and
/// checked; none for Groth16. Folding without `--srs` is a usage error: the L1 opens KZG
/// commitments.
pub fn l1_srs(args: &EngineArgs) -> Result<Option<Srs>, CliError> {
    if args.system.proof_system == ProofSystemArg::Folding && args.system.srs.is_none() {
        return Err(CliError::usage(
            "--proof-system folding on an L1 needs --srs FILE: the L1 opens KZG commitments \
             (`sidecar setup --dev` makes a dev SRS, `sidecar setup --ptau FILE` one from a ceremony)",
        ));
    }
    super::system_srs(&args.system)
}

/// The engine's block prover for `args`, keys set up for all five circuits; with an SRS
/// ([`l1_srs`]), also the decider of blocks folded over it (its key loaded from the key cache,
/// or made there), so that it submits folded blocks.
pub fn engine_prover(
    args: &EngineArgs,
    srs: Option<Srs>,
) -> Result<EngineBlockProver<sidecar_kernels::AnyBackend>, CliError> {
    let engine = super::engine_for(&args.prover.machine)?;
    let preset = Preset::get(args.prover.preset.into());
    let t = Instant::now();
    let decider = match &srs {
        Some(srs) => {
            tracing::info!(
                "decider of folded blocks: loading its key from {}, or making it (minutes and \
                 about 17 GB at devnet)",
                args.prover.keys.display()
            );
            let (decider, outcome) = BlockDecider::open(
                engine.runtime(),
                &preset,
                srs,
                engine.groth16().backend().clone(),
                &args.prover.keys,
            )?;
            tracing::info!(
                "decider key {outcome:?} in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            Some(decider)
        }
        None => None,
    };
    let t = Instant::now();
    let prover = EngineBlockProver::new(engine, preset, &args.prover.keys, &args.bundles)?;
    tracing::info!(
        "keys of all five circuits ready in {:.1} s ({})",
        t.elapsed().as_secs_f64(),
        args.prover.keys.display()
    );
    Ok(match decider {
        Some(d) => prover.with_folding(d)?,
        None => prover,
    })
}

/// The L1 of a run, opened (and reached) before any key work; a started anvil is kept alive
/// while the run uses it.
pub enum Chain {
    Embedded(Devchain),
    /// A JSON-RPC chain; an anvil started for it is killed when this drops.
    Rpc {
        l1: RpcL1,
        _anvil: Option<AnvilProcess>,
    },
}

impl Chain {
    /// Opens the L1 named by `spec` (`embedded`, `anvil` or a URL) for `config`'s accounts.
    pub fn open(spec: &str, config: &NodeConfig) -> Result<Self, CliError> {
        let (accounts, seed) = (config.accounts_needed(), config.seed);
        let reach = |e: sidecar_node_shim::L1Error| {
            CliError::new(Exit::Internal, format!("--l1 {spec}: {e}"))
        };
        Ok(match spec {
            "embedded" => Chain::Embedded(Devchain::new(accounts, seed)),
            "anvil" => {
                let anvil = AnvilProcess::start(accounts).map_err(reach)?;
                let rpc = RpcL1::connect(&anvil.endpoint(), anvil.signers()).map_err(reach)?;
                Chain::Rpc {
                    l1: rpc,
                    _anvil: Some(anvil),
                }
            }
            url if url.starts_with("http://") || url.starts_with("https://") => Chain::Rpc {
                l1: RpcL1::connect(url, anvil_default_keys(accounts)?).map_err(reach)?,
                _anvil: None,
            },
            other => {
                return Err(CliError::input(format!(
                    "--l1 {other}: expected embedded, anvil or an http(s) URL"
                )));
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

/// What a lifecycle run produced: the slot reports, each slot's stage after settling, and every
/// actor's reward-token and ETH balances.
pub struct Run {
    pub reports: Vec<SlotReport>,
    pub stages: Vec<(u64, u8)>,
    pub finality_depth: u64,
    pub balances: Vec<(&'static str, alloy::primitives::Address, U256, U256)>,
}

/// Runs `config` on `chain`, logging every slot as it closes, then settles. Every slot must
/// reach stage 7 (finalized and past the finality depth), else the run is rejected (exit 3).
pub fn drive(
    chain: &mut Chain,
    prover: &dyn BlockProver,
    config: NodeConfig,
) -> Result<Run, CliError> {
    tracing::info!("L1: {}", chain.l1().describe());
    tracing::info!("prover: {}", prover.describe());
    let mut node = Node::setup(chain.l1(), prover, config)?;
    let d = &node.deployment;
    tracing::info!(
        "contracts: rollup {}, registry {}, RANDAO {}, reward token {}, inbox {}",
        d.rollup,
        d.registry,
        d.randao,
        d.token,
        d.inbox
    );
    let mut reports = Vec::new();
    for i in 0..node.config.slots {
        let t = Instant::now();
        let report = node.run_slot(node.first_slot + i)?;
        tracing::info!(
            "slot {} closed: {:?} in {:.1} s",
            report.slot,
            report.outcome,
            t.elapsed().as_secs_f64()
        );
        reports.push(report);
    }
    let stages = node.settle()?;
    let actors = node
        .sequencers
        .iter()
        .map(|a| ("sequencer", a.address))
        .chain(node.provers.iter().map(|a| ("prover", a.address)))
        .chain([("watcher", node.watcher.address)])
        .collect::<Vec<_>>();
    let mut balances = Vec::new();
    for (role, who) in actors {
        let reward = node.reward_balance(who)?;
        balances.push((role, who, reward, node.l1().balance(who)?));
    }
    let run = Run {
        reports,
        stages,
        finality_depth: node.config.params.finality_depth,
        balances,
    };
    if let Some((slot, stage)) = run.stages.iter().find(|(_, stage)| *stage < 7) {
        return Err(CliError::new(
            Exit::Rejected,
            format!("slot {slot} ended at confirmation stage {stage}, not 7"),
        ));
    }
    Ok(run)
}

/// An 18-decimal amount, to 3 decimals.
fn units(x: U256) -> String {
    let milli = x / U256::from(10u64).pow(U256::from(15u64));
    let milli: u128 = milli.try_into().unwrap_or(u128::MAX);
    format!("{}.{:03}", milli / 1000, milli % 1000)
}

/// One slot as JSON.
fn report_json(r: &SlotReport) -> Value {
    json!({
        "slot": r.slot,
        "fault": r.fault.map(|f| f.name()),
        "outcome": format!("{:?}", r.outcome),
        "stages": r.stages,
        "proposer": r.proposer.map(|a| a.to_string()),
        "prover": r.prover.map(|a| a.to_string()),
        "proofs": r.proofs,
        "verify_gas": r.verify_gas,
        "prover_slashed": r.slashed,
        "proposer_slashed": r.proposer_slashed,
        "tampered_rejected": r.tampered_rejected,
        "messages_sent": r.messages_sent.iter()
            .map(|(batch, leaf)| json!({ "batch": batch, "leaf": fr_hex::to_hex(leaf) }))
            .collect::<Vec<_>>(),
        "messages_consumed": r.messages_consumed.map(|(batch, n)| json!({ "batch": batch, "count": n })),
        "events": r.events,
    })
}

/// The run as JSON: slots, stages, balances (wei, decimal strings).
pub fn run_json(run: &Run) -> Value {
    json!({
        "slots": run.reports.iter().map(report_json).collect::<Vec<_>>(),
        "stages": run.stages.iter().map(|(s, st)| json!({ "slot": s, "stage": st })).collect::<Vec<_>>(),
        "balances": run.balances.iter().map(|(role, who, reward, eth)| json!({
            "role": role, "address": who.to_string(),
            "reward_tokens_wei": reward.to_string(), "eth_wei": eth.to_string(),
        })).collect::<Vec<_>>(),
    })
}

/// The run as text: every slot, the stages after finality, the balances.
pub fn print_run(run: &Run) {
    for r in &run.reports {
        println!("{r}");
    }
    println!("\nafter {} L1 blocks of finality:", run.finality_depth);
    for &(slot, stage) in &run.stages {
        println!("  slot {slot}: stage {stage}");
    }
    for (role, who, reward, eth) in &run.balances {
        println!(
            "  {role:<9} {who}: {} reward tokens, {} ETH",
            units(*reward),
            units(*eth)
        );
    }
}

/// Runs `node`.
pub fn run(args: NodeArgs) -> Result<(), CliError> {
    let faults: BTreeMap<u64, Fault> = args.faults.iter().copied().collect();
    if let Some(&slot) = faults.keys().find(|&&s| s >= args.slots) {
        return Err(CliError::input(format!(
            "--fault at slot {slot}, but only {} slots run",
            args.slots
        )));
    }
    let mut config = NodeConfig::new(args.sequencers as usize, args.provers as usize, args.slots);
    config.txs_per_block = args.txs as usize;
    config.seed = args.engine.seed;
    config.faults = faults;
    let srs = l1_srs(&args.engine)?;
    let mut chain = Chain::open(&args.l1, &config)?;
    let prover = engine_prover(&args.engine, srs)?;
    let start = Instant::now();
    let run = drive(&mut chain, &prover, config)?;
    if args.json {
        return super::print_json(&run_json(&run));
    }
    print_run(&run);
    let proven = run
        .reports
        .iter()
        .filter(|r| r.verify_gas.is_some())
        .count();
    println!(
        "{} slots, {proven} blocks proven on L1, in {:.1} s; bundles in {}",
        run.reports.len(),
        start.elapsed().as_secs_f64(),
        args.engine.bundles.display()
    );
    Ok(())
}
