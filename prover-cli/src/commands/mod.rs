//! One module per subcommand, and the few helpers they share.

pub mod bench;
pub mod circuits;
pub mod node;
pub mod prove;
pub mod prove_block;
pub mod verify_block;

use sidecar_engine::{Engine, Profile};
use sidecar_kernels::{AnyBackend, BackendKind};

/// Error type of the subcommands: each one's message is printed as is.
pub type BoxError = Box<dyn std::error::Error>;

/// Builds the engine for a hardware profile (name or TOML path) on a backend
/// (`cpu|cuda|wgpu|auto`), printing which backend was chosen and why, and the pool it runs in.
pub fn engine_for(profile: &str, backend: &str) -> Result<Engine<AnyBackend>, BoxError> {
    let (backend, why) = AnyBackend::select(backend.parse::<BackendKind>()?)?;
    println!("backend: {why}");
    let engine = Engine::new(&Profile::load(profile)?, backend)?;
    let rt = engine.runtime();
    println!(
        "profile {}: {} threads, memory budget {:.1} GiB",
        rt.profile().name,
        rt.threads(),
        rt.memory().capacity() as f64 / (1u64 << 30) as f64
    );
    Ok(engine)
}
