//! In-circuit Nova verifiers used by the node, each deriving its challenge from the node's
//! transcript after absorbing every instance and cross-term commitment it folds.
//!
//! Primary folds (G1 commitments, emulated in the `Fr` circuit) take the folded commitments
//! as explicit prover hints and return, for each point combination they rely on, the seven
//! public inputs `(rho, P0, P1, Q)` of a CycleFold instance proving `Q = P0 + rho * P1`. The
//! hints are therefore unconstrained here and constrained by CycleFold, whose inputs are
//! built from the very variables absorbed and hashed. Secondary folds (Grumpkin commitments,
//! native in `Fr`) are verified in full.

use ark_ff::PrimeField;
use ark_r1cs_std::{boolean::Boolean, fields::fp::FpVar, groups::CurveVar};
use ark_relations::gr1cs::SynthesisError;
use num_bigint::{BigInt, BigUint};
use num_traits::Zero;
use sonobe_primitives::{
    algebra::{
        field::emulated::{Bounds, EmulatedFieldVar},
        ops::bits::FromBitsGadget,
    },
    transcripts::TranscriptGadget,
};

use crate::types::{
    CHALLENGE_BITS, Fq, FqVar, FreshU1Var, FreshU2Var, G1Var, G2Var, RunningU1Var, RunningU2Var,
    SpongeVar,
};

/// Public inputs of one CycleFold instance, as the node circuit computes them.
pub(crate) type CycleFoldInputs = Vec<FqVar>;

type R<T> = Result<T, SynthesisError>;

/// The challenge as an `Fq` element in canonical emulated form (matching how the CycleFold
/// instance's public input is allocated and absorbed).
fn rho_in_fq(bits: &[Boolean<crate::Fr>]) -> R<FqVar> {
    let mut bits = bits.to_vec();
    bits.resize(Fq::MODULUS_BIT_SIZE as usize, Boolean::FALSE);
    let modulus: BigUint = Fq::MODULUS.into();
    EmulatedFieldVar::from_bounded_bits_le(&bits, Bounds(BigInt::zero(), modulus.into()))
}

fn cf_inputs(rho: &FqVar, p0: &G1Var, p1: &G1Var, q: &G1Var) -> CycleFoldInputs {
    [p0, p1, q]
        .into_iter()
        .fold(vec![rho.clone()], |mut acc, p| {
            acc.push(p.x.clone());
            acc.push(p.y.clone());
            acc
        })
}

fn lin(a: &FpVar<crate::Fr>, b: &FpVar<crate::Fr>, rho: &FpVar<crate::Fr>) -> FpVar<crate::Fr> {
    a + b * rho
}

/// Folds a fresh instance `u` into a running instance `U` with cross-term commitment `cm_t`:
/// `rho = H_tr(U, u, cm_T)`, `U' = (cm_E + rho cm_T, u_U + rho, cm_W + rho cm_w, x_U + rho x_u)`.
/// `cm_e`, `cm_w` are the prover's claimed folded commitments; the two returned CycleFold
/// inputs are `(rho, U.cm_E, cm_T, cm_e)` and `(rho, U.cm_W, u.cm_W, cm_w)`.
pub(crate) fn fold_fresh(
    tr: &mut SpongeVar,
    big: &RunningU1Var,
    small: &FreshU1Var,
    cm_t: &G1Var,
    cm_e: G1Var,
    cm_w: G1Var,
) -> R<(RunningU1Var, [CycleFoldInputs; 2])> {
    if big.x.len() != small.x.len() {
        return Err(SynthesisError::Unsatisfiable);
    }
    let bits = tr
        .add(big)?
        .add(small)?
        .add(cm_t)?
        .challenge_bits(CHALLENGE_BITS)?;
    let rho = Boolean::le_bits_to_fp(&bits)?;
    let rho_q = rho_in_fq(&bits)?;
    let one = FpVar::Constant(crate::Fr::from(1u64));
    let folded = RunningU1Var {
        u: lin(&big.u, &one, &rho),
        x: big
            .x
            .iter()
            .zip(&small.x)
            .map(|(a, b)| lin(a, b, &rho))
            .collect(),
        cm_e: cm_e.clone(),
        cm_w: cm_w.clone(),
    };
    let inputs = [
        cf_inputs(&rho_q, &big.cm_e, cm_t, &cm_e),
        cf_inputs(&rho_q, &big.cm_w, &small.cm_w, &cm_w),
    ];
    Ok((folded, inputs))
}

