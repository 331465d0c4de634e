//! Scheduler (root-first, memory-capped, failure handling) and key cache behaviour.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sidecar_engine::jobs::{CacheOutcome, Job, JobGraph, JobId, KeyCache, run_graph};
use sidecar_engine::{Engine, Error, Family, Machine, Profile, Runtime};
use sidecar_groth16::synthetic::Synthetic;

const MIB: u64 = 1 << 20;

/// A profile of 16 cores and 16 GiB whose per-proof budgets are `vm`, `kernel` and `rollup`
/// cores.
fn profile(vm: usize, kernel: usize, rollup: usize) -> Profile {
    let text = format!(
        "name = \"t\"\ncores = 16\nram_gb = 16\nbandwidth_mbps = 64\ndisk_tb = 1\ngpu = false\n\
         proof_time_budget_s = 30\nmax_proof_bytes = 32768\n\
         [budgets.vm]\ncores = {vm}\nram_gb = 16\n[budgets.kernel]\ncores = {kernel}\nram_gb = 16\n\
         [budgets.rollup]\ncores = {rollup}\nram_gb = 16\n"
    );
    Profile::from_toml(&text, "test").unwrap()
}

/// `cores` threads, one-thread proofs: concurrency is limited by threads and memory alone.
fn runtime(cores: usize, ram_bytes: u64) -> Runtime {
    profile(1, 1, 1)
        .apply_to(&Machine { cores, ram_bytes })
        .unwrap()
}

/// Adds its own value to its dependencies' outputs; tracks concurrency and start order.
struct Sum {
    name: String,
    circuit: &'static str,
    family: Family,
    value: u64,
    live: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    order: Arc<Mutex<Vec<String>>>,
    threads: Arc<Mutex<Vec<(Family, usize)>>>,
    fail: bool,
}

impl Job for Sum {
    type Output = u64;
    fn label(&self) -> String {
        self.name.clone()
    }
    fn circuit(&self) -> &str {
        self.circuit
    }
    fn family(&self) -> Family {
        self.family
    }
    fn run(&self, deps: &[&u64]) -> sidecar_engine::Result<u64> {
        self.threads
            .lock()
            .unwrap()
            .push((self.family, rayon::current_num_threads()));
        self.order.lock().unwrap().push(self.name.clone());
        let now = self.live.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(30));
        self.live.fetch_sub(1, Ordering::SeqCst);
        if self.fail {
            return Err(Error::JobGraph {
                reason: "deliberate failure".into(),
            });
        }
        Ok(self.value + deps.iter().copied().sum::<u64>())
    }
}

#[derive(Default)]
struct Probe {
    live: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    order: Arc<Mutex<Vec<String>>>,
    threads: Arc<Mutex<Vec<(Family, usize)>>>,
}

impl Probe {
    fn job(&self, name: &str, circuit: &'static str, value: u64) -> Sum {
        Sum {
            name: name.into(),
            circuit,
            family: Family::Rollup,
            value,
            live: self.live.clone(),
            most: self.most.clone(),
            order: self.order.clone(),
            threads: self.threads.clone(),
            fail: false,
        }
    }
}

/// A binary tree over `leaves` leaves (values 1..=leaves), merges adding 0.
fn tree(p: &Probe, leaves: u64) -> JobGraph<Sum> {
    let mut g = JobGraph::new();
    let mut level: Vec<JobId> = (1..=leaves)
        .map(|v| g.add(p.job(&format!("leaf{v}"), "leaf", v), &[]).unwrap())
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|c| {
                g.add(p.job(&format!("merge{}", c[0].0), "merge", 0), c)
                    .unwrap()
            })
            .collect();
    }
    g
}

#[test]
fn tree_outputs_and_memory_cap() {
    let p = Probe::default();
    // 4 threads, budget 0.9 × 100 MiB = 90 MiB, each job 40 MiB: at most two at once.
    let rt = runtime(4, 100 * MIB);
    let peaks = HashMap::from([
        ("leaf".to_string(), 40 * MIB),
        ("merge".to_string(), 40 * MIB),
    ]);
    let report = run_graph(&rt, tree(&p, 8), peaks, |_| {}).unwrap();
    assert_eq!(*report.outputs[report.outputs.len() - 1], 36);
    assert_eq!(p.most.load(Ordering::SeqCst), 2);
    assert_eq!(report.max_concurrency, 2);
    assert_eq!(rt.memory().in_use(), 0);
}

