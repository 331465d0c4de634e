//! Hardware profiles: the tiers of `hardware-profiles/*.toml`, applied to this machine.
//!
//! Applying a profile builds the rayon pool setup and key preparation run in (the profile's
//! core count, capped at the cores that exist), the [`MemoryBudget`] that caps concurrent jobs
//! (the profile's RAM, capped at 90% of the RAM that exists) and the per-family proof widths:
//! every proof runs in a pool of [`Profile::proof_width`] threads (the smallest per-family
//! budget, scaled down on a machine smaller than the profile), and proofs run side by side
//! while their widths fit in the pool's threads. When the machine is
//! smaller than the profile, [`Runtime::warnings`] says so plainly and the engine keeps going
//! with what exists.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sidecar_circuits::CircuitKind;
use sidecar_kernels::{AnyBackend, BackendKind, Cpu};

use crate::pools::{PoolLease, PoolSet};
use crate::{Error, MemoryBudget, Result};

const GIB: u64 = 1 << 30;

/// Built-in profiles, embedded so the binary works from any directory.
const BUILTIN: [(&str, &str); 4] = [
    (
        "minimum",
        include_str!("../../hardware-profiles/minimum.toml"),
    ),
    (
        "recommended",
        include_str!("../../hardware-profiles/recommended.toml"),
    ),
    ("ideal", include_str!("../../hardware-profiles/ideal.toml")),
    ("gpu", include_str!("../../hardware-profiles/gpu.toml")),
];

/// Cores and RAM a single proof of one circuit family may use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofBudget {
    /// Cores.
    pub cores: usize,
    /// RAM in GiB.
    pub ram_gb: u64,
}

/// Per-proof budgets by circuit family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budgets {
    /// Public VM proofs.
    pub vm: ProofBudget,
    /// Public kernel proofs.
    pub kernel: ProofBudget,
    /// Rollup (base, merge, root) proofs.
    pub rollup: ProofBudget,
}

impl Budgets {
    /// The budget of `family`.
    pub fn get(&self, family: Family) -> &ProofBudget {
        match family {
            Family::Vm => &self.vm,
            Family::Kernel => &self.kernel,
            Family::Rollup => &self.rollup,
        }
    }
}

/// A family of circuits sharing one per-proof budget (the RFP's grouping).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// The public VM.
    Vm,
    /// The public kernel.
    Kernel,
    /// Base, merge and root rollups.
    Rollup,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 3] = [Family::Vm, Family::Kernel, Family::Rollup];

    /// The family of a circuit.
    pub fn of(kind: CircuitKind) -> Self {
        match kind {
            CircuitKind::PublicVm => Family::Vm,
            CircuitKind::PublicKernel => Family::Kernel,
            CircuitKind::BaseRollup | CircuitKind::MergeRollup | CircuitKind::RootRollup => {
                Family::Rollup
            }
        }
    }

    /// Its name in profiles and reports.
    pub fn name(self) -> &'static str {
        match self {
            Family::Vm => "vm",
            Family::Kernel => "kernel",
            Family::Rollup => "rollup",
        }
    }
}

/// A hardware tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Tier name.
    pub name: String,
    /// CPU cores (threads of the proving pool).
    pub cores: usize,
    /// RAM in GiB.
    pub ram_gb: u64,
    /// Network bandwidth in megabits per second.
    pub bandwidth_mbps: u64,
    /// Disk in TB.
    pub disk_tb: u64,
    /// Whether a GPU backend is expected.
    pub gpu: bool,
    /// Target wall time per proof, seconds.
    pub proof_time_budget_s: u64,
    /// Largest acceptable proof, bytes.
    pub max_proof_bytes: u64,
    /// Per-proof resource budgets.
    pub budgets: Budgets,
}

