//! Circomlib Poseidon parameters per width, built once and cached.

use std::sync::OnceLock;

use ark_bn254::Fr;

/// Largest number of inputs of one circom Poseidon call (width 13).
pub const MAX_ARITY: usize = 12;

/// Round constants and MDS matrix of one Poseidon instance of width `width = arity + 1`.
#[derive(Debug)]
pub struct PoseidonParams {
    /// State width t.
    pub width: usize,
    /// Full rounds (half before, half after the partial rounds).
    pub full_rounds: usize,
    /// Partial rounds (S-box on the first element only).
    pub partial_rounds: usize,
    /// Round constants, `width` per round, round-major.
    pub ark: Vec<Fr>,
    /// The t×t MDS matrix; new_state[i] = Σ_j mds[i][j]·state[j].
    pub mds: Vec<Vec<Fr>>,
}

impl PoseidonParams {
    /// Total number of rounds.
    pub fn rounds(&self) -> usize {
        self.full_rounds + self.partial_rounds
    }

    /// Whether round `r` applies the S-box to every state element.
    pub fn is_full_round(&self, r: usize) -> bool {
        let half = self.full_rounds / 2;
        r < half || r >= half + self.partial_rounds
    }
}

static CACHE: [OnceLock<PoseidonParams>; MAX_ARITY] = [const { OnceLock::new() }; MAX_ARITY];

/// The parameters for `arity` inputs (width `arity + 1`).
///
/// # Panics
/// If `arity` is outside `1..=12`; callers in this module only pass arities in range.
pub fn params(arity: usize) -> &'static PoseidonParams {
    assert!(
        (1..=MAX_ARITY).contains(&arity),
        "Poseidon arity {arity} out of 1..=12"
    );
    CACHE[arity - 1].get_or_init(|| {
        let width = arity + 1;
        let p = light_poseidon::parameters::bn254_x5::get_poseidon_parameters::<Fr>(width as u8)
            .expect("light-poseidon has parameters for every width 2..=13");
        debug_assert_eq!(p.alpha, 5);
        PoseidonParams {
            width: p.width,
            full_rounds: p.full_rounds,
            partial_rounds: p.partial_rounds,
            ark: p.ark,
            mds: p.mds,
        }
    })
}
