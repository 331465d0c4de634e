//! Base, merge and root rollups at the `tiny` preset: valid witnesses satisfy, targeted wrong
//! witnesses do not, blank circuits have the shape of real ones.

use ark_bn254::Fr;
use ark_ff::UniformRand;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sidecar_circuits::effects::{ProcessedTx, PublicDataWrite, TxEffects};
use sidecar_circuits::rollup::{
    BaseRollupCircuit, BaseRollupWitness, GlobalVariables, MergeRollupCircuit, MergeRollupWitness,
    ProofNode, RootRollupCircuit, build_block, rollup_shape,
};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tx::{PublicCallRequest, Tx};
use sidecar_circuits::{BlockCircuit, Error, Preset};

/// Synthesizes `c`; returns (satisfied, constraints, public inputs as assigned).
fn run<C: ConstraintSynthesizer<Fr>>(c: C) -> (bool, usize, Vec<Fr>) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    c.generate_constraints(cs.clone()).unwrap();
    let n = cs.num_constraints();
    let ok = cs.is_satisfied().unwrap();
    let inst = cs.borrow().unwrap().instance_assignment().unwrap().to_vec();
    (ok, n, inst[1..].to_vec())
}

fn check_valid<C: BlockCircuit>(c: &C) -> usize {
    let (ok, n, inst) = run(c.clone());
    assert!(ok, "{} witness must satisfy", C::KIND.name());
    assert_eq!(
        inst,
        c.public_inputs(),
        "{} public inputs in allocation order",
        C::KIND.name()
    );
    n
}

/// A tx with one public call and random effects (what its kernel would output: a public data
/// write besides its private note hashes and nullifiers).
fn random_tx(rng: &mut ChaCha20Rng, keys: &[Fr]) -> ProcessedTx {
    let effects = TxEffects {
        note_hashes: (0..rng.gen_range(1..=2)).map(|_| Fr::rand(rng)).collect(),
        nullifiers: (0..rng.gen_range(1..=2)).map(|_| Fr::rand(rng)).collect(),
        public_data_writes: vec![PublicDataWrite {
            key: keys[rng.gen_range(0..keys.len())],
            value: Fr::rand(rng),
        }],
        fee: rng.gen_range(1..1_000_000),
    };
    let tx = Tx {
        note_hashes: effects.note_hashes.clone(),
        nullifiers: effects.nullifiers.clone(),
        public_calls: vec![PublicCallRequest {
            contract: Fr::rand(rng),
            calldata: vec![Fr::rand(rng)],
        }],
        fee: effects.fee,
    };
    ProcessedTx { tx, effects }
}

fn setup(seed: u64) -> (ChaCha20Rng, WorldState, Vec<Fr>) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let keys: Vec<Fr> = (0..3).map(|_| Fr::rand(&mut rng)).collect();
    let mut state = WorldState::genesis(&Preset::tiny());
    let txs: Vec<ProcessedTx> = (0..3).map(|_| random_tx(&mut rng, &keys)).collect();
    let global = GlobalVariables {
        block_number: 1,
        ..GlobalVariables::default()
    };
    build_block(&mut state, &txs, &[], global, Fr::from(1u64)).unwrap();
    (rng, state, keys)
}

#[test]
fn base_valid_and_blank_shape() {
    let (mut rng, mut state, keys) = setup(30);
    let tx = random_tx(&mut rng, &keys);
    let w = BaseRollupWitness::build(&mut state, &tx).unwrap();
    assert_eq!(w.effects_hash, tx.effects.hash(&Preset::tiny()).unwrap());
    let n = check_valid(&BaseRollupCircuit { witness: w });
    assert_eq!(n, run(BaseRollupCircuit::blank(&Preset::tiny())).1);
}

