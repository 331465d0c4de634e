//! The pair additions of a batch-affine round for BN254 G1, eight pairs at a time in the lanes
//! of an [`Fq8`] (AVX-512 IFMA).
//!
//! Pair `j` of the round goes to lane `j mod 8` of group `j / 8`. Each lane keeps its own
//! running product of denominators: eight Montgomery-trick chains side by side, whose eight
//! totals are inverted together with one field inversion. A group where some pair is
//! exceptional (equal x, or an x of zero, which covers the point at infinity) takes the scalar
//! formula of [`batch_affine`](super::batch_affine) in every lane, with the lane's inverse; the
//! others take the chord formula in the lanes. The last group repeats the last pair in its
//! spare lanes and drops their sums.

use core::arch::x86_64::*;
use core::mem::MaybeUninit;

use ark_bn254::{Fq, g1};
use ark_ff::{BigInt, Field};

use super::batch_affine::{Run, add_with_inverse, denominator};
use super::point::Point;
use crate::cpu::field::fq8::{self, Fq8, Lanes};

/// A G1 point as the bucket additions hold it.
type G1Point = Point<Fq>;

// Gathers address a point's coordinates as words 0..4 (x) and 4..8 (y) from its start.
const _: () = assert!(core::mem::size_of::<G1Point>() == 64);

/// The wide round's buffers, kept across rounds and windows.
#[derive(Default)]
pub struct Scratch {
    /// Index of each pair's first point (the second follows it), padded to whole groups.
    src: Vec<u32>,
    /// Output slot of each pair.
    dst: Vec<u32>,
    /// Each group's running products before its denominators.
    prefix: Vec<Lanes>,
    /// Each group's denominators.
    denominators: Vec<Lanes>,
    /// Each group's lanes holding an exceptional pair (a bit per lane).
    exceptional: Vec<u8>,
}

fn fq(limbs: [u64; 4]) -> Fq {
    Fq::new_unchecked(BigInt::new(limbs))
}

/// Word offsets of the first points of group `g`'s pairs.
#[inline]
#[target_feature(enable = "avx512f")]
fn offsets(src: &[u32], g: usize) -> __m512i {
    let idx = &src[8 * g..8 * g + 8];
    // SAFETY: `idx` holds eight u32, 32 bytes.
    let idx = unsafe { _mm256_loadu_si256(idx.as_ptr().cast()) };
    _mm512_slli_epi64::<3>(_mm512_cvtepu32_epi64(idx))
}

/// The lanes whose pair needs the scalar formula: equal x, or either x zero.
#[inline]
#[target_feature(enable = "avx512f")]
fn exceptional(px: &[__m512i; 4], qx: &[__m512i; 4]) -> u8 {
    let zero = _mm512_setzero_si512();
    let or = |w: &[__m512i; 4]| {
        _mm512_or_si512(_mm512_or_si512(w[0], w[1]), _mm512_or_si512(w[2], w[3]))
    };
    let equal = (0..4).fold(0xff, |m, i| m & _mm512_cmpeq_epi64_mask(px[i], qx[i]));
    equal | _mm512_cmpeq_epi64_mask(or(px), zero) | _mm512_cmpeq_epi64_mask(or(qx), zero)
}

