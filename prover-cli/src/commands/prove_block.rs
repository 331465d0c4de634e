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
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tx::fr_hex;
use sidecar_circuits::{CircuitKind, Preset, PresetName};
use sidecar_engine::block::{
    BlockEvent, BlockFile, BlockRequest, Progress, Summary, build_tree, prove_block,
};
use sidecar_engine::jobs::KeyCache;
use sidecar_node_shim::NodeConfig;

use super::BoxError;

/// Arguments of `prove-block`.
#[derive(Args)]
pub struct ProveBlockArgs {
    /// Generate a block of N txs with the circuits crate's workload generator (token mints,
    /// counter calls, transfers, private-only txs).
    #[arg(long, conflicts_with = "block", required_unless_present = "block")]
    pub txs: Option<usize>,
    /// Read the block from a JSON block file instead.
    #[arg(long, conflicts_with = "submit")]
    pub block: Option<PathBuf>,
    /// Submit the proven block to an L1 (see --l1): the rollup contracts are deployed there
    /// and the block goes through one slot of the lifecycle — proposal, prover commitment,
    /// reveal, proof (this prover's), batch verification on L1, finalization. The proof binds
    /// the L1's archive root and the committing prover, so the block is proven inside that
    /// slot; its bundle is written under --out.
    #[arg(long, requires = "txs", conflicts_with_all = ["state", "write_block"])]
    pub submit: bool,
    /// With --submit: `embedded` (in-process revm devchain), `anvil` (started on 127.0.0.1),
    /// or a JSON-RPC URL.
    #[arg(long, default_value = "embedded", requires = "submit")]
    pub l1: String,
    /// With --txs: also write the generated block file here.
    #[arg(long, requires = "txs")]
    pub write_block: Option<PathBuf>,
    /// Seed of the generated workload.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Circuit preset: tiny, devnet or aztec.
    #[arg(long, default_value = "devnet")]
    pub preset: String,
    /// Hardware profile: minimum, recommended, ideal, or a TOML path. On a machine smaller
    /// than the profile the run says so and uses what exists.
    #[arg(long, default_value = "minimum")]
    pub profile: String,
    /// Kernel backend: cpu, cuda, wgpu or auto.
    #[arg(long, default_value = "auto")]
    pub backend: String,
    /// Output bundle directory (must not exist, or be empty).
    #[arg(long, default_value = "out/block")]
    pub out: PathBuf,
    /// Persistent world state directory (default: a fresh genesis state, not saved).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Key cache directory.
    #[arg(long, default_value = "out/keys")]
    pub keys: PathBuf,
    /// Prover id bound by the root rollup (0x hex).
    #[arg(long, default_value = "0x01")]
    pub prover_id: String,
    /// No progress bars (for logs and CI).
    #[arg(long)]
    pub quiet: bool,
}

/// Progress bars: one per circuit type plus an overall bar.
struct Bars {
    multi: MultiProgress,
    overall: Option<ProgressBar>,
    per_kind: HashMap<CircuitKind, ProgressBar>,
    quiet: bool,
}

impl Progress for Bars {
    fn event(&mut self, event: &BlockEvent) {
        match event {
            BlockEvent::KeysReady {
                kind,
                outcome,
                elapsed,
            } => {
                let line = format!(
                    "keys {:<14} {outcome:?} in {:.1} s",
                    kind.name(),
                    elapsed.as_secs_f64()
                );
                let _ = self.multi.println(line);
            }
            BlockEvent::ProvingStarted { counts } if !self.quiet => {
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
            BlockEvent::ProvingStarted { .. } => {}
        }
    }
}

fn load_block(
    args: &ProveBlockArgs,
    preset: &Preset,
    state: &WorldState,
) -> Result<BlockFile, BoxError> {
    if let Some(path) = &args.block {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(BlockFile::from_json(&text)?);
    }
    let n = args.txs.expect("clap requires --txs or --block");
    let block = BlockFile::generate(preset, state, n, args.seed)?;
    if let Some(path) = &args.write_block {
        std::fs::write(path, block.to_json()).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("block file written to {}", path.display());
    }
    Ok(block)
}

/// Runs `prove-block --submit`: one slot of the lifecycle whose block is proven here.
fn submit(args: ProveBlockArgs) -> Result<(), BoxError> {
    let start = Instant::now();
    let engine = super::node::EngineArgs {
        preset: args.preset,
        profile: args.profile,
        backend: args.backend,
        keys: args.keys,
        out: args.out,
        seed: args.seed,
    };
    let prover = super::node::engine_prover(&engine)?;
    let mut config = NodeConfig::new(1, 1, 1);
    config.txs_per_block = args.txs.expect("clap requires --txs with --submit");
    config.seed = args.seed;
    let reports = super::node::drive(&args.l1, &prover, config)?;
    if let Some(s) = prover.last_summary() {
        print_summary(&s, start.elapsed());
    }
    match reports.first().and_then(|r| r.verify_gas) {
        Some(gas) => println!(
            "block proven and verified on L1 ({gas} gas); bundle under {}",
            engine.out.display()
        ),
        None => return Err("the block was not accepted on L1".into()),
    }
    Ok(())
}

/// Runs `prove-block`.
pub fn run(args: ProveBlockArgs) -> Result<(), BoxError> {
    if args.submit {
        return submit(args);
    }
    let start = Instant::now();
    let preset = Preset::get(args.preset.parse::<PresetName>()?);
    let prover_id: Fr =
        fr_hex::from_hex(&args.prover_id).map_err(|e| format!("--prover-id: {e}"))?;
    let state_file = args.state.as_ref().map(|d| d.join("world-state.bin"));
    let mut state = match &state_file {
        Some(f) if f.exists() => WorldState::open(f, &preset)?,
        _ => WorldState::genesis(&preset),
    };
    let block = load_block(&args, &preset, &state)?;

    // Simulate every tx before any proving: an invalid tx stops here, by index.
    let t = Instant::now();
    let tree = build_tree(&mut state, &block, prover_id)?;
    println!(
        "simulated {} txs in {:.2} s: every tx is valid",
        block.txs.len(),
        t.elapsed().as_secs_f64()
    );

    let engine = super::engine_for(&args.profile, &args.backend)?;
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "\ninterrupt: finishing running proofs, starting no new ones (Ctrl-C again to abort)"
        );
    })?;
    let mut bars = Bars {
        multi: MultiProgress::new(),
        overall: None,
        per_kind: HashMap::new(),
        quiet: args.quiet,
    };
    let cache = KeyCache::new(&args.keys)?;
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
    if let (Some(dir), Some(f)) = (&args.state, &state_file) {
        std::fs::create_dir_all(dir)?;
        state.save(f)?;
        println!("world state saved to {}", f.display());
    }
    print_summary(&summary, start.elapsed());
    println!(
        "bundle written to {} (check it with `sidecar verify-block {}`)",
        args.out.display(),
        args.out.display()
    );
    Ok(())
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
        "{:<14} {:>11} {:>6} {:>9} {:>9} {:>10}  keys",
        "circuit", "constraints", "proofs", "mean s", "max s", "peak MiB"
    );
    for c in &s.circuits {
        println!(
            "{:<14} {:>11} {:>6} {:>9.3} {:>9.3} {:>10}  {}",
            c.circuit,
            c.constraints,
            c.count,
            c.mean_s,
            c.max_s,
            c.peak_bytes
                .map_or("?".into(), |b| format!("{:.0}", b as f64 / 1048576.0)),
            c.keys
        );
    }
}
