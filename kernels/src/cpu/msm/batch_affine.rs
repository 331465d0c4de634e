//! Batch-affine bucket accumulation.
//!
//! Points of one window are sorted by bucket (a counting sort), so every bucket is a
//! contiguous run. Each round adds adjacent pairs inside every run in affine coordinates,
//! sharing one field inversion across all pairs of the round (Montgomery's trick: about three
//! multiplications per inversion instead of one inversion each). A run halves every round; a
//! run of length one is final and leaves the active set. An affine addition with a shared
//! inversion costs about 6 multiplications against about 11 for a mixed projective addition,
//! which is where this beats a projective bucket method.
//!
//! Exceptional pairs are exact ([`pair_sum`](super::pair_sum)).
//!
//! For BN254 G1 on a CPU with AVX-512 IFMA, a round's pair additions run eight at a time
//! ([`wide_round`](super::wide_round)); the layout of the runs and the results are the same.

use core::mem::MaybeUninit;

use ark_ec::short_weierstrass::SWCurveConfig;

use super::batch_inverse::Products;
use super::pair_sum::{add_with_inverse, denominator};
use super::point::Point;
#[cfg(target_arch = "x86_64")]
use super::wide_round;
#[cfg(target_arch = "x86_64")]
use {crate::cpu::cast::same, ark_bn254::Fq};

/// The points of curve `P` as the bucket additions hold them.
pub type Pt<P> = Point<<P as ark_ec::CurveConfig>::BaseField>;

/// One active bucket run: `len` points starting at `start` in the round's point buffer.
#[derive(Clone, Copy)]
struct Run {
    bucket: u32,
    start: u32,
    len: u32,
}

/// Reusable buffers for [`accumulate`], so a worker allocates once per window task.
pub struct Scratch<P: SWCurveConfig> {
    next: Vec<Pt<P>>,
    prefix: Vec<P::BaseField>,
    runs: Vec<Run>,
    next_runs: Vec<Run>,
    /// The eight-lane additions' buffers, where they are used: BN254 G1 on a CPU with AVX-512
    /// IFMA; with the output slot of each pair.
    #[cfg(target_arch = "x86_64")]
    wide: Option<(wide_round::Scratch, Vec<u32>)>,
}

impl<P: SWCurveConfig> Scratch<P> {
    /// Empty buffers; the rounds take the eight-lane path where it applies.
    pub fn new() -> Self {
        #[cfg(target_arch = "x86_64")]
        let wide = wide_round::applies::<P::BaseField>();
        #[cfg(not(target_arch = "x86_64"))]
        let wide = false;
        Self::with_lanes(wide)
    }

    /// Empty buffers; the rounds take the eight-lane path only if `wide` (which requires
    /// [`wide_round::applies`]).
    fn with_lanes(wide: bool) -> Self {
        #[cfg(not(target_arch = "x86_64"))]
        let _ = wide;
        Self {
            next: Vec::new(),
            prefix: Vec::new(),
            runs: Vec::new(),
            next_runs: Vec::new(),
            #[cfg(target_arch = "x86_64")]
            wide: wide.then(Default::default),
        }
    }
}

/// Sums the runs of `points` into `buckets`: for every bucket `b`, `buckets[b]` becomes the sum
/// of `points[offsets[b]..offsets[b + 1]]`. `points` is consumed as working space.
pub fn accumulate<P: SWCurveConfig>(
    points: &mut Vec<Pt<P>>,
    offsets: &[u32],
    buckets: &mut [Pt<P>],
    scratch: &mut Scratch<P>,
) {
    scratch.runs.clear();
    for (b, bucket) in buckets.iter_mut().enumerate() {
        let (start, end) = (offsets[b], offsets[b + 1]);
        match end - start {
            0 => *bucket = Point::identity(),
            1 => *bucket = points[start as usize],
            len => scratch.runs.push(Run {
                bucket: b as u32,
                start,
                len,
            }),
        }
    }
    while !scratch.runs.is_empty() {
        round(points, buckets, scratch);
        core::mem::swap(points, &mut scratch.next);
        core::mem::swap(&mut scratch.runs, &mut scratch.next_runs);
    }
}

