//! `sidecar prove-block`: a block (generated with `--txs N` or read with `--block FILE`) is
//! simulated, checked tx by tx before anything is proven, then its whole proof tree is proven
//! under a hardware profile and written as a bundle (`--out DIR`, see docs/prove-block.md).
//! Progress bars per circuit type and overall; Ctrl-C stops scheduling new proofs and leaves
//! completed ones in `DIR.partial`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ark_bn254::Fr;
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tx::fr_hex;
use sidecar_circuits::{CircuitKind, Preset};
use sidecar_engine::block::{
    BlockEvent, BlockFile, BlockRequest, Progress, Summary, build_tree, check_out, prove_block,
};
use sidecar_engine::folding::{FoldRequest, FoldedSummary, prove_block_folded};
use sidecar_engine::jobs::KeyCache;
use sidecar_node_shim::{BlockSummary, NodeConfig};
use sidecar_pcd::Srs;

use super::node::EngineArgs;
use crate::args::{ProofSystemArg, ProofSystemArgs, ProverArgs};
use crate::exit::{CliError, Exit};

/// Arguments of `prove-block`.
#[derive(Args)]
pub struct ProveBlockArgs {
    /// Generate a block of N txs with the circuits crate's workload generator (token mints,
    /// counter calls, transfers, private-only txs); one tx is padded with an empty one.
    #[arg(long, conflicts_with = "block", required_unless_present = "block",
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub txs: Option<u64>,
    /// Read the block from a JSON block file instead.
    #[arg(long, conflicts_with = "submit")]
    pub block: Option<PathBuf>,
    /// Submit the proven block to an L1 (see --l1): the rollup contracts are deployed there
    /// and the block goes through one slot of the lifecycle — proposal, prover commitment,
    /// reveal, proof (this prover's: a Groth16 forest batch-verified on L1, or with
    /// `--proof-system folding --srs FILE` one decider proof), finalization. The proof binds
    /// the L1's archive root and the committing prover (so no --prover-id), and the block is
    /// generated in that slot (so no --block, --state or --write-block); its bundle is written
    /// under --bundles.
    #[arg(long, requires = "txs",
          conflicts_with_all = ["state", "write_block", "prover_id", "out"])]
    pub submit: bool,
    /// With --submit: `embedded` (in-process revm devchain), `anvil` (started on 127.0.0.1),
    /// or a JSON-RPC URL.
    #[arg(
        long,
        env = "SIDECAR_L1",
        default_value = "embedded",
        value_parser = super::node::parse_l1,
        requires = "submit"
    )]
    pub l1: String,
    /// With --submit: directory under which the bundle is written.
    #[arg(
        long,
        env = "SIDECAR_BUNDLES",
        default_value = "out/node",
        requires = "submit"
    )]
    pub bundles: PathBuf,
    /// With --txs: also write the generated block file here.
    #[arg(long, requires = "txs")]
    pub write_block: Option<PathBuf>,
    /// Seed of the generated workload.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub system: ProofSystemArgs,
    #[command(flatten)]
    pub prover: ProverArgs,
    /// Bundle directory: created, or an earlier bundle there replaced; any other non-empty
    /// directory is refused before any work.
    #[arg(long, env = "SIDECAR_OUT", default_value = "out/block")]
    pub out: PathBuf,
    /// Persistent world state directory (default: a fresh genesis state, not saved).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Prover id bound by the root rollup (0x hex).
    #[arg(long, default_value = "0x01")]
    pub prover_id: String,
    /// Print the run's summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Prove through a proving service (`sidecar serve` at this URL) instead of here: the
    /// block is submitted, its agents prove it, and its bundle is downloaded to --out. The
    /// service proves on the preset's genesis state (so no --state).
    #[arg(long, env = "SIDECAR_BROKER", conflicts_with_all = ["submit", "state"])]
    pub broker: Option<String>,
    /// With --broker: the service's client token.
    #[arg(
        long,
        env = "SIDECAR_CLIENT_TOKEN",
        requires = "broker",
        default_value = ""
    )]
    pub token: String,
    /// With --broker: seconds after which the service gives up on the block.
    #[arg(long, requires = "broker")]
    pub deadline_s: Option<u64>,
}

