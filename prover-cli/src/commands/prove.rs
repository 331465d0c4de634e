//! `sidecar prove`: the engine end to end on a synthetic R1CS — keys from the on-disk cache
//! (generated on first use), one proof under a hardware profile, verified with ark-groth16.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use sidecar_engine::jobs::{KeyCache, measure_peak};
use sidecar_groth16::synthetic::Synthetic;

use super::BoxError;

/// Arguments of `prove`.
#[derive(Args)]
pub struct ProveArgs {
    /// log2 of the number of constraints of the synthetic circuit.
    #[arg(long, default_value_t = 14)]
    pub log_constraints: u32,
    /// Public inputs of the synthetic circuit.
    #[arg(long, default_value_t = 4)]
    pub inputs: usize,
    /// Seed of the circuit's random structure and witness.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Hardware profile: minimum, recommended, ideal, or a TOML path.
    #[arg(long, default_value = "minimum")]
    pub profile: String,
    /// Kernel backend: cpu, cuda, wgpu or auto (CUDA, then a hardware wgpu adapter, then CPU).
    #[arg(long, default_value = "auto")]
    pub backend: String,
    /// Key cache directory.
    #[arg(long, default_value = "out/keys")]
    pub keys: PathBuf,
    /// Write the 256-byte EVM encoding of the proof here.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `prove`.
pub fn run(args: ProveArgs) -> Result<(), BoxError> {
    if !(1..=26).contains(&args.log_constraints) {
        return Err(format!("--log-constraints {} outside 1..=26", args.log_constraints).into());
    }
    let engine = super::engine_for(&args.profile, &args.backend)?;
    let m = (1usize << args.log_constraints)
        .saturating_sub(args.inputs + 1)
        .max(1);
    let circuit = Synthetic::new(m, args.inputs, args.seed);
    let id = format!("synthetic-s{}-i{}", args.seed, args.inputs);
    let preset = format!("2e{}", args.log_constraints);
    let cache = KeyCache::new(&args.keys)?;
    let t = Instant::now();
    let cached = cache.get_or_create(&engine, &id, &preset, circuit.clone())?;
    println!(
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
    println!(
        "proved in {prove_s:.3} s, peak memory +{:.1} MiB; ark-groth16 verifier: {}",
        peak.unwrap_or(0) as f64 / (1u64 << 20) as f64,
        if ok { "accepted" } else { "REJECTED" }
    );
    let bytes = proof.to_bytes_256();
    println!("proof: 0x{}", hex_string(&bytes));
    if let Some(path) = args.out {
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if !ok {
        return Err("the proof did not verify".into());
    }
    Ok(())
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
