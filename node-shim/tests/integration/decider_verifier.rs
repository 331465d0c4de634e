//! `DeciderVerifier.sol` against the native `sidecar_pcd::L1Proof::verify` on the embedded L1. The statement is
//! the decider's shape with a test circuit (`sidecar_groth16::synthetic::Evaluation`): two KZG-committed
//! polynomials standing for the folded witness `W` and error `E`, committed again in the commit-and-prove Groth16
//! proof, evaluated in-circuit at the challenge, plus one statement input. Honest proofs are accepted by both
//! verifiers with constant gas; every forgery is rejected by both, the contract with its named error.

use crate::common::decider::{Fixture, LENGTHS, fixture, root};
use alloy::primitives::{Address, Bytes, U256};
use alloy::sol_types::{SolCall, SolConstructor, SolValue};
use ark_bn254::{Fr, G1Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, One, PrimeField, UniformRand};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::evm::{g1_be, proof_be};
use sidecar_groth16::synthetic::{Evaluation, Synthetic};
use sidecar_groth16::{CommittedKey, PreparedCommittedKey, challenge, synthesize_matrices};
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_node_shim::contracts::DeciderVerifier::{self, DeciderVerifierErrors};
use sidecar_node_shim::deploy::{send, view};
use sidecar_node_shim::folded::{folded_proof, read_root_json};
use sidecar_node_shim::l1::{AnvilProcess, anvil_binary};
use sidecar_node_shim::proof::field_word;
use sidecar_node_shim::{Devchain, L1, NodeError, RpcL1};
use sidecar_pcd::{
    FreshInstance, KzgKey, L1Proof, RelaxedCheck, RootProof, RunningInstance, Srs, cross_term,
    fold_challenge, fold_instance, fold_vector, key_words, prove_l1, relaxed_error,
    transcript_prefix,
};

/// Whole-transaction gas bound, about 1% above the measured 409,413-409,437 (the calldata has a fixed shape and the
/// precompiles' prices do not depend on the points; only calldata zero bytes vary).
const GAS: u64 = 414_000;

fn random_polys(rng: &mut ChaCha20Rng) -> Vec<Vec<Fr>> {
    LENGTHS
        .iter()
        .map(|&n| (0..n).map(|_| Fr::rand(rng)).collect())
        .collect()
}

/// An honest proof for `polys`, committed again as the circuit's values.
fn prove(f: &Fixture, polys: &[Vec<Fr>], seed: u64) -> L1Proof {
    let committed = polys.concat();
    let statement = [committed[0] * committed[1]];
    prove_l1(
        &Cpu::new(),
        &f.key,
        &f.kzg,
        polys,
        &committed,
        &statement,
        |zeta| Evaluation::new(polys.to_vec(), zeta),
        &mut ChaCha20Rng::seed_from_u64(seed),
    )
    .unwrap()
}

/// The call's words for `p`.
struct Call {
    proof: DeciderVerifier::Proof,
    commitments: Vec<[U256; 2]>,
    values: Vec<U256>,
    statement: Vec<U256>,
}

fn g1_words(p: &G1Affine) -> [U256; 2] {
    g1_be(p).map(U256::from_be_bytes)
}

fn call(p: &L1Proof) -> Call {
    Call {
        proof: DeciderVerifier::Proof {
            groth16: proof_be(&p.proof.proof.0).map(U256::from_be_bytes),
            commitment: g1_words(&p.proof.commitment),
            knowledge: g1_words(&p.proof.knowledge),
            opening: g1_words(&p.opening),
        },
        commitments: p.commitments.iter().map(g1_words).collect(),
        values: p.values.iter().map(|y| field_word(*y)).collect(),
        statement: p.statement.iter().map(|s| field_word(*s)).collect(),
    }
}

struct Contract {
    l1: Box<dyn L1>,
    from: Address,
    at: Address,
}

impl Contract {
    /// Deployed on a fresh devchain.
    fn deploy(f: &Fixture) -> Self {
        Self::deploy_on(f, Box::new(Devchain::new(1, 7)))
    }

    fn deploy_on(f: &Fixture, l1: Box<dyn L1>) -> Self {
        let words = key_words(&f.vk, &f.kzg.verifier())
            .into_iter()
            .map(U256::from_be_bytes)
            .collect();
        Self::deploy_words(words, f.shape, l1)
    }

