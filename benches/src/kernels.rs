//! Kernel comparison: our MSM / NTT backend against ark-ec `VariableBaseMSM` and ark-poly's
//! radix-2 `fft_in_place`, interleaved, median of `reps` runs.

use std::time::Instant;

use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::VariableBaseMSM;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use ark_std::UniformRand;
use rand::{SeedableRng, rngs::StdRng};
use rayon::prelude::*;
use serde::Serialize;
use sidecar_kernels::{Cpu, Msm, Ntt, Result};

/// A kernel the comparison covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KernelOp {
    /// BN254 G1 multi-scalar multiplication.
    MsmG1,
    /// Forward NTT over BN254 Fr.
    Ntt,
    /// A whole Groth16 proof over BN254 (see [`crate::groth16`]).
    Groth16,
}

impl KernelOp {
    /// Name used in records and tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::MsmG1 => "msm_g1",
            Self::Ntt => "ntt",
            Self::Groth16 => "groth16",
        }
    }

    /// The arkworks routine it is compared with.
    pub fn peer(self) -> &'static str {
        match self {
            Self::MsmG1 => "ark-ec VariableBaseMSM::msm",
            Self::Ntt => "ark-poly Radix2EvaluationDomain::fft_in_place",
            Self::Groth16 => "ark-groth16 create_random_proof_with_reduction",
        }
    }
}

/// One measurement: `ratio = peer_ms / ours_ms` (above 1 means we are faster).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KernelRecord {
    /// Operation name (`msm_g1`, `ntt`, `groth16`).
    pub op: &'static str,
    /// Number of points / field elements / constraints.
    pub size: usize,
    /// Threads of the rayon pool both sides ran in.
    pub threads: usize,
    /// Median wall time of ours, milliseconds.
    pub ours_ms: f64,
    /// The peer routine.
    pub peer: &'static str,
    /// Median wall time of the peer, milliseconds.
    pub peer_ms: f64,
    /// `peer_ms / ours_ms`.
    pub ratio: f64,
    /// Median wall time of the CPU backend on the same inputs, milliseconds, when "ours" is
    /// another backend (a GPU) and [`KernelBenchConfig::cpu_baseline`] is set.
    pub cpu_ms: Option<f64>,
}

/// What to measure.
#[derive(Clone, Debug)]
pub struct KernelBenchConfig {
    /// MSM sizes (any length).
    pub msm_sizes: Vec<usize>,
    /// NTT sizes (powers of two).
    pub ntt_sizes: Vec<usize>,
    /// Runs per side; the median is reported.
    pub reps: usize,
    /// Also time the CPU backend (for a GPU backend: ours, the CPU backend and arkworks in one run).
    pub cpu_baseline: bool,
}

impl Default for KernelBenchConfig {
    /// Modest sizes: the whole run takes a minute or two on two cores.
    fn default() -> Self {
        Self {
            msm_sizes: vec![1 << 12, 1 << 14, 1 << 16, 1 << 18],
            ntt_sizes: vec![1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20],
            reps: 3,
            cpu_baseline: false,
        }
    }
}

/// `n` distinct random G1 points, generated in parallel.
pub fn g1_bases(n: usize, seed: u64) -> Vec<G1Affine> {
    let points: Vec<G1Projective> = (0..n)
        .into_par_iter()
        .chunks(1 << 10)
        .flat_map_iter(|idx| {
            let mut rng = StdRng::seed_from_u64(seed ^ idx[0] as u64);
            let base = G1Projective::rand(&mut rng);
            let step = G1Projective::rand(&mut rng);
            idx.into_iter().scan(base, move |acc, _| {
                *acc += step;
                Some(*acc)
            })
        })
        .collect();
    ark_ec::CurveGroup::normalize_batch(&points)
}

