//! Regenerates the committed bundle fixture `engine/tests/fixtures/tiny-block/`: a generated
//! 2-tx block file at preset `tiny` (`block.json`) and the bundle prove-block writes for it
//! (`bundle/`), proven from genesis with prover id [`PROVER_ID`]. Run it after a deliberate
//! change of the circuits or of the bundle format, then commit the result:
//!
//! ```text
//! cargo run --release -p sidecar-engine --example write_fixture
//! ```

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use ark_bn254::Fr;
use sidecar_circuits::Preset;
use sidecar_circuits::state::WorldState;
use sidecar_engine::block::{BlockFile, BlockRequest, build_tree, prove_block};
use sidecar_engine::jobs::KeyCache;
use sidecar_engine::{Engine, Profile};

/// The root's prover id in the fixture.
const PROVER_ID: u64 = 0x5ca1_ab1e;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-block");
    let preset = Preset::tiny();
    let mut state = WorldState::genesis(&preset);
    let block = BlockFile::generate(&preset, &state, 2, 17)?;
    let tree = build_tree(&mut state, &block, Fr::from(PROVER_ID))?;
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("block.json"), block.to_json() + "\n")?;
    let keys = tempfile::tempdir()?;
    let engine = Engine::new(&Profile::load("minimum")?, sidecar_kernels::Cpu::new())?;
    let req = BlockRequest {
        preset: &preset,
        tree,
        txs: block.txs.len(),
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let out = dir.join("bundle");
    let (proven, _) = prove_block(
        &engine,
        &KeyCache::new(keys.path())?,
        req,
        &out,
        cancel,
        &mut (),
    )?;
    println!(
        "wrote {} ({} proofs, calls per tx {:?})",
        dir.display(),
        proven.proofs.len(),
        proven.calls_per_tx()
    );
    Ok(())
}
