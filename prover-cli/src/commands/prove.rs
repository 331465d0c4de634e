//! `sidecar prove`: the engine end to end on a synthetic R1CS — keys from the on-disk cache
//! (generated on first use), one proof under a hardware profile, verified with ark-groth16.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde_json::json;
use sidecar_engine::jobs::{KeyCache, measure_peak};
use sidecar_groth16::synthetic::Synthetic;

use crate::args::MachineArgs;
use crate::exit::{CliError, Exit};

/// Arguments of `prove`.
#[derive(Args)]
pub struct ProveArgs {
    /// log2 of the number of constraints of the synthetic circuit.
    #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=26))]
    pub log_constraints: u32,
    /// Public inputs of the synthetic circuit.
    #[arg(long, default_value_t = 4)]
    pub inputs: usize,
    /// Seed of the circuit's random structure and witness.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub machine: MachineArgs,
    /// Key cache directory.
    #[arg(long, env = "SIDECAR_KEYS", default_value = "out/keys")]
    pub keys: PathBuf,
    /// Write the 256-byte EVM encoding of the proof to this file.
    #[arg(long)]
    pub proof_out: Option<PathBuf>,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Runs `prove`.
pub fn run(args: ProveArgs) -> Result<(), CliError> {
    let engine = super::engine_for(&args.machine)?;
    let m = (1usize << args.log_constraints)
        .saturating_sub(args.inputs + 1)
        .max(1);
    let circuit = Synthetic::new(m, args.inputs, args.seed);
    let id = format!("synthetic-s{}-i{}", args.seed, args.inputs);
    let preset = format!("2e{}", args.log_constraints);
    let cache = KeyCache::new(&args.keys)?;
    let t = Instant::now();
    let cached = cache.get_or_create(&engine, &id, &preset, circuit.clone())?;
    tracing::info!(
        "keys for {m} constraints: {:?} in {:.2} s ({})",
        cached.outcome,
        t.elapsed().as_secs_f64(),
        cache.key_path(&id, &preset).display()
    );
    let t = Instant::now();
    let (proof, peak) = measure_peak(|| engine.prove(&cached.keys.proving, circuit.clone()));
    let proof = proof?;
    let prove_s = t.elapsed().as_secs_f64();
    if let Some(p) = peak {
        cache.record_peak(&id, &preset, p)?;
    }
    let ok = engine.verify(&cached.keys.verifying, &circuit.public_inputs(), &proof)?;
    let bytes = proof.to_bytes_256();
    if let Some(path) = &args.proof_out {
        std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if args.json {
        super::print_json(&json!({
            "constraints": m,
            "prove_s": prove_s,
            "peak_bytes": peak,
            "verified": ok,
            "proof_evm": format!("0x{}", hex_string(&bytes)),
        }))?;
    } else {
        println!(
            "proved in {prove_s:.3} s, peak memory +{:.1} MiB; ark-groth16 verifier: {}",
            peak.unwrap_or(0) as f64 / (1u64 << 20) as f64,
            if ok { "accepted" } else { "REJECTED" }
        );
        println!("proof: 0x{}", hex_string(&bytes));
    }
    if !ok {
        return Err(CliError::new(Exit::Rejected, "the proof did not verify"));
    }
    Ok(())
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