/// Progress bars: one per circuit type plus an overall bar.
struct Bars {
    multi: MultiProgress,
    overall: Option<ProgressBar>,
    per_kind: HashMap<CircuitKind, ProgressBar>,
}

impl Progress for Bars {
    fn event(&mut self, event: &BlockEvent) {
        match event {
            BlockEvent::KeysReady {
                kind,
                outcome,
                elapsed,
            } => {
                tracing::info!(
                    "keys {:<14} {outcome:?} in {:.1} s",
                    kind.name(),
                    elapsed.as_secs_f64()
                );
            }
            BlockEvent::ProvingStarted { counts } => {
                let style =
                    ProgressStyle::with_template("{prefix:>14} [{bar:30}] {pos}/{len} {elapsed}")
                        .expect("valid template")
                        .progress_chars("=> ");
                let total = counts.iter().map(|c| c.1).sum::<usize>() as u64;
                let overall = self
                    .multi
                    .add(ProgressBar::new(total).with_style(style.clone()));
                overall.set_prefix("overall");
                for &(kind, n) in counts {
                    let bar = self
                        .multi
                        .add(ProgressBar::new(n as u64).with_style(style.clone()));
                    bar.set_prefix(kind.name());
                    self.per_kind.insert(kind, bar);
                }
                self.overall = Some(overall);
            }
            BlockEvent::Proved { kind, .. } => {
                self.per_kind
                    .get(kind)
                    .into_iter()
                    .chain(&self.overall)
                    .for_each(|b| b.inc(1));
            }
            _ => {}
        }
    }
}

fn load_block(
    args: &ProveBlockArgs,
    preset: &Preset,
    state: &WorldState,
) -> Result<BlockFile, CliError> {
    if let Some(path) = &args.block {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
        return Ok(BlockFile::from_json(&text)?);
    }
    let n = args.txs.expect("clap requires --txs or --block") as usize;
    let block = BlockFile::generate(preset, state, n, args.seed)?;
    if let Some(path) = &args.write_block {
        std::fs::write(path, block.to_json())
            .map_err(|e| CliError::new(Exit::Internal, format!("{}: {e}", path.display())))?;
        tracing::info!("block file written to {}", path.display());
    }
    Ok(block)
}

/// Runs `prove-block --submit`: one slot of the lifecycle whose block is proven here.
fn submit(args: ProveBlockArgs) -> Result<(), CliError> {
    let start = Instant::now();
    let engine = EngineArgs {
        prover: args.prover.clone(),
        system: args.system.clone(),
        bundles: args.bundles.clone(),
        seed: args.seed,
    };
    let mut config = NodeConfig::new(1, 1, 1);
    config.txs_per_block = args.txs.expect("clap requires --txs with --submit") as usize;
    config.seed = args.seed;
    let srs = super::node::l1_srs(&engine)?;
    let mut chain = super::node::Chain::open(&args.l1, &config)?;
    let prover = super::node::engine_prover(&engine, srs)?;
    let run = super::node::drive(&mut chain, &prover, config)?;
    let gas = run
        .reports
        .first()
        .and_then(|r| r.verify_gas)
        .ok_or_else(|| CliError::new(Exit::Rejected, "the block was not accepted on L1"))?;
    if args.json {
        let mut v = super::node::run_json(&run);
        v["summary"] = serde_json::to_value(prover.last_summary())?;
        return super::print_json(&v);
    }
    super::node::print_run(&run);
    match prover.last_summary() {
        Some(BlockSummary::Forest(s)) => print_summary(&s, start.elapsed()),
        Some(BlockSummary::Folded {
            folded,
            l1_decide_s,
        }) => {
            let profile = &prover.engine().runtime().profile().name;
            print_folded(&folded, start.elapsed(), profile);
            println!(
                "root decided for the L1 in {l1_decide_s:.1} s: one proof for the whole block"
            );
        }
        None => {}
    }
    println!("submitProof: {gas} gas");
    println!(
        "block proven and verified on L1; bundle under {}",
        args.bundles.display()
    );
    Ok(())
}