#[test]
fn base_rejects_double_spend() {
    let (mut rng, mut state, keys) = setup(31);
    let before = state.fork();
    let tx1 = random_tx(&mut rng, &keys);
    BaseRollupWitness::build(&mut state, &tx1).unwrap();
    let mut tx2 = random_tx(&mut rng, &keys);
    tx2.effects.nullifiers[0] = tx1.effects.nullifiers[0];
    let snapshot = state.partial_reference();
    assert!(matches!(
        BaseRollupWitness::build(&mut state, &tx2),
        Err(Error::DoubleSpend { .. })
    ));
    assert_eq!(
        state.partial_reference(),
        snapshot,
        "rejected tx leaves the state unchanged"
    );

    // A witness for tx2 made against the state before tx1 (where the nullifier was absent),
    // claimed against the state after tx1.
    let mut stale = before.fork();
    let mut w = BaseRollupWitness::build(&mut stale, &tx2).unwrap();
    assert!(
        run(BaseRollupCircuit { witness: w.clone() }).0,
        "valid on its own start state"
    );
    w.start.nullifier = state.partial_reference().nullifier;
    w.nullifier.old = w.start.nullifier;
    assert!(!run(BaseRollupCircuit { witness: w }).0);
}

#[test]
fn base_rejects_wrong_sibling_wrong_root_wrong_effects() {
    let (mut rng, mut state, keys) = setup(32);
    let tx = random_tx(&mut rng, &keys);
    let w = BaseRollupWitness::build(&mut state, &tx).unwrap();

    let mut bad = w.clone();
    let s = rng.gen_range(0..bad.note_hash.path.siblings.len());
    bad.note_hash.path.siblings[s] = Fr::rand(&mut rng);
    assert!(
        !run(BaseRollupCircuit { witness: bad }).0,
        "wrong note hash sibling"
    );

    let mut bad = w.clone();
    bad.nullifier.entries[0].low_path.siblings[2] = Fr::rand(&mut rng);
    assert!(
        !run(BaseRollupCircuit { witness: bad }).0,
        "wrong nullifier low-leaf sibling"
    );

    let mut bad = w.clone();
    bad.end.public_data.root = Fr::rand(&mut rng);
    assert!(
        !run(BaseRollupCircuit { witness: bad }).0,
        "wrong new public data root"
    );

    let mut bad = w.clone();
    bad.end.note_hash.next_index += 1;
    assert!(
        !run(BaseRollupCircuit { witness: bad }).0,
        "wrong new next index"
    );

    let mut bad = w.clone();
    bad.effects.note_hashes[0] = Fr::rand(&mut rng);
    assert!(
        !run(BaseRollupCircuit { witness: bad }).0,
        "effects differ from the insertion"
    );

    let mut bad = w;
    bad.effects_hash = Fr::rand(&mut rng);
    assert!(
        !run(BaseRollupCircuit { witness: bad }).0,
        "wrong effects hash"
    );
}

#[test]
fn merge_valid_and_discontinuous() {
    let (mut rng, mut state, keys) = setup(33);
    let a = BaseRollupWitness::build(&mut state, &random_tx(&mut rng, &keys)).unwrap();
    let b = BaseRollupWitness::build(&mut state, &random_tx(&mut rng, &keys)).unwrap();
    let c = BaseRollupWitness::build(&mut state, &random_tx(&mut rng, &keys)).unwrap();
    let m = MergeRollupWitness::build(a.outputs(), b.outputs()).unwrap();
    assert_eq!(m.outputs().fee, Fr::from(a.effects.fee + b.effects.fee));
    let n = check_valid(&MergeRollupCircuit { witness: m });
    assert_eq!(n, run(MergeRollupCircuit::blank(&Preset::tiny())).1);

    assert!(matches!(
        MergeRollupWitness::build(a.outputs(), c.outputs()),
        Err(Error::Inconsistent(_))
    ));
    let forged = MergeRollupWitness {
        left: a.outputs(),
        right: c.outputs(),
    };
    assert!(
        !run(MergeRollupCircuit { witness: forged }).0,
        "a gap between children"
    );
}

