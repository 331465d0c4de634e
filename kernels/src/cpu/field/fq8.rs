//! BN254 `Fq` arithmetic on eight elements at once with AVX-512 IFMA (52-bit multiply-add).
//!
//! An [`Fq8`] holds eight residues limb-sliced: register `i` holds limb `i` (52 bits) of every
//! lane, five limbs in all. Products are Montgomery products with `R' = 2^260` (five rounds of
//! 52 bits), so values in this form are `16·x` for arkworks' Montgomery residue `x`
//! (`R = 2^256`): [`load`] shifts by four bits on the way in, [`store`] divides by 16 with one
//! product by `2^256 mod p` on the way out. Values are lazy: each operation states the bound
//! its operands must keep and the one its result keeps (multiples of `p`, all below `2^260`).
//!
//! Every function needs AVX-512F and AVX-512 IFMA ([`available`]).

use core::arch::x86_64::*;

use ark_bn254::Fq;
use ark_ff::{Field, PrimeField};

use super::mont::Modulus;

/// The low 52 bits.
const MASK: u64 = (1 << 52) - 1;

/// Eight field elements, limb-sliced: `self.0[i]` is limb `i` (bits `52i..52i+52`) of each lane.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
pub struct Fq8(pub [__m512i; 5]);

/// An [`Fq8`] as plain memory, for buffers that outlive the registers.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
pub struct Lanes([[u64; 8]; 5]);

/// `p` in 52-bit limbs.
const P: [u64; 5] = limbs52(<Fq as PrimeField>::MODULUS.0);

/// `−p^{−1} mod 2^52`.
const P_INV: u64 = Modulus::new(<Fq as PrimeField>::MODULUS.0).inv & MASK;

/// `2^256 mod p` as an integer: a product by it turns `16·x` back into `x`.
const R256: [u64; 5] = limbs52(<Fq as Field>::ONE.0.0);

/// Subtraction constants: `k·p` with every limb but the top one raised by `2^52` and the next
/// one lowered by 1, so `a_i + c_i − b_i` never goes below zero for 52-bit `b_i`.
const SUB_16P: [u64; 5] = redundant(times(P, 16));
const SUB_64P: [u64; 5] = redundant(times(P, 64));

/// The 52-bit limbs of a 256-bit integer.
const fn limbs52(v: [u64; 4]) -> [u64; 5] {
    [
        v[0] & MASK,
        ((v[0] >> 52) | (v[1] << 12)) & MASK,
        ((v[1] >> 40) | (v[2] << 24)) & MASK,
        ((v[2] >> 28) | (v[3] << 36)) & MASK,
        v[3] >> 16,
    ]
}

/// `k·v` in normalised 52-bit limbs (`k·v < 2^260`).
const fn times(v: [u64; 5], k: u64) -> [u64; 5] {
    let mut out = [0u64; 5];
    let mut carry = 0u64;
    let mut i = 0;
    while i < 5 {
        let t = v[i] * k + carry;
        out[i] = t & MASK;
        carry = t >> 52;
        i += 1;
    }
    assert!(carry == 0 && out[4] >> 52 == 0, "k·p fits five limbs");
    out
}

/// The same integer with limbs `0..4` raised by `2^52` and limbs `1..5` lowered by one.
const fn redundant(v: [u64; 5]) -> [u64; 5] {
    assert!(v[4] >= 1, "the top limb can lend one");
    [
        v[0] + (1 << 52),
        v[1] + (1 << 52) - 1,
        v[2] + (1 << 52) - 1,
        v[3] + (1 << 52) - 1,
        v[4] - 1,
    ]
}

/// Setting this variable (to anything) keeps the kernels off this module, as on a CPU without
/// AVX-512.
pub const NO_AVX512_ENV: &str = "SIDECAR_KERNELS_NO_AVX512";

