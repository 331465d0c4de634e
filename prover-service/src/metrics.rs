//! Prometheus metrics at `/metrics`. Counters and duration histograms are counted in memory as
//! events happen (they restart from zero with the process, as Prometheus expects); queue
//! depths, leases, agents, blocks and artifact bytes are read from the database at each scrape,
//! so they are right after a restart too.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

type Labels = Vec<(String, String)>;

fn kind(k: &str) -> Labels {
    vec![("kind".into(), k.into())]
}

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    leases: Family<Labels, Counter>,
    completed: Family<Labels, Counter>,
    failed: Family<Labels, Counter>,
    retries: Family<Labels, Counter>,
    timeouts: Family<Labels, Counter>,
    late: Counter,
    duration: Family<Labels, Histogram>,
    queue: Family<Labels, Gauge>,
    leases_active: Gauge,
    agents_alive: Gauge,
    blocks: Family<Labels, Gauge>,
    artifacts_bytes: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric under the `sidecar_` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("sidecar");
        let m = Self {
            leases: Family::default(),
            completed: Family::default(),
            failed: Family::default(),
            retries: Family::default(),
            timeouts: Family::default(),
            late: Counter::default(),
            duration: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.05, 2.0, 14))
            }),
            queue: Family::default(),
            leases_active: Gauge::default(),
            agents_alive: Gauge::default(),
            blocks: Family::default(),
            artifacts_bytes: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register("job_leases", "Leases granted", m.leases.clone());
        registry.register("jobs_completed", "Jobs completed", m.completed.clone());
        registry.register("jobs_failed", "Jobs failed for good", m.failed.clone());
        registry.register(
            "job_retries",
            "Jobs queued again after a retryable error or an expired lease",
            m.retries.clone(),
        );
        registry.register(
            "lease_timeouts",
            "Leases expired without a heartbeat",
            m.timeouts.clone(),
        );
        registry.register(
            "late_results",
            "Results refused because their lease was no longer held",
            m.late.clone(),
        );
        registry.register(
            "job_duration_seconds",
            "Lease to completion, seconds",
            m.duration.clone(),
        );
        registry.register("queue_depth", "Jobs by kind and state", m.queue.clone());
        registry.register("leases_active", "Jobs leased now", m.leases_active.clone());
        registry.register(
            "agents_alive",
            "Agents seen within two lease lengths",
            m.agents_alive.clone(),
        );
        registry.register("blocks", "Blocks by state", m.blocks.clone());
        registry.register(
            "artifacts_bytes",
            "Bytes in the artifact store",
            m.artifacts_bytes.clone(),
        );
        Self { registry, ..m }
    }

    pub(crate) fn leased(&self, k: &str) {
        self.leases.get_or_create(&kind(k)).inc();
    }

    pub(crate) fn completed(&self, k: &str, seconds: Option<f64>) {
        self.completed.get_or_create(&kind(k)).inc();
        if let Some(s) = seconds {
            self.duration.get_or_create(&kind(k)).observe(s);
        }
    }

    pub(crate) fn failed(&self, k: &str) {
        self.failed.get_or_create(&kind(k)).inc();
    }

    pub(crate) fn retried(&self, k: &str) {
        self.retries.get_or_create(&kind(k)).inc();
    }

    pub(crate) fn timed_out(&self, k: &str) {
        self.timeouts.get_or_create(&kind(k)).inc();
    }

    pub(crate) fn late_result(&self) {
        self.late.inc();
    }

    /// Renders the text exposition format with the gauges set from `snapshot`.
    pub fn render(&self, snapshot: &Snapshot) -> String {
        self.queue.clear();
        for (k, state, n) in &snapshot.jobs {
            self.queue
                .get_or_create(&vec![
                    ("kind".into(), k.clone()),
                    ("state".into(), state.clone()),
                ])
                .set(*n);
        }
        self.blocks.clear();
        for (state, n) in &snapshot.blocks {
            self.blocks
                .get_or_create(&vec![("state".into(), state.clone())])
                .set(*n);
        }
        self.leases_active.set(snapshot.leases);
        self.agents_alive.set(snapshot.agents_alive);
        self.artifacts_bytes.set(snapshot.artifacts_bytes);
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}

/// Database figures read at scrape time.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Jobs per (kind, state).
    pub jobs: Vec<(String, String, i64)>,
    /// Blocks per state.
    pub blocks: Vec<(String, i64)>,
    /// Jobs leased now.
    pub leases: i64,
    /// Agents seen recently.
    pub agents_alive: i64,
    /// Bytes stored.
    pub artifacts_bytes: i64,
}

/// The Prometheus text format (0.0.4) of an OpenMetrics exposition, for scrapers and tools
/// that read only that (promtool): a counter's HELP and TYPE lines name its `_total` sample,
/// and there is no `# EOF` line.
pub fn text_format(openmetrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = openmetrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|p| {
            let rest = line.strip_prefix(p)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(name)
                .then(|| format!("{p}{name}_total {tail}"))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format_names_counter_samples() {
        let om = "# HELP a Things.\n# TYPE a counter\na_total{kind=\"vm\"} 2\n# HELP g G.\n# TYPE g gauge\ng 1\n# EOF\n";
        assert_eq!(
            text_format(om),
            "# HELP a_total Things.\n# TYPE a_total counter\na_total{kind=\"vm\"} 2\n# HELP g G.\n# TYPE g gauge\ng 1\n"
        );
    }
}
