//! Field arithmetic of the CPU kernels' hot loops (bucket additions, butterflies).
//!
//! [`KernelField`] is the arithmetic those loops call, for every field. BN254's two 4-limb
//! fields (`Fq`, the G1 base field; `Fr`, the scalar field and Grumpkin's base field) use the
//! MULX/ADX Montgomery product of [`mont`] on CPUs that have it, chosen at run time so one
//! binary runs everywhere, and the branch-free addition and subtraction of [`addsub`]. `Fq2`
//! (the G2 base field) multiplies with [`wide`] products, one Montgomery reduction per
//! coefficient, on MULX/ADX rows where the CPU has them and 128-bit arithmetic elsewhere. Every
//! other field, and `Fq`/`Fr` products on a CPU without BMI2/ADX, use arkworks' operations.
//! Where the CPU also has AVX-512 IFMA, the G1 MSM's bucket additions run eight at a time on
//! [`fq8`]. Results are the same field elements either way. `SIDECAR_KERNELS_PORTABLE` (set to
//! anything) forces the paths of a CPU without BMI2/ADX; `SIDECAR_KERNELS_NO_AVX512` those of
//! a CPU without AVX-512. The choice by type is resolved at
//! compile time (`TypeId` of a monomorphised type is a constant), so generic callers need no
//! extra bound.

mod addsub;
#[cfg(target_arch = "x86_64")]
pub(crate) mod fq8;
mod mont;
mod wide;

use ark_bn254::{Fq, Fq2, Fr};
use ark_ff::{BigInt, Field, Fp, MontBackend, MontConfig, PrimeField};

use super::cast::{back, view};
use mont::Modulus;

/// The BN254 arithmetic the kernels use in this process: `"mulx-adx+ifma"` (the G1 MSM's
/// bucket additions eight at a time on AVX-512 IFMA, see [`fq8`]), `"mulx-adx"` or
/// `"portable"` (arkworks').
pub fn arithmetic() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if fq8::available() {
        return "mulx-adx+ifma";
    }
    if mont::has_adx() {
        "mulx-adx"
    } else {
        "portable"
    }
}

/// Multiplication, squaring, addition and subtraction for the kernels' inner loops.
pub(crate) trait KernelField: Field {
    /// `self + rhs`.
    fn kadd(&self, rhs: &Self) -> Self;

    /// `self − rhs`.
    fn ksub(&self, rhs: &Self) -> Self;

    /// `self · rhs`. Operands may also be [`kmul_lazy`](Self::kmul_lazy) results.
    fn kmul(&self, rhs: &Self) -> Self;

    /// `self · rhs`, possibly unreduced: for BN254's `Fq` and `Fr` on the MULX/ADX path, the
    /// residue may lie in `[p, 2p)`. Such a value is only valid as an operand of [`kmul`],
    /// `kmul_lazy`, the lazy additions or [`kreduce`](Self::kreduce) (never of [`kadd`](Self::kadd),
    /// a comparison or an inversion); other fields and paths return the reduced product.
    ///
    /// [`kmul`]: Self::kmul
    fn kmul_lazy(&self, rhs: &Self) -> Self;

    /// `self²`.
    fn ksquare(&self) -> Self;

    /// `self + rhs` on lazy values (from [`kmul_lazy`](Self::kmul_lazy) or these lazy
    /// additions): for `Fq`/`Fr` on the MULX/ADX path, operands and result lie below `2p`;
    /// elsewhere this is [`kadd`](Self::kadd) on reduced values.
    fn kadd_lazy(&self, rhs: &Self) -> Self;

    /// `self − rhs` on lazy values, as [`kadd_lazy`](Self::kadd_lazy).
    fn ksub_lazy(&self, rhs: &Self) -> Self;

    /// The reduced element of a lazy value.
    fn kreduce(&self) -> Self;
}

impl<F: Field> KernelField for F {
    #[inline(always)]
    fn kadd(&self, rhs: &Self) -> Self {
        if let (Some(a), Some(b)) = (view::<F, Fq>(self), view::<F, Fq>(rhs)) {
            return back(residue_op(a, b, addsub::add));
        }
        if let (Some(a), Some(b)) = (view::<F, Fr>(self), view::<F, Fr>(rhs)) {
            return back(residue_op(a, b, addsub::add));
        }
        if let (Some(a), Some(b)) = (view::<F, Fq2>(self), view::<F, Fq2>(rhs)) {
            return back(Fq2::new(a.c0.kadd(&b.c0), a.c1.kadd(&b.c1)));
        }
        *self + rhs
    }

