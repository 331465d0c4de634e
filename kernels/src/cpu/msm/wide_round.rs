//! Batches of BN254 G1 affine additions with one shared inversion (a batch-affine round's
//! pairs, a bucket reduction's steps), eight pairs at a time in the lanes of an [`Fq8`]
//! (AVX-512 IFMA).
//!
//! Pair `j` of a batch goes to lane `j mod 8` of group `j / 8`. Each lane keeps its own
//! running product of denominators: eight Montgomery-trick chains side by side, whose eight
//! totals are inverted together with one field inversion. A group where some pair is
//! exceptional (equal x, or an x of zero, which covers the point at infinity) takes the scalar
//! formula of [`pair_sum`](super::pair_sum) in every lane, with the lane's inverse; the
//! others take the chord formula in the lanes. The last group repeats the last pair in its
//! spare lanes and drops their sums.

use core::arch::x86_64::*;

use ark_bn254::{Fq, g1};
use ark_ff::{BigInt, Field};

use super::batch_inverse::Products;
use super::pair_sum::{add_with_inverse, denominator};
use super::point::Point;
use crate::cpu::cast::same;
use crate::cpu::field::KernelField;
use crate::cpu::field::fq8::{self, Fq8, Lanes};

/// A G1 point as the bucket additions hold it.
type G1Point = Point<Fq>;

// Gathers address a point's coordinates as words 0..4 (x) and 4..8 (y) from its start.
const _: () = assert!(core::mem::size_of::<G1Point>() == 64);

/// Whether additions over the base field `F` take this path: `F` is BN254's `Fq` (G1) and the
/// CPU has what [`fq8::available`] asks for.
pub fn applies<F: 'static>() -> bool {
    same::<F, Fq>() && fq8::available()
}

/// The buffers of a batch: operand indices and the passes' per-group state, kept across
/// batches.
#[derive(Default)]
pub struct Scratch {
    /// Index of each pair's first operand, padded to whole groups.
    p: Vec<u32>,
    /// Index of each pair's second operand, padded likewise.
    q: Vec<u32>,
    /// Each group's running products before its denominators.
    prefix: Vec<Lanes>,
    /// Each group's denominators.
    denominators: Vec<Lanes>,
    /// Each group's lanes holding an exceptional pair (a bit per lane).
    exceptional: Vec<u8>,
}

impl Scratch {
    /// Starts a new batch with no pairs.
    pub fn clear(&mut self) {
        self.p.clear();
        self.q.clear();
    }

    /// Adds the pair of operand indices `(p, q)` to the batch.
    pub fn push(&mut self, p: u32, q: u32) {
        self.p.push(p);
        self.q.push(q);
    }
}

fn fq(limbs: [u64; 4]) -> Fq {
    Fq::new_unchecked(BigInt::new(limbs))
}