    /// Deployed with key `words` for `(openings, statement inputs)`.
    fn deploy_words(words: Vec<U256>, shape: (usize, usize), mut l1: Box<dyn L1>) -> Self {
        let from = l1.accounts()[0].address;
        let args = DeciderVerifier::constructorCall {
            words,
            c: U256::from(shape.0),
            t: U256::from(shape.1),
        }
        .abi_encode();
        let code = [DeciderVerifier::BYTECODE.as_ref(), &args].concat();
        let at = l1
            .deploy(from, Bytes::from(code), U256::ZERO)
            .expect("deploys")
            .contract_address
            .expect("a contract address");
        Self { l1, from, at }
    }

    fn verify_call(c: &Call) -> DeciderVerifier::verifyCall {
        DeciderVerifier::verifyCall {
            proof: c.proof.clone(),
            commitments: c.commitments.clone(),
            values: c.values.clone(),
            statement: c.statement.clone(),
        }
    }

    /// `verify`: `Ok` or the decoded revert.
    fn verify(&self, c: &Call) -> Result<(), String> {
        match view(self.l1.as_ref(), self.at, &Self::verify_call(c)) {
            Ok(accepted) => {
                assert!(accepted, "verify returns true or reverts");
                Ok(())
            }
            Err(NodeError::Reverted { reason, .. }) => Err(reason),
            Err(e) => panic!("L1 failure: {e}"),
        }
    }

    /// Gas of a mined `verify` transaction.
    fn gas(&mut self, c: &Call) -> u64 {
        send(
            self.l1.as_mut(),
            self.from,
            self.at,
            &Self::verify_call(c),
            U256::ZERO,
        )
        .expect("accepted")
        .gas_used
    }

    /// `verifyRoot`: `Ok` or the decoded revert.
    fn verify_root(&self, call: &DeciderVerifier::verifyRootCall) -> Result<(), String> {
        match view(self.l1.as_ref(), self.at, call) {
            Ok(accepted) => {
                assert!(accepted, "verifyRoot returns true or reverts");
                Ok(())
            }
            Err(NodeError::Reverted { reason, .. }) => Err(reason),
            Err(e) => panic!("L1 failure: {e}"),
        }
    }

    /// Gas of a mined `verifyRoot` transaction.
    fn root_gas(&mut self, call: &DeciderVerifier::verifyRootCall) -> u64 {
        send(self.l1.as_mut(), self.from, self.at, call, U256::ZERO)
            .expect("accepted")
            .gas_used
    }

    /// The contract's `rootStatement` for `call`'s fold and state.
    fn root_statement(&self, call: &DeciderVerifier::verifyRootCall) -> U256 {
        let statement = DeciderVerifier::rootStatementCall {
            running: call.running.clone(),
            fresh: call.fresh.clone(),
            cross: call.cross,
            state: call.state.clone(),
        };
        view(self.l1.as_ref(), self.at, &statement).expect("a view")
    }

    fn challenge(&self, c: &Call) -> U256 {
        let call = DeciderVerifier::challengeCall {
            commitments: c.commitments.clone(),
            statement: c.statement.clone(),
            d: c.proof.commitment,
        };
        view(self.l1.as_ref(), self.at, &call).expect("a view")
    }
}

fn rejected() -> String {
    format!(
        "{:?}",
        DeciderVerifierErrors::DeciderProofRejected(DeciderVerifier::DeciderProofRejected {})
    )
}

/// Both verifiers accept `p`, or both reject it, the contract with `expect`.
fn check_both(what: &str, f: &Fixture, c: &Contract, p: &L1Proof, expect: Option<String>) {
    assert_eq!(c.verify(&call(p)).err(), expect, "{what}: contract");
    assert_eq!(
        p.verify(&f.vk, &f.kzg.verifier()).unwrap(),
        expect.is_none(),
        "{what}: native"
    );
}

#[test]
fn honest_decider_proofs_are_accepted_with_constant_gas() {
    let f = fixture(1);
    let mut c = Contract::deploy(&f);
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mut gas = Vec::new();
    for i in 0..3 {
        let p = prove(&f, &random_polys(&mut rng), 10 + i);
        check_both(&format!("proof {i}"), &f, &c, &p, None);
        let prefix = transcript_prefix(&p.commitments, &p.statement);
        assert_eq!(
            c.challenge(&call(&p)),
            field_word(challenge(&prefix, &p.proof.commitment)),
            "the contract's challenge is the native one"
        );
        gas.push(c.gas(&call(&p)));
    }
    eprintln!(
        "DeciderVerifier: verify {gas:?} gas (whole transaction, 2 openings, 1 statement input)"
    );
    let (lo, hi) = (gas.iter().min().unwrap(), gas.iter().max().unwrap());
    assert!(hi - lo <= hi / 100, "gas not constant: {gas:?}");
    assert!(*hi <= GAS, "{hi} gas");
}