/// One halving round over every active run; results go to `scratch.next` / `next_runs`,
/// finished buckets straight to `buckets`.
fn round<P: SWCurveConfig>(points: &[Pt<P>], buckets: &mut [Pt<P>], scratch: &mut Scratch<P>) {
    let Scratch {
        next,
        prefix,
        runs,
        next_runs,
        #[cfg(target_arch = "x86_64")]
        wide,
    } = scratch;
    // Output layout: run r keeps ceil(len/2) slots, the last one its odd point's if any.
    next_runs.clear();
    let mut total = 0u32;
    for run in runs.iter() {
        let len = run.len.div_ceil(2);
        next_runs.push(Run {
            bucket: run.bucket,
            start: total,
            len,
        });
        total += len;
    }
    next.clear();
    next.reserve(total as usize);
    let slots = next.spare_capacity_mut();
    for (run, out) in runs.iter().zip(next_runs.iter()) {
        if run.len % 2 == 1 {
            slots[(out.start + out.len - 1) as usize]
                .write(points[(run.start + run.len - 1) as usize]);
        }
    }
    #[cfg(target_arch = "x86_64")]
    if let Some((wide, dst)) = wide {
        assert!(
            same::<P::BaseField, Fq>(),
            "the wide additions are for BN254 G1"
        );
        wide.clear();
        dst.clear();
        for (run, out) in runs.iter().zip(next_runs.iter()) {
            for k in 0..run.len / 2 {
                wide.push(run.start + 2 * k, run.start + 2 * k + 1);
                dst.push(out.start + k);
            }
        }
        let points: *const Point<Fq> = points.as_ptr().cast();
        let slots: &mut [MaybeUninit<Point<Fq>>] =
            // SAFETY: `Pt<P>` is `Point<Fq>` (asserted): the same memory with the same type.
            unsafe { core::slice::from_raw_parts_mut(slots.as_mut_ptr().cast(), slots.len()) };
        // SAFETY: the scratch exists only where `wide_round::applies`; every index pushed
        // is a point of `points` (inside its run), and `dst` holds distinct slots of `slots`.
        unsafe {
            wide_round::sum_pairs(points, points, wide, |j, sum| {
                _ = slots[dst[j] as usize].write(sum)
            })
        };
    } else {
        add_pairs::<P>(points, runs, next_runs, slots, prefix);
    }
    #[cfg(not(target_arch = "x86_64"))]
    add_pairs::<P>(points, runs, next_runs, slots, prefix);
    // SAFETY: the output runs tile `0..total` (run `r` owns `ceil(len_r / 2)` slots from its
    // start), and each run's slots were all written: one per pair, plus the odd point's.
    // `Point` has no drop glue.
    unsafe { next.set_len(total as usize) };
    // Runs that reached length one are finished.
    next_runs.retain(|run| {
        if run.len == 1 {
            buckets[run.bucket as usize] = next[run.start as usize];
            false
        } else {
            true
        }
    });
}

/// Writes the sum of every pair of `runs` to its slot of `next_runs`, one pair at a time,
/// sharing one inversion across the round.
fn add_pairs<P: SWCurveConfig>(
    points: &[Pt<P>],
    runs: &[Run],
    next_runs: &[Run],
    slots: &mut [MaybeUninit<Pt<P>>],
    prefix: &mut Vec<P::BaseField>,
) {
    // Forward pass: prefix products of all denominators.
    let mut products = Products::new(prefix);
    for run in runs {
        let base = run.start as usize;
        for k in 0..(run.len as usize / 2) {
            products.push(&denominator(
                &points[base + 2 * k],
                &points[base + 2 * k + 1],
            ));
        }
    }
    // Denominators are never zero by construction, so the product is invertible.
    let mut inverses = products.invert();
    // Backward pass: peel one inverse per pair off the running inverse.
    for (run, out) in runs.iter().zip(next_runs).rev() {
        let base = run.start as usize;
        let dst = out.start as usize;
        for k in (0..(run.len as usize / 2)).rev() {
            let (p, q) = (&points[base + 2 * k], &points[base + 2 * k + 1]);
            let pair_inv = inverses.pop(&denominator(p, q));
            slots[dst + k].write(add_with_inverse::<P>(p, q, pair_inv));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{G1Affine, G1Projective, g1};
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_ff::Zero;
    use ark_std::UniformRand;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// Runs drawn from a pool of `pool` random points (doubled points, opposite points and
    /// identities among them) sum exactly like projective addition does, on the scalar or the
    /// eight-lane path.
    fn runs_sum_like_projective_addition(seed: u64, pool: usize, wide: bool) {
        let mut rng = StdRng::seed_from_u64(seed);
        let pool: Vec<G1Affine> = (0..pool).map(|_| G1Affine::rand(&mut rng)).collect();
        let buckets_n = 40;
        let mut offsets = vec![0u32];
        let mut points = Vec::new();
        let mut expected = Vec::new();
        for _ in 0..buckets_n {
            let len = rng.gen_range(0..40);
            let mut sum = G1Projective::zero();
            for _ in 0..len {
                let p = match rng.gen_range(0..16) {
                    0 => G1Affine::identity(),
                    1..4 => -pool[rng.gen_range(0..pool.len())],
                    _ => pool[rng.gen_range(0..pool.len())],
                };
                sum += p;
                points.push(p);
            }
            expected.push(sum.into_affine());
            offsets.push(points.len() as u32);
        }
        let mut points: Vec<Pt<g1::Config>> = points
            .iter()
            .map(|p| Point::from_affine(p, false))
            .collect();
        let mut buckets = vec![Point::from_affine(&G1Affine::generator(), false); buckets_n];
        accumulate(
            &mut points,
            &offsets,
            &mut buckets,
            &mut Scratch::<g1::Config>::with_lanes(wide),
        );
        let buckets: Vec<G1Affine> = buckets
            .iter()
            .map(|b| b.to_affine::<g1::Config>())
            .collect();
        assert_eq!(buckets, expected);
    }

    #[test]
    fn scalar_runs_sum_like_projective_addition() {
        runs_sum_like_projective_addition(3, 8, false);
        runs_sum_like_projective_addition(4, 1000, false);
    }

    /// The eight-lane path, where the CPU has it: a small pool makes most groups exceptional, a
    /// large one most groups chords.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn wide_runs_sum_like_projective_addition() {
        if !wide_round::applies::<Fq>() {
            eprintln!("skipped: no AVX-512 IFMA on this CPU");
            return;
        }
        for seed in 0..4 {
            runs_sum_like_projective_addition(10 + seed, 8, true);
            runs_sum_like_projective_addition(20 + seed, 1000, true);
        }
    }
}