    #[inline(always)]
    fn ksub(&self, rhs: &Self) -> Self {
        if let (Some(a), Some(b)) = (view::<F, Fq>(self), view::<F, Fq>(rhs)) {
            return back(residue_op(a, b, addsub::sub));
        }
        if let (Some(a), Some(b)) = (view::<F, Fr>(self), view::<F, Fr>(rhs)) {
            return back(residue_op(a, b, addsub::sub));
        }
        if let (Some(a), Some(b)) = (view::<F, Fq2>(self), view::<F, Fq2>(rhs)) {
            return back(Fq2::new(a.c0.ksub(&b.c0), a.c1.ksub(&b.c1)));
        }
        *self - rhs
    }

    #[inline(always)]
    fn kmul(&self, rhs: &Self) -> Self {
        if let (Some(a), Some(b)) = (view::<F, Fq>(self), view::<F, Fq>(rhs)) {
            return back(fq_mul(a, b));
        }
        if let (Some(a), Some(b)) = (view::<F, Fr>(self), view::<F, Fr>(rhs)) {
            return back(fr_mul(a, b));
        }
        if let (Some(a), Some(b)) = (view::<F, Fq2>(self), view::<F, Fq2>(rhs)) {
            return back(fq2_mul(a, b));
        }
        *self * rhs
    }

    #[inline(always)]
    fn kmul_lazy(&self, rhs: &Self) -> Self {
        if let (Some(a), Some(b)) = (view::<F, Fq>(self), view::<F, Fq>(rhs)) {
            return back(fq_mul_lazy(a, b));
        }
        if let (Some(a), Some(b)) = (view::<F, Fr>(self), view::<F, Fr>(rhs)) {
            return back(fr_mul_lazy(a, b));
        }
        self.kmul(rhs)
    }

    #[inline(always)]
    fn kadd_lazy(&self, rhs: &Self) -> Self {
        if let (Some(a), Some(b)) = (view::<F, Fq>(self), view::<F, Fq>(rhs)) {
            return back(lazy_op(a, b, &FQ, addsub::add));
        }
        if let (Some(a), Some(b)) = (view::<F, Fr>(self), view::<F, Fr>(rhs)) {
            return back(lazy_op(a, b, &FR, addsub::add));
        }
        self.kadd(rhs)
    }

    #[inline(always)]
    fn ksub_lazy(&self, rhs: &Self) -> Self {
        if let (Some(a), Some(b)) = (view::<F, Fq>(self), view::<F, Fq>(rhs)) {
            return back(lazy_op(a, b, &FQ, addsub::sub));
        }
        if let (Some(a), Some(b)) = (view::<F, Fr>(self), view::<F, Fr>(rhs)) {
            return back(lazy_op(a, b, &FR, addsub::sub));
        }
        self.ksub(rhs)
    }

    #[inline(always)]
    fn kreduce(&self) -> Self {
        if let Some(a) = view::<F, Fq>(self) {
            return back(reduced(a, &FQ));
        }
        if let Some(a) = view::<F, Fr>(self) {
            return back(reduced(a, &FR));
        }
        *self
    }

    #[inline(always)]
    fn ksquare(&self) -> Self {
        if let Some(a) = view::<F, Fq2>(self) {
            return back(fq2_square(a));
        }
        if view::<F, Fq>(self).is_some() || view::<F, Fr>(self).is_some() {
            return self.kmul(self);
        }
        self.square()
    }
}

/// A 4-limb operation `op(a, b, p)` on residues modulo `p`.
type ResidueOp = fn(&[u64; 4], &[u64; 4], &[u64; 4]) -> [u64; 4];

/// `op(a, b, p)` on the Montgomery residues of a 4-limb prime field: addition and subtraction
/// commute with the Montgomery map, so the residues' sum or difference mod `p` is the result's.
#[inline(always)]
fn residue_op<C: MontConfig<4>>(
    a: &Fp<MontBackend<C, 4>, 4>,
    b: &Fp<MontBackend<C, 4>, 4>,
    op: ResidueOp,
) -> Fp<MontBackend<C, 4>, 4> {
    Fp::new_unchecked(BigInt::new(op(&(a.0).0, &(b.0).0, &C::MODULUS.0)))
}

/// `op(a, b, 2p)` on lazy residues below `2p` where products are lazy (the MULX/ADX path):
/// addition and subtraction modulo `2p` keep them below `2p` and congruent modulo `p`
/// (`4p < 2^256`, so no carry leaves the top limb). Elsewhere every value is reduced and this
/// is `op(a, b, p)`.
#[inline(always)]
fn lazy_op<C: MontConfig<4>>(
    a: &Fp<MontBackend<C, 4>, 4>,
    b: &Fp<MontBackend<C, 4>, 4>,
    m: &Modulus,
    op: ResidueOp,
) -> Fp<MontBackend<C, 4>, 4> {
    let modulus = if mont::has_adx() { &m.twice } else { &m.limbs };
    Fp::new_unchecked(BigInt::new(op(&(a.0).0, &(b.0).0, modulus)))
}

