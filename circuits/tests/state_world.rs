//! World state: persistence (reopen and compare, corruption, other preset), forks.

use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sidecar_circuits::effects::{ProcessedTx, PublicDataWrite, TxEffects};
use sidecar_circuits::rollup::{GlobalVariables, build_block};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tx::{PublicCallRequest, Tx};
use sidecar_circuits::{Error, Preset};

fn with_two_blocks(seed: u64) -> WorldState {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut state = WorldState::genesis(&Preset::tiny());
    let key = Fr::rand(&mut rng);
    for block in 1..=2u64 {
        let txs: Vec<ProcessedTx> = (0..3)
            .map(|_| {
                let effects = TxEffects {
                    note_hashes: vec![Fr::rand(&mut rng), Fr::rand(&mut rng)],
                    nullifiers: vec![Fr::rand(&mut rng)],
                    public_data_writes: vec![PublicDataWrite {
                        key,
                        value: Fr::rand(&mut rng),
                    }],
                    fee: rng.gen_range(1..1000),
                };
                let tx = Tx {
                    note_hashes: effects.note_hashes.clone(),
                    nullifiers: effects.nullifiers.clone(),
                    public_calls: vec![PublicCallRequest {
                        contract: Fr::rand(&mut rng),
                        calldata: vec![],
                    }],
                    fee: effects.fee,
                };
                ProcessedTx { tx, effects }
            })
            .collect();
        let global = GlobalVariables {
            block_number: block,
            timestamp: 1000 + block,
            ..Default::default()
        };
        build_block(
            &mut state,
            &txs,
            &[Fr::rand(&mut rng)],
            global,
            Fr::from(9u64),
        )
        .unwrap();
    }
    state
}

#[test]
fn reopen_gives_the_same_state() {
    let state = with_two_blocks(40);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("world.state");
    state.save(&path).unwrap();
    let reopened = WorldState::open(&path, &Preset::tiny()).unwrap();
    assert_eq!(reopened, state);
    assert_eq!(reopened.state_reference(), state.state_reference());
    assert_eq!(reopened.archive_snapshot(), state.archive_snapshot());
    assert_eq!(reopened.last_header, state.last_header);
    assert!(!dir.path().join("world.state.tmp").exists());

    // Saving again over the existing file replaces it.
    let mut more = reopened.fork();
    let global = GlobalVariables {
        block_number: 3,
        ..Default::default()
    };
    build_block(&mut more, &[], &[], global, Fr::from(1u64)).unwrap();
    more.save(&path).unwrap();
    assert_eq!(WorldState::open(&path, &Preset::tiny()).unwrap(), more);
}

#[test]
fn corrupt_truncated_or_foreign_files_are_refused() {
    let state = with_two_blocks(41);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("world.state");
    state.save(&path).unwrap();
    let good = std::fs::read(&path).unwrap();

    let mut rng = ChaCha20Rng::seed_from_u64(41);
    let mut flipped = good.clone();
    let at = rng.gen_range(0..flipped.len());
    flipped[at] ^= 0x10;
    std::fs::write(&path, &flipped).unwrap();
    assert!(matches!(
        WorldState::open(&path, &Preset::tiny()),
        Err(Error::StateFile { .. })
    ));

    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    assert!(matches!(
        WorldState::open(&path, &Preset::tiny()),
        Err(Error::StateFile { .. })
    ));

    std::fs::write(&path, &good).unwrap();
    let err = WorldState::open(&path, &Preset::devnet()).unwrap_err();
    assert!(err.to_string().contains("another preset"), "{err}");

    let missing = WorldState::open(&dir.path().join("absent"), &Preset::tiny());
    assert!(matches!(missing, Err(Error::Io(_))));
}

#[test]
fn fork_is_isolated() {
    let state = with_two_blocks(42);
    let mut fork = state.fork();
    let global = GlobalVariables {
        block_number: 3,
        ..Default::default()
    };
    build_block(&mut fork, &[], &[], global, Fr::from(1u64)).unwrap();
    assert_ne!(fork.archive_snapshot(), state.archive_snapshot());
    assert_eq!(
        state.archive_snapshot().next_index,
        3,
        "genesis and two blocks"
    );
    assert_eq!(fork.archive_snapshot().next_index, 4);
}
