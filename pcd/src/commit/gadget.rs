//! The commitment scheme inside circuits: over the curve's base field (points native, openings
//! checked with one scalar multiplication per entry) and over its scalar field (points
//! emulated, only carried).

use ark_ec::short_weierstrass::{Projective, SWCurveConfig};
use ark_r1cs_std::{
    alloc::{AllocVar, AllocationMode},
    convert::ToBitsGadget,
    eq::EqGadget,
    fields::fp::FpVar,
    groups::CurveVar,
};
use ark_relations::gr1cs::{Namespace, SynthesisError};
use ark_std::{borrow::Borrow, marker::PhantomData};
use sonobe_primitives::{
    algebra::{Val, field::emulated::EmulatedFieldVar, group::emulated::EmulatedAffineVar},
    commitments::{CommitmentDefGadget, CommitmentOpsGadget},
    traits::{CF1, CF2, SonobeField},
    utils::null::Null,
};

use super::{KernelPedersen, KernelPedersenKey};

/// The commitment scheme inside a circuit over the curve's base field (points native).
pub struct KernelPedersenGadget<P>(PhantomData<P>);

impl<P> Clone for KernelPedersenGadget<P> {
    fn clone(&self) -> Self {
        Self(PhantomData)
    }
}

/// The generators as native point variables.
pub struct KeyVar<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> {
    g: Vec<<Projective<P> as Val>::Var>,
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>>
    AllocVar<KernelPedersenKey<P>, CF2<Projective<P>>> for KeyVar<P>
{
    fn new_variable<T: Borrow<KernelPedersenKey<P>>>(
        cs: impl Into<Namespace<CF2<Projective<P>>>>,
        f: impl FnOnce() -> Result<T, SynthesisError>,
        mode: AllocationMode,
    ) -> Result<Self, SynthesisError> {
        let cs = cs.into().cs();
        let key = f()?;
        let points: Vec<Projective<P>> = key.borrow().bases().iter().map(|a| (*a).into()).collect();
        Ok(Self {
            g: AllocVar::new_variable(cs, || Ok(&points[..]), mode)?,
        })
    }
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> CommitmentDefGadget
    for KernelPedersenGadget<P>
{
    type ConstraintField = CF2<Projective<P>>;
    type KeyVar = KeyVar<P>;
    type ScalarVar = EmulatedFieldVar<CF2<Projective<P>>, CF1<Projective<P>>>;
    type CommitmentVar = <Projective<P> as Val>::Var;
    type RandomnessVar = Null;
    type Widget = KernelPedersen<P>;
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> CommitmentOpsGadget
    for KernelPedersenGadget<P>
{
    /// Enforces `cm = sum_i v_i * G_i` with one in-circuit scalar multiplication per entry.
    fn open(
        ck: &KeyVar<P>,
        v: &[Self::ScalarVar],
        _r: &Null,
        cm: &Self::CommitmentVar,
    ) -> Result<(), SynthesisError> {
        if v.len() > ck.g.len() {
            return Err(SynthesisError::Unsatisfiable);
        }
        let mut acc = <Self::CommitmentVar as CurveVar<_, _>>::zero();
        for (g, s) in ck.g.iter().zip(v) {
            acc += g.scalar_mul_le(s.to_bits_le()?.iter())?;
        }
        acc.enforce_equal(cm)
    }
}

/// The commitment scheme inside a circuit over the curve's scalar field (points emulated).
/// Only commitments are carried there (and handed to CycleFold); nothing is opened.
pub struct KernelPedersenEmulatedGadget<P>(PhantomData<P>);

impl<P> Clone for KernelPedersenEmulatedGadget<P> {
    fn clone(&self) -> Self {
        Self(PhantomData)
    }
}

/// The generators as emulated point variables.
pub struct EmulatedKeyVar<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> {
    g: Vec<EmulatedAffineVar<CF1<Projective<P>>, Projective<P>>>,
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> EmulatedKeyVar<P> {
    /// The generators.
    pub fn generators(&self) -> &[EmulatedAffineVar<CF1<Projective<P>>, Projective<P>>] {
        &self.g
    }
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>>
    AllocVar<KernelPedersenKey<P>, CF1<Projective<P>>> for EmulatedKeyVar<P>
{
    fn new_variable<T: Borrow<KernelPedersenKey<P>>>(
        cs: impl Into<Namespace<CF1<Projective<P>>>>,
        f: impl FnOnce() -> Result<T, SynthesisError>,
        mode: AllocationMode,
    ) -> Result<Self, SynthesisError> {
        let cs = cs.into().cs();
        let key = f()?;
        let points: Vec<Projective<P>> = key.borrow().bases().iter().map(|a| (*a).into()).collect();
        Ok(Self {
            g: AllocVar::new_variable(cs, || Ok(&points[..]), mode)?,
        })
    }
}

impl<P: SWCurveConfig<ScalarField: SonobeField, BaseField: SonobeField>> CommitmentDefGadget
    for KernelPedersenEmulatedGadget<P>
{
    type ConstraintField = CF1<Projective<P>>;
    type KeyVar = EmulatedKeyVar<P>;
    type ScalarVar = FpVar<CF1<Projective<P>>>;
    type CommitmentVar = EmulatedAffineVar<CF1<Projective<P>>, Projective<P>>;
    type RandomnessVar = Null;
    type Widget = KernelPedersen<P>;
}