#[test]
fn soundness_tampered_decider_proofs_are_rejected() {
    let f = fixture(3);
    let c = Contract::deploy(&f);
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let honest = prove(&f, &random_polys(&mut rng), 5);
    let other = prove(&f, &random_polys(&mut rng), 6);
    check_both("honest", &f, &c, &honest, None);
    let g = G1Affine::generator();
    let shift = |p: G1Affine| (p + g).into_affine();
    let mut forged: Vec<(&str, L1Proof)> = Vec::new();
    let mut with = |what, change: &dyn Fn(&mut L1Proof)| {
        let mut p = honest.clone();
        change(&mut p);
        forged.push((what, p));
    };
    with("value of W changed", &|p| p.values[0] += Fr::one());
    with("value of E changed", &|p| p.values[1] += Fr::one());
    with("values swapped", &|p| p.values.swap(0, 1));
    with("statement changed", &|p| p.statement[0] += Fr::one());
    with("KZG commitment of W from another proof", &|p| {
        p.commitments[0] = other.commitments[0]
    });
    with("KZG commitments swapped", &|p| p.commitments.swap(0, 1));
    with("opening proof changed", &|p| p.opening = shift(p.opening));
    with("opening proof of another proof", &|p| {
        p.opening = other.opening
    });
    with("Groth16 commitment D of another proof, with its P", &|p| {
        p.proof.commitment = other.proof.commitment;
        p.proof.knowledge = other.proof.knowledge;
    });
    with("Groth16 commitment D shifted", &|p| {
        p.proof.commitment = shift(p.proof.commitment)
    });
    with("knowledge element P shifted", &|p| {
        p.proof.knowledge = shift(p.proof.knowledge)
    });
    with("Groth16 A shifted", &|p| {
        p.proof.proof.0.a = shift(p.proof.proof.0.a)
    });
    with("Groth16 C shifted", &|p| {
        p.proof.proof.0.c = shift(p.proof.proof.0.c)
    });
    with("Groth16 B of another proof", &|p| {
        p.proof.proof.0.b = other.proof.proof.0.b
    });
    with("everything but the statement from another proof", &|p| {
        *p = L1Proof {
            statement: p.statement.clone(),
            ..other.clone()
        }
    });
    for (what, p) in &forged {
        check_both(what, &f, &c, p, Some(rejected()));
    }
}

#[test]
fn soundness_committed_values_other_than_the_kzg_polynomials_are_rejected() {
    // The prover's circuit values `a` differ from the KZG-committed polynomials in one coefficient. The circuit
    // outputs a(ζ); an opening can only show p(ζ). Claiming a(ζ) fails the opening; claiming p(ζ) fails Groth16.
    let f = fixture(7);
    let c = Contract::deploy(&f);
    let mut rng = ChaCha20Rng::seed_from_u64(8);
    let polys = random_polys(&mut rng);
    let mut values = polys.clone();
    values[0][3] += Fr::one();
    let statement = [values[0][0] * values[0][1]];
    let refused = prove_l1(
        &Cpu::new(),
        &f.key,
        &f.kzg,
        &polys,
        &values.concat(),
        &statement,
        |zeta| Evaluation::new(values.clone(), zeta),
        &mut rng,
    );
    assert!(refused.is_err(), "the honest prover refuses: {refused:?}");
    // Build both forgeries by hand from a proof of `values` under the commitments to `polys`.
    let honest_values = prove(&f, &values, 9);
    let honest_polys = prove(&f, &polys, 10);
    let claims_circuit = L1Proof {
        commitments: honest_polys.commitments.clone(),
        opening: honest_polys.opening,
        ..honest_values.clone()
    };
    check_both(
        "claims a(ζ) under p's commitments",
        &f,
        &c,
        &claims_circuit,
        Some(rejected()),
    );
    let claims_polys = L1Proof {
        values: honest_polys.values.clone(),
        ..claims_circuit
    };
    check_both(
        "claims p(ζ) under a's Groth16 proof",
        &f,
        &c,
        &claims_polys,
        Some(rejected()),
    );
}

