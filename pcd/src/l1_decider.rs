//! The L1 decider: one commit-and-prove Groth16 proof ([`crate::prove_l1`]'s format) that a
//! root's node proof would be accepted by [`crate::decide`], checked on L1 at a cost independent
//! of the tree.
//!
//! The L1 is given the root's running instance `U = (C_W, C_E, u, x)`, its fresh instance
//! `(C_w, x_u)`, the cross term's commitment `C_T`, the root's state `z` and the proof. It draws
//! `r` ([`crate::fold_challenge`]), folds the commitments (`C_W + r·C_w`, `C_E + r·C_T`) with the
//! precompiles, hashes the statement `h` ([`DeciderStatement`]) and checks the proof with `h` as
//! its one public input and the folded commitments as the KZG commitments of its committed
//! `W'`, `E'`. The circuit ([`DeciderCircuit`]):
//!
//! 1. recomputes `h` from its own `r`, `u`, `x`, `x_u`, `C_W`, `C_E`, `z` (the values below);
//! 2. recomputes `x_u = H(pp, z, U, cfU)` with `pp` a constant: the fresh instance is the one
//!    the root's node circuit output for exactly this `U` and `cfU`;
//! 3. checks the relaxed node R1CS of the folded instance `(u + r, x + r·x_u)` for the committed
//!    `W'`, `E'` (Nova: it holds iff both `U` and the fresh instance are satisfiable), and
//!    evaluates `W'`, `E'` at `ζ` for the KZG openings;
//! 4. checks the CycleFold accumulator `cfU` against its witness, in-circuit.
//!
//! (2)–(4) are the native decider's three relations; (1) ties them to what the L1 folded.

use ark_bn254::G1Affine;
use ark_ec::CurveGroup;
use ark_ff::Zero;
use ark_r1cs_std::{
    GR1CSVar,
    alloc::AllocVar,
    eq::EqGadget,
    fields::{FieldVar, fp::FpVar},
};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError, Variable};
use rand::{CryptoRng, RngCore};
use sidecar_groth16::{Backend, CommittedKey, CommittedVerifyingKey, PreparedCommittedKey, R1cs};
use sonobe_fs::nova::witnesses::circuits::RunningWitnessVar;
use sonobe_primitives::{
    arithmetizations::{Arith, ccs::CCS},
    traits::Dummy,
    transcripts::TranscriptGadget,
};

use crate::{
    Error, KzgKey, KzgVerifierKey, L1Proof, Result,
    cyclefold_check::enforce_cyclefold_accumulator,
    decide, evaluate,
    nifs::{FreshInstance, RunningInstance, cross_term, fold_challenge, fold_vector},
    prove_l1,
    prover::NodeProof,
    relaxed::{enforce_relaxed_rows, horner, inputs},
    setup::PcdKeys,
    statement::{DeciderStatement, DeciderStatementVar},
    step::{State, Step},
    types::{Cm2Var, Fr, RunningU1, RunningU1Var, RunningU2, RunningU2Var, RunningW2, SpongeVar},
};

/// The decider of one set of PCD keys: the node circuit's R1CS in the prover's form.
pub struct L1Decider<'a, S> {
    keys: &'a PcdKeys<S>,
    r1cs: R1cs,
}

/// What the L1 is given besides the proof: the root's instances, the cross term's commitment
/// and the root's state (inside `statement`, with `r` and `h`'s other inputs).
#[derive(Clone, Debug, PartialEq)]
pub struct RootFold {
    /// The root's running instance `(C_W, C_E, u, x)`.
    pub running: RunningInstance,
    /// The root's fresh instance `(C_w, x_u)`.
    pub fresh: FreshInstance,
    /// `C_T`.
    pub cross: G1Affine,
    /// What `h` hashes.
    pub statement: DeciderStatement,
}

/// A root decided for the L1: the fold's data and the proof.
#[derive(Clone, Debug, PartialEq)]
pub struct RootProof {
    /// The L1's inputs besides the proof.
    pub fold: RootFold,
    /// The decider proof; its statement is `[h]`, its KZG commitments `C_W + r·C_w` and
    /// `C_E + r·C_T`.
    pub proof: L1Proof,
}