/// Whether this module is used: the CPU has AVX-512F and AVX-512 IFMA, [`NO_AVX512_ENV`] is
/// unset, and the MULX/ADX products are in use (so `SIDECAR_KERNELS_PORTABLE` turns this path
/// off too). Decided once per process.
pub fn available() -> bool {
    use std::sync::OnceLock;
    static YES: OnceLock<bool> = OnceLock::new();
    *YES.get_or_init(|| {
        super::mont::has_adx()
            && std::env::var_os(NO_AVX512_ENV).is_none()
            && std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512ifma")
    })
}

#[inline]
#[target_feature(enable = "avx512f")]
fn splat(x: u64) -> __m512i {
    _mm512_set1_epi64(x as i64)
}

#[inline]
#[target_feature(enable = "avx512f")]
fn splat5(v: &[u64; 5]) -> [__m512i; 5] {
    [
        splat(v[0]),
        splat(v[1]),
        splat(v[2]),
        splat(v[3]),
        splat(v[4]),
    ]
}

/// Carries every limb's bits above 52 into the next one; the value must be below `2^260`.
#[inline]
#[target_feature(enable = "avx512f")]
fn normalise(mut t: [__m512i; 5]) -> Fq8 {
    let mask = splat(MASK);
    for i in 0..4 {
        t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64::<52>(t[i]));
        t[i] = _mm512_and_si512(t[i], mask);
    }
    Fq8(t)
}

/// `a·b·2^{−260} mod p`, lane by lane: below `a·b/2^260 + p`, normalised limbs.
///
/// Operands: normalised limbs (below `2^52` each), values below `2^260`, and
/// `a·b/2^260 + p < 2^260`.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub fn mul(a: &Fq8, b: &Fq8) -> Fq8 {
    let zero = _mm512_setzero_si512();
    let p = splat5(&P);
    let p_inv = splat(P_INV);
    let mut t = [zero; 6];
    for i in 0..5 {
        let ai = a.0[i];
        for j in 0..5 {
            t[j] = _mm512_madd52lo_epu64(t[j], ai, b.0[j]);
            t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], ai, b.0[j]);
        }
        // m clears the low 52 bits of t₀; only those bits of t₀ enter the product.
        let m = _mm512_madd52lo_epu64(zero, t[0], p_inv);
        for j in 0..5 {
            t[j] = _mm512_madd52lo_epu64(t[j], m, p[j]);
            t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], m, p[j]);
        }
        // Each round adds at most four 52-bit terms per limb: 64-bit limbs cannot overflow.
        let carry = _mm512_srli_epi64::<52>(t[0]);
        t = [_mm512_add_epi64(t[1], carry), t[2], t[3], t[4], t[5], zero];
    }
    normalise([t[0], t[1], t[2], t[3], t[4]])
}

/// `a − b + k·p` for the subtraction constant `c` of `k·p` (`SUB_16P`, `SUB_64P`).
///
/// Operands: normalised limbs, `b < k·p`, and `a + k·p < 2^260`. The result is below
/// `a + k·p`, normalised. Limbs `0..4` stay non-negative by the constant's construction; the
/// top limb may wrap before the carries arrive, and ends right because the value is positive.
#[inline]
#[target_feature(enable = "avx512f")]
fn sub_with(a: &Fq8, b: &Fq8, c: &[u64; 5]) -> Fq8 {
    let c = splat5(c);
    let mut t = [_mm512_setzero_si512(); 5];
    for i in 0..5 {
        t[i] = _mm512_sub_epi64(_mm512_add_epi64(a.0[i], c[i]), b.0[i]);
    }
    normalise(t)
}

/// `a − b + 16p`: operands as [`sub_with`] with `b < 16p`.
#[inline]
#[target_feature(enable = "avx512f")]
pub fn sub16(a: &Fq8, b: &Fq8) -> Fq8 {
    sub_with(a, b, &SUB_16P)
}

/// `a − b + 64p`: operands as [`sub_with`] with `b < 64p`.
#[inline]
#[target_feature(enable = "avx512f")]
pub fn sub64(a: &Fq8, b: &Fq8) -> Fq8 {
    sub_with(a, b, &SUB_64P)
}