#[test]
fn budgets_set_every_proofs_threads_and_how_many_run_at_once() {
    // The profile's 16 threads; budgets VM 8, kernel 2, rollup 4: every proof takes the
    // smallest, 2 threads, so at most eight run at once, and each sees its 2 threads.
    let rt = profile(8, 2, 4)
        .apply_to(&Machine {
            cores: 16,
            ram_bytes: 1 << 36,
        })
        .unwrap();
    assert_eq!(rt.proof_threads(), 2);
    let p = Probe::default();
    let mut g = JobGraph::new();
    let mut roots = Vec::new();
    for (family, n) in [(Family::Vm, 6), (Family::Kernel, 12)] {
        for k in 0..n {
            let mut job = p.job(&format!("{}{k}", family.name()), family.name(), 1);
            job.family = family;
            roots.push(g.add(job, &[]).unwrap());
        }
    }
    let merge = g.add(p.job("rollup", "rollup", 0), &roots).unwrap();
    let peaks = ["vm", "kernel", "rollup"].map(|c| (c.to_string(), MIB));
    let report = run_graph(&rt, g, HashMap::from(peaks), |_| {}).unwrap();
    assert_eq!(*report.outputs[merge.0], 18);
    let widths = p.threads.lock().unwrap().clone();
    assert!(widths.iter().all(|w| w.1 == 2), "{widths:?}");
    assert!(report.records.iter().all(|r| r.threads == 2));
    assert!(report.max_concurrency <= 8 && report.max_concurrency >= 2);
    assert!(report.family_concurrency[&Family::Kernel] <= 8);
    assert_eq!(report.family_concurrency[&Family::Rollup], 1);
    assert!(report.records.iter().all(|r| r.cpu.is_some()));
    // On 4 of the profile's 16 cores the width shrinks by 4/16 (at least 1): four at once.
    let small = profile(8, 2, 4)
        .apply_to(&Machine {
            cores: 4,
            ram_bytes: 1 << 36,
        })
        .unwrap();
    assert_eq!(small.proof_threads(), 1);
    let one = profile(1, 1, 1)
        .apply_to(&Machine {
            cores: 4,
            ram_bytes: 1 << 36,
        })
        .unwrap();
    assert_eq!(one.proof_threads(), 1);
}

#[test]
fn oversized_and_unmeasured_jobs_run_alone() {
    let p = Probe::default();
    let rt = runtime(4, 100 * MIB);
    // Leaves unmeasured (first runs alone and gets measured), merges bigger than the budget.
    let peaks = HashMap::from([("merge".to_string(), 10_000 * MIB)]);
    let report = run_graph(&rt, tree(&p, 4), peaks, |_| {}).unwrap();
    assert_eq!(*report.outputs[6], 10);
    let first = &report.records.iter().find(|r| r.started == 0).unwrap();
    assert!(first.measured_peak.is_some(), "first leaf must be measured");
    assert!(report.peaks.contains_key("leaf"));
    assert!(
        report
            .records
            .iter()
            .filter(|r| r.circuit == "merge")
            .all(|r| r.measured_peak.is_none())
    );
}

#[test]
fn graphs_sharing_one_runtime_wait_for_each_other_budget() {
    // Budget 90 MiB, jobs 60 MiB: one job at a time across both graphs. A graph that finds the
    // budget held by the other must wait, not stop with jobs left over.
    let rt = runtime(2, 100 * MIB);
    let peaks = HashMap::from([
        ("leaf".to_string(), 60 * MIB),
        ("merge".to_string(), 60 * MIB),
    ]);
    let (p, q) = (Probe::default(), Probe::default());
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| run_graph(&rt, tree(&p, 8), peaks.clone(), |_| {}));
        let b = s.spawn(|| run_graph(&rt, tree(&q, 4), peaks.clone(), |_| {}));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(*a.unwrap().outputs.last().unwrap().as_ref(), 36);
    assert_eq!(*b.unwrap().outputs.last().unwrap().as_ref(), 10);
    assert_eq!(
        p.order.lock().unwrap().len() + q.order.lock().unwrap().len(),
        15 + 7
    );
    assert_eq!(rt.memory().in_use(), 0);
}

