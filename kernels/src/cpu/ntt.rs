//! In-place radix-2 NTT on the CPU: bit-reversal, cache-blocked small layers, fused large layers.
//!
//! Forward transform (decimation in time, natural order in and out):
//!
//! ```text
//!  bit-reverse ─▶ layers m = 1 .. B/2 inside each block of B values (fits in cache, one pass,
//!                 blocks in parallel)
//!              ─▶ layers m = B .. n/2 two at a time (one memory pass per pair of layers,
//!                 parallel over groups or over butterflies within a group)
//! ```
//!
//! The butterflies work on lazy values below `2p` (for BN254's `Fr`, see
//! [`KernelField::kmul_lazy`]), reduced once at the end. The inverse is the forward transform
//! followed by `a_k ↦ a_{(n−k) mod n} / n`, since
//! `Σ_j a_j ω^{−jk} = Σ_j a_j ω^{j(n−k)}`. Twiddles come from the shared layered table.

use ark_ff::FftField;
use rayon::prelude::*;

use crate::cpu::field::KernelField;

/// Values per cache block for the small layers (2^13 field elements of 32 bytes = 256 KiB).
const BLOCK_LOG: u32 = 13;
/// Minimum butterflies per parallel task in the large layers.
const MIN_TASK: usize = 1 << 10;

/// Forward NTT of `a` (length `2^log`) using the layered `twiddles` table.
pub fn forward<F: FftField>(a: &mut [F], log: u32, twiddles: &[F]) {
    forward_lazy(a, log, twiddles);
    a.par_iter_mut()
        .with_min_len(MIN_TASK)
        .for_each(|x| *x = x.kreduce());
}

/// [`forward`] leaving lazy values ([`KernelField::kmul_lazy`]): the butterflies multiply,
/// add and subtract without the final reductions, which the caller owes.
fn forward_lazy<F: FftField>(a: &mut [F], log: u32, twiddles: &[F]) {
    let n = a.len();
    debug_assert_eq!(n, 1 << log);
    if n == 1 {
        return;
    }
    bit_reverse(a, log);
    let block = 1usize << BLOCK_LOG.min(log);
    a.par_chunks_mut(block).for_each(|chunk| {
        let mut m = 1;
        while m < block {
            layer_serial(chunk, m, &twiddles[m..2 * m]);
            m *= 2;
        }
    });
    let mut m = block;
    while m < n {
        if 4 * m <= n {
            fused_layers(a, m, twiddles);
            m *= 4;
        } else {
            single_layer(a, m, &twiddles[m..2 * m]);
            m *= 2;
        }
    }
}

/// Inverse NTT of `a` (length `2^log`), including the `1/n` scaling, whose products also
/// reduce the forward pass's lazy values.
pub fn inverse<F: FftField>(a: &mut [F], log: u32, twiddles: &[F]) {
    forward_lazy(a, log, twiddles);
    let n = a.len();
    let n_inv = F::from(n as u64)
        .inverse()
        .expect("n is invertible in a two-adic field");
    a[0] = a[0].kmul(&n_inv);
    if n == 1 {
        return;
    }
    let half = n / 2;
    a[half] = a[half].kmul(&n_inv);
    let (lo, hi) = a.split_at_mut(half);
    lo[1..]
        .par_iter_mut()
        .zip(hi[1..].par_iter_mut().rev())
        .with_min_len(MIN_TASK)
        .for_each(|(x, y)| {
            let t = x.kmul(&n_inv);
            *x = y.kmul(&n_inv);
            *y = t;
        });
}

/// Butterflies of layer `m` over a whole (cache-resident) slice. The first butterfly of each
/// group has twiddle `ω^0 = 1` and needs no multiplication (all of layer 1, half of layer 2).
#[inline]
fn layer_serial<F: FftField>(a: &mut [F], m: usize, w: &[F]) {
    for group in a.chunks_exact_mut(2 * m) {
        let (lo, hi) = group.split_at_mut(m);
        let v = hi[0];
        hi[0] = lo[0].ksub_lazy(&v);
        lo[0] = lo[0].kadd_lazy(&v);
        for ((x, y), t) in lo[1..].iter_mut().zip(hi[1..].iter_mut()).zip(&w[1..]) {
            let v = y.kmul_lazy(t);
            *y = x.ksub_lazy(&v);
            *x = x.kadd_lazy(&v);
        }
    }
}

