//! `sidecar keys export`: the verifying keys of a key cache as `<circuit>.vk` files, the layout
//! `verify-block --trusted-keys` reads (and a bundle's `keys/` has).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;
use sidecar_circuits::{CircuitKind, PresetName};
use sidecar_engine::jobs::KeyCache;

use crate::args::PresetArg;
use crate::exit::CliError;

/// Key cache tools.
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Write the verifying keys of the circuits cached at a preset as `<circuit>.vk` files.
    Export(ExportArgs),
}

/// Arguments of `keys export`.
#[derive(Args)]
pub struct ExportArgs {
    /// Key cache directory (as given to prove-block / node `--keys`).
    #[arg(long, env = "SIDECAR_KEYS", default_value = "out/keys")]
    pub keys: PathBuf,
    /// Preset of the keys to export.
    #[arg(long, env = "SIDECAR_PRESET", value_enum, default_value_t = PresetArg::Devnet)]
    pub preset: PresetArg,
    /// Directory to write `<circuit>.vk` into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Print the exported files as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `keys` subcommand.
pub fn run(cmd: KeysCommand) -> Result<(), CliError> {
    match cmd {
        KeysCommand::Export(args) => export(args),
    }
}

fn export(args: ExportArgs) -> Result<(), CliError> {
    let cache = KeyCache::existing(&args.keys)?;
    let preset = PresetName::from(args.preset).to_string();
    let mut found = Vec::new();
    for kind in CircuitKind::ALL {
        if let Some(vk) = cache.verifying_key(kind.name(), &preset)? {
            found.push((kind, vk));
        }
    }
    if found.is_empty() {
        return Err(CliError::input(format!(
            "no {preset} keys in {} (prove a block at --preset {preset} first)",
            args.keys.display()
        )));
    }
    std::fs::create_dir_all(&args.out)?;
    let mut files = Vec::new();
    for (kind, vk) in &found {
        let path = args.out.join(format!("{}.vk", kind.name()));
        std::fs::write(&path, vk.to_bytes())?;
        files.push(path.display().to_string());
    }
    if args.json {
        crate::commands::print_json(&json!({ "preset": preset, "files": files }))
    } else {
        for f in &files {
            println!("{f}");
        }
        Ok(())
    }
}
