//! `KzgVerifier.sol` against the native `sidecar_pcd::KzgVerifierKey::verify` on the embedded L1, over random
//! (seeded) polynomials and points: honest openings, alone (`verify` and `verifyOne`) and in a batch, are accepted
//! by both, with their gas; every forgery is rejected by both, the contract with its named error. The native side
//! reads the contract's words as a native verifier would: a scalar not below r or a point off the curve is refused.

use alloy::primitives::{Address, Bytes, U256};
use alloy::sol_types::SolConstructor;
use ark_bn254::{Fq, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup, VariableBaseMSM};
use ark_ff::{BigInteger, One, PrimeField, UniformRand};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::evm::{g1_be, g2_be};
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_node_shim::contracts::KzgVerifier::{self, KzgVerifierErrors};
use sidecar_node_shim::deploy::{send, view};
use sidecar_node_shim::proof::field_word;
use sidecar_node_shim::{Devchain, L1, NodeError};
use sidecar_pcd::{KzgKey, KzgVerifierKey, Opening, Srs, divide_by_linear};

/// G1 powers of the dev SRS used here.
const SRS_LEN: usize = 64;
/// Gas bounds (whole transaction: 21,000 base, calldata, execution), about 2-3% above the measured 166,671
/// (`verify`, one opening), 151,911 (`verifyOne`) and 214,542 (`verify`, three openings).
const GAS_ONE: u64 = 170_000;
const GAS_VERIFY_ONE: u64 = 155_000;
const GAS_THREE: u64 = 220_000;

type Words = KzgVerifier::Opening;

fn key() -> KzgKey {
    KzgKey::new(&Srs::dev(SRS_LEN).unwrap(), AnyBackend::Cpu(Cpu::new())).unwrap()
}

/// An honest opening of a random polynomial of `len` coefficients at a random point.
fn open(key: &KzgKey, rng: &mut ChaCha20Rng, len: usize) -> Opening {
    let p: Vec<Fr> = (0..len).map(|_| Fr::rand(rng)).collect();
    key.open(&p, key.commit(&p).unwrap(), Fr::rand(rng))
        .unwrap()
}

fn g1_words(p: &G1Affine) -> [U256; 2] {
    g1_be(p).map(U256::from_be_bytes)
}

fn words(o: &Opening) -> Words {
    Words {
        commitment: g1_words(&o.commitment),
        point: field_word(o.point),
        value: field_word(o.value),
        proof: g1_words(&o.proof),
    }
}

fn modulus<F: PrimeField>() -> U256 {
    U256::from_be_slice(&F::MODULUS.to_bytes_be())
}

/// The field element `w` is the canonical integer of, if any.
fn canonical<F: PrimeField>(w: U256) -> Option<F> {
    let f = F::from_be_bytes_mod_order(&w.to_be_bytes::<32>());
    (field_word(f) == w).then_some(f)
}

/// The G1 point `[x, y]` encodes (zeros: the identity), if any.
fn g1_point(w: &[U256; 2]) -> Option<G1Affine> {
    if *w == [U256::ZERO; 2] {
        return Some(G1Affine::identity());
    }
    let p = G1Affine::new_unchecked(canonical::<Fq>(w[0])?, canonical::<Fq>(w[1])?);
    (p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve()).then_some(p)
}

/// The native verdict on the contract's words: malformed words are refused, the rest go to `vk.verify`.
fn native(vk: &KzgVerifierKey, openings: &[Words]) -> bool {
    let decoded: Option<Vec<Opening>> = openings
        .iter()
        .map(|w| {
            Some(Opening {
                commitment: g1_point(&w.commitment)?,
                point: canonical(w.point)?,
                value: canonical(w.value)?,
                proof: g1_point(&w.proof)?,
            })
        })
        .collect();
    decoded.is_some_and(|o| vk.verify(&o))
}

/// A `KzgVerifier` deployed on its own devchain.
struct Contract {
    l1: Devchain,
    from: Address,
    at: Address,
}