/// Writes the sum of every pair of `runs` (points `2k`, `2k + 1` of a run) to slot `k` of its
/// output run in `next_runs`; the same sums as the scalar round.
///
/// # Safety
/// The CPU must have AVX-512F and IFMA ([`fq8::available`]); `runs` index into `points`;
/// `next_runs` lay out `slots` with one slot per pair of each run (plus the odd point's).
#[target_feature(enable = "avx512f,avx512ifma")]
pub unsafe fn add_pairs(
    points: &[G1Point],
    runs: &[Run],
    next_runs: &[Run],
    slots: &mut [MaybeUninit<G1Point>],
    s: &mut Scratch,
) {
    s.src.clear();
    s.dst.clear();
    for (run, out) in runs.iter().zip(next_runs) {
        for k in 0..run.len / 2 {
            s.src.push(run.start + 2 * k);
            s.dst.push(out.start + k);
        }
    }
    let pairs = s.src.len();
    if pairs == 0 {
        return;
    }
    let groups = pairs.div_ceil(8);
    s.src.resize(8 * groups, s.src[pairs - 1]);
    let base = points.as_ptr().cast::<u64>();
    let (x_words, y_words, next_point) = (_mm512_setzero_si512(), _mm512_set1_epi64(4), 8);
    let next = _mm512_set1_epi64(next_point);

    // Forward: eight chains of running products of the denominators.
    s.prefix.clear();
    s.denominators.clear();
    s.exceptional.clear();
    let mut acc = fq8::from_residues(&[Fq::ONE.0.0; 8]);
    for g in 0..groups {
        let at = offsets(&s.src, g);
        // SAFETY: every offset is a pair's first point, followed by its second, in `points`.
        let (px, qx) = unsafe {
            (
                fq8::gather(base, _mm512_add_epi64(at, x_words)),
                fq8::gather(base, _mm512_add_epi64(at, next)),
            )
        };
        let lanes = exceptional(&px, &qx);
        let d = if lanes == 0 {
            fq8::sub16(&fq8::from_words(qx), &fq8::from_words(px))
        } else {
            let src = &s.src[8 * g..8 * g + 8];
            fq8::from_residues(&core::array::from_fn(|k| {
                let i = src[k] as usize;
                denominator(&points[i], &points[i + 1]).0.0
            }))
        };
        s.prefix.push(Lanes::save(&acc));
        s.denominators.push(Lanes::save(&d));
        s.exceptional.push(lanes);
        acc = fq8::mul(&acc, &d);
    }

    // The eight totals' inverses, from one inversion of their product.
    let totals = fq8::to_residues(&acc).map(fq);
    let mut partial = [Fq::ONE; 8];
    for k in 1..8 {
        partial[k] = partial[k - 1] * totals[k - 1];
    }
    let mut rest = (partial[7] * totals[7])
        .inverse()
        .expect("denominators are non-zero");
    let mut inverses = [[0u64; 4]; 8];
    for k in (0..8).rev() {
        inverses[k] = (rest * partial[k]).0.0;
        rest *= totals[k];
    }
    let mut y = fq8::from_residues(&inverses);

    // Backward: peel each group's inverses off, then add its pairs.
    for g in (0..groups).rev() {
        let d = s.denominators[g].load();
        let inv = fq8::mul(&y, &s.prefix[g].load());
        y = fq8::mul(&y, &d);
        let src = &s.src[8 * g..8 * g + 8];
        let dst = &s.dst[8 * g..pairs.min(8 * g + 8)];
        if s.exceptional[g] == 0 {
            let at = offsets(&s.src, g);
            let q = _mm512_add_epi64(at, next);
            // SAFETY: as in the forward pass.
            let [px, py, qx, qy]: [Fq8; 4] = unsafe {
                [
                    fq8::gather(base, _mm512_add_epi64(at, x_words)),
                    fq8::gather(base, _mm512_add_epi64(at, y_words)),
                    fq8::gather(base, _mm512_add_epi64(q, x_words)),
                    fq8::gather(base, _mm512_add_epi64(q, y_words)),
                ]
            }
            .map(|w| fq8::from_words(w));
            let lambda = fq8::mul(&fq8::sub16(&qy, &py), &inv);
            let x3 = fq8::sub16(&fq8::sub16(&fq8::mul(&lambda, &lambda), &px), &qx);
            let y3 = fq8::sub16(&fq8::mul(&lambda, &fq8::sub64(&px, &x3)), &py);
            let (xs, ys) = (
                fq8::words(&fq8::to_words(&x3)),
                fq8::words(&fq8::to_words(&y3)),
            );
            for (k, &slot) in dst.iter().enumerate() {
                slots[slot as usize].write(Point {
                    x: fq([xs[0][k], xs[1][k], xs[2][k], xs[3][k]]),
                    y: fq([ys[0][k], ys[1][k], ys[2][k], ys[3][k]]),
                });
            }
        } else {
            let invs = fq8::to_residues(&inv);
            for (k, &slot) in dst.iter().enumerate() {
                let i = src[k] as usize;
                slots[slot as usize].write(add_with_inverse::<g1::Config>(
                    &points[i],
                    &points[i + 1],
                    fq(invs[k]),
                ));
            }
        }
    }
}
