//! Bucket reduction `Σ_b (b+1)·B_b` with batch-affine running sums.
//!
//! The textbook running sum (`R += B_b; T += R` from the top bucket down) is a chain of
//! dependent additions, so each one pays for a projective addition. Here the `m` buckets are
//! split into `S` segments of `L = m / S` consecutive buckets, and the `S` segments run their
//! running sums side by side: step `j` performs the `2S` independent affine additions
//! `T_s += R_s; R_s += B_{sL+j}` with one shared inversion (Montgomery's trick). After the
//! last step `T_s += R_s` once more, leaving
//!
//! ```text
//!  R_s = Σ_j B_{sL+j},    T_s = Σ_j (j+1)·B_{sL+j},
//!  Σ_b (b+1)·B_b = Σ_s T_s + L · Σ_s s·R_s,
//! ```
//!
//! where the last sum is a short projective running sum over the segments and the factor `L`
//! (a power of two) is `log2 L` doublings.
//!
//! For BN254 G1 on a CPU with AVX-512 IFMA, each step's additions run eight at a time
//! ([`wide_round`](super::wide_round)).

use ark_ec::short_weierstrass::{Projective, SWCurveConfig};
use ark_ff::{AdditiveGroup, Zero};

use super::batch_affine::Pt;
use super::batch_inverse::Products;
use super::pair_sum::{add_with_inverse, denominator};
use super::point::Point;
#[cfg(target_arch = "x86_64")]
use {super::wide_round, crate::cpu::cast::same, ark_bn254::Fq};

/// Below this many buckets the plain projective running sum is used.
const MIN_BATCHED: usize = 64;

/// Scratch space of [`add_pairs`]: the scalar path's prefix products, and the eight-lane
/// path's buffers where it is used (BN254 G1 on a CPU with AVX-512 IFMA).
struct Scratch<P: SWCurveConfig> {
    prefix: Vec<P::BaseField>,
    #[cfg(target_arch = "x86_64")]
    wide: Option<wide_round::Scratch>,
}

impl<P: SWCurveConfig> Scratch<P> {
    fn new(capacity: usize) -> Self {
        Self {
            prefix: Vec::with_capacity(capacity),
            #[cfg(target_arch = "x86_64")]
            wide: wide_round::applies::<P::BaseField>().then(wide_round::Scratch::default),
        }
    }
}

/// `lhs[i] += rhs[i]` for every `i`, in affine coordinates with one shared inversion.
fn add_pairs<P: SWCurveConfig>(lhs: &mut [Pt<P>], rhs: &[Pt<P>], scratch: &mut Scratch<P>) {
    #[cfg(target_arch = "x86_64")]
    if let Some(wide) = &mut scratch.wide {
        assert!(
            same::<P::BaseField, Fq>(),
            "the wide additions are for BN254 G1"
        );
        // SAFETY: `Pt<P>` is `Point<Fq>` (asserted), so the slices are the same memory with
        // the same type; the scratch exists only where `wide_round::applies`.
        unsafe {
            wide_round::add_in_place(
                core::slice::from_raw_parts_mut(lhs.as_mut_ptr().cast(), lhs.len()),
                core::slice::from_raw_parts(rhs.as_ptr().cast(), rhs.len()),
                wide,
            )
        };
        return;
    }
    let mut products = Products::new(&mut scratch.prefix);
    for (p, q) in lhs.iter().zip(rhs.iter()) {
        products.push(&denominator(p, q));
    }
    // Every denominator is non-zero (trivial pairs contribute 1), so the batch is invertible.
    let mut inverses = products.invert();
    for (p, q) in lhs.iter_mut().zip(rhs.iter()).rev() {
        let inv = inverses.pop(&denominator(p, q));
        *p = add_with_inverse::<P>(p, q, inv);
    }
}