impl Contract {
    fn deploy(tau_g2: &G2Affine) -> Self {
        let mut l1 = Devchain::new(1, 7);
        let from = l1.accounts()[0].address;
        let args = KzgVerifier::constructorCall {
            tauG2: g2_be(tau_g2).map(U256::from_be_bytes),
        }
        .abi_encode();
        let code = [KzgVerifier::BYTECODE.as_ref(), &args].concat();
        let at = l1
            .deploy(from, Bytes::from(code), U256::ZERO)
            .expect("deploys")
            .contract_address
            .expect("a contract address");
        Self { l1, from, at }
    }

    /// `verify(openings)`: `Ok` or the decoded revert.
    fn verify(&self, openings: &[Words]) -> Result<(), String> {
        let call = KzgVerifier::verifyCall {
            openings: openings.to_vec(),
        };
        outcome(view(&self.l1, self.at, &call).map(drop))
    }

    /// `verifyOne` on the fields of `o`.
    fn verify_one(&self, o: &Words) -> Result<(), String> {
        outcome(view(&self.l1, self.at, &one_call(o)).map(drop))
    }

    /// Gas of a mined `verify(openings)` transaction.
    fn gas(&mut self, openings: &[Words]) -> u64 {
        let call = KzgVerifier::verifyCall {
            openings: openings.to_vec(),
        };
        send(&mut self.l1, self.from, self.at, &call, U256::ZERO)
            .expect("accepted")
            .gas_used
    }

    /// Gas of a mined `verifyOne` transaction.
    fn gas_one(&mut self, o: &Words) -> u64 {
        send(&mut self.l1, self.from, self.at, &one_call(o), U256::ZERO)
            .expect("accepted")
            .gas_used
    }
}

fn one_call(o: &Words) -> KzgVerifier::verifyOneCall {
    KzgVerifier::verifyOneCall {
        commitment: o.commitment,
        point: o.point,
        value: o.value,
        proof: o.proof,
    }
}

fn outcome(r: Result<(), NodeError>) -> Result<(), String> {
    match r {
        Ok(()) => Ok(()),
        Err(NodeError::Reverted { reason, .. }) => Err(reason),
        Err(e) => panic!("L1 failure: {e}"),
    }
}

fn invalid() -> KzgVerifierErrors {
    KzgVerifierErrors::KzgOpeningInvalid(KzgVerifier::KzgOpeningInvalid {})
}

fn out_of_range(index: usize) -> KzgVerifierErrors {
    KzgVerifierErrors::KzgScalarOutOfRange(KzgVerifier::KzgScalarOutOfRange {
        index: U256::from(index),
    })
}

fn precompile_failed() -> KzgVerifierErrors {
    KzgVerifierErrors::Bn254PrecompileFailed(KzgVerifier::Bn254PrecompileFailed {})
}

/// Both verifiers accept `openings` (`expect == None`) or both reject them, the contract with `expect`; a single
/// opening goes through `verifyOne` too, with the same outcome.
fn check(
    what: &str,
    vk: &KzgVerifierKey,
    c: &Contract,
    openings: &[Words],
    expect: Option<KzgVerifierErrors>,
) {
    let want = expect.map(|e| format!("{e:?}"));
    assert_eq!(c.verify(openings).err(), want, "{what}: verify");
    assert_eq!(native(vk, openings), want.is_none(), "{what}: native");
    if let [o] = openings {
        assert_eq!(c.verify_one(o).err(), want, "{what}: verifyOne");
    }
}

#[test]
fn honest_single_opening_is_accepted_with_its_gas() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let key = key();
    let o = words(&open(&key, &mut rng, SRS_LEN));
    let mut c = Contract::deploy(&key.verifier().tau_g2);
    check(
        "one opening",
        &key.verifier(),
        &c,
        std::slice::from_ref(&o),
        None,
    );
    let gas = c.gas(std::slice::from_ref(&o));
    let gas_one = c.gas_one(&o);
    eprintln!(
        "KzgVerifier: verify(1 opening) {gas} gas, verifyOne {gas_one} gas (whole transaction)"
    );
    assert!(gas <= GAS_ONE, "verify(1 opening): {gas} gas");
    assert!(gas_one <= GAS_VERIFY_ONE, "verifyOne: {gas_one} gas");
}

