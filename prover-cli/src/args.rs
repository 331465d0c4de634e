//! Flags shared by several subcommands, with one meaning and one default each, their values
//! listed in `--help` and checked by clap (a bad value is a usage error, exit 2), and
//! `SIDECAR_*` environment fallbacks.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use sidecar_circuits::PresetName;
use sidecar_kernels::BackendKind;

/// Circuit preset (docs/circuits.md): tree heights and per-tx maxima.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    /// Small trees and traces (tests; a 4-tx block in seconds).
    Tiny,
    /// Realistic shapes that still prove on a small machine.
    Devnet,
    /// Aztec's heights (note hash 42, nullifier 42, public data 40).
    Aztec,
}

impl From<PresetArg> for PresetName {
    fn from(p: PresetArg) -> Self {
        match p {
            PresetArg::Tiny => PresetName::Tiny,
            PresetArg::Devnet => PresetName::Devnet,
            PresetArg::Aztec => PresetName::Aztec,
        }
    }
}

/// How a block's tree is proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProofSystemArg {
    /// One Groth16 proof per node, linked by the verifier; on L1, every proof is batch-verified
    /// (gas grows with the block).
    Groth16,
    /// The tree folded into one accumulator (Nova + CycleFold), every edge attested in the
    /// recursion, checked by the native decider; on L1, decided into one proof checked at
    /// constant gas (needs --srs).
    Folding,
}

/// The proof system of a block and, for folding, its KZG reference string.
#[derive(Args, Clone, Debug)]
pub struct ProofSystemArgs {
    /// `groth16`: one proof per node, linked by the verifier. `folding`: the tree folded into
    /// one accumulator, every edge attested in the recursion; submitted to an L1 as one decider
    /// proof (the decider key is made once per preset and SRS and cached in --keys: minutes and
    /// about 17 GB at `devnet`).
    #[arg(long, env = "SIDECAR_PROOF_SYSTEM", value_enum,
          default_value_t = ProofSystemArg::Groth16)]
    pub proof_system: ProofSystemArg,
    /// With `--proof-system folding`: fold over this KZG reference string (`sidecar setup`), so
    /// the final accumulator's commitments are KZG commitments the L1 can open (needed to
    /// submit to an L1). Without it the node-circuit generators are hashed to the curve.
    #[arg(long, env = "SIDECAR_SRS")]
    pub srs: Option<PathBuf>,
}

/// Kernel backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// The CPU backend.
    Cpu,
    /// NVIDIA GPUs through CUDA (built with `--features cuda`).
    Cuda,
    /// Any GPU, or Mesa's CPU Vulkan driver, through wgpu (built with `--features wgpu`).
    Wgpu,
    /// What the profile says: with `gpu = true`, CUDA, then a hardware wgpu adapter, then the
    /// CPU (saying why); with `gpu = false`, the CPU.
    Auto,
}

impl From<BackendArg> for BackendKind {
    fn from(b: BackendArg) -> Self {
        match b {
            BackendArg::Cpu => BackendKind::Cpu,
            BackendArg::Cuda => BackendKind::Cuda,
            BackendArg::Wgpu => BackendKind::Wgpu,
            BackendArg::Auto => BackendKind::Auto,
        }
    }
}

/// Where and how proofs run: hardware profile and kernel backend.
#[derive(Args, Clone, Debug)]
pub struct MachineArgs {
    /// Hardware profile: minimum, recommended, ideal, gpu, or a TOML path. On a machine smaller than
    /// the profile the run says so and uses what exists.
    #[arg(long, env = "SIDECAR_PROFILE", default_value = "minimum")]
    pub profile: String,
    /// Kernel backend.
    #[arg(long, env = "SIDECAR_BACKEND", value_enum, default_value_t = BackendArg::Auto)]
    pub backend: BackendArg,
}

/// What a block is proven with: preset, machine, and the key cache.
#[derive(Args, Clone, Debug)]
pub struct ProverArgs {
    /// Circuit preset of the proven blocks.
    #[arg(long, env = "SIDECAR_PRESET", value_enum, default_value_t = PresetArg::Devnet)]
    pub preset: PresetArg,
    #[command(flatten)]
    pub machine: MachineArgs,
    /// Key cache directory (proving keys, created on first use; `sidecar keys export` writes
    /// their verifying keys for `verify-block --trusted-keys`).
    #[arg(long, env = "SIDECAR_KEYS", default_value = "out/keys")]
    pub keys: PathBuf,
}