impl RootProof {
    /// The L1's verdict, natively: what `DeciderVerifier.verifyRoot` checks from the fold's data,
    /// the root's state and the proof alone. `r` is drawn again, the commitments folded again
    /// (`C_W + r·C_w`, `C_E + r·C_T`) and `h` hashed again; the proof's own copies of those are
    /// not trusted. Then [`L1Proof::verify`] (ark-groth16's pairing check and the KZG opening).
    pub fn verify(&self, vk: &CommittedVerifyingKey, kzg: &KzgVerifierKey) -> Result<bool> {
        let RootFold {
            running,
            fresh,
            cross,
            statement,
        } = &self.fold;
        let ([x], [x_u]) = (running.x.as_slice(), fresh.x.as_slice()) else {
            return Err(Error::rejected(format!(
                "{} running and {} fresh inputs, expected one each",
                running.x.len(),
                fresh.x.len()
            )));
        };
        let r = fold_challenge(running, fresh, cross);
        let h = DeciderStatement {
            r,
            u: running.u,
            x: *x,
            x_u: *x_u,
            witness: running.witness,
            error: running.error,
            state: statement.state.clone(),
        }
        .hash();
        let commitments = vec![
            (running.witness + fresh.witness * r).into_affine(),
            (running.error + *cross * r).into_affine(),
        ];
        L1Proof {
            commitments,
            statement: vec![h],
            ..self.proof.clone()
        }
        .verify(vk, kzg)
    }
}

/// Every value the decider circuit allocates.
#[derive(Clone, Debug)]
struct DeciderWitness {
    state: State,
    running: RunningU1,
    x_u: Fr,
    r: Fr,
    cf_u: RunningU2,
    cf_w: RunningW2,
    /// `W' = W + r·w`.
    w: Vec<Fr>,
    /// `E' = E + r·T`.
    e: Vec<Fr>,
    h: Fr,
}

/// The decider circuit (module docs); instance `1, W', E', ζ, W'(ζ), E'(ζ), h`.
pub struct DeciderCircuit<'a, S> {
    decider: &'a L1Decider<'a, S>,
    witness: DeciderWitness,
    zeta: Fr,
}

impl<S> Clone for DeciderCircuit<'_, S> {
    fn clone(&self) -> Self {
        Self {
            decider: self.decider,
            witness: self.witness.clone(),
            zeta: self.zeta,
        }
    }
}

impl<'a, S: Step> L1Decider<'a, S> {
    /// The decider of `keys` (an [`Error::Shape`] if the node R1CS does not convert).
    pub fn new(keys: &'a PcdKeys<S>) -> Result<Self> {
        let r1cs = &keys.node_r1cs;
        let cfg = r1cs.config();
        let [a, b, c] = [0, 1, 2].map(|k| r1cs.matrices()[k].as_slice());
        let r1cs = R1cs::from_rows(1 + cfg.n_public_inputs, cfg.n_witnesses, [a, b, c])
            .map_err(|e| Error::shape(format!("node R1CS: {e}")))?;
        Ok(Self { keys, r1cs })
    }

    /// How many values the proof commits to: `W'` and `E'`.
    pub fn committed(&self) -> usize {
        self.r1cs.num_witness as usize + self.r1cs.num_constraints()
    }