/// The plain running sum `Σ_b (b+1)·buckets[b]` in projective coordinates.
fn running_sum<P: SWCurveConfig>(buckets: &[Pt<P>]) -> Projective<P> {
    let mut running = Projective::<P>::zero();
    let mut sum = Projective::<P>::zero();
    for b in buckets.iter().rev() {
        running += b.to_affine::<P>();
        sum += running;
    }
    sum
}

/// `Σ_b (b+1)·buckets[b]` over the bucket sums of one window.
pub fn weighted_sum<P: SWCurveConfig>(buckets: &[Pt<P>]) -> Projective<P> {
    let m = buckets.len();
    if m < MIN_BATCHED || !m.is_power_of_two() {
        return running_sum(buckets);
    }
    // S = 2^{ceil(log m / 2) + 1} segments: enough pairs per inversion, short segments.
    let log_m = m.trailing_zeros() as usize;
    let segments = 1usize << (log_m.div_ceil(2) + 1).min(log_m);
    let len = m / segments;

    // state = [R_0..R_S | T_0..T_S]; rhs = [B_{sL+j} | R_s before this step].
    let mut state = vec![Point::identity(); 2 * segments];
    let mut rhs = vec![Point::identity(); 2 * segments];
    let mut scratch = Scratch::<P>::new(2 * segments);
    for j in (0..len).rev() {
        let (r_new, r_old) = rhs.split_at_mut(segments);
        for s in 0..segments {
            r_new[s] = buckets[s * len + j];
        }
        r_old.copy_from_slice(&state[..segments]);
        add_pairs::<P>(&mut state, &rhs, &mut scratch);
    }
    let (r, t) = state.split_at_mut(segments);
    add_pairs::<P>(t, r, &mut scratch);

    // Σ_s T_s + L · Σ_s s·R_s.
    let mut weighted = running_sum(&r[1..]);
    for _ in 0..len.trailing_zeros() {
        weighted.double_in_place();
    }
    t.iter().fold(weighted, |acc, p| acc + p.to_affine::<P>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine, G1Projective, g1};
    use ark_ec::CurveGroup;
    use ark_std::UniformRand;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    fn points(affine: &[G1Affine]) -> Vec<Pt<g1::Config>> {
        affine
            .iter()
            .map(|p| Point::from_affine(p, false))
            .collect()
    }

    /// The batched reduction equals `Σ (b+1)·B_b` computed by scalar multiplication, with
    /// identities, repeated and opposite buckets mixed in (the exceptional affine cases).
    #[test]
    fn weighted_sum_matches_scalar_multiplication() {
        let mut rng = StdRng::seed_from_u64(11);
        let pool: Vec<G1Affine> = (0..6).map(|_| G1Affine::rand(&mut rng)).collect();
        for m in [1usize, 7, 64, 256, 1 << 11] {
            let buckets: Vec<G1Affine> = (0..m)
                .map(|_| match rng.gen_range(0..5) {
                    0 => G1Affine::identity(),
                    1 => -pool[rng.gen_range(0..pool.len())],
                    2 => pool[rng.gen_range(0..pool.len())],
                    _ => G1Affine::rand(&mut rng),
                })
                .collect();
            let expected: G1Projective = buckets
                .iter()
                .enumerate()
                .map(|(b, p)| *p * Fr::from((b + 1) as u64))
                .sum();
            assert_eq!(
                weighted_sum::<g1::Config>(&points(&buckets)).into_affine(),
                expected.into_affine(),
                "m = {m}"
            );
        }
    }

    /// A window where every bucket holds the same point drives the running sums through
    /// doublings (`R_s + B = 2B` in the second step of every segment).
    #[test]
    fn equal_buckets_take_the_doubling_path() {
        let mut rng = StdRng::seed_from_u64(12);
        let p = G1Affine::rand(&mut rng);
        let m = 256u64;
        let buckets = vec![p; m as usize];
        let expected = p * Fr::from(m * (m + 1) / 2);
        assert_eq!(
            weighted_sum::<g1::Config>(&points(&buckets)).into_affine(),
            expected.into_affine()
        );
    }
}
