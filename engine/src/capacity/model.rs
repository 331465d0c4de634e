//! The block's job graph played out on modelled machines: the same rules as the scheduler
//! ([`crate::jobs::run_graph`]: ready jobs nearest the root first, a job takes the fleet's
//! per-proof width in cores and its peak memory, each ready job that fits starts and one that
//! does not is passed over), with proof times from measured figures instead of proofs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};
use sidecar_circuits::CircuitKind;
use sidecar_circuits::tree::TreeNode;

use crate::jobs::depths;

/// One proof's time as a function of its threads: Amdahl's law, `serial + parallel / threads`,
/// fitted to a proof measured at one thread and at `n` threads.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// Part that does not shrink with threads, seconds.
    pub serial_s: f64,
    /// Part that divides among threads, seconds (at one thread).
    pub parallel_s: f64,
}

impl Scaling {
    /// The fit through `t1` seconds at one thread and `tn` at `n` threads. With `n == 1` (one
    /// core measured) nothing tells the parts apart: the proof is taken as fully parallel,
    /// which can only flatter wider machines. A `tn` above `t1` means no speed-up: all serial.
    pub fn fit(t1: f64, tn: f64, n: usize) -> Self {
        if n <= 1 {
            return Self {
                serial_s: 0.0,
                parallel_s: t1,
            };
        }
        let n = n as f64;
        let parallel = ((t1 - tn) * n / (n - 1.0)).clamp(0.0, t1);
        Self {
            serial_s: t1 - parallel,
            parallel_s: parallel,
        }
    }

    /// Seconds at `threads` threads.
    pub fn at(&self, threads: usize) -> f64 {
        self.serial_s + self.parallel_s / threads.max(1) as f64
    }
}

/// The machines a block is modelled on: `count` identical boxes.
#[derive(Clone, Debug, PartialEq)]
pub struct Fleet {
    /// Boxes.
    pub count: usize,
    /// Cores of each.
    pub cores: usize,
    /// Memory budget of each, bytes.
    pub ram_bytes: u64,
    /// Threads every proof takes (at most `cores`), as `Profile::proof_width` gives them.
    pub width: usize,
}

/// What one proof costs in the model.
pub trait Costs {
    /// Seconds for a proof of `kind` at `threads` threads, transfers included.
    fn seconds(&self, kind: CircuitKind, threads: usize) -> f64;
    /// Peak memory of one proof of `kind`, bytes.
    fn peak_bytes(&self, kind: CircuitKind) -> u64;
    /// Extra seconds of the first proof of `kind` in a block (cold keys and buffers).
    fn first_extra(&self, kind: CircuitKind) -> f64;
}

/// The modelled run of one block.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    /// When the last proof ends, seconds.
    pub makespan_s: f64,
    /// The longest chain of dependent proofs (a bound no number of boxes beats), seconds.
    pub critical_path_s: f64,
    /// Sum of every proof's time × its threads, core-seconds.
    pub core_seconds: f64,
}

/// Microseconds: event times as integers, so they order totally.
fn micros(s: f64) -> u64 {
    (s * 1e6).round() as u64
}

