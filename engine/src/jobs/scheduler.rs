//! A DAG of proof jobs, run root-first under a memory budget inside the profile's pool.
//!
//! Jobs are added with their dependencies (which must already exist, so the graph is acyclic
//! by construction). A job's *depth* is its distance to the nearest sink (the root of a proof
//! tree has depth 0); among ready jobs the smallest depth goes first, ties in insertion order.
//! A job is admitted when its circuit's peak memory fits in the budget and fewer jobs than
//! pool threads are running. A circuit with no known peak runs alone the first time, and its
//! peak is measured then ([`measure_peak`]); a peak above the whole budget is clamped, so the
//! job runs alone rather than failing. The admission loop runs on the calling thread; jobs
//! run on the pool, where the kernels' parallelism also lives.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use super::measure_peak;
use crate::{Error, Reservation, Result, Runtime};

/// One unit of work in a job graph (typically: prove one circuit instance).
pub trait Job: Send + Sync + 'static {
    /// What the job produces (a proof, public outputs, ...), handed to dependents.
    type Output: Send + Sync + 'static;

    /// Name for reports and errors.
    fn label(&self) -> String;

    /// Memory class: jobs with the same circuit id share one measured peak.
    fn circuit(&self) -> &str;

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
        let mut depth = vec![usize::MAX; self.jobs.len()];
        for i in (0..self.jobs.len()).rev() {
            if depth[i] == usize::MAX {
                depth[i] = 0; // nothing depends on it: a sink
            }
            for &d in &self.deps[i] {
                depth[d] = depth[d].min(depth[i] + 1);
            }
        }
        depth
    }
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
    /// Wall time of `run`.
    pub elapsed: Duration,
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
    let max_running = runtime.threads().max(1);
    let (mut running, mut started, mut max_concurrency, mut failure) =
        (0usize, 0usize, 0usize, None);
    let mut measuring: HashMap<String, bool> = HashMap::new();

    loop {
        while failure.is_none() && running < max_running {
            let Some(&Reverse((_, i))) = ready.peek() else {
                break;
            };
            let circuit = jobs[i].circuit().to_string();
            let known = peaks.get(&circuit).copied();
            // Unknown peak: run alone (reserve everything), measure, and hold back others of
            // the same circuit until the measurement is in.
            if known.is_none() && (running > 0 || measuring.contains_key(&circuit)) {
                break;
            }
            let need = known.unwrap_or(u64::MAX).max(1 << 20);
            let reservation = match budget.try_reserve(need) {
                Some(r) => r,
                // Nothing of this graph runs, so the budget is held by other work on the same
                // runtime (another graph): wait for it instead of giving up. No job of ours
                // holds a reservation, so this cannot wait on itself.
                None if running == 0 => budget.reserve(need),
                None => break,
            };
            ready.pop();
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
                elapsed: Duration::ZERO,
                measured_peak: None,
                started,
            });
            started += 1;
            running += 1;
            max_concurrency = max_concurrency.max(running);
            runtime.pool().spawn(move || {
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
        if running == 0 {
            break;
        }
        let (i, result, peak, elapsed, reservation) =
            rx.recv().expect("a running job always reports");
        drop(reservation);
        running -= 1;
        let record = records[i].as_mut().expect("started jobs have records");
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
    })
}
