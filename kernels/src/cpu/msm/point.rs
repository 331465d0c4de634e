//! The bucket additions' point: affine `(x, y)` in one aligned block.
//!
//! arkworks' `Affine` carries an infinity flag after the coordinates: 72 bytes for BN254 G1, so
//! most points straddle two cache lines and a scattered write touches both. [`Point`] drops
//! the flag and aligns to 64 bytes (one line for G1; two for G2), and encodes the point at
//! infinity as `(0, 0)`, which lies on no curve `y² = x³ + ax + b` with `b ≠ 0`. The MSM only
//! uses it for such curves ([`encodable`]).

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ff::{Field, Zero};

/// An affine point, `(0, 0)` for the point at infinity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(64))]
pub struct Point<F: Field> {
    /// The x coordinate.
    pub x: F,
    /// The y coordinate.
    pub y: F,
}

/// Whether curve `P`'s points can be held as [`Point`]s: `(0, 0)` is not on it (`b ≠ 0`).
pub fn encodable<P: SWCurveConfig>() -> bool {
    !P::COEFF_B.is_zero()
}

impl<F: Field> Point<F> {
    /// The point at infinity.
    pub fn identity() -> Self {
        Self {
            x: F::zero(),
            y: F::zero(),
        }
    }

    /// Whether this is the point at infinity.
    #[inline(always)]
    pub fn is_zero(&self) -> bool {
        self.x.is_zero() && self.y.is_zero()
    }

    /// `p`, negated when `negate` is set.
    #[inline(always)]
    pub fn from_affine<P: SWCurveConfig<BaseField = F>>(p: &Affine<P>, negate: bool) -> Self {
        if p.is_zero() {
            Self::identity()
        } else {
            Self {
                x: p.x,
                y: if negate { -p.y } else { p.y },
            }
        }
    }

    /// The same point as arkworks' affine point.
    pub fn to_affine<P: SWCurveConfig<BaseField = F>>(self) -> Affine<P> {
        if self.is_zero() {
            Affine::identity()
        } else {
            Affine::new_unchecked(self.x, self.y)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{G1Affine, G2Affine, g1, g2};
    use ark_std::UniformRand;
    use rand::{SeedableRng, rngs::StdRng};

    /// Round trips through `Point` keep every point, negation and the identity; G1 points fill
    /// exactly one cache line.
    #[test]
    fn points_round_trip_and_fill_one_line() {
        assert_eq!(core::mem::size_of::<Point<ark_bn254::Fq>>(), 64);
        assert!(encodable::<g1::Config>() && encodable::<g2::Config>());
        assert!(encodable::<ark_grumpkin::GrumpkinConfig>());
        let mut rng = StdRng::seed_from_u64(5);
        for _ in 0..20 {
            let p = G1Affine::rand(&mut rng);
            assert_eq!(Point::from_affine(&p, false).to_affine(), p);
            assert_eq!(Point::from_affine(&p, true).to_affine(), -p);
            let q = G2Affine::rand(&mut rng);
            assert_eq!(Point::from_affine(&q, true).to_affine(), -q);
        }
        let zero = Point::from_affine(&G1Affine::identity(), true);
        assert!(zero.is_zero());
        assert_eq!(zero.to_affine::<g1::Config>(), G1Affine::identity());
    }
}