#[test]
fn malformed_calls_are_refused_with_their_reason() {
    let f = fixture(11);
    let c = Contract::deploy(&f);
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let p = prove(&f, &random_polys(&mut rng), 13);
    let honest = call(&p);
    let r = U256::from_be_slice(&Fr::MODULUS.to_bytes_be());
    let err = |e: DeciderVerifierErrors| Some(format!("{e:?}"));
    let out_of_range = |index: usize| {
        err(DeciderVerifierErrors::DeciderScalarOutOfRange(
            DeciderVerifier::DeciderScalarOutOfRange {
                index: U256::from(index),
            },
        ))
    };
    let shape = |a: usize, b: usize, s: usize| {
        err(DeciderVerifierErrors::DeciderWrongShape(
            DeciderVerifier::DeciderWrongShape {
                commitments: U256::from(a),
                values: U256::from(b),
                statement: U256::from(s),
            },
        ))
    };
    let precompile = err(DeciderVerifierErrors::Bn254PrecompileFailed(
        DeciderVerifier::Bn254PrecompileFailed {},
    ));
    let mut cases: Vec<(&str, Call, Option<String>)> = Vec::new();
    let mut with = |what, change: &dyn Fn(&mut Call), expect| {
        let mut c = Call {
            proof: honest.proof.clone(),
            commitments: honest.commitments.clone(),
            values: honest.values.clone(),
            statement: honest.statement.clone(),
        };
        change(&mut c);
        cases.push((what, c, expect));
    };
    with("value plus r", &|c| c.values[1] += r, out_of_range(1));
    with(
        "statement plus r",
        &|c| c.statement[0] += r,
        out_of_range(2),
    );
    with(
        "one value missing",
        &|c| {
            c.values.pop();
        },
        shape(2, 1, 1),
    );
    with(
        "extra statement input",
        &|c| c.statement.push(U256::ONE),
        shape(2, 2, 2),
    );
    with(
        "A off the curve",
        &|c| c.proof.groth16[1] += U256::ONE,
        precompile.clone(),
    );
    with(
        "opening off the curve",
        &|c| c.proof.opening[1] += U256::ONE,
        precompile,
    );
    for (what, call, expect) in &cases {
        assert_eq!(c.verify(call).err(), *expect, "{what}");
    }
}

#[test]
fn anvil_accepts_honest_proofs_with_the_devchains_gas_and_rejects_a_forgery() {
    if anvil_binary().is_none() {
        eprintln!("SKIPPED: anvil binary missing (run scripts/node-deps.sh)");
        return;
    }
    let f = fixture(14);
    let anvil = AnvilProcess::start(2).expect("anvil starts");
    let rpc = RpcL1::connect(&anvil.endpoint(), anvil.signers()).expect("connect to anvil");
    let mut on_anvil = Contract::deploy_on(&f, Box::new(rpc));
    let mut on_devchain = Contract::deploy(&f);
    let mut rng = ChaCha20Rng::seed_from_u64(15);
    let p = prove(&f, &random_polys(&mut rng), 16);
    check_both("honest on anvil", &f, &on_anvil, &p, None);
    let (anvil_gas, devchain_gas) = (on_anvil.gas(&call(&p)), on_devchain.gas(&call(&p)));
    eprintln!("DeciderVerifier: verify {anvil_gas} gas on anvil, {devchain_gas} on the devchain");
    assert_eq!(anvil_gas, devchain_gas);
    let mut forged = p.clone();
    forged.values[0] += Fr::one();
    check_both(
        "value changed, on anvil",
        &f,
        &on_anvil,
        &forged,
        Some(rejected()),
    );
}

