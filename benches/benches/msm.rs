//! BN254 G1 MSM, 2^12..2^20: sidecar's CPU backend and ark-ec `VariableBaseMSM` in one group.
//! Threads come from `RAYON_NUM_THREADS` (the targets are stated for 2).

use ark_bn254::G1Projective;
use ark_ec::VariableBaseMSM;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sidecar_benches::kernels::{fr_values, g1_bases};
use sidecar_kernels::{Cpu, Msm};

fn msm(c: &mut Criterion) {
    let cpu = Cpu::new();
    let mut group = c.benchmark_group("msm_g1");
    group.sample_size(10);
    for log in (12..=20).step_by(2) {
        let n = 1usize << log;
        let bases = g1_bases(n, 1);
        let scalars = fr_values(n, 2);
        group.bench_with_input(BenchmarkId::new("sidecar", log), &n, |b, _| {
            b.iter(|| cpu.msm(&bases, &scalars).expect("valid lengths"))
        });
        group.bench_with_input(BenchmarkId::new("arkworks", log), &n, |b, _| {
            b.iter(|| G1Projective::msm_unchecked(&bases, &scalars))
        });
    }
    group.finish();
}

criterion_group!(benches, msm);
criterion_main!(benches);
