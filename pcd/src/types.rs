//! The concrete cycle and schemes: Nova over BN254 G1 for the node circuit, Nova over Grumpkin
//! for the CycleFold circuit, both with Fiat–Shamir over a Poseidon sponge on BN254 `Fr`.

use ark_crypto_primitives::sponge::poseidon::{PoseidonSponge, constraints::PoseidonSpongeVar};
use ark_r1cs_std::{fields::fp::FpVar, groups::curves::short_weierstrass::ProjectiveVar};
use sonobe_fs::nova::{
    CycleFoldNova, Nova,
    instances::{
        IncomingInstance, RunningInstance,
        circuits::{IncomingInstanceVar, RunningInstanceVar},
    },
    keys::NovaKey,
    witnesses::{IncomingWitness, RunningWitness},
};
use sonobe_primitives::{
    algebra::{field::emulated::EmulatedFieldVar, group::emulated::EmulatedAffineVar},
    arithmetizations::r1cs::R1CS,
    commitments::GroupBasedCommitment,
};

use crate::commit::KernelPedersen;

/// BN254 scalar field: the node circuit's field, and Grumpkin's base field.
pub type Fr = ark_bn254::Fr;
/// BN254 base field: the CycleFold circuit's field, and Grumpkin's scalar field.
pub type Fq = ark_bn254::Fq;
/// BN254 G1: commitments to node-circuit witnesses.
pub type G1 = ark_bn254::G1Projective;
/// Grumpkin: commitments to CycleFold-circuit witnesses.
pub type G2 = ark_grumpkin::Projective;

/// Folding challenges are 128-bit strings (soundness error about 2^-127 per fold).
pub const CHALLENGE_BITS: usize = 128;

/// Pedersen commitments on BN254 G1, computed by the kernels MSM.
pub type Cm1 = KernelPedersen<ark_bn254::g1::Config>;
/// Pedersen commitments on Grumpkin, computed by the kernels MSM.
pub type Cm2 = KernelPedersen<ark_grumpkin::GrumpkinConfig>;

/// Nova on the primary curve (node circuit over `Fr`, commitments on G1).
pub type Fs1 = Nova<Cm1, CHALLENGE_BITS>;
/// Nova on the secondary curve (CycleFold circuit over `Fq`, commitments on Grumpkin),
/// with its transcript over `Fr` so the node circuit verifies it natively.
pub type Fs2 = CycleFoldNova<Cm2, CHALLENGE_BITS>;

/// Decider key of the primary scheme: the node circuit's R1CS and the G1 commitment key.
pub type Key1 = NovaKey<R1CS<Fr>, Cm1>;
/// Decider key of the secondary scheme: the CycleFold R1CS and the Grumpkin commitment key.
pub type Key2 = NovaKey<R1CS<Fq>, Cm2>;

/// Primary running (relaxed) instance `(cm_E, u, cm_W, x)`.
pub type RunningU1 = RunningInstance<Cm1>;
/// Primary running witness `(E, W)`.
pub type RunningW1 = RunningWitness<Cm1>;
/// Primary fresh (incoming) instance `(cm_W, x)`.
pub type FreshU1 = IncomingInstance<Cm1>;
/// Primary fresh witness `W`.
pub type FreshW1 = IncomingWitness<Cm1>;
/// CycleFold running instance.
pub type RunningU2 = RunningInstance<Cm2>;
/// CycleFold running witness.
pub type RunningW2 = RunningWitness<Cm2>;
/// CycleFold fresh instance.
pub type FreshU2 = IncomingInstance<Cm2>;
/// CycleFold fresh witness.
pub type FreshW2 = IncomingWitness<Cm2>;

/// In-circuit gadget types of the two commitment schemes.
pub(crate) type Cm1Var = <Cm1 as GroupBasedCommitment>::Gadget2;
pub(crate) type Cm2Var = <Cm2 as GroupBasedCommitment>::Gadget1;
/// A G1 point inside the node circuit (coordinates emulated over `Fr`).
pub(crate) type G1Var = EmulatedAffineVar<Fr, G1>;
/// A Grumpkin point inside the node circuit (native coordinates).
pub(crate) type G2Var = ProjectiveVar<ark_grumpkin::GrumpkinConfig, FpVar<Fr>>;
/// An `Fq` element inside the node circuit.
pub(crate) type FqVar = EmulatedFieldVar<Fr, Fq>;
pub(crate) type RunningU1Var = RunningInstanceVar<Cm1Var>;
pub(crate) type FreshU1Var = IncomingInstanceVar<Cm1Var>;
pub(crate) type RunningU2Var = RunningInstanceVar<Cm2Var>;
pub(crate) type FreshU2Var = IncomingInstanceVar<Cm2Var>;

/// The Poseidon sponge used for hashing and Fiat–Shamir.
pub type Sponge = PoseidonSponge<Fr>;
/// Its in-circuit counterpart.
pub(crate) type SpongeVar = PoseidonSpongeVar<Fr>;
