//! The affine sum of two points given the inverse of its slope's denominator: the formula
//! every batch of affine additions shares (batch-affine rounds, the bucket reduction, one pair
//! or eight at a time).
//!
//! Exceptional pairs are exact: `P + P` doubles, `P + (−P)` and additions involving the point
//! at infinity are handled without a division.

use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ff::Field;

use super::point::Point;
use crate::cpu::field::KernelField;

/// The kind of a pair addition, decided from the operands.
enum PairKind {
    /// Distinct x: chord through both points.
    Chord,
    /// Same point, non-zero y: tangent.
    Tangent,
    /// One operand at infinity, or `P + (−P)`: no division needed.
    Trivial,
}

#[inline(always)]
fn kind<F: Field>(p: &Point<F>, q: &Point<F>) -> PairKind {
    if p.is_zero() || q.is_zero() {
        PairKind::Trivial
    } else if p.x != q.x {
        PairKind::Chord
    } else if p.y == q.y && !p.y.is_zero() {
        PairKind::Tangent
    } else {
        PairKind::Trivial
    }
}

/// The denominator whose inverse the pair's slope needs (`1` for trivial pairs).
#[inline(always)]
pub fn denominator<F: Field>(p: &Point<F>, q: &Point<F>) -> F {
    match kind(p, q) {
        PairKind::Chord => q.x.ksub(&p.x),
        PairKind::Tangent => p.y.kadd(&p.y),
        PairKind::Trivial => F::one(),
    }
}

/// `p + q` given `inv`, the inverse of [`denominator`]`(p, q)`, which may be a lazy product
/// ([`KernelField::kmul_lazy`]). The slope is one too: it only feeds the two products below.
#[inline(always)]
pub fn add_with_inverse<P: SWCurveConfig>(
    p: &Point<P::BaseField>,
    q: &Point<P::BaseField>,
    inv: P::BaseField,
) -> Point<P::BaseField> {
    let lambda = match kind(p, q) {
        PairKind::Chord => q.y.ksub(&p.y).kmul_lazy(&inv),
        PairKind::Tangent => {
            let x2 = p.x.ksquare();
            x2.kadd(&x2).kadd(&x2).kadd(&P::COEFF_A).kmul_lazy(&inv)
        }
        PairKind::Trivial => {
            return if p.is_zero() {
                *q
            } else if q.is_zero() {
                *p
            } else {
                Point::identity()
            };
        }
    };
    let x3 = lambda.ksquare().ksub(&p.x).ksub(&q.x);
    let y3 = lambda.kmul(&p.x.ksub(&x3)).ksub(&p.y);
    Point { x: x3, y: y3 }
}
