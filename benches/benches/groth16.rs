//! Groth16 prove on a synthetic R1CS of 2^14..2^18 constraints: our prover (kernels' NTT and
//! MSM) against ark-groth16's `create_random_proof` on the same proving key, same run.
//!
//! `SIDECAR_BENCH_MAX_LOG` (default 18) caps the largest size; `SIDECAR_BENCH_THREADS`
//! (default 2) sizes the rayon pool both provers run in.

use ark_bn254::Bn254;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::Groth16;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn prove(c: &mut Criterion) {
    let threads = env("SIDECAR_BENCH_THREADS", 2);
    let max_log = env("SIDECAR_BENCH_MAX_LOG", 18);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let ours = Groth16::new(sidecar_kernels::Cpu::new());
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let mut group = c.benchmark_group(format!("groth16_prove_{threads}t"));
    group.sample_size(10);
    for log in (14..=max_log as u32).step_by(2) {
        let circuit = sidecar_benches::groth16::circuit(log);
        let (pk, prepared) = pool.install(|| {
            let pk = ours.setup(circuit.clone(), &mut rng).expect("setup");
            let prepared = ours.prepare(&pk).expect("prepare");
            (pk, prepared)
        });
        let vk = pk.verifying_key();
        let x = circuit.public_inputs();
        pool.install(|| {
            let p = ours
                .prove(&prepared, circuit.clone(), &mut rng)
                .expect("prove");
            assert!(
                ours.verify(&vk, &x, &p).expect("verify"),
                "our proof must verify"
            );
            let p = ark_groth16::Groth16::<Bn254>::create_random_proof_with_reduction(
                circuit.clone(),
                &pk.crs,
                &mut rng,
            )
            .expect("ark prove");
            assert!(
                ours.verify(&vk, &x, &sidecar_groth16::Proof(p))
                    .expect("verify")
            );
        });
        group.bench_function(BenchmarkId::new("sidecar", 1usize << log), |b| {
            b.iter(|| {
                pool.install(|| {
                    ours.prove(&prepared, circuit.clone(), &mut rng)
                        .expect("prove")
                })
            })
        });
        group.bench_function(BenchmarkId::new("ark-groth16", 1usize << log), |b| {
            b.iter(|| {
                pool.install(|| {
                    ark_groth16::Groth16::<Bn254>::create_random_proof_with_reduction(
                        circuit.clone(),
                        &pk.crs,
                        &mut rng,
                    )
                    .expect("ark prove")
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, prove);
criterion_main!(benches);