/// The residue below `p` of a lazy residue below `2p`.
#[inline(always)]
fn reduced<C: MontConfig<4>>(
    a: &Fp<MontBackend<C, 4>, 4>,
    m: &Modulus,
) -> Fp<MontBackend<C, 4>, 4> {
    Fp::new_unchecked(BigInt::new(addsub::reduce_once((a.0).0, &m.limbs)))
}

static FQ: Modulus = Modulus::new(<Fq as PrimeField>::MODULUS.0);
static FR: Modulus = Modulus::new(<Fr as PrimeField>::MODULUS.0);

macro_rules! adx_mul {
    ($name:ident, $asm:ident, $field:ty, $modulus:expr) => {
        /// The product through [`mont`]'s assembly of the same name where the CPU has
        /// BMI2/ADX, else arkworks' (reduced) product.
        #[inline(always)]
        fn $name(a: &$field, b: &$field) -> $field {
            #[cfg(target_arch = "x86_64")]
            if mont::has_adx() {
                // SAFETY: BMI2 and ADX were just detected; both operands are field elements in
                // Montgomery form or lazy products on this same path (< 2p), as it requires.
                let limbs = unsafe { mont::$asm(&(a.0).0, &(b.0).0, &$modulus) };
                return <$field>::new_unchecked(BigInt::new(limbs));
            }
            *a * b
        }
    };
}

adx_mul!(fq_mul, mul_adx, Fq, FQ);
adx_mul!(fr_mul, mul_adx, Fr, FR);
adx_mul!(fq_mul_lazy, mul_adx_lazy, Fq, FQ);
adx_mul!(fr_mul_lazy, mul_adx_lazy, Fr, FR);

/// Karatsuba over `u² = −1` with one reduction per coefficient: three wide products
/// `v₀ = a₀b₀`, `v₁ = a₁b₁`, `s = (a₀+a₁)(b₀+b₁)`, then `c₀ = v₀ − v₁` and `c₁ = s − v₀ − v₁`
/// reduced once each ([`wide`]). `c₁ = a₀b₁ + a₁b₀ < 2p² < p·2^256` and `c₀` is made
/// non-negative below `p·2^256`, as the reduction requires.
#[inline(always)]
fn fq2_mul(a: &Fq2, b: &Fq2) -> Fq2 {
    let limbs = |x: &Fq| (x.0).0;
    let (a0, a1, b0, b1) = (limbs(&a.c0), limbs(&a.c1), limbs(&b.c0), limbs(&b.c1));
    let v0 = wide::mul_wide(&a0, &b0);
    let v1 = wide::mul_wide(&a1, &b1);
    // a₀ + a₁ < 2p < 2^255: the sums fit four limbs.
    let s = wide::mul_wide(
        &addsub::add_carry(&a0, &a1).0,
        &addsub::add_carry(&b0, &b1).0,
    );
    let c0 = wide::redc(&wide::sub_wide_mod(&v0, &v1, &FQ), &FQ);
    let c1 = wide::redc(
        &addsub::sub_borrow(&addsub::sub_borrow(&s, &v0).0, &v1).0,
        &FQ,
    );
    Fq2::new(
        Fq::new_unchecked(BigInt::new(c0)),
        Fq::new_unchecked(BigInt::new(c1)),
    )
}

