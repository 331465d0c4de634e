//! Forward NTT over BN254 Fr, 2^12..2^22: sidecar's CPU backend and ark-poly's radix-2
//! `fft_in_place` in one group. Threads come from `RAYON_NUM_THREADS`.

use ark_bn254::Fr;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use sidecar_benches::kernels::fr_values;
use sidecar_kernels::{Cpu, Ntt};

fn ntt(c: &mut Criterion) {
    let cpu = Cpu::new();
    let mut group = c.benchmark_group("ntt");
    group.sample_size(10);
    for log in (12..=22).step_by(2) {
        let n = 1usize << log;
        let input = fr_values(n, 3);
        let domain = Radix2EvaluationDomain::<Fr>::new(n).expect("two-adic size");
        group.bench_with_input(BenchmarkId::new("sidecar", log), &n, |b, _| {
            b.iter_batched_ref(
                || input.clone(),
                |v| cpu.ntt(v).expect("power-of-two size"),
                BatchSize::LargeInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("arkworks", log), &n, |b, _| {
            b.iter_batched_ref(
                || input.clone(),
                |v| domain.fft_in_place(v),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, ntt);
criterion_main!(benches);