#[test]
fn block_of_three_txs_then_root_checks() {
    let (mut rng, mut state, keys) = setup(34);
    let txs: Vec<ProcessedTx> = (0..3).map(|_| random_tx(&mut rng, &keys)).collect();
    let msgs = [Fr::rand(&mut rng)];
    let prev_archive = state.archive_snapshot();
    let global = GlobalVariables {
        chain_id: Fr::from(31337u64),
        block_number: prev_archive.next_index,
        timestamp: 1_700_000_000,
        coinbase: Fr::rand(&mut rng),
    };
    let prover_id = Fr::rand(&mut rng);
    let block = build_block(&mut state, &txs, &msgs, global, prover_id).unwrap();
    assert_eq!(block.bases.len(), 3);
    assert_eq!(block.merges.len(), 1);
    assert_eq!(
        rollup_shape(block.bases.len()).unwrap().root,
        [ProofNode::Merge(0), ProofNode::Base(2)]
    );
    for b in &block.bases {
        check_valid(&BaseRollupCircuit { witness: b.clone() });
    }
    check_valid(&MergeRollupCircuit {
        witness: block.merges[0].clone(),
    });
    let root = RootRollupCircuit {
        witness: block.root.clone(),
    };
    let n = check_valid(&root);
    assert_eq!(n, run(RootRollupCircuit::blank(&Preset::tiny())).1);
    let pi = root.public_inputs();
    assert_eq!(pi[0], prev_archive.root);
    assert_eq!(pi[1], state.archive_snapshot().root);
    assert_eq!(
        pi[3],
        Fr::from(txs.iter().map(|t| t.effects.fee).sum::<u64>())
    );
    assert_eq!(pi[4], prover_id);
    assert_eq!(
        state.last_header.hash(),
        state.archive.leaf(prev_archive.next_index)
    );

    let mut bad = block.root.clone();
    bad.archive.old.root = Fr::rand(&mut rng);
    assert!(
        !run(RootRollupCircuit { witness: bad }).0,
        "wrong previous archive root"
    );

    let mut bad = block.root.clone();
    bad.header.global.block_number += 1;
    assert!(
        !run(RootRollupCircuit { witness: bad }).0,
        "wrong block number"
    );

    let mut bad = block.root.clone();
    bad.l1_to_l2_msgs[0] = Fr::rand(&mut rng);
    assert!(
        !run(RootRollupCircuit { witness: bad }).0,
        "messages differ from the insertion"
    );

    let mut bad = block.root.clone();
    bad.prev_header.total_fees += Fr::from(1u64);
    assert!(
        !run(RootRollupCircuit { witness: bad }).0,
        "previous header not in the archive"
    );

    let mut bad = block.root.clone();
    bad.right = bad.left;
    assert!(
        !run(RootRollupCircuit { witness: bad }).0,
        "discontinuous children"
    );

    // A second block must build on the new archive; a stale global block number is refused.
    let fresh = [random_tx(&mut rng, &keys)];
    let stale = build_block(&mut state, &fresh, &[], global, prover_id);
    assert!(matches!(stale, Err(Error::Inconsistent(_))));
    let next = GlobalVariables {
        block_number: global.block_number + 1,
        ..global
    };
    let b2 = build_block(
        &mut state,
        &[random_tx(&mut rng, &keys)],
        &[],
        next,
        prover_id,
    )
    .unwrap();
    assert_eq!(b2.bases.len(), 2, "one tx padded with an empty tx");
    check_valid(&RootRollupCircuit { witness: b2.root });
}

#[test]
fn invalid_tx_in_block_leaves_state_unchanged() {
    let (mut rng, mut state, keys) = setup(35);
    let tx = random_tx(&mut rng, &keys);
    let mut dup = random_tx(&mut rng, &keys);
    dup.effects.nullifiers = vec![tx.effects.nullifiers[0]];
    let before = state.clone();
    let global = GlobalVariables {
        block_number: state.archive_snapshot().next_index,
        ..Default::default()
    };
    let err = build_block(&mut state, &[tx, dup], &[], global, Fr::from(7u64)).unwrap_err();
    assert!(matches!(err, Error::InvalidTx { index: 1, .. }), "{err}");
    assert_eq!(state, before);
}