/// `(c₀ + c₁)(c₀ − c₁) + 2c₀c₁·u`: two wide products of unreduced factors, reduced once
/// each. The factors `c₀ + c₁`, `c₀ + p − c₁` and `2c₀` are below `2p`, so both products are
/// below `4p² < p·2^256` (`p < 2^254`), as the reduction requires.
#[inline(always)]
fn fq2_square(a: &Fq2) -> Fq2 {
    let (c0, c1, p) = ((a.c0.0).0, (a.c1.0).0, &FQ.limbs);
    let sum = addsub::add_carry(&c0, &c1).0;
    let diff = addsub::sub_borrow(&addsub::add_carry(&c0, p).0, &c1).0;
    let real = wide::redc(&wide::mul_wide(&sum, &diff), &FQ);
    let imag = wide::redc(&wide::mul_wide(&addsub::add_carry(&c0, &c0).0, &c1), &FQ);
    Fq2::new(
        Fq::new_unchecked(BigInt::new(real)),
        Fq::new_unchecked(BigInt::new(imag)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{One, Zero};
    use ark_std::UniformRand;
    use rand::{SeedableRng, rngs::StdRng};

    fn edge_cases<F: PrimeField>() -> Vec<F> {
        vec![
            F::zero(),
            F::one(),
            -F::one(),
            F::from(2u64),
            -F::from(2u64),
        ]
    }

    fn agrees_with_arkworks<F: PrimeField>(seed: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut values: Vec<F> = (0..2000).map(|_| F::rand(&mut rng)).collect();
        values.extend(edge_cases::<F>());
        for a in &values {
            for b in values.iter().take(40).chain(edge_cases::<F>().iter()) {
                assert_eq!(a.kmul(b), *a * b);
            }
            assert_eq!(a.ksquare(), a.square());
            for b in values.iter().take(40).chain(edge_cases::<F>().iter()) {
                assert_eq!(a.kadd(b), *a + b);
                assert_eq!(a.ksub(b), *a - b);
            }
        }
    }

    /// Chains of lazy products, closed by a reduced one, equal arkworks' products; the
    /// operands include `p − 1` and `p − 2`, whose products leave the most room above `p`.
    fn lazy_chains_agree_with_arkworks<F: PrimeField>(seed: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut values: Vec<F> = (0..500).map(|_| F::rand(&mut rng)).collect();
        values.extend(edge_cases::<F>());
        for w in values.windows(3) {
            let (lazy, exact) = (w[0].kmul_lazy(&w[1]), w[0] * w[1]);
            assert_eq!(lazy.kmul(&w[2]), exact * w[2]);
            let twice = lazy.kmul_lazy(&lazy).kmul_lazy(&w[2]);
            assert_eq!(twice.kmul(&lazy), exact.square() * w[2] * exact);
            assert_eq!(w[2].kmul(&lazy), w[2] * exact);
        }
    }

    /// Lazy additions and subtractions on lazy products stay congruent: a butterfly chain
    /// reduced at the end equals arkworks' exact arithmetic.
    fn lazy_butterflies_agree_with_arkworks<F: PrimeField>(seed: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut values: Vec<F> = (0..300).map(|_| F::rand(&mut rng)).collect();
        values.extend(edge_cases::<F>());
        for w in values.windows(3) {
            let (mut x, mut y) = (w[0], w[1]);
            let (mut ex, mut ey) = (w[0], w[1]);
            for _ in 0..6 {
                let v = y.kmul_lazy(&w[2]);
                (x, y) = (x.kadd_lazy(&v), x.ksub_lazy(&v));
                let ev = ey * w[2];
                (ex, ey) = (ex + ev, ex - ev);
            }
            assert_eq!((x.kreduce(), y.kreduce()), (ex, ey));
        }
    }

    #[test]
    fn lazy_fq_and_fr_butterflies_agree_with_arkworks() {
        lazy_butterflies_agree_with_arkworks::<Fq>(7);
        lazy_butterflies_agree_with_arkworks::<Fr>(8);
    }

    #[test]
    fn lazy_fq_and_fr_products_agree_with_arkworks() {
        lazy_chains_agree_with_arkworks::<Fq>(5);
        lazy_chains_agree_with_arkworks::<Fr>(6);
    }

    #[test]
    fn fq_arithmetic_agrees_with_arkworks() {
        agrees_with_arkworks::<Fq>(1);
    }

    #[test]
    fn fr_arithmetic_agrees_with_arkworks() {
        agrees_with_arkworks::<Fr>(2);
    }

    #[test]
    fn fq2_arithmetic_agrees_with_arkworks() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..2000 {
            let (a, b) = (Fq2::rand(&mut rng), Fq2::rand(&mut rng));
            assert_eq!(a.kmul(&b), a * b);
            assert_eq!(a.ksquare(), a.square());
            assert_eq!(a.kadd(&b), a + b);
            assert_eq!(a.ksub(&b), a - b);
        }
        let i = Fq2::new(Fq::zero(), Fq::one());
        assert_eq!(i.ksquare(), -Fq2::one());
        // Components at 0, ±1, ±2 put the Karatsuba terms at the ends of their ranges
        // (`v₀ − v₁` most negative, sums of components near `2p`).
        let edges: Vec<Fq2> = edge_cases::<Fq>()
            .into_iter()
            .flat_map(|c0| {
                edge_cases::<Fq>()
                    .into_iter()
                    .map(move |c1| Fq2::new(c0, c1))
            })
            .collect();
        for a in &edges {
            assert_eq!(a.ksquare(), a.square());
            for b in &edges {
                assert_eq!(a.kmul(b), *a * b);
            }
        }
    }

    /// The assembly path itself, where the CPU has it (the dispatch above may hide it).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn adx_product_matches_arkworks_when_available() {
        if !mont::cpu_has_adx() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(4);
        for _ in 0..10_000 {
            let (a, b) = (Fq::rand(&mut rng), Fq::rand(&mut rng));
            // SAFETY: BMI2/ADX detected above; a, b are reduced.
            let limbs = unsafe { mont::mul_adx(&a.0.0, &b.0.0, &FQ) };
            assert_eq!(limbs, (a * b).0.0);
        }
    }
}
