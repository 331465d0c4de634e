//! A stand-in decider for contract tests: the decider's proof shape (`sidecar_pcd::L1Proof`: two KZG-committed
//! polynomials for the folded witness `W` and error `E`, committed again in a commit-and-prove Groth16 proof and
//! opened at its challenge, one statement input) over a test circuit (`sidecar_groth16::synthetic::Evaluation`) that
//! outputs any given statement. It proves what the real decider proves about the fold, but not that the state is a
//! real root's: contracts checked with it are checked for their own rules, the real decider has its own fixture.

use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sidecar_groth16::synthetic::Evaluation;
use sidecar_groth16::{CommittedKey, CommittedVerifyingKey, PreparedCommittedKey};
use sidecar_kernels::{AnyBackend, Cpu};
use sidecar_pcd::{
    DeciderStatement, FreshInstance, KzgKey, RootFold, RootProof, RunningInstance, Srs,
    fold_challenge, fold_vector, prove_l1,
};

/// Lengths of the two committed polynomials (`W`, `E` of a decider).
pub const LENGTHS: [usize; 2] = [40, 24];

pub struct Fixture {
    pub key: PreparedCommittedKey<Cpu>,
    pub vk: CommittedVerifyingKey,
    pub kzg: KzgKey,
    /// The key's numbers of openings and statement inputs.
    pub shape: (usize, usize),
}

pub fn fixture(seed: u64) -> Fixture {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let k = LENGTHS.iter().sum();
    let key = CommittedKey::generate(Evaluation::shape(&LENGTHS), k, &mut rng).unwrap();
    let prepared = PreparedCommittedKey::new(&Cpu::new(), &key).unwrap();
    let kzg = KzgKey::new(&Srs::dev(64).unwrap(), AnyBackend::Cpu(Cpu::new())).unwrap();
    Fixture {
        vk: prepared.verifying_key().clone(),
        key: prepared,
        kzg,
        shape: (LENGTHS.len(), 1),
    }
}

/// A random root's fold (random accumulator, fresh instance and cross term, each committed) with `state`, and an
/// honest stand-in proof for the folded polynomials and the statement hash `h`.
pub fn root(f: &Fixture, state: Vec<Fr>, rng: &mut ChaCha20Rng) -> RootProof {
    let vector =
        |n: usize, rng: &mut ChaCha20Rng| (0..n).map(|_| Fr::rand(rng)).collect::<Vec<_>>();
    let [nw, ne] = LENGTHS;
    let (w_run, w_new, e_run, t) = (
        vector(nw, rng),
        vector(nw, rng),
        vector(ne, rng),
        vector(ne, rng),
    );
    let running = RunningInstance {
        witness: f.kzg.commit(&w_run).unwrap(),
        error: f.kzg.commit(&e_run).unwrap(),
        u: Fr::rand(rng),
        x: vec![Fr::rand(rng)],
    };
    let fresh = FreshInstance {
        witness: f.kzg.commit(&w_new).unwrap(),
        x: vec![Fr::rand(rng)],
    };
    let cross = f.kzg.commit(&t).unwrap();
    let r = fold_challenge(&running, &fresh, &cross);
    let statement = DeciderStatement {
        r,
        u: running.u,
        x: running.x[0],
        x_u: fresh.x[0],
        witness: running.witness,
        error: running.error,
        state,
    };
    let h = statement.hash();
    let polys = vec![fold_vector(&w_run, &w_new, r), fold_vector(&e_run, &t, r)];
    let proof = prove_l1(
        &Cpu::new(),
        &f.key,
        &f.kzg,
        &polys,
        &polys.concat(),
        &[h],
        |zeta| Evaluation::new(polys.clone(), zeta).with_statement(h),
        rng,
    )
    .unwrap();
    RootProof {
        fold: RootFold {
            running,
            fresh,
            cross,
            statement,
        },
        proof,
    }
}