/// Merges two running instances with cross-term commitment `cm_t`:
/// `rho = H_tr(U1, U2, cm_T)`, `U' = (cm_E1 + rho cm_T + rho^2 cm_E2, u1 + rho u2,
/// cm_W1 + rho cm_W2, x1 + rho x2)`. `cm_tmp = cm_T + rho cm_E2`, `cm_e`, `cm_w` are prover
/// hints; the three CycleFold inputs are `(rho, cm_T, cm_E2, cm_tmp)`,
/// `(rho, cm_E1, cm_tmp, cm_e)` and `(rho, cm_W1, cm_W2, cm_w)`.
pub(crate) fn fold_running(
    tr: &mut SpongeVar,
    left: &RunningU1Var,
    right: &RunningU1Var,
    cm_t: &G1Var,
    hints: [G1Var; 3],
) -> R<(RunningU1Var, [CycleFoldInputs; 3])> {
    if left.x.len() != right.x.len() {
        return Err(SynthesisError::Unsatisfiable);
    }
    let [cm_tmp, cm_e, cm_w] = hints;
    let bits = tr
        .add(&(left, right))?
        .add(cm_t)?
        .challenge_bits(CHALLENGE_BITS)?;
    let rho = Boolean::le_bits_to_fp(&bits)?;
    let rho_q = rho_in_fq(&bits)?;
    let folded = RunningU1Var {
        u: lin(&left.u, &right.u, &rho),
        x: left
            .x
            .iter()
            .zip(&right.x)
            .map(|(a, b)| lin(a, b, &rho))
            .collect(),
        cm_e: cm_e.clone(),
        cm_w: cm_w.clone(),
    };
    let inputs = [
        cf_inputs(&rho_q, cm_t, &right.cm_e, &cm_tmp),
        cf_inputs(&rho_q, &left.cm_e, &cm_tmp, &cm_e),
        cf_inputs(&rho_q, &left.cm_w, &right.cm_w, &cm_w),
    ];
    Ok((folded, inputs))
}

/// Merges two CycleFold running instances, fully in-circuit (Grumpkin is native here):
/// `rho = H_tr(U1, U2, cm_T)`, `cm_E = cm_E1 + rho (cm_T + rho cm_E2)`, `cm_W = cm_W1 + rho cm_W2`,
/// `u = u1 + rho u2`, `x = x1 + rho x2` (the last two in emulated `Fq`).
pub(crate) fn cf_fold_running(
    tr: &mut SpongeVar,
    left: &RunningU2Var,
    right: &RunningU2Var,
    cm_t: &G2Var,
) -> R<RunningU2Var> {
    if left.x.len() != right.x.len() {
        return Err(SynthesisError::Unsatisfiable);
    }
    let bits = tr
        .add(&(left, right))?
        .add(cm_t)?
        .challenge_bits(CHALLENGE_BITS)?;
    let rho = FqVar::from_bits_le(&bits)?;
    let emul = |a: &FqVar, b: &FqVar| -> R<FqVar> {
        (b.clone() * &rho + a)
            .try_into()
            .map_err(|_| SynthesisError::Unsatisfiable)
    };
    let inner = right.cm_e.scalar_mul_le(bits.iter())? + cm_t;
    Ok(RunningU2Var {
        cm_e: inner.scalar_mul_le(bits.iter())? + &left.cm_e,
        u: emul(&left.u, &right.u)?,
        cm_w: right.cm_w.scalar_mul_le(bits.iter())? + &left.cm_w,
        x: left
            .x
            .iter()
            .zip(&right.x)
            .map(|(a, b)| emul(a, b))
            .collect::<R<_>>()?,
    })
}

/// Folds one fresh CycleFold instance into a CycleFold running instance with sonobe's full
/// in-circuit Nova verifier (challenge from the transcript after `U`, `u`, `cm_T`).
pub(crate) fn cf_fold_fresh(
    tr: &mut SpongeVar,
    big: &RunningU2Var,
    small: &FreshU2Var,
    cm_t: &G2Var,
) -> R<RunningU2Var> {
    use sonobe_fs::{FoldingSchemeFullVerifierGadget, GroupBasedFoldingSchemeSecondaryDef};
    <<crate::Fs2 as GroupBasedFoldingSchemeSecondaryDef>::Gadget as FoldingSchemeFullVerifierGadget<1, 1>>::verify(
        &(),
        tr,
        [big],
        [small],
        cm_t,
    )
}
