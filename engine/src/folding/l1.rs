//! Folded blocks decided for the L1: the root of a folded tree ([`super::prove_block_folded`])
//! turned into the one commit-and-prove Groth16 proof `DeciderVerifier.sol` checks
//! (`sidecar_pcd::L1Decider`), over the KZG reference string the tree was folded on.
//!
//! The decider's key is made once per preset and SRS (minutes and about 17 GB at `devnet`) and
//! cached as a key file (`<dir>/decider-<preset>.pk`, [`sidecar_groth16::KeyFile`]): it is
//! used only when its circuit digest equals the decider circuit's as synthesized now, else it
//! is made again and the outcome says why. Every decided root is checked with the L1's native
//! verdict ([`RootProof::verify`], through ark-groth16's pairing check) before it is returned.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::rngs::OsRng;
use sidecar_circuits::Preset;
use sidecar_circuits::tree::BlockTree;
use sidecar_groth16::{
    CommittedVerifyingKey, KeyFile, PreparedCommittedKey, synthesize_matrices,
    write_committed_key_file,
};
use sidecar_kernels::AnyBackend;
use sidecar_pcd::{KzgKey, KzgVerifierKey, L1Decider, NodeProof, RootProof, Srs};

use super::bundle::{FoldRequest, FoldedSummary, ROOT_FILE, prove_block_folded};
use super::prove::{FoldingKeys, folding_keys, read_node};
use crate::jobs::CacheOutcome;
use crate::{Error, Result, Runtime};

/// Decides folded blocks of one preset over one SRS for the L1.
pub struct BlockDecider {
    preset: Preset,
    srs: Srs,
    keys: FoldingKeys,
    key: PreparedCommittedKey<AnyBackend>,
    kzg: KzgKey,
    backend: AnyBackend,
}

/// The decider key's file for `preset` under `dir`.
pub fn decider_key_path(dir: &Path, preset: &Preset) -> PathBuf {
    dir.join(format!("decider-{}.pk", preset.name))
}

impl BlockDecider {
    /// The decider of `preset`'s folding keys over `srs`, its key loaded from `dir` or made
    /// (with fresh randomness) and written there, in `runtime`'s pool with commitments on
    /// `backend`. Says whether the key was loaded, made, or made again and why.
    pub fn open(
        runtime: &Runtime,
        preset: &Preset,
        srs: &Srs,
        backend: AnyBackend,
        dir: &Path,
    ) -> Result<(Self, CacheOutcome)> {
        runtime.pool().install(|| {
            let keys = folding_keys(preset, Some(srs), backend.clone())?;
            let decider = L1Decider::new(&keys)?;
            let path = decider_key_path(dir, preset);
            // Synthesized only to check a cached key: making one synthesizes the circuit itself,
            // and a fresh key's digest is its own.
            let outcome = if path.exists() {
                let digest = synthesize_matrices(decider.shape())?.digest();
                match KeyFile::open(&path, Some(digest)) {
                    Ok(file) => match file.prepare_committed(&backend) {
                        Ok(key) if key.verifying_key().committed == decider.committed() => Ok(key),
                        Ok(_) => Err(CacheOutcome::Rebuilt("another commitment layout".into())),
                        Err(e) => Err(CacheOutcome::Rebuilt(e.to_string())),
                    },
                    Err(sidecar_groth16::Error::KeyFile { kind, .. }) => {
                        Err(CacheOutcome::Rebuilt(kind.to_string()))
                    }
                    Err(other) => return Err(other.into()),
                }
            } else {
                Err(CacheOutcome::Created)
            };
            let (key, outcome) = match outcome {
                Ok(key) => (key, CacheOutcome::Hit),
                Err(outcome) => {
                    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                    let key = decider.generate_key(&mut OsRng)?;
                    write_committed_key_file(&path, &key)?;
                    (PreparedCommittedKey::from_key(&backend, key)?, outcome)
                }
            };
            drop(decider);
            Ok((Self::new(preset, srs, keys, backend, key)?, outcome))
        })
    }

    fn new(
        preset: &Preset,
        srs: &Srs,
        keys: FoldingKeys,
        backend: AnyBackend,
        key: PreparedCommittedKey<AnyBackend>,
    ) -> Result<Self> {
        Ok(Self {
            key,
            kzg: KzgKey::new(srs, backend.clone())?,
            preset: preset.clone(),
            srs: srs.clone(),
            keys,
            backend,
        })
    }

    /// Folds `tree` (a block of `txs` txs at this decider's preset) over its SRS into a folded
    /// bundle at `out` ([`prove_block_folded`], randomness from `seed`) and decides the root
    /// ([`Self::decide`]). Returns the fold's summary, the seconds deciding took and the root.
    pub fn prove_block(
        &self,
        runtime: &Runtime,
        tree: &BlockTree,
        txs: usize,
        seed: u64,
        out: &Path,
    ) -> Result<(FoldedSummary, f64, RootProof)> {
        let req = FoldRequest {
            preset: &self.preset,
            tree,
            txs,
            seed,
            srs: Some(&self.srs),
        };
        let summary = prove_block_folded(runtime, self.backend.clone(), req, out, &mut |_, _| {})?;
        let node = read_node(&out.join(ROOT_FILE))?;
        let t = Instant::now();
        let root = self.decide(runtime, &node)?;
        Ok((summary, t.elapsed().as_secs_f64(), root))
    }

    /// The preset whose blocks this decider decides.
    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    /// The decider key's verifying half (with the KZG verifier key, what `DeciderVerifier.sol`
    /// is deployed with).
    pub fn verifying_key(&self) -> &CommittedVerifyingKey {
        self.key.verifying_key()
    }

    /// The SRS's verifier key (`τ·G2`).
    pub fn kzg_verifier(&self) -> KzgVerifierKey {
        self.kzg.verifier()
    }

    /// Decides `root` (a folded tree's root node, folded over this decider's SRS) for the L1 in
    /// `runtime`'s pool, and checks the result with the L1's native
    /// verdict: a root the native decider refuses, or a proof that fails the check, is an error.
    pub fn decide(&self, runtime: &Runtime, root: &NodeProof) -> Result<RootProof> {
        runtime.pool().install(|| {
            let decider = L1Decider::new(&self.keys)?;
            let proof = decider.prove(&self.backend, &self.key, &self.kzg, root, &mut OsRng)?;
            if !proof.verify(self.verifying_key(), &self.kzg.verifier())? {
                return Err(Error::Rejected(
                    "the decided root fails the L1's native verdict".into(),
                ));
            }
            Ok(proof)
        })
    }
}