/// `n` uniformly random field elements.
pub fn fr_values(n: usize, seed: u64) -> Vec<Fr> {
    (0..n)
        .into_par_iter()
        .chunks(1 << 12)
        .flat_map_iter(|idx| {
            let mut rng = StdRng::seed_from_u64(seed ^ idx[0] as u64);
            (0..idx.len()).map(move |_| Fr::rand(&mut rng))
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub(crate) fn time_ms(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1e3
}

pub(crate) fn record(
    op: KernelOp,
    size: usize,
    ours: Vec<f64>,
    peer: Vec<f64>,
    cpu: Vec<f64>,
) -> KernelRecord {
    let (ours_ms, peer_ms) = (median(ours), median(peer));
    let cpu_ms = (!cpu.is_empty()).then(|| median(cpu));
    KernelRecord {
        op: op.name(),
        size,
        threads: rayon::current_num_threads(),
        ours_ms,
        peer: op.peer(),
        peer_ms,
        ratio: peer_ms / ours_ms,
        cpu_ms,
    }
}

/// Times one G1 MSM of `size` on `backend` against arkworks. Fails if the results differ.
pub fn msm_g1<B: Msm<ark_bn254::g1::Config>>(
    backend: &B,
    size: usize,
    reps: usize,
    cpu_baseline: bool,
) -> Result<KernelRecord> {
    let bases = g1_bases(size, 1);
    let scalars = fr_values(size, 2);
    let (mut ours, mut peer, mut cpu) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..reps.max(1) {
        let mut cpu_result = None;
        if cpu_baseline {
            let mut status = Ok(G1Projective::default());
            cpu.push(time_ms(|| status = Cpu::new().msm(&bases, &scalars)));
            cpu_result = Some(status?);
        }
        let mut a = G1Projective::default();
        ours.push(time_ms(|| {
            a = backend.msm(&bases, &scalars).unwrap_or_default()
        }));
        let mut b = G1Projective::default();
        peer.push(time_ms(|| {
            b = G1Projective::msm_unchecked(&bases, &scalars)
        }));
        if a != b || cpu_result.is_some_and(|c| c != b) {
            return Err(sidecar_kernels::Error::Device {
                backend: "bench",
                reason: format!("msm of size {size}: backend result differs from arkworks"),
            });
        }
    }
    Ok(record(KernelOp::MsmG1, size, ours, peer, cpu))
}

/// Times one forward NTT of `size` on `backend` against ark-poly. Fails if the results differ.
pub fn ntt<B: Ntt<Fr>>(
    backend: &B,
    size: usize,
    reps: usize,
    cpu_baseline: bool,
) -> Result<KernelRecord> {
    let domain = Radix2EvaluationDomain::<Fr>::new(size)
        .ok_or_else(|| sidecar_kernels::Error::invalid(format!("no NTT domain of size {size}")))?;
    let input = fr_values(size, 3);
    let (mut ours, mut peer, mut cpu) = (Vec::new(), Vec::new(), Vec::new());
    let cpu_backend = Cpu::new();
    for _ in 0..reps.max(1) {
        if cpu_baseline {
            let mut c = input.clone();
            let mut status = Ok(());
            cpu.push(time_ms(|| status = cpu_backend.ntt(&mut c)));
            status?;
        }
        let mut a = input.clone();
        let mut status = Ok(());
        ours.push(time_ms(|| status = backend.ntt(&mut a)));
        status?;
        let mut b = input.clone();
        peer.push(time_ms(|| domain.fft_in_place(&mut b)));
        if a != b {
            return Err(sidecar_kernels::Error::Device {
                backend: "bench",
                reason: format!("ntt of size {size}: backend result differs from ark-poly"),
            });
        }
    }
    Ok(record(KernelOp::Ntt, size, ours, peer, cpu))
}

/// Runs every configured comparison in the current rayon pool, MSMs first, then NTTs.
pub fn run<B>(backend: &B, config: &KernelBenchConfig) -> Result<Vec<KernelRecord>>
where
    B: Msm<ark_bn254::g1::Config> + Ntt<Fr>,
{
    let mut out = Vec::new();
    for &n in &config.msm_sizes {
        out.push(msm_g1(backend, n, config.reps, config.cpu_baseline)?);
    }
    for &n in &config.ntt_sizes {
        out.push(ntt(backend, n, config.reps, config.cpu_baseline)?);
    }
    Ok(out)
}

/// The records as an aligned text table.
pub fn table(records: &[KernelRecord]) -> String {
    let with_cpu = records.iter().any(|r| r.cpu_ms.is_some());
    let mut s = format!(
        "{:<8} {:>9} {:>7} {:>11} {:>11} {:>7}",
        "op", "size", "threads", "ours ms", "peer ms", "ratio"
    );
    s += if with_cpu { "     cpu ms\n" } else { "\n" };
    for r in records {
        let size = if r.size.is_power_of_two() {
            format!("2^{}", r.size.trailing_zeros())
        } else {
            r.size.to_string()
        };
        s += &format!(
            "{:<8} {:>9} {:>7} {:>11.2} {:>11.2} {:>6.2}x",
            r.op, size, r.threads, r.ours_ms, r.peer_ms, r.ratio
        );
        match r.cpu_ms {
            Some(c) if with_cpu => s += &format!(" {c:>10.2}\n"),
            _ => s.push('\n'),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_compare_against_the_peer() {
        let cfg = KernelBenchConfig {
            msm_sizes: vec![300],
            ntt_sizes: vec![1 << 8],
            reps: 1,
            cpu_baseline: true,
        };
        let records = run(&Cpu::new(), &cfg).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!((records[0].op, records[0].size), ("msm_g1", 300));
        assert_eq!((records[1].op, records[1].size), ("ntt", 256));
        for r in &records {
            assert!(r.ours_ms > 0.0 && r.peer_ms > 0.0);
            assert!((r.ratio - r.peer_ms / r.ours_ms).abs() < 1e-9);
        }
        let json = serde_json::to_value(&records[0]).unwrap();
        assert!(records.iter().all(|r| r.cpu_ms.is_some_and(|c| c > 0.0)));
        for key in [
            "op", "size", "threads", "ours_ms", "peer", "peer_ms", "ratio", "cpu_ms",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert!(table(&records).contains("msm_g1"));
    }

    #[test]
    fn ntt_of_non_power_of_two_is_an_error() {
        assert!(ntt(&Cpu::new(), 12, 1, false).is_err());
    }
}