#[test]
fn a_relaxed_r1cs_decider_proof_is_accepted_on_l1() {
    // The decider's primary half (`RelaxedCheck`) on a random relaxed instance of a 60-row R1CS with one public
    // input: openings of W and E, statement (u, x).
    let mut rng = ChaCha20Rng::seed_from_u64(17);
    let r1cs = synthesize_matrices(Synthetic::new(60, 1, 18)).unwrap();
    let f = relaxed_fixture(&r1cs, &mut rng);
    let mut c = Contract::deploy(&f);
    let (u, x) = (Fr::rand(&mut rng), vec![Fr::rand(&mut rng)]);
    let w: Vec<Fr> = (0..r1cs.num_witness).map(|_| Fr::rand(&mut rng)).collect();
    let e = relaxed_error(&r1cs, u, &x, &w).unwrap();
    let check = RelaxedCheck::new(&r1cs, u, x.clone(), w.clone(), e.clone(), Fr::from(0u64));
    let polys = check.polys();
    let p = prove_l1(
        &Cpu::new(),
        &f.key,
        &f.kzg,
        &polys,
        &polys.concat(),
        &check.statement(),
        |zeta| RelaxedCheck::new(&r1cs, u, x.clone(), w.clone(), e.clone(), zeta),
        &mut rng,
    )
    .unwrap();
    check_both("relaxed instance", &f, &c, &p, None);
    eprintln!(
        "DeciderVerifier: verify {} gas (relaxed R1CS check, 2 openings, statement (u, x))",
        c.gas(&call(&p))
    );
    let mut forged = p.clone();
    forged.statement[0] += Fr::one();
    check_both("another u", &f, &c, &forged, Some(rejected()));
}

/// The relaxed-R1CS fixture of `a_relaxed_r1cs_decider_proof_is_accepted_on_l1` and the fold test: keys for
/// `RelaxedCheck` over `r1cs` (2 openings, statement (u, x)).
fn relaxed_fixture(r1cs: &sidecar_groth16::R1cs, rng: &mut ChaCha20Rng) -> Fixture {
    let committed = r1cs.num_witness as usize + r1cs.num_constraints();
    let key = CommittedKey::generate(RelaxedCheck::shape(r1cs), committed, rng).unwrap();
    let key = PreparedCommittedKey::new(&Cpu::new(), &key).unwrap();
    Fixture {
        vk: key.verifying_key().clone(),
        key,
        kzg: KzgKey::new(&Srs::dev(64).unwrap(), AnyBackend::Cpu(Cpu::new())).unwrap(),
        shape: (2, r1cs.num_instance as usize),
    }
}