    /// The circuit with placeholder values, for key generation.
    pub fn shape(&'a self) -> DeciderCircuit<'a, S> {
        let (cfg1, cfg2) = (self.keys.node_config(), self.keys.cyclefold_config());
        let cf_u = RunningU2::dummy(&cfg2);
        let cf_w = RunningW2::dummy(&cfg2);
        DeciderCircuit {
            decider: self,
            witness: DeciderWitness {
                state: vec![Fr::zero(); self.keys.step.width()],
                running: RunningU1::dummy(&cfg1),
                x_u: Fr::zero(),
                r: Fr::zero(),
                cf_u,
                cf_w,
                w: vec![Fr::zero(); cfg1.n_witnesses],
                e: vec![Fr::zero(); cfg1.n_constraints],
                h: Fr::zero(),
            },
            zeta: Fr::zero(),
        }
    }

    /// Generates the decider's Groth16 key (minutes and gigabytes at the node circuit's size:
    /// make it once per PCD key set).
    pub fn generate_key<R: RngCore + CryptoRng>(&self, rng: &mut R) -> Result<CommittedKey> {
        CommittedKey::generate(self.shape(), self.committed(), rng)
            .map_err(|e| Error::rejected(format!("decider key: {e}")))
    }

    /// The fold the L1 will do for `proof` and the decider circuit for it at `zeta`. The proof
    /// must pass the native decider ([`Error::Rejected`] otherwise) and its commitments must be
    /// KZG commitments under `kzg` (an [`Error::Srs`] if the PCD keys were made on another SRS).
    pub fn circuit(
        &'a self,
        kzg: &KzgKey,
        proof: &NodeProof,
        zeta: Fr,
    ) -> Result<(RootFold, DeciderCircuit<'a, S>)> {
        decide(self.keys, proof)?;
        let (big, small) = (&proof.running_u, &proof.fresh_u);
        let (x, x_u) = (big.x[0], small.x[0]);
        let running = RunningInstance {
            witness: big.cm_w.into_affine(),
            error: big.cm_e.into_affine(),
            u: big.u,
            x: vec![x],
        };
        let fresh = FreshInstance {
            witness: small.cm_w.into_affine(),
            x: vec![x_u],
        };
        if kzg.commit(&proof.fresh_w.w)? != fresh.witness {
            return Err(Error::srs(
                "the PCD keys' generators are not this SRS's powers of τ",
            ));
        }
        let t = cross_term(
            &self.r1cs,
            (big.u, &big.x, &proof.running_w.w),
            (&small.x, &proof.fresh_w.w),
        )
        .ok_or_else(|| Error::shape("root vectors do not fit the node circuit"))?;
        let cross = kzg.commit(&t)?;
        let r = fold_challenge(&running, &fresh, &cross);
        let statement = DeciderStatement {
            r,
            u: big.u,
            x,
            x_u,
            witness: running.witness,
            error: running.error,
            state: proof.state.clone(),
        };
        let witness = DeciderWitness {
            state: proof.state.clone(),
            running: big.clone(),
            x_u,
            r,
            cf_u: proof.cf_u.clone(),
            cf_w: proof.cf_w.clone(),
            w: fold_vector(&proof.running_w.w, &proof.fresh_w.w, r),
            e: fold_vector(&proof.running_w.e, &t, r),
            h: statement.hash(),
        };
        let fold = RootFold {
            running,
            fresh,
            cross,
            statement,
        };
        Ok((
            fold,
            DeciderCircuit {
                decider: self,
                witness,
                zeta,
            },
        ))
    }

    /// Decides the root `proof` for the L1: folds, then proves the decider circuit in the L1
    /// format with `key` (from [`Self::generate_key`]) on `backend`.
    pub fn prove<B: Backend, R: RngCore + CryptoRng>(
        &self,
        backend: &B,
        key: &PreparedCommittedKey<B>,
        kzg: &KzgKey,
        proof: &NodeProof,
        rng: &mut R,
    ) -> Result<RootProof> {
        let (fold, circuit) = self.circuit(kzg, proof, Fr::zero())?;
        let polys = [circuit.witness.w.clone(), circuit.witness.e.clone()];
        let proof = prove_l1(
            backend,
            key,
            kzg,
            &polys,
            &polys.concat(),
            &[circuit.witness.h],
            |zeta| DeciderCircuit { zeta, ..circuit },
            rng,
        )?;
        Ok(RootProof { fold, proof })
    }
}

/// A fresh variable equal to `f` (one constraint): the relaxed rows are written over variables.
fn variable(cs: &ConstraintSystemRef<Fr>, f: &FpVar<Fr>) -> Result<Variable, SynthesisError> {
    let fresh = FpVar::new_witness(cs.clone(), || f.value())?;
    fresh.enforce_equal(f)?;
    match fresh {
        FpVar::Var(v) => Ok(v.variable),
        FpVar::Constant(_) => Err(SynthesisError::Unsatisfiable),
    }
}

impl<S: Step> ConstraintSynthesizer<Fr> for DeciderCircuit<'_, S> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let (keys, r1cs, v) = (self.decider.keys, &self.decider.r1cs, &self.witness);
        let w = inputs(&cs, &v.w)?;
        let e = inputs(&cs, &v.e)?;
        let zeta = cs.new_input_variable(|| Ok(self.zeta))?;
        let y = inputs(&cs, &[evaluate(&v.w, self.zeta), evaluate(&v.e, self.zeta)])?;
        let h = FpVar::new_input(cs.clone(), || Ok(v.h))?;

        let witness = |x: Fr| FpVar::new_witness(cs.clone(), || Ok(x));
        let (r, x_u) = (witness(v.r)?, witness(v.x_u)?);
        let state = v
            .state
            .iter()
            .map(|z| witness(*z))
            .collect::<Result<Vec<_>, _>>()?;
        if state.len() != keys.step.width() || v.running.x.len() != 1 {
            return Err(SynthesisError::Unsatisfiable);
        }
        let big = RunningU1Var::new_witness(cs.clone(), || Ok(&v.running))?;
        let cf_u = RunningU2Var::new_witness(cs.clone(), || Ok(&v.cf_u))?;
        let cf_w = RunningWitnessVar::<Cm2Var>::new_witness(cs.clone(), || Ok(&v.cf_w))?;

        DeciderStatementVar {
            r: &r,
            u: &big.u,
            x: &big.x[0],
            x_u: &x_u,
            witness: &big.cm_w,
            error: &big.cm_e,
            state: &state,
        }
        .hash()?
        .enforce_equal(&h)?;

        let pp_hash = FpVar::constant(keys.pp_hash);
        SpongeVar::new_with_pp_hash(keys.poseidon.clone(), &pp_hash)?
            .separate_domain(b"sponge")?
            .add(&state)?
            .add(&big)?
            .add(&cf_u)?
            .get_field_element()?
            .enforce_equal(&x_u)?;

