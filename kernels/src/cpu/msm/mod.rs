//! Pippenger MSM on the CPU: signed-digit windows, batch-affine buckets, rayon parallelism.
//!
//! ```text
//!  scalars ──into_bigint──▶ limbs ─┐
//!                                  ├─ per (window, point chunk) task, in parallel:
//!  bases ──────────────────────────┘    digit → counting sort by bucket (negate for d < 0)
//!                                       → batch-affine run sums → Σ_b (b+1)·B_b
//!                                         (batch-affine segmented running sums)
//!  window sums ── Horner in 2^c ──▶ result
//! ```
//!
//! The window width `c` minimises a cost model of the whole run on the current rayon pool
//! (see [`plan`]): `windows · n` affine additions plus `windows · 2^c` (also batch-affine) for
//! the bucket reduction, with tasks spread over the pool's threads.

mod batch_affine;
mod batch_inverse;
mod digits;
mod pair_sum;
mod point;
mod reduce;
#[cfg(target_arch = "x86_64")]
mod wide_round;

use ark_ec::AdditiveGroup;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::{BigInteger, PrimeField, Zero};
use rayon::prelude::*;

use batch_affine::{Pt, Scratch, accumulate};
use point::Point;

/// How an MSM of a given size is split: window width, number of windows, point chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Window width in bits.
    pub c: usize,
    /// Number of signed-digit windows.
    pub windows: usize,
    /// Number of point chunks each window is split into.
    pub chunks: usize,
}

/// Relative cost of reducing one bucket (two batch-affine additions, see `reduce`) against
/// accumulating one point.
const REDUCTION_WEIGHT: usize = 2;

/// Largest point chunk one task sorts and accumulates: beyond it the round buffers (72 bytes a
/// point, two of them) stop fitting in cache and every halving round streams from memory, which
/// costs more than the extra bucket reductions of a finer split (measured at 2^20 points).
const MAX_CHUNK: usize = 1 << 18;

/// Chooses the window width and chunking for `n` points with `bits`-bit scalars on `threads`
/// threads, minimising `ceil(tasks / threads) · (n / chunks + w · 2^{c−1})` over chunk counts
/// from `ceil(n / MAX_CHUNK)` up to the thread count.
pub fn plan(n: usize, bits: usize, threads: usize) -> Plan {
    let threads = threads.max(1);
    let mut best: Option<(usize, Plan)> = None;
    let min_chunks = n.div_ceil(MAX_CHUNK).max(1);
    for c in 1..=20usize {
        let windows = digits::window_count(bits, c);
        let buckets = 1usize << (c - 1);
        for chunks in min_chunks..=threads.max(min_chunks) {
            let per_chunk = n.div_ceil(chunks);
            let rounds = (windows * chunks).div_ceil(threads);
            let cost = rounds * (per_chunk + REDUCTION_WEIGHT * buckets);
            if best.is_none_or(|(b, _)| cost < b) {
                best = Some((cost, Plan { c, windows, chunks }));
            }
        }
    }
    best.map(|(_, p)| p).expect("at least one candidate")
}

/// `Σ_i scalars[i] · bases[i]` over `min(len)` terms, on the current rayon pool.
pub fn msm<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[P::ScalarField]) -> Projective<P> {
    let n = bases.len().min(scalars.len());
    if n == 0 {
        return Projective::zero();
    }
    let limbs: Vec<<P::ScalarField as PrimeField>::BigInt> =
        scalars[..n].par_iter().map(|s| s.into_bigint()).collect();
    msm_bigint(&bases[..n], &limbs)
}

/// `Σ_k scalars[positions[k]] · bases[k]`: the MSM of `bases` with the scalars gathered from
/// `positions` (each below `scalars.len()`), on the current rayon pool.
pub fn msm_gathered<P: SWCurveConfig>(
    bases: &[Affine<P>],
    positions: &[u32],
    scalars: &[P::ScalarField],
) -> Projective<P> {
    let limbs: Vec<<P::ScalarField as PrimeField>::BigInt> = positions
        .par_iter()
        .map(|&i| scalars[i as usize].into_bigint())
        .collect();
    msm_bigint(bases, &limbs)
}

