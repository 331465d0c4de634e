//! The CycleFold half of the L1 decider's circuit: the CycleFold running instance `cfU` is
//! satisfied by `cfW`. No precompile speaks Grumpkin, so the circuit (over BN254 `Fr`, where
//! Grumpkin points are native and `Fq` is emulated) checks both parts of the relation itself:
//!
//! ```text
//! (A z)_i·(B z)_i ≡ u·(C z)_i + E_i  (mod q)   for z = (u, x, W), every row i, emulated Fq
//! cm_W = Σ W_j·G_j,  cm_E = Σ E_i·G_i            Grumpkin Pedersen openings, native
//! ```
//!
//! About `2·m·897 + (n + m)·1,553` constraints for an R1CS of `m` rows and `n` witnesses
//! (6.6M for the node's CycleFold circuit, independent of the step).

use ark_grumpkin::GrumpkinConfig;
use ark_r1cs_std::alloc::AllocVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use sonobe_fs::nova::witnesses::circuits::RunningWitnessVar;
use sonobe_primitives::{
    algebra::{
        field::emulated::LimbedVar,
        ops::{
            eq::EquivalenceGadget,
            matrix::{MatrixGadget, SparseMatrixVar},
            vector::VectorGadget,
        },
    },
    arithmetizations::{Arith, ccs::CCS, r1cs::R1CS},
    commitments::CommitmentOpsGadget,
    utils::null::Null,
};

use crate::{
    commit::{KernelPedersenGadget, KernelPedersenKey, KeyVar},
    types::{Cm2Var, Fq, FqVar, Fr, RunningU2Var},
};

/// An `Fq` value in emulated form whose limbs are not yet reduced.
type Unreduced = LimbedVar<Fr, Fq, false>;

