//! A DAG of proof jobs, run root-first under a memory budget inside the profile's pool.
//!
//! Jobs are added with their dependencies (which must already exist, so the graph is acyclic
//! by construction). A job's *depth* is its distance to the nearest sink (the root of a proof
//! tree has depth 0); among ready jobs the smallest depth goes first, ties in insertion order.
//! A job runs in a pool of its own, [`Runtime::proof_threads`] wide (the profile's per-proof
//! budgets applied to the runtime's threads), where its kernels' parallelism lives. It is
//! admitted when its width fits in the runtime's threads not used by running jobs and its
//! circuit's peak memory fits in the budget; a ready job that does not fit is passed over for
//! the next one that does (so a large proof waiting for memory does not leave cores idle) and
//! stays first in line. A circuit with no known peak runs alone the first time, and its peak is
//! measured then ([`measure_peak`]); a peak above the whole budget is clamped, so the job runs
//! alone rather than failing. The admission loop runs on the calling thread.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use super::measure_peak;
use crate::{Error, Family, PoolLease, Reservation, Result, Runtime};

/// One unit of work in a job graph (typically: prove one circuit instance).
pub trait Job: Send + Sync + 'static {
    /// What the job produces (a proof, public outputs, ...), handed to dependents.
    type Output: Send + Sync + 'static;

    /// Name for reports and errors.
    fn label(&self) -> String;

    /// Memory class: jobs with the same circuit id share one measured peak.
    fn circuit(&self) -> &str;

    /// Budget family: whose per-proof limits the job is reported against.
    fn family(&self) -> Family;

    /// Runs the job with its dependencies' outputs, in the order they were declared.
    fn run(&self, deps: &[&Self::Output]) -> Result<Self::Output>;
}

/// Index of a job in its graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub usize);

/// A DAG of jobs.
pub struct JobGraph<J: Job> {
    jobs: Vec<J>,
    deps: Vec<Vec<usize>>,
}

impl<J: Job> Default for JobGraph<J> {
    fn default() -> Self {
        Self {
            jobs: Vec::new(),
            deps: Vec::new(),
        }
    }
}

impl<J: Job> JobGraph<J> {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `job` depending on `deps` (all previously added).
    pub fn add(&mut self, job: J, deps: &[JobId]) -> Result<JobId> {
        if let Some(d) = deps.iter().find(|d| d.0 >= self.jobs.len()) {
            return Err(Error::JobGraph {
                reason: format!("dependency {} of {} does not exist yet", d.0, job.label()),
            });
        }
        self.jobs.push(job);
        self.deps.push(deps.iter().map(|d| d.0).collect());
        Ok(JobId(self.jobs.len() - 1))
    }

    /// Number of jobs.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// Whether the graph has no jobs.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Distance of every job to the nearest sink (root = 0).
    pub fn depths(&self) -> Vec<usize> {
        depths(&self.deps)
    }
}

/// Distance of every node of a DAG to the nearest sink, given each node's dependencies (all
/// earlier in the list): the order in which ready jobs are taken, smallest first.
pub fn depths(deps: &[Vec<usize>]) -> Vec<usize> {
    let mut depth = vec![usize::MAX; deps.len()];
    for i in (0..deps.len()).rev() {
        if depth[i] == usize::MAX {
            depth[i] = 0; // nothing depends on it: a sink
        }
        for &d in &deps[i] {
            depth[d] = depth[d].min(depth[i] + 1);
        }
    }
    depth
}

/// What happened to one job.
#[derive(Clone, Debug)]
pub struct JobRecord {
    /// The job.
    pub id: JobId,
    /// The job's label.
    pub label: String,
    /// Its circuit id.
    pub circuit: String,
    /// Its budget family.
    pub family: Family,
    /// Threads it ran with.
    pub threads: usize,
    /// Wall time of `run`.
    pub elapsed: Duration,
    /// CPU time its threads used (where the platform has per-thread CPU clocks).
    pub cpu: Option<Duration>,
    /// Peak memory measured on this run (only for a circuit's first, solo run).
    pub measured_peak: Option<u64>,
    /// Position in start order.
    pub started: usize,
}

/// Outputs and records of a completed graph run.
pub struct RunReport<O> {
    /// Output of every job, by [`JobId`].
    pub outputs: Vec<Arc<O>>,
    /// Record of every job, by [`JobId`].
    pub records: Vec<JobRecord>,
    /// Peaks known at the end (given plus measured), by circuit id.
    pub peaks: HashMap<String, u64>,
    /// Most jobs that ran at once.
    pub max_concurrency: usize,
    /// Most jobs of each family that ran at once.
    pub family_concurrency: BTreeMap<Family, usize>,
}

/// A finished job as reported to the admission loop. The job's memory reservation travels with
/// it and is released only there, so the budget and the count of running jobs change together.
type Done<O> = (usize, Result<O>, Option<u64>, Duration, Reservation);

