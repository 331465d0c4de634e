//! MSM conformance: any [`Msm`] backend against arkworks' `VariableBaseMSM`.

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{One, PrimeField, UniformRand, Zero};
use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::{Error, Msm};

/// Sizes the suite runs by default: tiny, odd, around powers of two, up to `2^16`.
pub fn msm_sizes() -> Vec<usize> {
    vec![
        1,
        2,
        3,
        7,
        31,
        64,
        100,
        255,
        257,
        1000,
        4095,
        1 << 12,
        10_007,
        1 << 16,
    ]
}

/// `n` random, pairwise unrelated-looking bases: a random walk over a pool of random points
/// (one addition per base, so large sizes stay cheap to generate).
pub fn random_bases<P: SWCurveConfig>(n: usize, rng: &mut impl Rng) -> Vec<Affine<P>> {
    let pool: Vec<Projective<P>> = (0..64).map(|_| Projective::<P>::rand(rng)).collect();
    let mut acc = Projective::<P>::rand(rng);
    let walk: Vec<Projective<P>> = (0..n)
        .map(|_| {
            acc += pool[rng.gen_range(0..pool.len())];
            acc
        })
        .collect();
    Projective::normalize_batch(&walk)
}

/// `n` scalars, mostly uniform, with edge values (0, 1, −1, small, `2^k`) mixed in.
pub fn random_scalars<F: PrimeField>(n: usize, rng: &mut impl Rng) -> Vec<F> {
    (0..n)
        .map(|_| match rng.gen_range(0..16) {
            0 => F::zero(),
            1 => F::one(),
            2 => -F::one(),
            3 => F::from(rng.r#gen::<u16>() as u64),
            4 => F::from(2u64).pow([rng.gen_range(0..F::MODULUS_BIT_SIZE as u64)]),
            _ => F::rand(rng),
        })
        .collect()
}

fn reference<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[P::ScalarField]) -> Projective<P> {
    <Projective<P> as VariableBaseMSM>::msm_unchecked(&bases[..scalars.len()], scalars)
}

/// Checks one size `n` with seed `seed`: plain MSM, prepared MSM, batch of MSMs, fewer
/// scalars than bases, zero scalars and points at infinity.
pub fn check_msm_size<B: Msm<P>, P: SWCurveConfig>(backend: &B, n: usize, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed ^ (n as u64).wrapping_mul(0x9e37_79b9));
    let mut bases = random_bases::<P>(n, &mut rng);
    let scalars = random_scalars::<P::ScalarField>(n, &mut rng);
    let expect = reference(&bases, &scalars);
    assert_eq!(
        backend.msm(&bases, &scalars).unwrap(),
        expect,
        "msm, n = {n}"
    );

    let prepared = backend.prepare(&bases).unwrap();
    assert_eq!(backend.prepared_len(&prepared), n);
    assert_eq!(
        backend.msm_prepared(&prepared, &scalars).unwrap(),
        expect,
        "prepared, n = {n}"
    );

    // A batch: the full vector, a prefix, and a second random vector.
    let short = &scalars[..n.div_ceil(2)];
    let other = random_scalars::<P::ScalarField>(n, &mut rng);
    let batch = backend
        .msm_prepared_batch(&prepared, &[&scalars, short, &other])
        .unwrap();
    assert_eq!(
        batch,
        vec![expect, reference(&bases, short), reference(&bases, &other)],
        "batch, n = {n}"
    );

    // Fewer scalars than bases uses the first bases only.
    assert_eq!(
        backend.msm(&bases, short).unwrap(),
        reference(&bases, short),
        "prefix, n = {n}"
    );

    // Zero scalars everywhere give the identity; points at infinity contribute nothing.
    let zeros = vec![P::ScalarField::zero(); n];
    assert!(
        backend.msm(&bases, &zeros).unwrap().is_zero(),
        "all-zero scalars, n = {n}"
    );
    for i in (0..n).step_by(3) {
        bases[i] = Affine::identity();
    }
    assert_eq!(
        backend.msm(&bases, &scalars).unwrap(),
        reference(&bases, &scalars),
        "identities, n = {n}"
    );
    // Prepared bases with points at infinity (a proving key's query for variables a matrix
    // never uses), against the full vector, a prefix and scalars that skip the finite bases.
    let prepared = backend.prepare(&bases).unwrap();
    assert_eq!(backend.prepared_len(&prepared), n);
    let at_infinity: Vec<P::ScalarField> = (0..n)
        .map(|i| {
            if i % 3 == 0 {
                scalars[i]
            } else {
                P::ScalarField::zero()
            }
        })
        .collect();
    assert_eq!(
        backend
            .msm_prepared_batch(&prepared, &[&scalars, short, &at_infinity])
            .unwrap(),
        vec![
            reference(&bases, &scalars),
            reference(&bases, short),
            Projective::zero()
        ],
        "prepared with identities, n = {n}"
    );
    let none = backend.prepare(&vec![Affine::<P>::identity(); n]).unwrap();
    assert_eq!(backend.prepared_len(&none), n);
    assert!(
        backend.msm_prepared(&none, &scalars).unwrap().is_zero(),
        "prepared, every base at infinity, n = {n}"
    );

    // Repeated and opposite bases exercise doubling and cancellation inside buckets.
    let p = bases[n - 1];
    let q = if p.is_zero() {
        Affine::<P>::generator()
    } else {
        p
    };
    let twins: Vec<Affine<P>> = (0..n).map(|i| if i % 2 == 0 { q } else { -q }).collect();
    let same = vec![P::ScalarField::from(5u64); n];
    assert_eq!(
        backend.msm(&twins, &same).unwrap(),
        reference(&twins, &same),
        "twins, n = {n}"
    );
    let one = vec![P::ScalarField::one(); n];
    let all_q = vec![q; n];
    let expect_q = (q * P::ScalarField::from(n as u64)).into_affine();
    assert_eq!(
        backend.msm(&all_q, &one).unwrap().into_affine(),
        expect_q,
        "equal bases, n = {n}"
    );
}

/// Runs [`check_msm_size`] for every size, then [`check_msm_errors`].
pub fn check_msm<B: Msm<P>, P: SWCurveConfig>(backend: &B, sizes: &[usize]) {
    for &n in sizes {
        check_msm_size::<B, P>(backend, n, 0x5eed);
    }
    check_msm_errors::<B, P>(backend);
}

/// More scalars than bases is [`Error::InvalidInput`] on every entry point; empty input sums
/// to the identity.
pub fn check_msm_errors<B: Msm<P>, P: SWCurveConfig>(backend: &B) {
    let mut rng = StdRng::seed_from_u64(11);
    let bases = random_bases::<P>(4, &mut rng);
    let scalars = random_scalars::<P::ScalarField>(5, &mut rng);
    assert!(matches!(
        backend.msm(&bases, &scalars),
        Err(Error::InvalidInput { .. })
    ));
    let prepared = backend.prepare(&bases).unwrap();
    assert!(matches!(
        backend.msm_prepared(&prepared, &scalars),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        backend.msm_prepared_batch(&prepared, &[&scalars[..2], &scalars]),
        Err(Error::InvalidInput { .. })
    ));
    assert!(backend.msm(&bases, &[]).unwrap().is_zero());
    assert!(backend.msm(&[], &[]).unwrap().is_zero());
}