#[test]
fn honest_three_openings_are_accepted_with_their_gas() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let key = key();
    let openings: Vec<Words> = [SRS_LEN, 17, 2]
        .into_iter()
        .map(|len| words(&open(&key, &mut rng, len)))
        .collect();
    let mut c = Contract::deploy(&key.verifier().tau_g2);
    for (i, o) in openings.iter().enumerate() {
        check(
            &format!("opening {i} alone"),
            &key.verifier(),
            &c,
            std::slice::from_ref(o),
            None,
        );
    }
    check("three openings", &key.verifier(), &c, &openings, None);
    let gas = c.gas(&openings);
    eprintln!("KzgVerifier: verify(3 openings) {gas} gas (whole transaction)");
    assert!(gas <= GAS_THREE, "verify(3 openings): {gas} gas");
}

#[test]
fn honest_constant_polynomial_with_its_proof_at_infinity_is_accepted() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let key = key();
    let o = open(&key, &mut rng, 1);
    assert!(o.proof.is_zero(), "the quotient of a constant is zero");
    let c = Contract::deploy(&key.verifier().tau_g2);
    let other = words(&open(&key, &mut rng, 9));
    check("constant", &key.verifier(), &c, &[words(&o)], None);
    check(
        "constant in a batch",
        &key.verifier(),
        &c,
        &[other, words(&o)],
        None,
    );
}

#[test]
fn soundness_changed_value_point_proof_or_commitment_is_invalid() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let key = key();
    let o = open(&key, &mut rng, 40);
    let g = G1Affine::generator();
    let forged = [
        (
            "value",
            Opening {
                value: o.value + Fr::one(),
                ..o
            },
        ),
        (
            "point",
            Opening {
                point: o.point + Fr::one(),
                ..o
            },
        ),
        (
            "proof",
            Opening {
                proof: (o.proof + g).into_affine(),
                ..o
            },
        ),
        (
            "commitment",
            Opening {
                commitment: (o.commitment + g).into_affine(),
                ..o
            },
        ),
    ];
    let c = Contract::deploy(&key.verifier().tau_g2);
    for (what, f) in forged {
        check(what, &key.verifier(), &c, &[words(&f)], Some(invalid()));
    }
}

#[test]
fn soundness_one_tampered_opening_among_honest_ones_is_invalid() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let key = key();
    let honest: Vec<Opening> = [30, 12, 5]
        .into_iter()
        .map(|len| open(&key, &mut rng, len))
        .collect();
    let c = Contract::deploy(&key.verifier().tau_g2);
    for i in 0..honest.len() {
        let mut openings: Vec<Words> = honest.iter().map(words).collect();
        openings[i].value = field_word(honest[i].value + Fr::one());
        check(
            &format!("value {i} changed"),
            &key.verifier(),
            &c,
            &openings,
            Some(invalid()),
        );
    }
    let mut cancelling: Vec<Words> = honest.iter().map(words).collect();
    cancelling[0].value = field_word(honest[0].value + Fr::one());
    cancelling[1].value = field_word(honest[1].value - Fr::one());
    check(
        "two errors that cancel in an unweighted sum",
        &key.verifier(),
        &c,
        &cancelling,
        Some(invalid()),
    );
}

#[test]
fn soundness_scalars_not_below_r_are_out_of_range() {
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let key = key();
    let honest: Vec<Words> = [20, 8, 3]
        .into_iter()
        .map(|len| words(&open(&key, &mut rng, len)))
        .collect();
    let r = modulus::<Fr>();
    let c = Contract::deploy(&key.verifier().tau_g2);
    let mut point = honest.clone();
    point[1].point += r;
    check(
        "point + r",
        &key.verifier(),
        &c,
        &point,
        Some(out_of_range(1)),
    );
    let mut value = honest[2].clone();
    value.value += r;
    check(
        "value + r",
        &key.verifier(),
        &c,
        &[value],
        Some(out_of_range(0)),
    );
    let mut exactly_r = honest.clone();
    exactly_r[2].point = r;
    check(
        "point = r",
        &key.verifier(),
        &c,
        &exactly_r,
        Some(out_of_range(2)),
    );
}