/// Runs `prove-block`. Every flag is checked before any work: a bad prover id, profile or
/// output folder leaves nothing on disk.
pub fn run(args: ProveBlockArgs, quiet: bool) -> Result<(), CliError> {
    if args.submit {
        return submit(args);
    }
    let start = Instant::now();
    let srs = super::system_srs(&args.system)?;
    let preset = Preset::get(args.prover.preset.into());
    let prover_id: Fr = fr_hex::from_hex(&args.prover_id)
        .map_err(|e| CliError::input(format!("--prover-id: {e}")))?;
    check_out(&args.out)?;
    let engine = super::engine_for(&args.prover.machine)?;
    let state_file = args.state.as_ref().map(|d| d.join("world-state.bin"));
    let mut state = match &state_file {
        Some(f) if f.exists() => WorldState::open(f, &preset)?,
        _ => WorldState::genesis(&preset),
    };
    let block = load_block(&args, &preset, &state)?;
    if let Some(url) = &args.broker {
        if args.system.proof_system == ProofSystemArg::Folding {
            return Err(CliError::usage(
                "--broker proves Groth16 trees: the service carries no folding jobs yet",
            ));
        }
        let remote = super::remote::Remote {
            url,
            token: &args.token,
            deadline_s: args.deadline_s,
            prover_id: &args.prover_id,
            out: &args.out,
            json: args.json,
        };
        return super::remote::prove(remote, block, quiet, start);
    }

    // Simulate every tx before any proving: an invalid tx stops here, by index.
    let t = Instant::now();
    let tree = build_tree(&mut state, &block, prover_id)?;
    tracing::info!(
        "simulated {} txs in {:.2} s: every tx is valid",
        block.txs.len(),
        t.elapsed().as_secs_f64()
    );

    if args.system.proof_system == ProofSystemArg::Folding {
        let summary = fold(
            &args,
            &engine,
            &preset,
            &tree,
            block.txs.len(),
            srs.as_ref(),
            quiet,
        )?;
        save_state(&args, &state, state_file.as_deref())?;
        if args.json {
            return super::print_json(&json!({
                "bundle": args.out.display().to_string(),
                "summary": serde_json::to_value(&summary)?,
            }));
        }
        print_folded(&summary, start.elapsed(), &engine.runtime().profile().name);
        println!(
            "bundle written to {} (check it with `sidecar verify-block {}`)",
            args.out.display(),
            args.out.display()
        );
        return Ok(());
    }

    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(Exit::Interrupted as i32);
        }
        eprintln!(
            "\ninterrupt: finishing running proofs, starting no new ones (Ctrl-C again to abort)"
        );
    })
    .map_err(|e| CliError::new(Exit::Internal, e))?;
    let multi = MultiProgress::new();
    if quiet {
        multi.set_draw_target(ProgressDrawTarget::hidden());
    }
    let mut bars = Bars {
        multi,
        overall: None,
        per_kind: HashMap::new(),
    };
    let cache = KeyCache::new(&args.prover.keys)?;
    let req = BlockRequest {
        preset: &preset,
        tree,
        txs: block.txs.len(),
    };
    let (_, summary) = prove_block(&engine, &cache, req, &args.out, cancel, &mut bars)?;
    bars.per_kind
        .values()
        .chain(&bars.overall)
        .for_each(|b| b.finish());
    save_state(&args, &state, state_file.as_deref())?;
    if args.json {
        return super::print_json(&json!({
            "bundle": args.out.display().to_string(),
            "summary": serde_json::to_value(&summary)?,
        }));
    }
    print_summary(&summary, start.elapsed());
    println!(
        "bundle written to {} (check it with `sidecar verify-block {}`)",
        args.out.display(),
        args.out.display()
    );
    Ok(())
}

