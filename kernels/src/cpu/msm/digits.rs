//! Signed-digit windows of a scalar, computed locally per window.
//!
//! With window width `c`, scalar `k = Σ_w d_w · 2^{c·w}` where
//! `d_w = bits_w(k) + t_{w-1} − 2^c · t_w`, `bits_w` the `c` bits of window `w` and `t_w` the top
//! bit of window `w` (`t_{-1} = 0`). Every digit lies in `[−2^{c−1}, 2^{c−1}]`, so `2^{c−1}`
//! buckets suffice, and a digit depends only on its own window and one bit below it: windows
//! can be processed independently, in parallel, without storing a digit table.

/// Number of windows of width `c` for scalars of `bits` bits: one more than `bits / c` so the
/// top window's own top bit is always zero and no carry leaves it.
pub fn window_count(bits: usize, c: usize) -> usize {
    bits / c + 1
}

/// Reads `len <= 64` bits of `limbs` (little-endian) starting at bit `start`; bits beyond the
/// last limb read as zero.
#[inline(always)]
fn bits_at(limbs: &[u64], start: usize, len: usize) -> u64 {
    let limb = start / 64;
    let shift = start % 64;
    if limb >= limbs.len() {
        return 0;
    }
    let mut v = limbs[limb] >> shift;
    if shift + len > 64 && limb + 1 < limbs.len() {
        v |= limbs[limb + 1] << (64 - shift);
    }
    if len == 64 {
        v
    } else {
        v & ((1u64 << len) - 1)
    }
}

/// The signed digit of window `w` (width `c`, `1 <= c <= 32`) of the scalar `limbs`.
#[inline(always)]
pub fn digit(limbs: &[u64], w: usize, c: usize) -> i64 {
    let start = w * c;
    let window = bits_at(limbs, start, c) as i64;
    let carry_in = if start == 0 {
        0
    } else {
        bits_at(limbs, start - 1, 1) as i64
    };
    let top = (window >> (c - 1)) & 1;
    window + carry_in - (top << c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// Σ_w d_w 2^{cw} must reconstruct the scalar exactly (checked as 4-limb integer
    /// arithmetic with i128 carries) and every digit must stay within ±2^{c−1}.
    #[test]
    fn digits_reconstruct_random_scalars() {
        let mut rng = StdRng::seed_from_u64(7);
        for c in 1..=20usize {
            for _ in 0..200 {
                let mut limbs = [
                    rng.r#gen::<u64>(),
                    rng.r#gen(),
                    rng.r#gen(),
                    rng.r#gen::<u64>() >> 2,
                ];
                if rng.gen_bool(0.1) {
                    limbs[0] = u64::MAX;
                }
                let bits = 254;
                let windows = window_count(bits, c);
                let mut acc = [0i128; 6];
                for w in 0..windows {
                    let d = digit(&limbs, w, c);
                    assert!(
                        d.abs() <= 1 << (c - 1),
                        "digit {d} out of range for c = {c}"
                    );
                    let pos = w * c;
                    acc[pos / 64] += (d as i128) << (pos % 64);
                }
                let mut out = [0u64; 6];
                let mut carry = 0i128;
                for i in 0..6 {
                    let v = acc[i] + carry;
                    out[i] = v as u64;
                    carry = (v - (out[i] as i128)) >> 64;
                }
                assert_eq!(&out[..4], &limbs[..], "c = {c}");
                assert_eq!(&out[4..], &[0, 0]);
                assert_eq!(carry, 0);
            }
        }
    }
}
