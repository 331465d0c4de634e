//! Host-side planning of the bucket method: window digits, bucket sort, segments.
//!
//! Scalar `k = Σ_w d_w · 2^{c·w}` with unsigned `c`-bit digits `d_w`. Bucket `(w, d)` for
//! `d ≠ 0` collects the bases whose scalar has digit `d` in window `w`; window `w`'s sum is
//! `Σ_d d · B_{w,d}` and the MSM is `Σ_w 2^{c·w} · S_w`. This module lays out, for the GPU, the
//! base indices of every bucket contiguously and cuts each bucket into segments of at most
//! [`SEGMENT`] entries (one GPU thread each), so a crowded bucket (many equal digits) spreads
//! over several threads instead of serialising the dispatch.

use ark_ff::PrimeField;
use rayon::prelude::*;

/// Most bases one GPU thread adds up.
pub(crate) const SEGMENT: usize = 32;

/// Window width for an MSM of `m` terms: wide enough that host-side bucket reduction
/// (`~2^{c+1}` additions per window) stays small next to the GPU's `m` additions per window.
pub(crate) fn window_bits(m: usize) -> usize {
    let log = usize::BITS as usize - m.max(1).leading_zeros() as usize;
    log.saturating_sub(3).clamp(4, 16)
}

/// The GPU work list of one MSM.
pub(crate) struct Plan {
    /// Window width `c`.
    pub c: usize,
    /// Number of windows.
    pub windows: usize,
    /// Base indices, bucket after bucket.
    pub indices: Vec<u32>,
    /// Segment `s` covers `indices[bounds[s]..bounds[s + 1]]`.
    pub bounds: Vec<u32>,
    /// `(window, digit)` of each segment.
    pub owner: Vec<(u32, u32)>,
}

/// `c` bits of `limbs` from bit `start` (little-endian limbs; bits past the end read as zero).
fn digit(limbs: &[u64], start: usize, c: usize) -> u32 {
    let (limb, shift) = (start / 64, start % 64);
    if limb >= limbs.len() {
        return 0;
    }
    let mut v = limbs[limb] >> shift;
    if shift + c > 64 && limb + 1 < limbs.len() {
        v |= limbs[limb + 1] << (64 - shift);
    }
    (v & ((1u64 << c) - 1)) as u32
}

/// Plans the MSM of `scalars` (canonical integers) against bases `0..scalars.len()`.
pub(crate) fn plan<F: PrimeField>(scalars: &[F]) -> Plan {
    let c = window_bits(scalars.len());
    let windows = (F::MODULUS_BIT_SIZE as usize).div_ceil(c);
    let ints: Vec<F::BigInt> = scalars.par_iter().map(|s| s.into_bigint()).collect();
    // One counting sort per window, in parallel.
    let per_window: Vec<(Vec<u32>, Vec<u32>)> = (0..windows)
        .into_par_iter()
        .map(|w| {
            let digits: Vec<u32> = ints.iter().map(|k| digit(k.as_ref(), w * c, c)).collect();
            let mut start = vec![0u32; (1 << c) + 1];
            for &d in &digits {
                start[d as usize + 1] += 1;
            }
            for d in 1..start.len() {
                start[d] += start[d - 1];
            }
            let mut fill = start.clone();
            let mut order = vec![0u32; scalars.len()];
            for (i, &d) in digits.iter().enumerate() {
                order[fill[d as usize] as usize] = i as u32;
                fill[d as usize] += 1;
            }
            // Digit 0 adds nothing: drop its run.
            let zeros = start[1];
            order.drain(..zeros as usize);
            start.iter_mut().for_each(|s| *s -= zeros);
            (order, start)
        })
        .collect();

    let mut plan = Plan {
        c,
        windows,
        indices: Vec::new(),
        bounds: vec![0],
        owner: Vec::new(),
    };
    for (w, (order, start)) in per_window.into_iter().enumerate() {
        let offset = plan.indices.len() as u32;
        plan.indices.extend_from_slice(&order);
        for d in 1..(1usize << c) {
            let (lo, hi) = (start[d] as usize, start[d + 1] as usize);
            let mut s = lo;
            while s < hi {
                let e = (s + SEGMENT).min(hi);
                plan.bounds.push(offset + e as u32);
                plan.owner.push((w as u32, d as u32));
                s = e;
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fr;
    use ark_ff::{Field, UniformRand};
    use rand::SeedableRng;

    /// Re-assembling every scalar from the plan's buckets gives the scalar back.
    #[test]
    fn plan_reconstructs_every_scalar() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut scalars: Vec<Fr> = (0..300).map(|_| Fr::rand(&mut rng)).collect();
        scalars[5] = Fr::from(0u64);
        scalars[9] = -Fr::from(1u64);
        let p = plan(&scalars);
        let mut rebuilt = vec![Fr::from(0u64); scalars.len()];
        for (s, &(w, d)) in p.owner.iter().enumerate() {
            assert!(p.bounds[s + 1] - p.bounds[s] <= SEGMENT as u32);
            let weight = Fr::from(2u64).pow([(w as u64) * p.c as u64]) * Fr::from(d as u64);
            for &i in &p.indices[p.bounds[s] as usize..p.bounds[s + 1] as usize] {
                rebuilt[i as usize] += weight;
            }
        }
        assert_eq!(rebuilt, scalars);
    }

    #[test]
    fn window_bits_grow_with_size() {
        assert_eq!(window_bits(1), 4);
        assert_eq!(window_bits(1 << 14), 12);
        assert_eq!(window_bits(1 << 30), 16);
    }
}