/// Saves the world state where `--state` asks for it.
fn save_state(
    args: &ProveBlockArgs,
    state: &WorldState,
    file: Option<&std::path::Path>,
) -> Result<(), CliError> {
    if let (Some(dir), Some(f)) = (&args.state, file) {
        std::fs::create_dir_all(dir)?;
        state.save(f)?;
        tracing::info!("world state saved to {}", f.display());
    }
    Ok(())
}

/// Folds `tree` with one progress bar over its nodes and writes the folded bundle.
fn fold(
    args: &ProveBlockArgs,
    engine: &sidecar_engine::Engine<sidecar_kernels::AnyBackend>,
    preset: &Preset,
    tree: &sidecar_circuits::tree::BlockTree,
    txs: usize,
    srs: Option<&Srs>,
    quiet: bool,
) -> Result<FoldedSummary, CliError> {
    let bar = ProgressBar::new(tree.nodes().len() as u64).with_style(
        ProgressStyle::with_template("{prefix:>14} [{bar:30}] {pos}/{len} {elapsed}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix("folded nodes");
    if quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let summary = prove_block_folded(
        engine.runtime(),
        engine.groth16().backend().clone(),
        FoldRequest {
            preset,
            tree,
            txs,
            seed: args.seed,
            srs,
        },
        &args.out,
        &mut |_, _| bar.inc(1),
    )?;
    bar.finish();
    Ok(summary)
}

fn print_folded(s: &FoldedSummary, total: Duration, profile: &str) {
    println!(
        "\n{} txs at {}: {} nodes folded on {} threads (node circuit {} constraints), keys {:.1} s, \
         folding {:.1} s, decider {:.1} s, total {:.1} s, root proof {:.1} MiB, peak RSS {}",
        s.txs,
        s.preset,
        s.nodes,
        s.threads,
        s.node_constraints,
        s.keys_s,
        s.prove_s,
        s.decide_s,
        total.as_secs_f64(),
        s.root_bytes as f64 / 1048576.0,
        s.process_peak_rss_bytes
            .map_or("n/a".into(), |b| format!("{:.0} MiB", b as f64 / 1048576.0)),
    );
    println!(
        "node mean {:.2} s, CPU {:.1} s; per-proof limits of profile {profile}: {}",
        s.node_mean_s,
        s.cpu_s,
        s.budget.verdict()
    );
}

fn print_summary(s: &Summary, total: Duration) {
    println!(
        "\n{} txs at {}: {} proofs on {} threads (at most {} at once), keys {:.1} s, proving {:.1} s, total {:.1} s, peak RSS {}",
        s.txs,
        s.preset,
        s.proofs,
        s.threads,
        s.max_concurrency,
        s.keys_s,
        s.prove_s,
        total.as_secs_f64(),
        s.process_peak_rss_bytes
            .map_or("n/a".into(), |b| format!("{:.0} MiB", b as f64 / 1048576.0)),
    );
    println!(
        "{:<14} {:>11} {:>6} {:>7} {:>9} {:>9} {:>9} {:>10}  {:<10} profile limits",
        "circuit",
        "constraints",
        "proofs",
        "threads",
        "mean s",
        "max s",
        "cpu s",
        "peak MiB",
        "keys"
    );
    for c in &s.circuits {
        println!(
            "{:<14} {:>11} {:>6} {:>7} {:>9.3} {:>9.3} {:>9.1} {:>10}  {:<10} {}",
            c.circuit,
            c.constraints,
            c.count,
            c.threads,
            c.mean_s,
            c.max_s,
            c.cpu_s,
            c.peak_bytes
                .map_or("?".into(), |b| format!("{:.0}", b as f64 / 1048576.0)),
            c.keys,
            c.budget.verdict()
        );
    }
}
