//! The decider's primary half in the L1 format: a relaxed R1CS instance whose witness and error are
//! KZG-committed, decided by a commit-and-prove Groth16 proof of `RelaxedCheck`. Honest instances (random `u`,
//! `x`, `W`; and a satisfying assignment, whose error is zero) are accepted; an unsatisfied accumulator cannot be
//! proven, and a proof for another error, another `u` or another `x` is rejected.

use ark_bn254::Fr;
use ark_ff::{One, UniformRand, Zero};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::synthetic::Synthetic;
use sidecar_groth16::{
    CommittedKey, CommittedVerifyingKey, PreparedCommittedKey, R1cs, assignment,
    synthesize_matrices,
};
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{KzgKey, L1Proof, RelaxedCheck, Srs, prove_l1, relaxed_error};

struct Fixture {
    r1cs: R1cs,
    key: PreparedCommittedKey<Cpu>,
    vk: CommittedVerifyingKey,
    kzg: KzgKey,
}

fn fixture(rng: &mut ChaCha20Rng) -> Fixture {
    let r1cs = synthesize_matrices(Synthetic::new(120, 3, 1)).unwrap();
    let committed = r1cs.num_witness as usize + r1cs.num_constraints();
    let key = CommittedKey::generate(RelaxedCheck::shape(&r1cs), committed, rng).unwrap();
    let key = PreparedCommittedKey::new(&Cpu::new(), &key).unwrap();
    Fixture {
        vk: key.verifying_key().clone(),
        key,
        kzg: KzgKey::new(&Srs::dev(128).unwrap(), AnyBackend::Cpu(Cpu::new())).unwrap(),
        r1cs,
    }
}

/// A relaxed instance `(u, x, W, E)`.
struct Instance {
    u: Fr,
    x: Vec<Fr>,
    w: Vec<Fr>,
    e: Vec<Fr>,
}

fn random_instance(f: &Fixture, rng: &mut ChaCha20Rng) -> Instance {
    let u = Fr::rand(rng);
    let x: Vec<Fr> = (1..f.r1cs.num_instance).map(|_| Fr::rand(rng)).collect();
    let w: Vec<Fr> = (0..f.r1cs.num_witness).map(|_| Fr::rand(rng)).collect();
    let e = relaxed_error(&f.r1cs, u, &x, &w).unwrap();
    Instance { u, x, w, e }
}

/// Proves `i` with the KZG polynomials `polys` (normally `[W, E]`).
fn prove(f: &Fixture, i: &Instance, rng: &mut ChaCha20Rng) -> sidecar_pcd::Result<L1Proof> {
    let check = RelaxedCheck::new(
        &f.r1cs,
        i.u,
        i.x.clone(),
        i.w.clone(),
        i.e.clone(),
        Fr::zero(),
    );
    let polys = check.polys();
    prove_l1(
        &Cpu::new(),
        &f.key,
        &f.kzg,
        &polys,
        &polys.concat(),
        &check.statement(),
        |zeta| RelaxedCheck::new(&f.r1cs, i.u, i.x.clone(), i.w.clone(), i.e.clone(), zeta),
        rng,
    )
}

#[test]
fn honest_relaxed_instances_are_decided() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let f = fixture(&mut rng);
    for _ in 0..2 {
        let i = random_instance(&f, &mut rng);
        let p = prove(&f, &i, &mut rng).unwrap();
        assert!(p.verify(&f.vk, &f.kzg.verifier()).unwrap());
    }
    // The circuit's own satisfying assignment, as a fresh instance (u = 1): its error is zero.
    let z = assignment(Synthetic::new(120, 3, 1), &f.r1cs).unwrap();
    let l = f.r1cs.num_instance as usize;
    let (x, w) = (z[1..l].to_vec(), z[l..].to_vec());
    let e = relaxed_error(&f.r1cs, Fr::one(), &x, &w).unwrap();
    assert!(e.iter().all(Fr::is_zero));
    let p = prove(
        &f,
        &Instance {
            u: Fr::one(),
            x,
            w,
            e,
        },
        &mut rng,
    )
    .unwrap();
    assert!(p.verify(&f.vk, &f.kzg.verifier()).unwrap());
}

#[test]
fn soundness_an_unsatisfied_accumulator_is_not_decided() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let f = fixture(&mut rng);
    let honest = random_instance(&f, &mut rng);
    // E off in one entry: the relaxed relation fails, and the prover refuses before any group operation.
    let mut bad = Instance {
        u: honest.u,
        x: honest.x.clone(),
        w: honest.w.clone(),
        e: honest.e.clone(),
    };
    bad.e[7] += Fr::one();
    let refused = prove(&f, &bad, &mut rng).unwrap_err().to_string();
    assert!(refused.contains("does not satisfy"), "{refused}");
    // A proof for the satisfying error, shown against the commitment to the bad one, is rejected.
    let good = prove(&f, &honest, &mut rng).unwrap();
    let bad_commitment = f.kzg.commit(&bad.e).unwrap();
    let forged = L1Proof {
        commitments: vec![good.commitments[0], bad_commitment],
        ..good.clone()
    };
    assert!(!forged.verify(&f.vk, &f.kzg.verifier()).unwrap());
    // Another u or another x under the same proof is rejected.
    for k in 0..good.statement.len() {
        let mut p = good.clone();
        p.statement[k] += Fr::one();
        assert!(
            !p.verify(&f.vk, &f.kzg.verifier()).unwrap(),
            "statement {k}"
        );
    }
}