#[test]
fn a_fresh_instance_folded_on_l1_is_decided() {
    let mut rng = ChaCha20Rng::seed_from_u64(19);
    let circuit = Synthetic::new(60, 1, 20);
    let r1cs = synthesize_matrices(circuit.clone()).unwrap();
    let f = relaxed_fixture(&r1cs, &mut rng);
    let mut c = Contract::deploy(&f);
    let l = r1cs.num_instance as usize;
    // Fresh: the circuit's own satisfying assignment. Running: a random relaxed instance.
    let z = sidecar_groth16::assignment(circuit, &r1cs).unwrap();
    let (x_u, w) = (z[1..l].to_vec(), z[l..].to_vec());
    let u = Fr::rand(&mut rng);
    let x = vec![Fr::rand(&mut rng)];
    let w_run: Vec<Fr> = (0..r1cs.num_witness).map(|_| Fr::rand(&mut rng)).collect();
    let e_run = relaxed_error(&r1cs, u, &x, &w_run).unwrap();
    let running = RunningInstance {
        witness: f.kzg.commit(&w_run).unwrap(),
        error: f.kzg.commit(&e_run).unwrap(),
        u,
        x: x.clone(),
    };
    let fresh = FreshInstance {
        witness: f.kzg.commit(&w).unwrap(),
        x: x_u.clone(),
    };
    let decide = |fresh_w: &[Fr], rng: &mut ChaCha20Rng| {
        let t = cross_term(&r1cs, (u, &x, &w_run), (&x_u, fresh_w)).unwrap();
        let cross = f.kzg.commit(&t).unwrap();
        let r = fold_challenge(&running, &fresh, &cross);
        let folded = fold_instance(&running, &fresh, &cross, r);
        let (w2, e2) = (fold_vector(&w_run, fresh_w, r), fold_vector(&e_run, &t, r));
        let proof = prove_l1(
            &Cpu::new(),
            &f.key,
            &f.kzg,
            &[w2.clone(), e2.clone()],
            &[w2.as_slice(), &e2].concat(),
            &[&[folded.u], folded.x.as_slice()].concat(),
            |zeta| {
                RelaxedCheck::new(
                    &r1cs,
                    folded.u,
                    folded.x.clone(),
                    w2.clone(),
                    e2.clone(),
                    zeta,
                )
            },
            rng,
        );
        (cross, folded, proof)
    };
    let (cross, folded, proof) = decide(&w, &mut rng);
    let proof = proof.unwrap();
    assert_eq!(
        proof.commitments,
        vec![folded.witness, folded.error],
        "KZG is homomorphic"
    );
    assert!(proof.verify(&f.vk, &f.kzg.verifier()).unwrap());
    let words = |r: &RunningInstance, fr: &FreshInstance| {
        (
            DeciderVerifier::Running {
                witness: g1_words(&r.witness),
                error: g1_words(&r.error),
                u: field_word(r.u),
                x: r.x.iter().map(|v| field_word(*v)).collect(),
            },
            DeciderVerifier::Fresh {
                witness: g1_words(&fr.witness),
                x: fr.x.iter().map(|v| field_word(*v)).collect(),
            },
        )
    };
    let folded_call = |r: &RunningInstance, fr: &FreshInstance, cross: &G1Affine| {
        let (running, fresh) = words(r, fr);
        DeciderVerifier::verifyFoldedCall {
            proof: call(&proof).proof,
            running,
            fresh,
            cross: g1_words(cross),
            values: call(&proof).values,
        }
    };
    let outcome = |call: &DeciderVerifier::verifyFoldedCall| match view(c.l1.as_ref(), c.at, call) {
        Ok(accepted) => {
            assert!(accepted);
            Ok(())
        }
        Err(NodeError::Reverted { reason, .. }) => Err(reason),
        Err(e) => panic!("L1 failure: {e}"),
    };
    assert_eq!(outcome(&folded_call(&running, &fresh, &cross)), Ok(()));
    let (rw, fw) = words(&running, &fresh);
    let r_l1: U256 = view(
        c.l1.as_ref(),
        c.at,
        &DeciderVerifier::foldChallengeCall {
            running: rw,
            fresh: fw,
            cross: g1_words(&cross),
        },
    )
    .unwrap();
    assert_eq!(r_l1, field_word(fold_challenge(&running, &fresh, &cross)));
    // Tampered fold inputs: the contract folds to another instance, which the proof does not decide.
    let g = G1Affine::generator();
    let shifted = (cross + g).into_affine();
    let mut other_fresh = fresh.clone();
    other_fresh.x[0] += Fr::one();
    let mut other_running = running.clone();
    other_running.u += Fr::one();
    let mut other_error = running.clone();
    other_error.error = (other_error.error + g).into_affine();
    for (what, call) in [
        (
            "cross term shifted",
            folded_call(&running, &fresh, &shifted),
        ),
        (
            "fresh x changed",
            folded_call(&running, &other_fresh, &cross),
        ),
        (
            "running u changed",
            folded_call(&other_running, &fresh, &cross),
        ),
        (
            "running error commitment shifted",
            folded_call(&other_error, &fresh, &cross),
        ),
    ] {
        assert_eq!(outcome(&call).err(), Some(rejected()), "{what}");
    }
    let honest = folded_call(&running, &fresh, &cross);
    let gas = send(c.l1.as_mut(), c.from, c.at, &honest, U256::ZERO)
        .expect("accepted")
        .gas_used;
    eprintln!(
        "DeciderVerifier: verifyFolded {gas} gas (fold on L1, then 2 openings, statement (u', x'))"
    );
    // An unsatisfied fresh instance folds into an unsatisfied one: the prover refuses.
    let mut bad_w = w.clone();
    bad_w[5] += Fr::one();
    let (_, _, refused) = decide(&bad_w, &mut rng);
    assert!(refused.is_err(), "an unsatisfied fold was proven");
}

/// A random root with a random 3-word state (see `common::decider::root`).
fn random_root(f: &Fixture, rng: &mut ChaCha20Rng) -> RootProof {
    let state = (0..3).map(|_| Fr::rand(rng)).collect();
    root(f, state, rng)
}

fn root_call(root: &RootProof) -> DeciderVerifier::verifyRootCall {
    // The rollup's `FoldedProof` has `verifyRoot`'s parameters as its fields, in order: one conversion
    // (`folded::folded_proof`) serves both, and is the one under test here.
    let params = folded_proof(root).abi_encode_params();
    DeciderVerifier::verifyRootCall::abi_decode_raw(&params).unwrap()
}