/// Eight residues from four 64-bit limb registers (`w[i]` limb `i` of each lane, each residue
/// below `p`), as `16·x`: below `16p`.
#[inline]
#[target_feature(enable = "avx512f")]
pub fn from_words(w: [__m512i; 4]) -> Fq8 {
    let mask = splat(MASK);
    let or = _mm512_or_si512;
    Fq8([
        _mm512_and_si512(_mm512_slli_epi64::<4>(w[0]), mask),
        _mm512_and_si512(
            or(_mm512_srli_epi64::<48>(w[0]), _mm512_slli_epi64::<16>(w[1])),
            mask,
        ),
        _mm512_and_si512(
            or(_mm512_srli_epi64::<36>(w[1]), _mm512_slli_epi64::<28>(w[2])),
            mask,
        ),
        _mm512_and_si512(
            or(_mm512_srli_epi64::<24>(w[2]), _mm512_slli_epi64::<40>(w[3])),
            mask,
        ),
        _mm512_srli_epi64::<12>(w[3]),
    ])
}

/// The residues `x` below `p` of eight values `16·x` below `2^260` (a product by `2^256`
/// leaves them below `2p`, one conditional subtraction reduces them), as four 64-bit limb
/// registers.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn to_words(a: &Fq8) -> [__m512i; 4] {
    let t = mul(a, &Fq8(splat5(&R256)));
    // s = t − p with the borrow carried by arithmetic shifts; keep t where s went negative.
    let mask = splat(MASK);
    let mut s = [_mm512_setzero_si512(); 5];
    let mut borrow = _mm512_setzero_si512();
    for i in 0..5 {
        let d = _mm512_add_epi64(_mm512_sub_epi64(t.0[i], splat(P[i])), borrow);
        borrow = _mm512_srai_epi64::<52>(d);
        s[i] = if i < 4 { _mm512_and_si512(d, mask) } else { d };
    }
    let below_p = _mm512_cmplt_epi64_mask(s[4], _mm512_setzero_si512());
    let r: [__m512i; 5] = core::array::from_fn(|i| _mm512_mask_blend_epi64(below_p, s[i], t.0[i]));
    let or = _mm512_or_si512;
    [
        or(r[0], _mm512_slli_epi64::<52>(r[1])),
        or(_mm512_srli_epi64::<12>(r[1]), _mm512_slli_epi64::<40>(r[2])),
        or(_mm512_srli_epi64::<24>(r[2]), _mm512_slli_epi64::<28>(r[3])),
        or(_mm512_srli_epi64::<36>(r[3]), _mm512_slli_epi64::<16>(r[4])),
    ]
}

/// For each lane, the four 64-bit limbs at word `offsets[lane]` of `base` (offsets in words):
/// `out[i]` holds limb `i` of every lane.
///
/// # Safety
/// Every lane's four words must be readable.
#[inline]
#[target_feature(enable = "avx512f")]
pub unsafe fn gather(base: *const u64, offsets: __m512i) -> [__m512i; 4] {
    let base = base.cast::<i64>();
    // SAFETY: the caller guarantees the four words at every lane's offset are readable.
    unsafe {
        [
            _mm512_i64gather_epi64::<8>(offsets, base),
            _mm512_i64gather_epi64::<8>(_mm512_add_epi64(offsets, splat(1)), base),
            _mm512_i64gather_epi64::<8>(_mm512_add_epi64(offsets, splat(2)), base),
            _mm512_i64gather_epi64::<8>(_mm512_add_epi64(offsets, splat(3)), base),
        ]
    }
}

/// Eight residues (below `p`) as an [`Fq8`].
#[inline]
#[target_feature(enable = "avx512f")]
pub fn from_residues(x: &[[u64; 4]; 8]) -> Fq8 {
    let offsets = _mm512_setr_epi64(0, 4, 8, 12, 16, 20, 24, 28);
    // SAFETY: lane k reads words 4k..4k+4 of `x`, which holds 32.
    from_words(unsafe { gather(x.as_ptr().cast(), offsets) })
}

/// The eight residues (below `p`) of an [`Fq8`].
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub fn to_residues(a: &Fq8) -> [[u64; 4]; 8] {
    let w = words(&to_words(a));
    core::array::from_fn(|k| [w[0][k], w[1][k], w[2][k], w[3][k]])
}

