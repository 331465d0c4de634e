//! A circuit's measured figures against the profile's per-proof limits: the family budget's
//! RAM, `proof_time_budget_s` and `max_proof_bytes`. One rule, used by `prove-block`'s summary
//! and by the capacity planner.

use serde::{Deserialize, Serialize};

use crate::{Family, Profile};

const GIB: u64 = 1 << 30;

/// Verdicts on one circuit's proofs. A verdict is `None` where its figure is unknown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetCheck {
    /// Family whose budget applies.
    pub family: Family,
    /// Threads the figures were taken with.
    pub threads: usize,
    /// Cores the profile allows one proof of this family.
    pub budget_cores: usize,
    /// Proving time checked (the longest proof), seconds.
    pub time_s: f64,
    /// The profile's `proof_time_budget_s`.
    pub time_budget_s: u64,
    /// `time_s <= time_budget_s`.
    pub time_ok: bool,
    /// Peak memory of one proof, bytes.
    pub peak_bytes: Option<u64>,
    /// The family budget's RAM, bytes.
    pub ram_budget_bytes: u64,
    /// `peak_bytes <= ram_budget_bytes`.
    pub ram_ok: Option<bool>,
    /// Size of one proof, bytes.
    pub proof_bytes: u64,
    /// The profile's `max_proof_bytes`.
    pub max_proof_bytes: u64,
    /// `proof_bytes <= max_proof_bytes`.
    pub bytes_ok: bool,
}

impl BudgetCheck {
    /// Checks a proof of `family` taking `time_s` with `threads` threads, `peak_bytes` of
    /// memory and `proof_bytes` of output against `profile`.
    pub fn new(
        profile: &Profile,
        family: Family,
        threads: usize,
        time_s: f64,
        peak_bytes: Option<u64>,
        proof_bytes: u64,
    ) -> Self {
        let budget = profile.budgets.get(family);
        let ram_budget_bytes = budget.ram_gb * GIB;
        Self {
            family,
            threads,
            budget_cores: budget.cores,
            time_s,
            time_budget_s: profile.proof_time_budget_s,
            time_ok: time_s <= profile.proof_time_budget_s as f64,
            peak_bytes,
            ram_budget_bytes,
            ram_ok: peak_bytes.map(|p| p <= ram_budget_bytes),
            proof_bytes,
            max_proof_bytes: profile.max_proof_bytes,
            bytes_ok: proof_bytes <= profile.max_proof_bytes,
        }
    }

    /// Whether every known verdict passes.
    pub fn passes(&self) -> bool {
        self.time_ok && self.bytes_ok && self.ram_ok != Some(false)
    }

    /// `ok`, or what failed, in a few words.
    pub fn verdict(&self) -> String {
        let mut fails = Vec::new();
        if !self.time_ok {
            fails.push(format!(
                "time {:.1}s > {}s",
                self.time_s, self.time_budget_s
            ));
        }
        if self.ram_ok == Some(false) {
            fails.push(format!(
                "ram {:.1} > {} GiB",
                self.peak_bytes.unwrap_or(0) as f64 / GIB as f64,
                self.ram_budget_bytes / GIB
            ));
        }
        if !self.bytes_ok {
            fails.push(format!(
                "proof {} > {} bytes",
                self.proof_bytes, self.max_proof_bytes
            ));
        }
        if fails.is_empty() {
            "ok".into()
        } else {
            fails.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_is_checked() {
        let p = Profile::load("minimum").unwrap();
        let ok = BudgetCheck::new(&p, Family::Rollup, 2, 29.0, Some(GIB), 128);
        assert!(ok.passes() && ok.verdict() == "ok");
        assert_eq!(ok.budget_cores, 8);
        let slow = BudgetCheck::new(&p, Family::Vm, 2, 31.0, None, 128);
        assert_eq!((slow.time_ok, slow.ram_ok), (false, None));
        assert!(slow.verdict().contains("time 31.0s > 30s"));
        let fat = BudgetCheck::new(&p, Family::Kernel, 2, 1.0, Some(17 * GIB), 40_000);
        assert!(!fat.passes());
        assert!(
            fat.verdict().contains("ram 17.0 > 16 GiB"),
            "{}",
            fat.verdict()
        );
        assert!(fat.verdict().contains("proof 40000 > 32768 bytes"));
    }
}