/// Enforces that `w` satisfies the relaxed R1CS `r1cs` for `u` and that `u`'s commitments open
/// to `w`'s vectors under `key`; a vector of the wrong length is unsatisfiable.
pub(crate) fn enforce_cyclefold_accumulator(
    cs: &ConstraintSystemRef<Fr>,
    r1cs: &R1CS<Fq>,
    key: &KernelPedersenKey<GrumpkinConfig>,
    u: &RunningU2Var,
    w: &RunningWitnessVar<Cm2Var>,
) -> Result<(), SynthesisError> {
    let cfg = r1cs.config();
    if u.x.len() != cfg.n_public_inputs
        || w.w.len() != cfg.n_witnesses
        || w.e.len() != cfg.n_constraints
    {
        return Err(SynthesisError::Unsatisfiable);
    }
    let z: Vec<Unreduced> = [std::slice::from_ref(&u.u), u.x.as_slice(), w.w.as_slice()]
        .concat()
        .into_iter()
        .map(Unreduced::from)
        .collect();
    let [az, bz, cz] = [0, 1, 2].map(|k| -> Result<Vec<Unreduced>, SynthesisError> {
        let rows = r1cs.matrices()[k]
            .iter()
            .map(|row| {
                row.iter()
                    .map(|(c, j)| Ok((FqVar::new_constant(cs.clone(), *c)?.into(), *j)))
                    .collect::<Result<Vec<_>, SynthesisError>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        SparseMatrixVar(rows).mul_vector(&z)
    });
    let (az, bz, cz) = (az?, bz?, cz?);
    let lhs = az.hadamard(&bz)?;
    let ucz = cz.scale(&z[0])?;
    for ((l, t), e) in lhs.iter().zip(&ucz).zip(&w.e) {
        (l - t).enforce_equivalent(e)?;
    }
    let ck = KeyVar::new_constant(cs.clone(), key)?;
    KernelPedersenGadget::<GrumpkinConfig>::open(&ck, &w.w, &Null, &u.cm_w)?;
    KernelPedersenGadget::<GrumpkinConfig>::open(&ck, &w.e, &Null, &u.cm_e)
}

#[cfg(test)]
mod tests {
    use ark_ff::UniformRand;
    use ark_r1cs_std::alloc::AllocVar;
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use sonobe_fs::nova::{instances::RunningInstance, witnesses::RunningWitness};
    use sonobe_primitives::{arithmetizations::Arith, utils::null::Null};

    use super::*;
    use crate::{
        one_thread::on_one_thread,
        types::{Cm2, G2},
    };

    /// A small random R1CS over `Fq`: `rows` rows over `(1, x, w)`, each with three terms per
    /// matrix.
    fn random_r1cs(rows: usize, n_x: usize, n_w: usize, rng: &mut ChaCha20Rng) -> R1CS<Fq> {
        use rand::Rng;
        let vars = 1 + n_x + n_w;
        let mut m = || -> Vec<Vec<(Fq, usize)>> {
            (0..rows)
                .map(|_| {
                    (0..3)
                        .map(|_| (Fq::rand(rng), rng.gen_range(0..vars)))
                        .collect()
                })
                .collect()
        };
        let (a, b, c) = (m(), m(), m());
        R1CS::new(rows, vars, n_x, [a, b, c]).expect("valid R1CS")
    }

    /// A relaxed instance of `r1cs` with random `u`, `x`, `W` and the error that fits them.
    fn relaxed(
        r1cs: &R1CS<Fq>,
        key: &KernelPedersenKey<GrumpkinConfig>,
        rng: &mut ChaCha20Rng,
    ) -> (RunningInstance<Cm2>, RunningWitness<Cm2>) {
        let cfg = r1cs.config();
        let u = Fq::rand(rng);
        let x: Vec<Fq> = (0..cfg.n_public_inputs).map(|_| Fq::rand(rng)).collect();
        let w: Vec<Fq> = (0..cfg.n_witnesses).map(|_| Fq::rand(rng)).collect();
        let e = r1cs
            .evaluate_r1cs((u, x.as_slice(), w.as_slice()).into())
            .expect("shapes fit");
        let commit = |v: &[Fq]| -> G2 { key.commit(v).expect("key long enough") };
        (
            RunningInstance {
                cm_e: commit(&e),
                u,
                cm_w: commit(&w),
                x,
            },
            RunningWitness {
                e,
                r_e: Null,
                w,
                r_w: Null,
            },
        )
    }

    fn satisfied(
        r1cs: &R1CS<Fq>,
        key: &KernelPedersenKey<GrumpkinConfig>,
        u: &RunningInstance<Cm2>,
        w: &RunningWitness<Cm2>,
    ) -> bool {
        on_one_thread(|| {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let uv = RunningU2Var::new_witness(cs.clone(), || Ok(u)).expect("alloc");
            let wv = RunningWitnessVar::<Cm2Var>::new_witness(cs.clone(), || Ok(w)).expect("alloc");
            match enforce_cyclefold_accumulator(&cs, r1cs, key, &uv, &wv) {
                Ok(()) => cs.is_satisfied().expect("satisfiability"),
                Err(_) => false,
            }
        })
    }

    #[test]
    fn soundness_only_a_satisfying_cyclefold_accumulator_passes() {
        let mut rng = ChaCha20Rng::seed_from_u64(31);
        let r1cs = random_r1cs(12, 3, 9, &mut rng);
        let key = KernelPedersenKey::sample(12, &mut rng).expect("key");
        let (u, w) = relaxed(&r1cs, &key, &mut rng);
        assert!(satisfied(&r1cs, &key, &u, &w), "honest accumulator");

        let mut bad = w.clone();
        bad.e[5] += Fq::from(1u64);
        let mut bad_u = u.clone();
        bad_u.cm_e = key.commit(&bad.e).expect("commit");
        assert!(
            !satisfied(&r1cs, &key, &bad_u, &bad),
            "an error entry off by one, committed honestly"
        );

        let mut bad = w.clone();
        bad.w[2] = Fq::rand(&mut rng);
        let mut bad_u = u.clone();
        bad_u.cm_w = key.commit(&bad.w).expect("commit");
        assert!(
            !satisfied(&r1cs, &key, &bad_u, &bad),
            "a witness entry changed, committed honestly"
        );

        let mut bad_u = u.clone();
        bad_u.u += Fq::from(1u64);
        assert!(!satisfied(&r1cs, &key, &bad_u, &w), "another u");
        let mut bad_u = u.clone();
        bad_u.x[1] = Fq::rand(&mut rng);
        assert!(!satisfied(&r1cs, &key, &bad_u, &w), "another x");

        let mut bad_u = u.clone();
        bad_u.cm_w += key.commit(&[Fq::from(1u64)]).expect("commit");
        assert!(!satisfied(&r1cs, &key, &bad_u, &w), "a shifted cm_W");
        let mut bad_u = u.clone();
        bad_u.cm_e = u.cm_w;
        assert!(!satisfied(&r1cs, &key, &bad_u, &w), "cm_E replaced by cm_W");

        let mut short = w.clone();
        short.e.pop();
        assert!(!satisfied(&r1cs, &key, &u, &short), "a short error vector");
    }
}