#[test]
fn soundness_points_off_the_curve_fail_in_the_precompile() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let key = key();
    let honest: Vec<Words> = [25, 6]
        .into_iter()
        .map(|len| words(&open(&key, &mut rng, len)))
        .collect();
    let c = Contract::deploy(&key.verifier().tau_g2);
    let mut off = honest[0].clone();
    off.commitment[1] += U256::from(1u64);
    check(
        "commitment off the curve",
        &key.verifier(),
        &c,
        std::slice::from_ref(&off),
        Some(precompile_failed()),
    );
    check(
        "commitment off the curve in a batch",
        &key.verifier(),
        &c,
        &[honest[1].clone(), off.clone()],
        Some(precompile_failed()),
    );
    let mut wide = honest[0].clone();
    wide.commitment[1] += modulus::<Fq>();
    check(
        "commitment y + q",
        &key.verifier(),
        &c,
        &[wide],
        Some(precompile_failed()),
    );
    let mut proof = honest[1].clone();
    proof.proof[0] += U256::from(1u64);
    check(
        "proof off the curve",
        &key.verifier(),
        &c,
        &[proof],
        Some(precompile_failed()),
    );
}

#[test]
fn soundness_an_empty_list_has_no_openings() {
    let key = key();
    let c = Contract::deploy(&key.verifier().tau_g2);
    let expect = KzgVerifierErrors::KzgNoOpenings(KzgVerifier::KzgNoOpenings {});
    assert_eq!(c.verify(&[]).err(), Some(format!("{expect:?}")));
    assert!(
        !key.verifier().verify(&[]),
        "nor does the native check accept nothing"
    );
}

#[test]
fn soundness_another_srs_rejects_dev_openings() {
    let mut rng = ChaCha20Rng::seed_from_u64(8);
    let key = key();
    let tau = Fr::rand(&mut rng);
    let mut power = Fr::one();
    let powers = G1Projective::normalize_batch(
        &(0..SRS_LEN)
            .map(|_| {
                let p = G1Projective::generator() * power;
                power *= tau;
                p
            })
            .collect::<Vec<_>>(),
    );
    let other = KzgVerifierKey {
        tau_g2: (G2Projective::generator() * tau).into_affine(),
    };
    let commit = |coeffs: &[Fr]| {
        G1Projective::msm(&powers[..coeffs.len()], coeffs)
            .unwrap()
            .into_affine()
    };
    let p: Vec<Fr> = (0..SRS_LEN).map(|_| Fr::rand(&mut rng)).collect();
    let point = Fr::rand(&mut rng);
    let (quotient, value) = divide_by_linear(&p, point);
    let under_other = words(&Opening {
        commitment: commit(&p),
        point,
        value,
        proof: commit(&quotient),
    });
    let under_dev = words(&open(&key, &mut rng, SRS_LEN));
    let dev_contract = Contract::deploy(&key.verifier().tau_g2);
    let other_contract = Contract::deploy(&other.tau_g2);
    check(
        "other SRS, its own opening",
        &other,
        &other_contract,
        std::slice::from_ref(&under_other),
        None,
    );
    check(
        "other SRS, a dev opening",
        &other,
        &other_contract,
        std::slice::from_ref(&under_dev),
        Some(invalid()),
    );
    check(
        "dev SRS, the other's opening",
        &key.verifier(),
        &dev_contract,
        std::slice::from_ref(&under_other),
        Some(invalid()),
    );
    check(
        "other SRS, both",
        &other,
        &other_contract,
        &[under_other, under_dev],
        Some(invalid()),
    );
}