/// Layer `m` over the whole array, in parallel.
fn single_layer<F: FftField>(a: &mut [F], m: usize, w: &[F]) {
    let task = MIN_TASK.min(m);
    a.par_chunks_mut(2 * m).for_each(|group| {
        let (lo, hi) = group.split_at_mut(m);
        lo.par_chunks_mut(task)
            .zip(hi.par_chunks_mut(task))
            .zip(w.par_chunks(task))
            .for_each(|((lo, hi), w)| {
                for ((x, y), t) in lo.iter_mut().zip(hi.iter_mut()).zip(w) {
                    let v = y.kmul_lazy(t);
                    *y = x.ksub_lazy(&v);
                    *x = x.kadd_lazy(&v);
                }
            });
    });
}

/// Layers `m` and `2m` in one pass: each group of `4m` values splits into quarters
/// `q0..q3`; layer `m` pairs `(q0, q1)` and `(q2, q3)` with `ω_{2m}^j`, then layer `2m` pairs
/// `(q0, q2)` with `ω_{4m}^j` and `(q1, q3)` with `ω_{4m}^{j+m}`.
fn fused_layers<F: FftField>(a: &mut [F], m: usize, twiddles: &[F]) {
    let w1 = &twiddles[m..2 * m];
    let w2 = &twiddles[2 * m..4 * m];
    let (w2lo, w2hi) = w2.split_at(m);
    let task = MIN_TASK.min(m);
    a.par_chunks_mut(4 * m).for_each(|group| {
        let (h0, h1) = group.split_at_mut(2 * m);
        let (q0, q1) = h0.split_at_mut(m);
        let (q2, q3) = h1.split_at_mut(m);
        q0.par_chunks_mut(task)
            .zip(q1.par_chunks_mut(task))
            .zip(q2.par_chunks_mut(task))
            .zip(q3.par_chunks_mut(task))
            .zip(w1.par_chunks(task))
            .zip(w2lo.par_chunks(task).zip(w2hi.par_chunks(task)))
            .for_each(|(((((q0, q1), q2), q3), w1), (wa, wb))| {
                for j in 0..q0.len() {
                    let v1 = q1[j].kmul_lazy(&w1[j]);
                    let v3 = q3[j].kmul_lazy(&w1[j]);
                    let (x0, x1) = (q0[j].kadd_lazy(&v1), q0[j].ksub_lazy(&v1));
                    let (x2, x3) = (q2[j].kadd_lazy(&v3), q2[j].ksub_lazy(&v3));
                    let u2 = x2.kmul_lazy(&wa[j]);
                    let u3 = x3.kmul_lazy(&wb[j]);
                    q0[j] = x0.kadd_lazy(&u2);
                    q2[j] = x0.ksub_lazy(&u2);
                    q1[j] = x1.kadd_lazy(&u3);
                    q3[j] = x1.ksub_lazy(&u3);
                }
            });
    });
}

/// A raw pointer that may cross threads; used only for disjoint index pairs.
struct SharedPtr<F>(*mut F);
impl<F> Clone for SharedPtr<F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F> Copy for SharedPtr<F> {}
// SAFETY: the only use is `bit_reverse`, where every element is touched by exactly one task.
unsafe impl<F: Send> Send for SharedPtr<F> {}
unsafe impl<F: Send> Sync for SharedPtr<F> {}

/// Permutes `a` (length `2^log`) into bit-reversed index order, in parallel.
fn bit_reverse<F: Send + Sync>(a: &mut [F], log: u32) {
    let n = a.len();
    if n <= 2 {
        return;
    }
    let shift = usize::BITS - log;
    let ptr = SharedPtr(a.as_mut_ptr());
    (0..n)
        .into_par_iter()
        .with_min_len(MIN_TASK * 4)
        .for_each(move |i| {
            let ptr = ptr;
            let r = i.reverse_bits() >> shift;
            if i < r {
                // SAFETY: i ↦ r is an involution on 0..n, so each unordered pair {i, r} with
                // i < r is swapped by exactly one index, no element is touched by two tasks, and
                // both indices are < n = a.len().
                unsafe { core::ptr::swap(ptr.0.add(i), ptr.0.add(r)) };
            }
        });
}