impl Profile {
    /// Names of the built-in profiles.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    /// A built-in profile by name, or a TOML file by path.
    pub fn load(name_or_path: &str) -> Result<Self> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Self::from_toml(text, name_or_path);
        }
        let path = Path::new(name_or_path);
        let text = std::fs::read_to_string(path).map_err(|e| Error::Profile {
            name: name_or_path.into(),
            reason: format!(
                "not a built-in profile ({}) and not a readable file: {e}",
                Self::builtin_names().collect::<Vec<_>>().join(", ")
            ),
        })?;
        Self::from_toml(&text, name_or_path)
    }

    /// Parses and checks a profile; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let bad = |reason: String| Error::Profile {
            name: origin.into(),
            reason,
        };
        let p: Profile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        if p.cores == 0 || p.ram_gb == 0 {
            return Err(bad("cores and ram_gb must be positive".into()));
        }
        let b = &p.budgets;
        if [&b.vm, &b.kernel, &b.rollup]
            .iter()
            .any(|b| b.cores == 0 || b.ram_gb == 0)
        {
            return Err(bad("per-proof budgets must be positive".into()));
        }
        Ok(p)
    }

    /// The kernel backend to prove on, and why. An explicit request wins. `Auto` follows the
    /// profile: with `gpu = true`, CUDA, then a hardware wgpu adapter, and where neither is
    /// usable the CPU, with the reasons; with `gpu = false`, the CPU.
    pub fn backend(&self, requested: BackendKind) -> sidecar_kernels::Result<(AnyBackend, String)> {
        match (requested, self.gpu) {
            (BackendKind::Auto, false) => Ok((
                AnyBackend::Cpu(Cpu::new()),
                format!(
                    "cpu: profile '{}' has gpu = false (--backend cuda|wgpu asks for a GPU)",
                    self.name
                ),
            )),
            (BackendKind::Auto, true) => {
                let (backend, why) = AnyBackend::select(BackendKind::Auto)?;
                if backend.kind() == BackendKind::Cpu {
                    let why = format!(
                        "profile '{}' expects a GPU, but no GPU backend is usable here, so proofs \
                         run on the CPU ({why})",
                        self.name
                    );
                    return Ok((backend, why));
                }
                Ok((
                    backend,
                    format!("profile '{}' expects a GPU: {why}", self.name),
                ))
            }
            (requested, _) => AnyBackend::select(requested),
        }
    }

    /// Pool threads and memory budget (bytes) the profile gets on `machine`: its cores and RAM,
    /// capped at the cores that exist and at 90% of the RAM that exists.
    pub fn limits_on(&self, machine: &Machine) -> (usize, u64) {
        let usable = machine.ram_bytes / 10 * 9;
        (
            self.cores.min(machine.cores).max(1),
            (self.ram_gb * GIB).min(usable),
        )
    }

    /// Threads every proof runs with in a pool of `threads`: the smallest per-family budget,
    /// scaled by `threads / cores` where the pool is smaller than the profile (so a smaller
    /// machine keeps the profile's proofs-at-once, each narrower), at least 1 and at most the
    /// pool. One width for all families: no proof exceeds its family's budget, and equal
    /// widths pack the pool without leaving cores idle. Measured on a 2-core machine, 16-tx
    /// devnet block: all proofs 1 thread, two at once, 64 s; all 2 threads, one at a time,
    /// 72 s; VM proofs 2 threads and the rest 1, 95–106 s (docs/capacity.md).
    pub fn proof_width(&self, threads: usize) -> usize {
        let smallest = Family::ALL
            .iter()
            .map(|&f| self.budgets.get(f).cores)
            .min()
            .unwrap_or(1);
        let scaled = if threads < self.cores {
            smallest * threads / self.cores
        } else {
            smallest
        };
        scaled.clamp(1, threads.max(1))
    }

    /// Applies the profile to `machine`: pool size, memory budget and warnings.
    pub fn apply_to(&self, machine: &Machine) -> Result<Runtime> {
        let (threads, memory) = self.limits_on(machine);
        let profile_bytes = self.ram_gb * GIB;
        let usable = machine.ram_bytes / 10 * 9;
        let mut warnings = Vec::new();
        if machine.cores < self.cores {
            warnings.push(format!(
                "this machine has {} cores, profile '{}' expects {}; running with {threads} threads",
                machine.cores, self.name, self.cores
            ));
        }
        if machine.ram_bytes < profile_bytes {
            warnings.push(format!(
                "this machine has {:.1} GiB of RAM, profile '{}' expects {} GiB; memory budget is {:.1} GiB",
                machine.ram_bytes as f64 / GIB as f64,
                self.name,
                self.ram_gb,
                usable as f64 / GIB as f64
            ));
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("sidecar-prover-{i}"))
            .build()
            .map_err(|e| Error::ThreadPool {
                threads,
                reason: e.to_string(),
            })?;
        Ok(Runtime {
            profile: self.clone(),
            pool: Arc::new(pool),
            pools: PoolSet::default(),
            memory: MemoryBudget::new(memory),
            warnings,
        })
    }

    /// Applies the profile to the machine this runs on.
    pub fn apply(&self) -> Result<Runtime> {
        self.apply_to(&Machine::detect())
    }
}

/// What this machine has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Machine {
    /// Logical cores available to this process.
    pub cores: usize,
    /// Physical RAM in bytes (`MemTotal` of `/proc/meminfo`).
    pub ram_bytes: u64,
}

impl Machine {
    /// Detects cores (`available_parallelism`, which honours affinity and cgroup quotas) and RAM.
    /// Where RAM cannot be read (not Linux), it is assumed to be 1 GiB per core.
    pub fn detect() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let ram_bytes = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|s| meminfo_total(&s))
            .unwrap_or(cores as u64 * GIB);
        Self { cores, ram_bytes }
    }
}