/// Runs `graph` on `runtime`'s pool under its memory budget. `peaks` holds known per-circuit
/// peak memory in bytes; `on_done` is called on the calling thread after each job (progress).
/// The first failing job stops new admissions; running jobs finish; its error is returned.
pub fn run_graph<J: Job>(
    runtime: &Runtime,
    graph: JobGraph<J>,
    mut peaks: HashMap<String, u64>,
    mut on_done: impl FnMut(&JobRecord),
) -> Result<RunReport<J::Output>> {
    let n = graph.len();
    let depth = graph.depths();
    let mut dependents = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = graph.deps.iter().map(Vec::len).collect();
    for (i, ds) in graph.deps.iter().enumerate() {
        ds.iter().for_each(|&d| dependents[d].push(i));
    }
    let deps = graph.deps;
    let jobs: Arc<Vec<J>> = Arc::new(graph.jobs);
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse((depth[i], i)))
        .collect();
    let mut outputs: Vec<Option<Arc<J::Output>>> = (0..n).map(|_| None).collect();
    let mut records: Vec<Option<JobRecord>> = vec![None; n];
    let (tx, rx) = mpsc::channel::<Done<J::Output>>();
    let budget = runtime.memory();
    let cores = runtime.threads();
    let (mut running, mut started, mut max_concurrency, mut failure) =
        (0usize, 0usize, 0usize, None);
    let mut cores_used = 0usize;
    let mut measuring: HashMap<String, bool> = HashMap::new();
    let mut leases: HashMap<usize, (PoolLease, Option<Duration>)> = HashMap::new();
    let mut live: BTreeMap<Family, usize> = BTreeMap::new();
    let mut family_concurrency: BTreeMap<Family, usize> = BTreeMap::new();

    loop {
        // Ready jobs in priority order; each that fits starts, and one that does not is passed
        // over (and kept), so narrower or smaller jobs behind it use what is free.
        let mut passed = Vec::new();
        while failure.is_none() {
            let Some(Reverse((depth_i, i))) = ready.pop() else {
                break;
            };
            let family = jobs[i].family();
            let width = runtime.proof_threads();
            let circuit = jobs[i].circuit().to_string();
            let known = peaks.get(&circuit).copied();
            // Unknown peak: run alone (reserve everything), measure, and hold back others of
            // the same circuit until the measurement is in.
            let unmeasured_busy =
                known.is_none() && (running > 0 || measuring.contains_key(&circuit));
            if cores_used + width > cores || unmeasured_busy {
                passed.push(Reverse((depth_i, i)));
                continue;
            }
            let need = known.unwrap_or(u64::MAX).max(1 << 20);
            let reservation = match budget.try_reserve(need) {
                Some(r) => r,
                // Nothing of this graph runs, so the budget is held by other work on the same
                // runtime (another graph): wait for it instead of giving up. No job of ours
                // holds a reservation, so this cannot wait on itself.
                None if running == 0 => budget.reserve(need),
                None => {
                    passed.push(Reverse((depth_i, i)));
                    continue;
                }
            };
            let lease = match runtime.proof_pool() {
                Ok(l) => l,
                Err(e) => {
                    passed.push(Reverse((depth_i, i)));
                    failure = Some(e);
                    break;
                }
            };
            let measure = known.is_none();
            if measure {
                measuring.insert(circuit, true);
            }
            let dep_outputs: Vec<Arc<J::Output>> = deps[i]
                .iter()
                .map(|&d| outputs[d].clone().expect("dependency finished"))
                .collect();
            let (jobs, tx) = (Arc::clone(&jobs), tx.clone());
            records[i] = Some(JobRecord {
                id: JobId(i),
                label: jobs[i].label(),
                circuit: jobs[i].circuit().into(),
                family,
                threads: width,
                elapsed: Duration::ZERO,
                cpu: None,
                measured_peak: None,
                started,
            });
            started += 1;
            running += 1;
            cores_used += width;
            max_concurrency = max_concurrency.max(running);
            let n = live.entry(family).or_default();
            *n += 1;
            let most = family_concurrency.entry(family).or_default();
            *most = (*most).max(*n);
            let pool = Arc::clone(lease.pool());
            let cpu_before = lease.cpu_time();
            leases.insert(i, (lease, cpu_before));
            pool.spawn(move || {
                let refs: Vec<&J::Output> = dep_outputs.iter().map(|o| o.as_ref()).collect();
                let t = Instant::now();
                let (result, peak) = if measure {
                    measure_peak(|| jobs[i].run(&refs))
                } else {
                    (jobs[i].run(&refs), None)
                };
                let _ = tx.send((i, result, peak, t.elapsed(), reservation));
            });
        }
        ready.extend(passed);
        if running == 0 {
            break;
        }
        let (i, result, peak, elapsed, reservation) =
            rx.recv().expect("a running job always reports");
        drop(reservation);
        running -= 1;
        let (lease, cpu_before) = leases.remove(&i).expect("running jobs hold a pool");
        cores_used -= lease.width();
        let record = records[i].as_mut().expect("started jobs have records");
        *live.entry(record.family).or_default() -= 1;
        record.cpu = lease
            .cpu_time()
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before));
        drop(lease);
        record.elapsed = elapsed;
        record.measured_peak = peak;
        if let Some(p) = peak {
            peaks.insert(record.circuit.clone(), p);
            measuring.remove(&record.circuit);
        }
        match result {
            Ok(out) => {
                outputs[i] = Some(Arc::new(out));
                on_done(record);
                for &d in &dependents[i] {
                    waiting[d] -= 1;
                    if waiting[d] == 0 {
                        ready.push(Reverse((depth[d], d)));
                    }
                }
            }
            Err(e) if failure.is_none() => {
                failure = Some(Error::Job {
                    job: record.label.clone(),
                    source: Box::new(e),
                })
            }
            Err(_) => {}
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(RunReport {
        outputs: outputs
            .into_iter()
            .map(|o| o.expect("every job ran"))
            .collect(),
        records: records
            .into_iter()
            .map(|r| r.expect("every job ran"))
            .collect(),
        peaks,
        max_concurrency,
        family_concurrency,
    })
}
