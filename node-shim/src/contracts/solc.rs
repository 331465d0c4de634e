//! Recompiles the contracts with solc-js (npm `solc`, installed by scripts/node-deps.sh) through `node`.
//! The compiler settings live in `compile.js` next to this file, so Rust and the command line produce identical
//! artifacts.

use crate::error::{NodeError, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// Directory of the node-shim crate (contracts/, artifacts/, node_modules/).
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether solc-js is installed under node-shim/node_modules.
pub fn solc_available() -> bool {
    crate_dir().join("node_modules/solc/package.json").is_file()
}

/// Compiles node-shim/contracts and returns each artifact's exact file text, keyed by contract name.
pub fn compile() -> Result<BTreeMap<String, String>> {
    if !solc_available() {
        return Err(NodeError::SolcUnavailable(
            "node-shim/node_modules/solc missing; run scripts/node-deps.sh".into(),
        ));
    }
    let script = crate_dir().join("src/contracts/compile.js");
    let out = Command::new("node")
        .arg(&script)
        .output()
        .map_err(|e| NodeError::SolcUnavailable(format!("cannot run node: {e}")))?;
    if !out.status.success() {
        return Err(NodeError::Compile(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| NodeError::Compile(format!("unreadable compiler output: {e}")))
}

/// Text of the committed artifact `name` (node-shim/artifacts/NAME.json).
pub fn committed_artifact(name: &str) -> Result<String> {
    Ok(std::fs::read_to_string(
        crate_dir().join("artifacts").join(format!("{name}.json")),
    )?)
}