        let u2 = variable(&cs, &(&big.u + &r))?;
        let x2 = variable(&cs, &(&big.x[0] + &r * &x_u))?;
        let (u2_value, x2_value) = (v.running.u + v.r, v.running.x[0] + v.r * v.x_u);
        let z_value = [&[u2_value, x2_value], v.w.as_slice()].concat();
        enforce_relaxed_rows(&cs, r1cs, (u2, &[x2], &w), &e, &z_value)?;
        horner(&cs, &w, &v.w, (zeta, self.zeta), y[0])?;
        horner(&cs, &e, &v.e, (zeta, self.zeta), y[1])?;

        enforce_cyclefold_accumulator(&cs, &keys.cf_r1cs, &keys.cf_key, &cf_u, &cf_w)
    }
}

#[cfg(test)]
mod tests {
    use ark_ec::AffineRepr;
    use ark_ff::{One, UniformRand};
    use ark_relations::gr1cs::ConstraintSystem;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use sidecar_kernels::{AnyBackend, Cpu};

    use super::*;
    use crate::{
        ChainStep, Srs, one_thread::on_one_thread, prove_leaf, prove_pair, setup, setup_on_srs,
    };

    fn satisfied<S: Step>(circuit: DeciderCircuit<'_, S>) -> bool {
        on_one_thread(|| {
            let cs = ConstraintSystem::<Fr>::new_ref();
            circuit.generate_constraints(cs.clone()).is_ok() && cs.is_satisfied().unwrap()
        })
    }

    /// One honest root of two leaves on a dev SRS: the full circuit (8.5M constraints) holds,
    /// and each way of telling the L1 something other than what the circuit checked fails.
    /// A synthesis takes about 20 s here, the full satisfiability check 8 s more.
    #[test]
    fn soundness_the_decider_circuit_holds_only_for_the_l1s_root() {
        let mut rng = ChaCha20Rng::seed_from_u64(21);
        let srs = Srs::dev(1 << 18).unwrap();
        let cpu = || AnyBackend::Cpu(Cpu::new());
        let keys = setup_on_srs(ChainStep::new(1), &srs, cpu(), &mut rng).unwrap();
        let a = prove_leaf(&keys, Fr::rand(&mut rng), &mut rng).unwrap();
        let b = prove_leaf(&keys, Fr::rand(&mut rng), &mut rng).unwrap();
        let root = prove_pair(&keys, &a, &b, &mut rng).unwrap();
        let kzg = KzgKey::new(&srs, cpu()).unwrap();
        let decider = L1Decider::new(&keys).unwrap();

        let mut bad = root.clone();
        bad.running_w.e[3] += Fr::one();
        assert!(
            matches!(
                decider.circuit(&kzg, &bad, Fr::one()),
                Err(Error::Rejected { .. })
            ),
            "an unsatisfied accumulator is refused before proving"
        );

        let hashed = setup(ChainStep::new(1), cpu(), &mut rng).unwrap();
        let leaf = prove_leaf(&hashed, Fr::rand(&mut rng), &mut rng).unwrap();
        assert!(
            matches!(
                L1Decider::new(&hashed)
                    .unwrap()
                    .circuit(&kzg, &leaf, Fr::one()),
                Err(Error::Srs { .. })
            ),
            "PCD keys with hashed generators cannot be decided for the L1"
        );

        let zeta = Fr::rand(&mut rng);
        let (fold, honest) = decider.circuit(&kzg, &root, zeta).unwrap();
        assert_eq!(fold.statement.hash(), honest.witness.h);
        assert_eq!(
            fold.statement.r,
            fold_challenge(&fold.running, &fold.fresh, &fold.cross)
        );

        // The L1 folds a C_W other than the one the circuit hashed into x_u.
        let mut other = fold.statement.clone();
        other.witness = (other.witness + G1Affine::generator()).into();
        let mut circuit = honest.clone();
        circuit.witness.h = other.hash();
        assert!(
            !satisfied(circuit),
            "a commitment other than the hashed one"
        );

        // The circuit folds with a challenge other than the L1's.
        let mut circuit = honest.clone();
        circuit.witness.r += Fr::one();
        assert!(
            !satisfied(circuit),
            "a challenge not from the L1's transcript"
        );

        // Another block output, told to the L1 and used in the circuit alike.
        let mut other = fold.statement.clone();
        other.state[1] += Fr::one();
        let mut circuit = honest.clone();
        circuit.witness.state = other.state.clone();
        circuit.witness.h = other.hash();
        assert!(
            !satisfied(circuit),
            "a state the root's node did not output"
        );

        assert!(satisfied(honest), "honest root");
    }
}