/// Plays `nodes` (children before parents, as `tree_for_calls` orders them) out on `fleet`.
pub fn simulate(nodes: &[TreeNode], fleet: &Fleet, costs: &dyn Costs) -> Schedule {
    let n = nodes.len();
    let deps: Vec<Vec<usize>> = nodes.iter().map(|x| x.children.clone()).collect();
    let depth = depths(&deps);
    let width = fleet.width.clamp(1, fleet.cores.max(1));
    let need = |i: usize| costs.peak_bytes(nodes[i].kind).min(fleet.ram_bytes);
    // One proof of each kind pays the cold start (the first to run; which one it is changes
    // little, so the first in node order).
    let mut first = vec![false; n];
    for k in CircuitKind::ALL {
        if let Some(i) = nodes.iter().position(|x| x.kind == k) {
            first[i] = true;
        }
    }
    let time = |i: usize| {
        let cold = if first[i] {
            costs.first_extra(nodes[i].kind)
        } else {
            0.0
        };
        costs.seconds(nodes[i].kind, width) + cold
    };

    let mut finish = vec![0.0f64; n];
    let mut critical = 0.0f64;
    for i in 0..n {
        let start = deps[i].iter().map(|&d| finish[d]).fold(0.0, f64::max);
        finish[i] = start + time(i);
        critical = critical.max(finish[i]);
    }

    let mut dependents = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
    for (i, ds) in deps.iter().enumerate() {
        ds.iter().for_each(|&d| dependents[d].push(i));
    }
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse((depth[i], i)))
        .collect();
    let mut free: Vec<(usize, u64)> =
        vec![(fleet.cores.max(1), fleet.ram_bytes); fleet.count.max(1)];
    let mut running: BinaryHeap<Reverse<(u64, usize, usize)>> = BinaryHeap::new();
    let (mut now, mut core_seconds) = (0u64, 0.0f64);
    loop {
        let mut passed = Vec::new();
        while let Some(Reverse((d, i))) = ready.pop() {
            let (w, m) = (width, need(i));
            let slot = (0..free.len())
                .filter(|&b| free[b].0 >= w && free[b].1 >= m)
                .max_by_key(|&b| (free[b].0, Reverse(b)));
            let Some(b) = slot else {
                passed.push(Reverse((d, i)));
                continue;
            };
            free[b].0 -= w;
            free[b].1 -= m;
            let t = time(i);
            core_seconds += t * w as f64;
            running.push(Reverse((now + micros(t), i, b)));
        }
        ready.extend(passed);
        let Some(Reverse((end, i, b))) = running.pop() else {
            break;
        };
        now = end;
        free[b].0 += width;
        free[b].1 += need(i);
        for &d in &dependents[i] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.push(Reverse((depth[d], d)));
            }
        }
    }
    Schedule {
        makespan_s: now as f64 / 1e6,
        critical_path_s: critical,
        core_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidecar_circuits::tree::tree_for_calls;

    /// Every proof 1 s at one thread, perfectly parallel; 1 MiB each.
    struct Unit;
    impl Costs for Unit {
        fn seconds(&self, _: CircuitKind, threads: usize) -> f64 {
            1.0 / threads as f64
        }
        fn peak_bytes(&self, _: CircuitKind) -> u64 {
            1 << 20
        }
        fn first_extra(&self, _: CircuitKind) -> f64 {
            0.0
        }
    }

    fn fleet(count: usize, cores: usize, width: usize) -> Fleet {
        Fleet {
            count,
            cores,
            ram_bytes: 1 << 40,
            width,
        }
    }

    #[test]
    fn amdahl_fit_reproduces_both_measurements() {
        let s = Scaling::fit(10.0, 6.0, 2);
        assert!((s.at(1) - 10.0).abs() < 1e-9 && (s.at(2) - 6.0).abs() < 1e-9);
        assert!((s.serial_s - 2.0).abs() < 1e-9);
        assert!((s.at(8) - 3.0).abs() < 1e-9);
        assert_eq!(
            Scaling::fit(5.0, 7.0, 2).at(64),
            5.0,
            "no speed-up: all serial"
        );
        assert_eq!(Scaling::fit(4.0, 4.0, 1).at(4), 1.0);
    }

    #[test]
    fn one_core_runs_everything_in_turn_and_many_reach_the_critical_path() {
        // Two txs with 2 and 0 calls: vm, kern, vm, kern, base, base, root = 7 proofs;
        // the longest chain is vm → kern → kern → base → root = 5 proofs.
        let nodes = tree_for_calls(&[2, 0]).unwrap();
        assert_eq!(nodes.len(), 7);
        let one = simulate(&nodes, &fleet(1, 1, 1), &Unit);
        assert!((one.makespan_s - 7.0).abs() < 1e-6);
        assert!((one.critical_path_s - 5.0).abs() < 1e-6);
        assert!((one.core_seconds - 7.0).abs() < 1e-6);
        let wide = simulate(&nodes, &fleet(1, 64, 1), &Unit);
        assert!((wide.makespan_s - 5.0).abs() < 1e-6);
        let boxes = simulate(&nodes, &fleet(8, 1, 1), &Unit);
        assert!((boxes.makespan_s - 5.0).abs() < 1e-6);
        // Two threads per proof on two cores: one proof at a time, each in half the time.
        let paired = simulate(&nodes, &fleet(1, 2, 2), &Unit);
        assert!((paired.makespan_s - 3.5).abs() < 1e-6);
    }

    #[test]
    fn memory_limits_concurrency() {
        let nodes = tree_for_calls(&[0; 8]).unwrap();
        let mut f = fleet(1, 8, 1);
        f.ram_bytes = 2 << 20; // two proofs at once
        let s = simulate(&nodes, &f, &Unit);
        // 8 bases two at a time (4 s), 6 merges and the root: levels of 2, 1... at most two
        // at once.
        let free = simulate(&nodes, &fleet(1, 8, 1), &Unit);
        assert!(s.makespan_s > free.makespan_s);
        assert!(s.makespan_s >= nodes.len() as f64 / 2.0 - 1e-6);
    }
}
