//! One module per subcommand, and the few helpers they share. Status lines go to the log
//! (stderr, `-v` / `-q`); results go to stdout, as text or, with `--json`, as one JSON document.

pub mod agent;
pub mod bench;
pub mod capacity;
pub mod circuits;
pub mod keys;
pub mod node;
pub mod prove;
pub mod prove_block;
mod remote;
pub mod serve;
pub mod setup;
pub mod verify_block;

use std::path::Path;

use sidecar_engine::folding::read_srs;
use sidecar_engine::{Engine, Profile};
use sidecar_kernels::{AnyBackend, BackendKind};
use sidecar_pcd::Srs;

use crate::args::{MachineArgs, ProofSystemArg, ProofSystemArgs};
use crate::exit::CliError;

/// Loads a hardware profile (name or TOML path); an unknown or malformed one is bad input.
pub fn load_profile(name: &str) -> Result<Profile, CliError> {
    Profile::load(name).map_err(CliError::input)
}

/// Builds the engine for `m`'s hardware profile on its backend, logging which backend was
/// chosen and why, and the pool it runs in.
pub fn engine_for(m: &MachineArgs) -> Result<Engine<AnyBackend>, CliError> {
    let profile = load_profile(&m.profile)?;
    let (backend, why) = profile.backend(m.backend.into())?;
    if profile.gpu && backend.kind() == BackendKind::Cpu {
        tracing::warn!("backend: {why}");
    } else {
        tracing::info!("backend: {why}");
    }
    let engine = Engine::new(&profile, backend)?;
    let rt = engine.runtime();
    tracing::info!(
        "profile {}: {} threads, memory budget {:.1} GiB",
        rt.profile().name,
        rt.threads(),
        rt.memory().capacity() as f64 / (1u64 << 30) as f64
    );
    Ok(engine)
}

/// Reads and checks the SRS file of an `--srs` flag, if given; a file that fails its checks is
/// bad input.
pub fn srs_arg(path: Option<&Path>) -> Result<Option<Srs>, CliError> {
    path.map(read_srs)
        .transpose()
        .map_err(|e| CliError::input(format!("--srs: {e}")))
}

/// The SRS of `--proof-system folding --srs FILE`, read and checked; `--srs` with Groth16 is a
/// usage error.
pub fn system_srs(system: &ProofSystemArgs) -> Result<Option<Srs>, CliError> {
    if system.srs.is_some() && system.proof_system != ProofSystemArg::Folding {
        return Err(CliError::usage(
            "--srs applies to --proof-system folding: Groth16 keys need no SRS file",
        ));
    }
    srs_arg(system.srs.as_deref())
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &serde_json::Value) -> Result<(), CliError> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