/// Four limb registers as arrays, `out[i][lane]`.
#[inline]
#[target_feature(enable = "avx512f")]
fn words(w: &[__m512i; 4]) -> [[u64; 8]; 4] {
    let mut out = [[0u64; 8]; 4];
    for i in 0..4 {
        // SAFETY: `out[i]` holds 64 bytes.
        unsafe { _mm512_storeu_si512(out[i].as_mut_ptr().cast(), w[i]) };
    }
    out
}

impl Lanes {
    /// The registers' contents.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub fn save(a: &Fq8) -> Self {
        let mut out = Lanes([[0u64; 8]; 5]);
        for i in 0..5 {
            // SAFETY: `out.0[i]` holds 64 bytes.
            unsafe { _mm512_storeu_si512(out.0[i].as_mut_ptr().cast(), a.0[i]) };
        }
        out
    }

    /// Back into registers.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub fn load(&self) -> Fq8 {
        // SAFETY: each `self.0[i]` holds 64 bytes.
        Fq8(core::array::from_fn(|i| unsafe {
            _mm512_loadu_si512(self.0[i].as_ptr().cast())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{BigInt, UniformRand};
    use rand::{SeedableRng, rngs::StdRng};

    fn residues(x: &[Fq; 8]) -> [[u64; 4]; 8] {
        core::array::from_fn(|k| x[k].0.0)
    }

    fn fq(limbs: [u64; 4]) -> Fq {
        Fq::new_unchecked(BigInt::new(limbs))
    }

    fn eight(rng: &mut StdRng, edge: bool) -> [Fq; 8] {
        core::array::from_fn(|k| match (edge, k) {
            (true, 0) => Fq::from(0u64),
            (true, 1) => Fq::from(1u64),
            (true, 2) => -Fq::from(1u64),
            (true, 3) => -Fq::from(2u64),
            _ => Fq::rand(rng),
        })
    }

    /// The round trip, products, and the subtractions at their bounds (operands pushed up by
    /// chains of subtractions) equal arkworks', on random lanes and on 0, ±1, −2.
    #[test]
    fn fq8_agrees_with_arkworks() {
        if !available() {
            eprintln!("skipped: no AVX-512 IFMA on this CPU");
            return;
        }
        let mut rng = StdRng::seed_from_u64(52);
        for round in 0..300 {
            let (a, b, c) = (
                eight(&mut rng, round % 3 == 0),
                eight(&mut rng, round % 5 == 0),
                eight(&mut rng, false),
            );
            // SAFETY (all calls below): AVX-512F and IFMA were detected above.
            unsafe {
                let (a8, b8, c8) = (
                    from_residues(&residues(&a)),
                    from_residues(&residues(&b)),
                    from_residues(&residues(&c)),
                );
                assert_eq!(to_residues(&a8).map(fq), a);
                let ab = mul(&a8, &b8);
                assert_eq!(
                    to_residues(&ab).map(fq),
                    core::array::from_fn(|k| a[k] * b[k])
                );
                // Largest operands the bucket additions produce: b − c + 16p, then 33p-sized
                // x and 80p-sized differences, then products of those.
                let d = sub16(&b8, &c8);
                let x = sub16(&sub16(&mul(&d, &d), &a8), &c8);
                let e = sub64(&a8, &x);
                let f = mul(&mul(&e, &d), &x);
                let want: [Fq; 8] = core::array::from_fn(|k| {
                    let d = b[k] - c[k];
                    let x = d * d - a[k] - c[k];
                    (a[k] - x) * d * x
                });
                assert_eq!(
                    to_residues(&x).map(fq),
                    core::array::from_fn(|k| {
                        let d = b[k] - c[k];
                        d * d - a[k] - c[k]
                    })
                );
                assert_eq!(to_residues(&f).map(fq), want);
                let saved = Lanes::save(&f).load();
                assert_eq!(to_residues(&saved).map(fq), want);
            }
        }
    }
}
