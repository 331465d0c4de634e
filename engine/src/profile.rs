//! Hardware profiles: the tiers of `hardware-profiles/*.toml`, applied to this machine.
//!
//! Applying a profile builds the rayon pool every proof runs in (the profile's core count,
//! capped at the cores that exist) and the [`MemoryBudget`] that caps concurrent jobs (the
//! profile's RAM, capped at 90% of the RAM that exists). When the machine is smaller than
//! the profile, [`Runtime::warnings`] says so plainly and the engine keeps going with what
//! exists.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{Error, MemoryBudget, Result};

const GIB: u64 = 1 << 30;

/// Built-in profiles, embedded so the binary works from any directory.
const BUILTIN: [(&str, &str); 3] = [
    (
        "minimum",
        include_str!("../../hardware-profiles/minimum.toml"),
    ),
    (
        "recommended",
        include_str!("../../hardware-profiles/recommended.toml"),
    ),
    ("ideal", include_str!("../../hardware-profiles/ideal.toml")),
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

    /// Applies the profile to `machine`: pool size, memory budget and warnings.
    pub fn apply_to(&self, machine: &Machine) -> Result<Runtime> {
        let threads = self.cores.min(machine.cores).max(1);
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
            memory: MemoryBudget::new(profile_bytes.min(usable)),
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
    fn meminfo_is_parsed() {
        assert_eq!(
            meminfo_total("MemFree: 5 kB\nMemTotal:  1024 kB\n"),
            Some(1 << 20)
        );
        assert_eq!(meminfo_total("nothing"), None);
    }
}