#[test]
fn jobs_closest_to_the_root_go_first() {
    let p = Probe::default();
    let rt = runtime(1, 1 << 34);
    let mut g = JobGraph::new();
    // A long chain c0 → c1 → c2 → root, and a leaf feeding the root directly, added last.
    let c0 = g.add(p.job("c0", "x", 1), &[]).unwrap();
    let c1 = g.add(p.job("c1", "x", 1), &[c0]).unwrap();
    let c2 = g.add(p.job("c2", "x", 1), &[c1]).unwrap();
    let near = g.add(p.job("near", "x", 1), &[]).unwrap();
    g.add(p.job("root", "x", 1), &[c2, near]).unwrap();
    assert_eq!(g.depths(), vec![3, 2, 1, 1, 0]);
    let peaks = HashMap::from([("x".to_string(), MIB)]);
    let mut done = Vec::new();
    let report = run_graph(&rt, g, peaks, |r| done.push(r.label.clone())).unwrap();
    assert_eq!(*report.outputs[4], 5);
    assert_eq!(*p.order.lock().unwrap(), ["near", "c0", "c1", "c2", "root"]);
    assert_eq!(done.len(), 5);
}

#[test]
fn a_failing_job_stops_the_graph_with_its_name() {
    let p = Probe::default();
    let rt = runtime(2, 1 << 34);
    let mut g = JobGraph::new();
    let a = g.add(p.job("a", "x", 1), &[]).unwrap();
    let mut bad = p.job("bad", "x", 1);
    bad.fail = true;
    let b = g.add(bad, &[]).unwrap();
    g.add(p.job("root", "x", 1), &[a, b]).unwrap();
    let err = run_graph(&rt, g, HashMap::from([("x".to_string(), MIB)]), |_| {})
        .err()
        .unwrap();
    assert!(
        matches!(&err, Error::Job { job, .. } if job == "bad"),
        "{err}"
    );
    assert!(!p.order.lock().unwrap().contains(&"root".to_string()));
    let mut g = JobGraph::<Sum>::new();
    assert!(g.add(p.job("orphan", "x", 1), &[JobId(3)]).is_err());
}

#[test]
fn key_cache_creates_hits_and_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let cache = KeyCache::new(dir.path().join("keys")).unwrap();
    let engine = Engine::with_runtime(runtime(2, 1 << 34), sidecar_kernels::Cpu::new());
    let circuit = Synthetic::new(128, 2, 5);
    let got = cache
        .get_or_create(&engine, "synthetic", "tiny", circuit.clone())
        .unwrap();
    assert_eq!(got.outcome, CacheOutcome::Created);
    assert_eq!(got.meta.num_constraints, 128);
    let again = cache
        .get_or_create(&engine, "synthetic", "tiny", circuit.clone())
        .unwrap();
    assert_eq!(again.outcome, CacheOutcome::Hit);
    let proof = engine.prove(&again.keys.proving, circuit.clone()).unwrap();
    assert!(
        engine
            .verify(&got.keys.verifying, &circuit.public_inputs(), &proof)
            .unwrap()
    );

    cache.record_peak("synthetic", "tiny", 12345).unwrap();
    assert_eq!(
        cache.read_meta("synthetic", "tiny").unwrap().peak_bytes,
        Some(12345)
    );

    // Corrupt key → rebuilt, with the reason.
    let path = cache.key_path("synthetic", "tiny");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let rebuilt = cache
        .get_or_create(&engine, "synthetic", "tiny", circuit.clone())
        .unwrap();
    assert!(
        matches!(&rebuilt.outcome, CacheOutcome::Rebuilt(why) if why.contains("checksum")),
        "{:?}",
        rebuilt.outcome
    );

    // The circuit changed under the same id → stale key rebuilt.
    let changed = Synthetic::new(128, 2, 6);
    let stale = cache
        .get_or_create(&engine, "synthetic", "tiny", changed.clone())
        .unwrap();
    assert!(
        matches!(&stale.outcome, CacheOutcome::Rebuilt(why) if why.contains("circuit")),
        "{:?}",
        stale.outcome
    );
    let proof = engine.prove(&stale.keys.proving, changed.clone()).unwrap();
    assert!(
        engine
            .verify(&stale.keys.verifying, &changed.public_inputs(), &proof)
            .unwrap()
    );
}