/// `MemTotal` in bytes from `/proc/meminfo` text.
fn meminfo_total(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A profile applied to this machine: the pool all proving runs in, the memory budget that
/// caps concurrent jobs, and what the machine lacks compared to the profile.
#[derive(Clone, Debug)]
pub struct Runtime {
    profile: Profile,
    pool: Arc<rayon::ThreadPool>,
    pools: PoolSet,
    memory: MemoryBudget,
    warnings: Vec<String>,
}

impl Runtime {
    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The proving pool.
    pub fn pool(&self) -> &rayon::ThreadPool {
        &self.pool
    }

    /// Threads of the proving pool.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Threads one proof runs with ([`Profile::proof_width`] for this pool).
    pub fn proof_threads(&self) -> usize {
        self.profile.proof_width(self.threads())
    }

    /// A pool of [`Runtime::proof_threads`] threads for one proof, reused across proofs.
    pub fn proof_pool(&self) -> Result<PoolLease> {
        self.pools.take(self.proof_threads())
    }

    /// The memory budget.
    pub fn memory(&self) -> &MemoryBudget {
        &self.memory
    }

    /// Plain-language notes on where the machine is smaller than the profile.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_match_the_tiers() {
        let tiers = [
            ("minimum", 16, 16, 64, 1),
            ("recommended", 64, 64, 256, 3),
            ("ideal", 128, 128, 1000, 5),
        ];
        for (name, cores, ram, bw, disk) in tiers {
            let p = Profile::load(name).unwrap();
            assert_eq!(
                (
                    p.name.as_str(),
                    p.cores,
                    p.ram_gb,
                    p.bandwidth_mbps,
                    p.disk_tb
                ),
                (name, cores, ram, bw, disk)
            );
            assert_eq!((p.budgets.vm.cores, p.budgets.vm.ram_gb), (32, 64));
            assert_eq!((p.budgets.rollup.cores, p.budgets.kernel.ram_gb), (8, 16));
            assert_eq!((p.proof_time_budget_s, p.max_proof_bytes), (30, 32768));
        }
    }

    #[test]
    fn small_machine_is_reported_and_capped() {
        let p = Profile::load("minimum").unwrap();
        let rt = p
            .apply_to(&Machine {
                cores: 2,
                ram_bytes: 8 * GIB,
            })
            .unwrap();
        assert_eq!(rt.threads(), 2);
        assert_eq!(rt.memory().capacity(), 8 * GIB / 10 * 9);
        assert_eq!(rt.warnings().len(), 2);
        assert!(rt.warnings()[0].contains("2 cores") && rt.warnings()[0].contains("expects 16"));
        let big = p
            .apply_to(&Machine {
                cores: 64,
                ram_bytes: 256 * GIB,
            })
            .unwrap();
        assert_eq!(big.threads(), 16);
        assert_eq!(big.memory().capacity(), 16 * GIB);
        assert!(big.warnings().is_empty());
        // Per-proof widths: the family budgets (vm 32, others 8), capped at the pool.
        // Every proof takes the smallest budget (kernel and rollup: 8), two at once; on 2 of
        // the profile's 16 cores that shrinks by 2/16 to 1, still two at once.
        assert_eq!(big.proof_threads(), 8);
        assert_eq!(rt.proof_threads(), 1);
    }

    #[test]
    fn bad_profiles_are_refused() {
        assert!(matches!(
            Profile::load("no-such-profile"),
            Err(Error::Profile { .. })
        ));
        let text =
            include_str!("../../hardware-profiles/minimum.toml").replace("cores = 16", "cores = 0");
        assert!(Profile::from_toml(&text, "t").is_err());
        let text = include_str!("../../hardware-profiles/minimum.toml")
            .replace("gpu = false", "gpu = false\nextra = 1");
        assert!(Profile::from_toml(&text, "t").is_err());
    }

    #[test]
    fn the_gpu_field_picks_the_backend_under_auto() {
        let cpu = Profile::load("minimum").unwrap();
        let (b, why) = cpu.backend(BackendKind::Auto).unwrap();
        assert_eq!(b.kind(), BackendKind::Cpu);
        assert!(why.contains("gpu = false"), "{why}");
        let mut gpu = cpu.clone();
        gpu.gpu = true;
        let (b, why) = gpu.backend(BackendKind::Auto).unwrap();
        assert!(why.contains("expects a GPU"), "{why}");
        if b.kind() == BackendKind::Cpu {
            assert!(why.contains("no GPU backend is usable"), "{why}");
        }
        let (b, _) = gpu.backend(BackendKind::Cpu).unwrap();
        assert_eq!(b.kind(), BackendKind::Cpu, "an explicit request wins");
    }

    #[test]
    fn meminfo_is_parsed() {
        assert_eq!(
            meminfo_total("MemFree: 5 kB\nMemTotal:  1024 kB\n"),
            Some(1 << 20)
        );
        assert_eq!(meminfo_total("nothing"), None);
    }
}
