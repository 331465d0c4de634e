//! `prove-block --broker URL`: the block is submitted to a proving service, followed with a
//! progress bar until it is proven, and its bundle is downloaded to `--out`.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use sidecar_engine::block::{BlockFile, check_out};
use sidecar_prover_service::blocks::BlockSubmission;
use sidecar_prover_service::client::Client;

use crate::exit::{CliError, Exit};

/// What `prove-block --broker` passes on.
pub struct Remote<'a> {
    /// Broker URL.
    pub url: &'a str,
    /// Client token.
    pub token: &'a str,
    /// Seconds the service may take.
    pub deadline_s: Option<u64>,
    /// Prover id (0x hex).
    pub prover_id: &'a str,
    /// Bundle directory.
    pub out: &'a std::path::Path,
    /// Print JSON.
    pub json: bool,
}

/// Proves `block` through the service and writes its bundle to `args.out`.
pub fn prove(
    args: Remote<'_>,
    block: BlockFile,
    quiet: bool,
    start: Instant,
) -> Result<(), CliError> {
    let url = args.url;
    check_out(args.out)?;
    let client = Client::new(url, args.token);
    let txs = block.txs.len();
    let status = client.submit_block(&BlockSubmission {
        block: Some(block),
        workload: None,
        prover_id: Some(args.prover_id.to_string()),
        deadline_s: args.deadline_s,
    })?;
    let id = status.id;
    tracing::info!("block {id} submitted to {url} ({})", status.state);
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{prefix:>14} [{bar:30}] {pos}/{len} {elapsed} {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix("service");
    if quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let status = loop {
        let s = client.block(&id)?;
        bar.set_length(s.total as u64);
        bar.set_position(s.done as u64);
        bar.set_message(s.state.clone());
        match s.state.as_str() {
            "done" => break s,
            "failed" | "cancelled" => {
                bar.abandon();
                return Err(CliError::new(
                    Exit::Internal,
                    format!("block {id} {}: {}", s.state, s.error.unwrap_or_default()),
                ));
            }
            _ => std::thread::sleep(Duration::from_millis(500)),
        }
    };
    bar.finish();
    client.fetch_bundle(&id, args.out)?;
    let wall = start.elapsed().as_secs_f64();
    if args.json {
        return super::print_json(&json!({
            "bundle": args.out.display().to_string(),
            "block": id,
            "txs": txs,
            "proofs": status.total,
            "wall_s": wall,
        }));
    }
    println!(
        "\n{txs} txs: {} proofs by the service's agents in {wall:.1} s; bundle written to {} \
         (check it with `sidecar verify-block {}`)",
        status.total,
        args.out.display(),
        args.out.display()
    );
    Ok(())
}
