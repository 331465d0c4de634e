//! NTT conformance: any [`Ntt`] backend against ark-poly's `Radix2EvaluationDomain`.

use ark_ff::FftField;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::{Direction, Error, Ntt};

/// Transform sizes (as `log2`) the suite runs by default: `2^0 .. 2^16`.
pub fn ntt_logs() -> Vec<u32> {
    (0..=16).collect()
}

fn random_values<F: FftField>(n: usize, rng: &mut impl Rng) -> Vec<F> {
    (0..n).map(|_| F::rand(rng)).collect()
}

/// A random coset shift that is not a root of unity of the domain (non-zero, random).
fn random_shift<F: FftField>(rng: &mut impl Rng) -> F {
    loop {
        let g = F::rand(rng);
        if !g.is_zero() {
            return g;
        }
    }
}

/// Checks size `2^log` with seed `seed`: forward, inverse, coset forward and inverse against
/// ark-poly, round trips, and a batch of vectors against one-by-one transforms.
pub fn check_ntt_size<B: Ntt<F>, F: FftField>(backend: &B, log: u32, seed: u64) {
    let n = 1usize << log;
    let mut rng = StdRng::seed_from_u64(seed ^ u64::from(log).wrapping_mul(0x9e37_79b9));
    let domain = Radix2EvaluationDomain::<F>::new(n).expect("size within two-adicity");
    let coeffs = random_values::<F>(n, &mut rng);

    let mut a = coeffs.clone();
    backend.ntt(&mut a).unwrap();
    assert_eq!(a, domain.fft(&coeffs), "forward, n = {n}");
    backend.intt(&mut a).unwrap();
    assert_eq!(a, coeffs, "round trip, n = {n}");

    let evals = random_values::<F>(n, &mut rng);
    let mut b = evals.clone();
    backend.intt(&mut b).unwrap();
    assert_eq!(b, domain.ifft(&evals), "inverse, n = {n}");

    let shift = random_shift::<F>(&mut rng);
    let coset = domain.get_coset(shift).expect("non-zero shift");
    let mut c = coeffs.clone();
    backend.coset_ntt(&mut c, shift).unwrap();
    assert_eq!(c, coset.fft(&coeffs), "coset forward, n = {n}");
    backend.coset_intt(&mut c, shift).unwrap();
    assert_eq!(c, coeffs, "coset round trip, n = {n}");
    let mut d = evals.clone();
    backend.coset_intt(&mut d, shift).unwrap();
    assert_eq!(d, coset.ifft(&evals), "coset inverse, n = {n}");

    // A batch of k vectors equals k single transforms, in both directions.
    let k = rng.gen_range(2..5);
    let batch = random_values::<F>(n * k, &mut rng);
    for dir in [Direction::Forward, Direction::Inverse] {
        let mut all = batch.clone();
        backend.ntt_batch(&mut all, n, dir).unwrap();
        for (i, chunk) in batch.chunks(n).enumerate() {
            let expect = match dir {
                Direction::Forward => domain.fft(chunk),
                Direction::Inverse => domain.ifft(chunk),
            };
            assert_eq!(
                &all[i * n..(i + 1) * n],
                &expect[..],
                "batch {dir:?} vector {i}, n = {n}"
            );
        }
    }
}

/// Runs [`check_ntt_size`] for every `log`, then [`check_ntt_errors`].
pub fn check_ntt<B: Ntt<F>, F: FftField>(backend: &B, logs: &[u32]) {
    for &log in logs {
        check_ntt_size::<B, F>(backend, log, 0x7e57);
    }
    check_ntt_errors::<B, F>(backend);
}

/// Non-power-of-two sizes, lengths that are not a whole number of vectors, sizes beyond the
/// two-adicity and a zero coset shift are [`Error::InvalidInput`].
pub fn check_ntt_errors<B: Ntt<F>, F: FftField>(backend: &B) {
    let mut rng = StdRng::seed_from_u64(13);
    let mut v = random_values::<F>(12, &mut rng);
    let before = v.clone();
    let invalid = |r: crate::Result<()>| matches!(r, Err(Error::InvalidInput { .. }));
    assert!(invalid(backend.ntt(&mut v)), "size 12 must be rejected");
    assert!(invalid(backend.intt(&mut v)));
    assert!(invalid(backend.ntt_batch(&mut v, 3, Direction::Forward)));
    assert!(
        invalid(backend.ntt_batch(&mut v, 8, Direction::Forward)),
        "12 is not a multiple of 8"
    );
    assert!(invalid(backend.ntt_batch(&mut v, 0, Direction::Inverse)));
    assert_eq!(v, before, "rejected calls must not touch the data");
    let too_big = 1usize << (F::TWO_ADICITY + 1).min(usize::BITS - 1);
    assert!(invalid(backend.ntt_batch(
        &mut [],
        too_big,
        Direction::Forward
    )));
    let mut w = random_values::<F>(8, &mut rng);
    assert!(invalid(backend.coset_intt(&mut w, F::zero())));
}