/// Word offsets of the points `idx[8g..8g + 8]`.
#[inline]
#[target_feature(enable = "avx512f")]
fn offsets(idx: &[u32], g: usize) -> __m512i {
    let idx = &idx[8 * g..8 * g + 8];
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

/// `lhs[i] += rhs[i]` for every `i < min(len)`; the same sums as the scalar additions.
///
/// # Safety
/// The CPU must have AVX-512F and IFMA ([`fq8::available`]).
#[target_feature(enable = "avx512f,avx512ifma")]
pub unsafe fn add_in_place(lhs: &mut [G1Point], rhs: &[G1Point], s: &mut Scratch) {
    let n = lhs.len().min(rhs.len()) as u32;
    s.clear();
    s.p.extend(0..n);
    s.q.extend(0..n);
    // Reads and writes of `lhs` all go through this pointer: pair `j` is read before its sum
    // is written, and no other pair reads `lhs[j]`.
    let lhs = lhs.as_mut_ptr();
    // SAFETY: every index is below both lengths.
    unsafe { sum_pairs(lhs, rhs.as_ptr(), s, |j, sum| lhs.add(j).write(sum)) };
}

/// Computes `p[i] + q[k]` for every pair `(i, k)` pushed to `s` (pair `j` the `j`-th pushed)
/// and hands it to `write(j, _)`, group by group from the last, each group after all of its
/// operands were read.
///
/// # Safety
/// The CPU must have AVX-512F and IFMA ([`fq8::available`]); every first (second) index pushed
/// must be a point readable at `p` (`q`) until `write` is called for its pair.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub unsafe fn sum_pairs(
    p: *const G1Point,
    q: *const G1Point,
    s: &mut Scratch,
    mut write: impl FnMut(usize, G1Point),
) {
    let pairs = s.p.len();
    if pairs == 0 {
        return;
    }
    let groups = pairs.div_ceil(8);
    s.p.resize(8 * groups, s.p[pairs - 1]);
    s.q.resize(8 * groups, s.q[pairs - 1]);
    let (p_words, q_words) = (p.cast::<u64>(), q.cast::<u64>());
    let y_words = _mm512_set1_epi64(4);
    // SAFETY (every read below): the caller guarantees the indices address readable points.
    let operands = |i: usize| unsafe { (&*p.add(s.p[i] as usize), &*q.add(s.q[i] as usize)) };

    // Forward: eight chains of running products of the denominators.
    s.prefix.clear();
    s.denominators.clear();
    s.exceptional.clear();
    let mut acc = fq8::from_residues(&[Fq::ONE.0.0; 8]);
    for g in 0..groups {
        // SAFETY: see above.
        let (px, qx) = unsafe {
            (
                fq8::gather(p_words, offsets(&s.p, g)),
                fq8::gather(q_words, offsets(&s.q, g)),
            )
        };
        let lanes = exceptional(&px, &qx);
        let d = if lanes == 0 {
            fq8::sub16(&fq8::from_words(qx), &fq8::from_words(px))
        } else {
            fq8::from_residues(&core::array::from_fn(|k| {
                let (a, b) = operands(8 * g + k);
                denominator(a, b).0.0
            }))
        };
        s.prefix.push(Lanes::save(&acc));
        s.denominators.push(Lanes::save(&d));
        s.exceptional.push(lanes);
        acc = fq8::mul(&acc, &d);
    }

    // The eight totals' inverses, from one inversion of their product.
    let totals = fq8::to_residues(&acc).map(fq);
    let mut prefix = Vec::with_capacity(8);
    let mut products = Products::new(&mut prefix);
    for t in &totals {
        products.push(t);
    }
    let mut chain = products.invert();
    let mut inverses = [[0u64; 4]; 8];
    for k in (0..8).rev() {
        inverses[k] = chain.pop(&totals[k]).kreduce().0.0;
    }
    let mut y = fq8::from_residues(&inverses);

    // Backward: peel each group's inverses off, then add its pairs.
    for g in (0..groups).rev() {
        let d = s.denominators[g].load();
        let inv = fq8::mul(&y, &s.prefix[g].load());
        y = fq8::mul(&y, &d);
        let lanes = 8.min(pairs - 8 * g);
        if s.exceptional[g] == 0 {
            let (at_p, at_q) = (offsets(&s.p, g), offsets(&s.q, g));
            // SAFETY: see above.
            let [px, py, qx, qy]: [Fq8; 4] = unsafe {
                [
                    fq8::gather(p_words, at_p),
                    fq8::gather(p_words, _mm512_add_epi64(at_p, y_words)),
                    fq8::gather(q_words, at_q),
                    fq8::gather(q_words, _mm512_add_epi64(at_q, y_words)),
                ]
            }
            .map(|w| fq8::from_words(w));
            let lambda = fq8::mul(&fq8::sub16(&qy, &py), &inv);
            let x3 = fq8::sub16(&fq8::sub16(&fq8::mul(&lambda, &lambda), &px), &qx);
            let y3 = fq8::sub16(&fq8::mul(&lambda, &fq8::sub64(&px, &x3)), &py);
            let (xs, ys) = (fq8::to_residues(&x3), fq8::to_residues(&y3));
            for k in 0..lanes {
                write(
                    8 * g + k,
                    Point {
                        x: fq(xs[k]),
                        y: fq(ys[k]),
                    },
                );
            }
        } else {
            let invs = fq8::to_residues(&inv);
            for (k, &lane_inv) in invs.iter().take(lanes).enumerate() {
                let (a, b) = operands(8 * g + k);
                let sum = add_with_inverse::<g1::Config>(a, b, fq(lane_inv));
                write(8 * g + k, sum);
            }
        }
    }
}
