//! Rewrites `contracts/Poseidon2.sol` from the circuits' Poseidon parameters (then recompile the artifacts with
//! `node src/contracts/compile.js --write`).

use sidecar_node_shim::contracts::poseidon::{POSEIDON2_PATH, poseidon2_source};
use sidecar_node_shim::contracts::solc::crate_dir;

fn main() -> std::io::Result<()> {
    let path = crate_dir().join(POSEIDON2_PATH);
    std::fs::write(&path, poseidon2_source())?;
    println!("wrote {}", path.display());
    Ok(())
}