#[test]
fn a_root_is_decided_on_l1_with_one_hashed_statement_input() {
    let mut rng = ChaCha20Rng::seed_from_u64(23);
    let f = fixture(24);
    let mut c = Contract::deploy(&f);
    let honest = random_root(&f, &mut rng);
    assert!(honest.proof.verify(&f.vk, &f.kzg.verifier()).unwrap());
    assert!(honest.verify(&f.vk, &f.kzg.verifier()).unwrap());
    // The native verdict on the fold redoes what the contract does: each of these is rejected there too (below).
    let g = G1Affine::generator();
    let mut native: Vec<(&str, RootProof)> = Vec::new();
    let mut edit = |what, change: &dyn Fn(&mut RootProof)| {
        let mut bad = honest.clone();
        change(&mut bad);
        native.push((what, bad));
    };
    edit("a state word changed", &|r| {
        r.fold.statement.state[1] += Fr::one()
    });
    edit("cross term shifted", &|r| {
        r.fold.cross = (r.fold.cross + g).into_affine()
    });
    edit("fresh x_u changed", &|r| r.fold.fresh.x[0] += Fr::one());
    edit("running u changed", &|r| r.fold.running.u += Fr::one());
    edit("running witness commitment shifted", &|r| {
        r.fold.running.witness = (r.fold.running.witness + g).into_affine()
    });
    edit("a value changed", &|r| r.proof.values[0] += Fr::one());
    for (what, bad) in &native {
        assert!(!bad.verify(&f.vk, &f.kzg.verifier()).unwrap(), "{what}");
    }
    let mut two_inputs = honest.clone();
    two_inputs.fold.running.x.push(Fr::one());
    assert!(two_inputs.verify(&f.vk, &f.kzg.verifier()).is_err());
    let good = root_call(&honest);
    assert_eq!(c.verify_root(&good), Ok(()));
    // The contract's h is the native statement hash, which the proof carries as its one statement input.
    assert_eq!(
        c.root_statement(&good),
        field_word(honest.proof.statement[0])
    );

    let shift = |p: &G1Affine| g1_words(&(*p + g).into_affine());
    let out_of_range = |i: u64| {
        format!(
            "{:?}",
            DeciderVerifierErrors::DeciderScalarOutOfRange(
                DeciderVerifier::DeciderScalarOutOfRange {
                    index: U256::from(i)
                }
            )
        )
    };
    let r_word = U256::from_be_slice(&Fr::MODULUS.to_bytes_be());
    let mut cases: Vec<(&str, DeciderVerifier::verifyRootCall, String)> = Vec::new();
    let mut case = |what, edit: &dyn Fn(&mut DeciderVerifier::verifyRootCall), expect: String| {
        let mut call = good.clone();
        edit(&mut call);
        cases.push((what, call, expect));
    };
    case(
        "a state word changed",
        &|c| c.state[1] += U256::from(1),
        rejected(),
    );
    case(
        "a state word appended",
        &|c| c.state.push(U256::from(5)),
        rejected(),
    );
    case("the state emptied", &|c| c.state.clear(), rejected());
    case(
        "cross term shifted",
        &|c| c.cross = shift(&honest.fold.cross),
        rejected(),
    );
    case(
        "fresh x_u changed",
        &|c| c.fresh.x[0] += U256::from(1),
        rejected(),
    );
    case(
        "running u changed",
        &|c| c.running.u += U256::from(1),
        rejected(),
    );
    case(
        "running x changed",
        &|c| c.running.x[0] += U256::from(1),
        rejected(),
    );
    case(
        "running witness commitment shifted",
        &|c| c.running.witness = shift(&honest.fold.running.witness),
        rejected(),
    );
    case(
        "running error commitment shifted",
        &|c| c.running.error = shift(&honest.fold.running.error),
        rejected(),
    );
    case(
        "a value changed",
        &|c| c.values[0] += U256::from(1),
        rejected(),
    );
    case(
        "a state word not below r",
        &|c| c.state[2] = r_word + c.state[2],
        out_of_range(4),
    );
    case("u not below r", &|c| c.running.u = r_word, out_of_range(0));
    case(
        "two running inputs",
        &|c| c.running.x.push(U256::from(1)),
        format!(
            "{:?}",
            DeciderVerifierErrors::DeciderFoldShape(DeciderVerifier::DeciderFoldShape {
                runningInputs: U256::from(2),
                freshInputs: U256::from(1)
            })
        ),
    );
    for (what, call, expect) in &cases {
        assert_eq!(c.verify_root(call).err().as_ref(), Some(expect), "{what}");
    }
    // Another honest root's proof does not decide this one.
    let other = random_root(&f, &mut rng);
    let mut swapped = good.clone();
    swapped.proof = root_call(&other).proof;
    swapped.values = root_call(&other).values;
    assert_eq!(
        c.verify_root(&swapped).err(),
        Some(rejected()),
        "another root's proof"
    );

    let gas = c.root_gas(&good);
    eprintln!(
        "DeciderVerifier: verifyRoot {gas} gas (fold on L1, SHA-256 statement of a 3-element state, 2 openings)"
    );
    assert!(gas < 460_000, "verifyRoot took {gas} gas");
}

