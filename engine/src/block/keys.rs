//! The keys of a block's circuits: one key-cache entry per `(circuit, preset)` the tree uses,
//! each reported as it is ready and its verifying key written into the bundle being assembled.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

use sidecar_circuits::{AnyCircuit, CircuitKind, Preset};
use sidecar_groth16::Backend;

use super::bundle::KeyEntry;
use super::install::write_key;
use super::progress::{BlockEvent, Progress};
use crate::Result;
use crate::jobs::{CacheOutcome, KeyCache};
use crate::{Engine, Keys};

/// How one circuit's keys were obtained.
pub(crate) struct KeyOrigin {
    /// `hit`, `created` or `rebuilt: why`.
    pub outcome: String,
    /// Seconds to load or create them.
    pub seconds: f64,
    /// R1CS constraints of the circuit.
    pub constraints: u64,
}

/// The keys of every circuit kind a block uses.
pub(crate) struct BlockKeys<B: Backend> {
    /// Proving and verifying keys by kind.
    pub keys: BTreeMap<CircuitKind, Keys<B>>,
    /// The bundle's key entries (files written under the bundle's `keys/`).
    pub entries: Vec<KeyEntry>,
    /// How each was obtained.
    pub origins: BTreeMap<CircuitKind, KeyOrigin>,
    /// Peak memory per circuit stored with the keys (seeds the scheduler's budget).
    pub peaks: HashMap<String, u64>,
    /// Seconds for all of them.
    pub seconds: f64,
}

fn outcome_text(o: &CacheOutcome) -> String {
    match o {
        CacheOutcome::Hit => "hit".into(),
        CacheOutcome::Created => "created".into(),
        CacheOutcome::Rebuilt(why) => format!("rebuilt: {why}"),
    }
}

/// Loads (or creates) the keys of `kinds` at `preset` from `cache`, writing each verifying key
/// into `bundle_dir/keys/`.
pub(crate) fn load_block_keys<B: Backend>(
    engine: &Engine<B>,
    cache: &KeyCache,
    preset: &Preset,
    kinds: &[CircuitKind],
    bundle_dir: &Path,
    progress: &mut dyn Progress,
) -> Result<BlockKeys<B>> {
    let start = Instant::now();
    let mut out = BlockKeys {
        keys: BTreeMap::new(),
        entries: Vec::new(),
        origins: BTreeMap::new(),
        peaks: HashMap::new(),
        seconds: 0.0,
    };
    for &kind in kinds {
        let t = Instant::now();
        let got = cache.get_or_create(
            engine,
            kind.name(),
            &preset.name.to_string(),
            AnyCircuit::blank(kind, preset),
        )?;
        let elapsed = t.elapsed();
        progress.event(&BlockEvent::KeysReady {
            kind,
            outcome: got.outcome.clone(),
            elapsed,
        });
        if let Some(p) = got.meta.peak_bytes {
            out.peaks.insert(kind.name().to_string(), p);
        }
        out.entries
            .push(write_key(bundle_dir, kind, &got.keys.verifying)?);
        out.origins.insert(
            kind,
            KeyOrigin {
                outcome: outcome_text(&got.outcome),
                seconds: elapsed.as_secs_f64(),
                constraints: got.meta.num_constraints,
            },
        );
        out.keys.insert(kind, got.keys);
    }
    out.seconds = start.elapsed().as_secs_f64();
    Ok(out)
}