/// [`msm`] on scalars already in canonical integer form.
pub fn msm_bigint<P: SWCurveConfig>(
    bases: &[Affine<P>],
    scalars: &[<P::ScalarField as PrimeField>::BigInt],
) -> Projective<P> {
    let n = bases.len().min(scalars.len());
    if n == 0 {
        return Projective::zero();
    }
    if !point::encodable::<P>() {
        // A curve with b = 0 has (0, 0) on it, so `Point` cannot mark infinity: arkworks' MSM.
        return <Projective<P> as ark_ec::VariableBaseMSM>::msm_bigint(&bases[..n], &scalars[..n]);
    }
    let bits = P::ScalarField::MODULUS_BIT_SIZE as usize;
    let plan = plan(n, bits, rayon::current_num_threads());
    let chunk_len = n.div_ceil(plan.chunks);
    let tasks: Vec<(usize, usize)> = (0..plan.windows)
        .flat_map(|w| (0..plan.chunks).map(move |k| (w, k)))
        .collect();
    let sums: Vec<(usize, Projective<P>)> = tasks
        .into_par_iter()
        .map(|(w, k)| {
            let lo = (k * chunk_len).min(n);
            let hi = ((k + 1) * chunk_len).min(n);
            (w, window_sum(&bases[lo..hi], &scalars[lo..hi], w, plan.c))
        })
        .collect();
    let mut windows = vec![Projective::<P>::zero(); plan.windows];
    for (w, s) in sums {
        windows[w] += s;
    }
    let mut acc = Projective::<P>::zero();
    for s in windows.iter().rev() {
        for _ in 0..plan.c {
            acc.double_in_place();
        }
        acc += s;
    }
    acc
}

/// `Σ_i d_w(scalars[i]) · bases[i]` for window `w` of width `c`.
///
/// Bases at infinity are sorted like any other point and add as the identity; the bucket
/// additions handle them without a division, so no pass has to read a base to skip it.
fn window_sum<P: SWCurveConfig, B: BigInteger>(
    bases: &[Affine<P>],
    scalars: &[B],
    w: usize,
    c: usize,
) -> Projective<P> {
    let buckets_n = 1usize << (c - 1);
    // Counting sort of the non-zero digits by bucket |d| − 1: the digits are read from the
    // scalars once, counted, then the points are placed.
    let digits: Vec<i32> = scalars
        .iter()
        .map(|s| digits::digit(s.as_ref(), w, c) as i32)
        .collect();
    let mut offsets = vec![0u32; buckets_n + 1];
    for &d in &digits {
        offsets[d.unsigned_abs() as usize] += 1;
    }
    offsets[0] = 0;
    for i in 1..=buckets_n {
        offsets[i] += offsets[i - 1];
    }
    let total = offsets[buckets_n] as usize;
    let mut cursor = offsets.clone();
    let mut points = Vec::<Pt<P>>::with_capacity(total);
    let slots = points.spare_capacity_mut();
    for (&d, b) in digits.iter().zip(bases) {
        if d != 0 {
            let slot = &mut cursor[d.unsigned_abs() as usize - 1];
            slots[*slot as usize].write(Point::from_affine(b, d < 0));
            *slot += 1;
        }
    }
    // SAFETY: bucket `b`'s cursor starts at `offsets[b]` and advances once per non-zero digit
    // of that bucket, `offsets[b + 1] − offsets[b]` times, so every slot below `total` was
    // written exactly once above (and `Point` has no drop glue).
    unsafe { points.set_len(total) };
    let mut buckets = vec![Point::identity(); buckets_n];
    accumulate(
        &mut points,
        &offsets,
        &mut buckets,
        &mut Scratch::<P>::new(),
    );

    reduce::weighted_sum::<P>(&buckets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_grows_window_with_size() {
        let small = plan(1 << 8, 254, 2);
        let large = plan(1 << 20, 254, 2);
        assert!(small.c < large.c, "{small:?} vs {large:?}");
        assert_eq!(large.windows, 254 / large.c + 1);
        assert!(plan(1, 254, 1).c >= 1);
        let huge = plan(1 << 22, 254, 2);
        assert!(
            (1usize << 22).div_ceil(huge.chunks) <= MAX_CHUNK,
            "{huge:?}"
        );
    }
}