/// The root of `node-shim/examples/l1_root_decider.rs --write`: a two-leaf tree of the synthetic step decided by the real
/// decider circuit (`sidecar_pcd::L1Decider`, 8.5M constraints): its key words, the call and the statement hash.
/// The key and proof take 18 GB and 8 minutes to make, so the proof is a committed fixture; regenerate it after
/// changing the decider circuit (the fixture stays valid until then: it carries its own key).
fn real_root() -> (Vec<U256>, DeciderVerifier::verifyRootCall, U256) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/decider-root.json"
    );
    let v = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (key, p, h) = read_root_json(&v).unwrap();
    let call = DeciderVerifier::verifyRootCall {
        proof: DeciderVerifier::Proof {
            groth16: p.proof.groth16,
            commitment: p.proof.commitment,
            knowledge: p.proof.knowledge,
            opening: p.proof.opening,
        },
        running: DeciderVerifier::Running {
            witness: p.running.witness,
            error: p.running.error,
            u: p.running.u,
            x: p.running.x,
        },
        fresh: DeciderVerifier::Fresh {
            witness: p.fresh.witness,
            x: p.fresh.x,
        },
        cross: p.cross,
        state: p.state,
        values: p.values,
    };
    (key.0, call, h)
}

#[test]
fn a_real_root_decider_proof_is_accepted_on_l1() {
    let (key, good, h) = real_root();
    let mut l1s: Vec<(&str, Box<dyn L1>)> = vec![("devchain", Box::new(Devchain::new(1, 7)))];
    let anvil = anvil_binary().map(|_| AnvilProcess::start(2).expect("anvil starts"));
    match &anvil {
        Some(a) => l1s.push((
            "anvil",
            Box::new(RpcL1::connect(&a.endpoint(), a.signers()).expect("connect to anvil")),
        )),
        None => eprintln!("SKIPPED on anvil: anvil binary missing (run scripts/node-deps.sh)"),
    }
    let g = G1Affine::generator();
    let shift = |p: [U256; 2]| {
        let q = G1Affine::new(
            ark_bn254::Fq::from_be_bytes_mod_order(&p[0].to_be_bytes::<32>()),
            ark_bn254::Fq::from_be_bytes_mod_order(&p[1].to_be_bytes::<32>()),
        );
        g1_words(&(q + g).into_affine())
    };
    let mut forgeries: Vec<(&str, DeciderVerifier::verifyRootCall)> = Vec::new();
    let mut forge = |what, edit: &dyn Fn(&mut DeciderVerifier::verifyRootCall)| {
        let mut call = good.clone();
        edit(&mut call);
        forgeries.push((what, call));
    };
    forge("the state changed", &|c| c.state[0] += U256::from(1));
    forge("a state element appended", &|c| c.state.push(U256::from(1)));
    forge("the fresh input changed", &|c| {
        c.fresh.x[0] += U256::from(1)
    });
    forge("the running u changed", &|c| c.running.u += U256::from(1));
    forge("the cross term shifted", &|c| c.cross = shift(c.cross));
    forge("the running witness shifted", &|c| {
        c.running.witness = shift(c.running.witness)
    });
    forge("the Groth16 A shifted", &|c| {
        let a = shift([c.proof.groth16[0], c.proof.groth16[1]]);
        c.proof.groth16[..2].copy_from_slice(&a);
    });
    forge("a value changed", &|c| c.values[1] += U256::from(1));
    for (name, l1) in l1s {
        let mut c = Contract::deploy_words(key.clone(), (2, 1), l1);
        assert_eq!(
            c.root_statement(&good),
            h,
            "{name}: the L1's h is the prover's"
        );
        assert_eq!(
            c.verify_root(&good),
            Ok(()),
            "{name}: the real root is decided"
        );
        for (what, call) in &forgeries {
            assert_eq!(
                c.verify_root(call).err(),
                Some(rejected()),
                "{name}: {what}"
            );
        }
        let gas = c.root_gas(&good);
        eprintln!("DeciderVerifier: verifyRoot of a real decider proof, {gas} gas on the {name}");
        assert!(gas < 460_000, "{name}: verifyRoot took {gas} gas");
    }
}
