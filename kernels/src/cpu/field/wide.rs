//! Double-width products and Montgomery reduction as separate steps, for sums and differences
//! of products that need only one reduction each (the `Fq2` product's Karatsuba terms).
//!
//! [`mul_wide`] is the full 512-bit product of two 4-limb values; [`redc`] maps a 512-bit
//! `T < p·2^256` to `T·2^{−256} mod p`. A Montgomery product is one of each, so combining the
//! wide products first saves the reductions of the terms: `Fq2`'s `(a₀b₀ − a₁b₁,
//! (a₀+a₁)(b₀+b₁) − a₀b₀ − a₁b₁)` costs three wide products and two reductions instead of
//! three full products. Both steps use [`mont`]'s MULX/ADX rows where the CPU has them, and
//! plain 128-bit arithmetic elsewhere.

use super::addsub;
use super::mont::{self, Modulus};

/// `a + b·c + carry` split into the low word (returned) and the new carry.
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: &mut u64) -> u64 {
    let t = a as u128 + (b as u128) * (c as u128) + *carry as u128;
    *carry = (t >> 64) as u64;
    t as u64
}

/// The 512-bit product `a·b`.
#[inline(always)]
pub fn mul_wide(a: &[u64; 4], b: &[u64; 4]) -> [u64; 8] {
    #[cfg(target_arch = "x86_64")]
    if mont::has_adx() {
        // SAFETY: BMI2 and ADX were just detected.
        return unsafe { mont::mul_wide_adx(a, b) };
    }
    let mut t = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0;
        for j in 0..4 {
            t[i + j] = mac(t[i + j], a[i], b[j], &mut carry);
        }
        t[i + 4] = carry;
    }
    t
}

/// `a − b + p·2^256` when `a < b`, else `a − b`: a non-negative representative of `a − b`
/// below `p·2^256` for `a, b < p·2^256`.
#[inline(always)]
pub fn sub_wide_mod(a: &[u64; 8], b: &[u64; 8], m: &Modulus) -> [u64; 8] {
    let (d, borrow) = addsub::sub_borrow(a, b);
    let mask = 0u64.wrapping_sub(borrow as u64);
    let (hi, _) = addsub::add_carry(&[d[4], d[5], d[6], d[7]], &m.limbs.map(|x| x & mask));
    [d[0], d[1], d[2], d[3], hi[0], hi[1], hi[2], hi[3]]
}

/// `t·2^{−256} mod p`, reduced (below `p`), for `t < p·2^256`.
///
/// Four word-by-word reductions of the low half give `u = (t_lo + M·p)/2^256 ≤ p`, and
/// `u + t_hi < 2p` since `t_hi < p`; one conditional subtraction ends it.
#[inline(always)]
pub fn redc(t: &[u64; 8], m: &'static Modulus) -> [u64; 4] {
    let (sum, _) = addsub::add_carry(
        &redc_low(&[t[0], t[1], t[2], t[3]], m),
        &[t[4], t[5], t[6], t[7]],
    );
    addsub::reduce_once(sum, &m.limbs)
}

/// `u = (t_lo + M·p)/2^256 ≤ p`, with `M < 2^256` the multiple of `p` that clears `t_lo`.
#[inline(always)]
fn redc_low(t_lo: &[u64; 4], m: &'static Modulus) -> [u64; 4] {
    #[cfg(target_arch = "x86_64")]
    if mont::has_adx() {
        // SAFETY: BMI2 and ADX were just detected.
        return unsafe { mont::redc_low_adx(*t_lo, m) };
    }
    let mut lo = *t_lo;
    for _ in 0..4 {
        let k = lo[0].wrapping_mul(m.inv);
        let mut carry = 0;
        // The low word becomes zero; the other three shift down one place.
        mac(lo[0], k, m.limbs[0], &mut carry);
        for j in 1..4 {
            lo[j - 1] = mac(lo[j], k, m.limbs[j], &mut carry);
        }
        lo[3] = carry;
    }
    lo
}
