//! Keys generated once per `(circuit id, preset)` and cached on disk.
//!
//! ```text
//! <dir>/<circuit>-<preset>.pk     key file (versioned header, checksums; see groth16::KeyFile)
//! <dir>/<circuit>-<preset>.toml   metadata: circuit digest, constraint count, measured peak memory
//! ```
//! A cached key is used only if it opens cleanly and its digest equals the digest of the
//! circuit as synthesized now; a stale (circuit changed), corrupt, truncated or
//! other-version key is regenerated, and the outcome says why.

use std::path::{Path, PathBuf};

use ark_bn254::Fr;
use ark_relations::gr1cs::ConstraintSynthesizer;
use serde::{Deserialize, Serialize};

use crate::engine::{Engine, Keys};
use crate::{Error, Result};
use sidecar_groth16::{Backend, KeyFile, KeyFileError, VerifyingKey, synthesize_matrices};

/// What the cache did for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheOutcome {
    /// A valid cached key was loaded.
    Hit,
    /// No key was cached; one was generated.
    Created,
    /// The cached key was unusable (reason given) and was regenerated.
    Rebuilt(String),
}

/// Metadata stored next to a cached key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircuitMeta {
    /// Circuit id.
    pub circuit: String,
    /// Preset name.
    pub preset: String,
    /// Hex digest of the constraint matrices.
    pub digest: String,
    /// R1CS constraints.
    pub num_constraints: u64,
    /// Measured peak memory of one proof, bytes: live-heap growth where the binary installs
    /// [`super::CountingAlloc`], resident-set growth otherwise (see [`super::measure_peak`]).
    pub peak_bytes: Option<u64>,
}

/// Keys and metadata served by the cache.
pub struct CachedKeys<B: Backend> {
    /// The keys.
    pub keys: Keys<B>,
    /// Their metadata.
    pub meta: CircuitMeta,
    /// Hit, created, or rebuilt and why.
    pub outcome: CacheOutcome,
}

/// A directory of cached keys.
#[derive(Clone, Debug)]
pub struct KeyCache {
    dir: PathBuf,
}

impl KeyCache {
    /// A cache in `dir` (created if missing).
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Self { dir })
    }

    /// The cache already in `dir`; a missing directory is [`Error::Malformed`] (nothing is
    /// created).
    pub fn existing(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        if !dir.is_dir() {
            return Err(Error::Malformed(format!(
                "key cache {} does not exist",
                dir.display()
            )));
        }
        Ok(Self { dir })
    }

    /// The verifying key cached for `(circuit, preset)`, if a key file is there (checked like
    /// any key file).
    pub fn verifying_key(&self, circuit: &str, preset: &str) -> Result<Option<VerifyingKey>> {
        let path = self.key_path(circuit, preset);
        if !path.exists() {
            return Ok(None);
        }
        Ok(Some(KeyFile::open(&path, None)?.verifying_key()?))
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn stem(&self, circuit: &str, preset: &str) -> PathBuf {
        self.dir.join(format!("{circuit}-{preset}"))
    }

    /// Path of the key file for `(circuit, preset)`.
    pub fn key_path(&self, circuit: &str, preset: &str) -> PathBuf {
        self.stem(circuit, preset).with_extension("pk")
    }

    fn meta_path(&self, circuit: &str, preset: &str) -> PathBuf {
        self.stem(circuit, preset).with_extension("toml")
    }

    /// Keys for `blank` (any instance of the circuit; only its shape matters), from the cache
    /// when valid, generated (and cached) otherwise.
    pub fn get_or_create<B, C>(
        &self,
        engine: &Engine<B>,
        circuit: &str,
        preset: &str,
        blank: C,
    ) -> Result<CachedKeys<B>>
    where
        B: Backend,
        C: ConstraintSynthesizer<Fr> + Clone + Send,
    {
        let copy = blank.clone();
        let r1cs = engine
            .runtime()
            .pool()
            .install(move || synthesize_matrices(copy))?;
        let digest = r1cs.digest();
        let path = self.key_path(circuit, preset);
        let outcome = match KeyFile::open(&path, Some(digest)) {
            Ok(_)
                if self
                    .read_meta(circuit, preset)
                    .is_some_and(|m| m.digest == hex::encode(digest)) =>
            {
                CacheOutcome::Hit
            }
            Ok(_) => CacheOutcome::Rebuilt("metadata missing or stale".into()),
            Err(sidecar_groth16::Error::KeyFile {
                kind: KeyFileError::Unreadable(_),
                ..
            }) if !path.exists() => CacheOutcome::Created,
            Err(sidecar_groth16::Error::KeyFile { kind, .. }) => {
                CacheOutcome::Rebuilt(kind.to_string())
            }
            Err(other) => return Err(other.into()),
        };
        let (keys, meta) = if outcome == CacheOutcome::Hit {
            let meta = self.read_meta(circuit, preset).expect("checked above");
            (engine.load_keys(&path, Some(digest))?, meta)
        } else {
            let keys = engine.setup_to_file(blank, &path)?;
            let meta = CircuitMeta {
                circuit: circuit.into(),
                preset: preset.into(),
                digest: hex::encode(digest),
                num_constraints: r1cs.num_constraints() as u64,
                peak_bytes: None,
            };
            self.write_meta(&meta)?;
            (keys, meta)
        };
        Ok(CachedKeys {
            keys,
            meta,
            outcome,
        })
    }

    /// The stored metadata, if present and readable.
    pub fn read_meta(&self, circuit: &str, preset: &str) -> Option<CircuitMeta> {
        let text = std::fs::read_to_string(self.meta_path(circuit, preset)).ok()?;
        toml::from_str(&text).ok()
    }

    fn write_meta(&self, meta: &CircuitMeta) -> Result<()> {
        let path = self.meta_path(&meta.circuit, &meta.preset);
        let text = toml::to_string(meta).map_err(|e| Error::io(&path, std::io::Error::other(e)))?;
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
    }

    /// Stores a measured peak for `(circuit, preset)` (keeps the larger of old and new).
    pub fn record_peak(&self, circuit: &str, preset: &str, bytes: u64) -> Result<()> {
        let Some(mut meta) = self.read_meta(circuit, preset) else {
            return Err(Error::io(
                self.meta_path(circuit, preset),
                std::io::Error::other("no cached key metadata"),
            ));
        };
        meta.peak_bytes = Some(meta.peak_bytes.unwrap_or(0).max(bytes));
        self.write_meta(&meta)
    }
}
