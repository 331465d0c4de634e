//! Branch-free modular addition, subtraction and final reduction of 4-limb residues below
//! `p < 2^254`.
//!
//! arkworks corrects a sum or difference with a data-dependent branch (`if a ≥ p`, `if b > a`),
//! which random residues mispredict about half the time; here the correction is a mask, so the
//! butterflies and bucket additions that do one or more of these per multiplication never stall
//! on it.

/// `a + b − 2^{64N}·carry` and the carry.
#[inline(always)]
pub fn add_carry<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], bool) {
    let mut out = [0u64; N];
    let mut carry = false;
    for i in 0..N {
        let (x, c1) = a[i].overflowing_add(b[i]);
        let (y, c2) = x.overflowing_add(carry as u64);
        out[i] = y;
        carry = c1 | c2;
    }
    (out, carry)
}

/// `a − b + 2^{64N}·borrow` and the borrow.
#[inline(always)]
pub fn sub_borrow<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], bool) {
    let mut out = [0u64; N];
    let mut borrow = false;
    for i in 0..N {
        let (x, b1) = a[i].overflowing_sub(b[i]);
        let (y, b2) = x.overflowing_sub(borrow as u64);
        out[i] = y;
        borrow = b1 | b2;
    }
    (out, borrow)
}

/// `t − p` if `t ≥ p`, else `t`, for `t < 2p`.
#[inline(always)]
pub fn reduce_once(t: [u64; 4], p: &[u64; 4]) -> [u64; 4] {
    let (s, borrow) = sub_borrow(&t, p);
    // Keep t when t < p (the subtraction borrowed), else t − p.
    let keep = 0u64.wrapping_sub(borrow as u64);
    core::array::from_fn(|i| (t[i] & keep) | (s[i] & !keep))
}

/// `(a + b) mod p` for `a, b < p`.
#[inline(always)]
pub fn add(a: &[u64; 4], b: &[u64; 4], p: &[u64; 4]) -> [u64; 4] {
    // a + b < 2p < 2^255: no carry leaves the top limb.
    reduce_once(add_carry(a, b).0, p)
}

/// `(a − b) mod p` for `a, b < p`.
#[inline(always)]
pub fn sub(a: &[u64; 4], b: &[u64; 4], p: &[u64; 4]) -> [u64; 4] {
    let (d, borrow) = sub_borrow(a, b);
    // Add p back when a < b.
    let mask = 0u64.wrapping_sub(borrow as u64);
    add_carry(&d, &p.map(|x| x & mask)).0
}
