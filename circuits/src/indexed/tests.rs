use ark_bn254::Fr;
use ark_ff::{UniformRand, Zero};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::ConstraintSystem;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::Error;
use crate::merkle::{MerklePathVar, TreeSnapshot, TreeSnapshotVar};

const H: usize = 8;
const N: usize = 4;

/// Runs the batch gadget on `w` with the given keys/values and claimed new state.
fn batch_ok(w: &BatchInsertion, allow_update: bool, claimed_new: TreeSnapshot) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let old = TreeSnapshotVar::new_input(cs.clone(), || Ok(w.old)).unwrap();
    let new = TreeSnapshotVar::new_input(cs.clone(), || Ok(claimed_new)).unwrap();
    let keys: Vec<FpVar<Fr>> = w
        .entries
        .iter()
        .map(|e| FpVar::new_witness(cs.clone(), || Ok(e.key)).unwrap())
        .collect();
    let values: Vec<FpVar<Fr>> = w
        .entries
        .iter()
        .map(|e| FpVar::new_witness(cs.clone(), || Ok(e.value)).unwrap())
        .collect();
    let wv = BatchInsertionVar::new_witness(cs.clone(), w, allow_update).unwrap();
    batch_insert_var(&old, &keys, &values, &wv)
        .unwrap()
        .enforce_equal(&new)
        .unwrap();
    cs.is_satisfied().unwrap()
}

fn populated(rng: &mut ChaCha20Rng, batches: usize) -> IndexedTree {
    let mut t = IndexedTree::new(H, N);
    for _ in 0..batches {
        let entries: Vec<(Fr, Fr)> = (0..N).map(|_| (Fr::rand(rng), Fr::zero())).collect();
        t.batch_insert(&entries, false).unwrap();
    }
    t
}

#[test]
fn nullifier_batch_with_in_batch_low_leaf_and_padding() {
    let mut rng = ChaCha20Rng::seed_from_u64(20);
    let mut t = populated(&mut rng, 3);
    let a = Fr::rand(&mut rng);
    let entries = vec![
        (a, Fr::zero()),
        (Fr::rand(&mut rng), Fr::zero()),
        (a + Fr::from(1u64), Fr::zero()),
        (Fr::zero(), Fr::zero()),
    ];
    let w = t.batch_insert(&entries, false).unwrap();
    assert_eq!(w.entries[2].mode, EntryMode::LowInBatch(0));
    assert_eq!(w.entries[3].mode, EntryMode::Padding);
    assert_eq!(w.new, t.snapshot());
    assert!(batch_ok(&w, false, w.new));
    // The same witness with a wrong claimed root fails.
    let mut bad = w.new;
    bad.root += Fr::from(1u64);
    assert!(!batch_ok(&w, false, bad));
    // Sorted-list invariant holds natively.
    for e in entries.iter().filter(|e| !e.0.is_zero()) {
        assert!(t.contains(e.0));
        assert!(t.non_membership(e.0).is_none());
    }
}

#[test]
fn double_spend_is_rejected_natively_and_in_circuit() {
    let mut rng = ChaCha20Rng::seed_from_u64(21);
    let mut t = populated(&mut rng, 2);
    let x = Fr::rand(&mut rng);
    let before = t.clone();
    t.batch_insert(
        &[
            (x, Fr::zero()),
            (Fr::rand(&mut rng), Fr::zero()),
            (Fr::zero(), Fr::zero()),
            (Fr::zero(), Fr::zero()),
        ],
        false,
    )
    .unwrap();

    // Natively: spent nullifier, and a nullifier twice in one tx.
    let again = [
        (x, Fr::zero()),
        (Fr::zero(), Fr::zero()),
        (Fr::zero(), Fr::zero()),
        (Fr::zero(), Fr::zero()),
    ];
    let snapshot = t.snapshot();
    assert!(matches!(
        t.batch_insert(&again, false),
        Err(Error::DoubleSpend { .. })
    ));
    assert_eq!(
        t.snapshot(),
        snapshot,
        "failed batch leaves the tree unchanged"
    );
    let y = Fr::rand(&mut rng);
    let twice = [
        (y, Fr::zero()),
        (y, Fr::zero()),
        (Fr::zero(), Fr::zero()),
        (Fr::zero(), Fr::zero()),
    ];
    assert!(matches!(
        t.clone().batch_insert(&twice, false),
        Err(Error::DoubleSpend { .. })
    ));

    // In circuit: a non-membership witness made before `x` was inserted is stale.
    let mut stale_tree = before.clone();
    stale_tree
        .batch_insert(
            &[
                (Fr::rand(&mut rng), Fr::zero()),
                (Fr::zero(), Fr::zero()),
                (Fr::zero(), Fr::zero()),
                (Fr::zero(), Fr::zero()),
            ],
            false,
        )
        .unwrap();
    let mut forged = stale_tree.clone().batch_insert(&again, false).unwrap();
    forged.old = t.snapshot();
    assert!(!batch_ok(&forged, false, forged.new));
    // In circuit: claiming "update" in the nullifier tree is impossible.
    let upd = t.clone().batch_insert(&again, true).unwrap();
    assert_eq!(upd.entries[0].mode, EntryMode::Update);
    assert!(
        batch_ok(&upd, true, upd.new),
        "as a public data write it is valid"
    );
    assert!(
        !batch_ok(&upd, false, upd.new),
        "as a nullifier it is a double spend"
    );
    // In circuit: the same key twice, the second using the first as its low leaf.
    let mut w = t
        .clone()
        .batch_insert(
            &[
                (y, Fr::zero()),
                (y + Fr::from(1u64), Fr::zero()),
                (Fr::zero(), Fr::zero()),
                (Fr::zero(), Fr::zero()),
            ],
            false,
        )
        .unwrap();
    w.entries[1].key = y;
    assert!(!batch_ok(&w, false, w.new));
}

#[test]
fn public_data_updates_and_inserts() {
    let mut rng = ChaCha20Rng::seed_from_u64(22);
    let mut t = IndexedTree::new(H, N);
    let k1 = Fr::rand(&mut rng);
    let k2 = Fr::rand(&mut rng);
    let w1 = t
        .batch_insert(
            &[
                (k1, Fr::rand(&mut rng)),
                (k2, Fr::rand(&mut rng)),
                (Fr::from(3u64), Fr::rand(&mut rng)),
                (Fr::zero(), Fr::zero()),
            ],
            true,
        )
        .unwrap();
    assert_eq!(
        w1.entries[2].mode,
        EntryMode::Update,
        "prefilled key 3 is updated in place"
    );
    assert!(batch_ok(&w1, true, w1.new));
    let v = Fr::rand(&mut rng);
    let k3 = Fr::rand(&mut rng);
    let w2 = t
        .batch_insert(
            &[
                (k3, Fr::rand(&mut rng)),
                (k1, v),
                (Fr::zero(), Fr::zero()),
                (Fr::zero(), Fr::zero()),
            ],
            true,
        )
        .unwrap();
    assert_eq!(w2.entries[1].mode, EntryMode::Update);
    assert_eq!(t.get(k1), Some(v));
    assert!(batch_ok(&w2, true, w2.new));
    // A write with a different value than witnessed changes the root: mismatch.
    let mut tampered = w2.clone();
    tampered.entries[1].value += Fr::from(1u64);
    assert!(!batch_ok(&tampered, true, w2.new));
    // Twice the same key in one tx.
    let dup = [
        (k2, v),
        (k2, v),
        (Fr::zero(), Fr::zero()),
        (Fr::zero(), Fr::zero()),
    ];
    assert!(matches!(
        t.batch_insert(&dup, true),
        Err(Error::DuplicateWrite { .. })
    ));
}

fn membership_gadgets(root: Fr, key: Fr, w: &LowLeafWitness, member: bool) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let root = FpVar::new_input(cs.clone(), || Ok(root)).unwrap();
    let key = FpVar::new_witness(cs.clone(), || Ok(key)).unwrap();
    let leaf = IndexedLeafVar::new_witness(cs.clone(), || Ok(w.leaf)).unwrap();
    let path = MerklePathVar::new_witness(cs.clone(), || Ok(&w.path)).unwrap();
    if member {
        check_membership_var(&root, &key, &leaf, &path).unwrap();
    } else {
        check_non_membership_var(&root, &key, &leaf, &path).unwrap();
    }
    cs.is_satisfied().unwrap()
}

#[test]
fn membership_and_non_membership() {
    let mut rng = ChaCha20Rng::seed_from_u64(23);
    let t = populated(&mut rng, 4);
    let root = t.snapshot().root;
    let absent = Fr::rand(&mut rng);
    let low = t.non_membership(absent).unwrap();
    assert!(membership_gadgets(root, absent, &low, false));
    let present = t.leaves()[9].unwrap().key;
    let member = t.membership(present).unwrap();
    assert!(membership_gadgets(root, present, &member, true));
    assert!(!membership_gadgets(root, absent, &member, true));
    // Non-membership of an existing key: its predecessor's next_key equals it, so fails; the
    // key's own leaf fails too (low.key < key is false).
    let pred = t
        .leaves()
        .iter()
        .flatten()
        .find(|l| l.next_key == present)
        .unwrap();
    let pred_w = t.membership(pred.key).unwrap();
    assert!(!membership_gadgets(root, present, &pred_w, false));
    assert!(!membership_gadgets(root, present, &member, false));
    // Key 0 (the padding marker) is never provably absent.
    assert!(!membership_gadgets(
        root,
        Fr::zero(),
        &t.membership(Fr::zero()).unwrap(),
        false
    ));
}

#[test]
fn blank_batch_shape_matches_real() {
    let mut rng = ChaCha20Rng::seed_from_u64(24);
    let count = |w: &BatchInsertion| {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let old = TreeSnapshotVar::new_input(cs.clone(), || Ok(w.old)).unwrap();
        let keys: Vec<FpVar<Fr>> = w
            .entries
            .iter()
            .map(|e| FpVar::new_witness(cs.clone(), || Ok(e.key)).unwrap())
            .collect();
        let wv = BatchInsertionVar::new_witness(cs.clone(), w, true).unwrap();
        let _ = batch_insert_var(&old, &keys, &keys, &wv).unwrap();
        cs.num_constraints()
    };
    let mut t = populated(&mut rng, 2);
    let real = t
        .batch_insert(
            &[
                (Fr::rand(&mut rng), Fr::rand(&mut rng)),
                (Fr::from(2u64), Fr::rand(&mut rng)),
                (Fr::rand(&mut rng), Fr::rand(&mut rng)),
                (Fr::zero(), Fr::zero()),
            ],
            true,
        )
        .unwrap();
    assert_eq!(count(&real), count(&IndexedTree::blank_batch(H, N)));
}

/// Walks the linked list from leaf 0: keys strictly increase and every stored key is visited.
fn assert_sorted_list(t: &IndexedTree) {
    let mut index = 0u64;
    let mut visited = 1;
    loop {
        let leaf = t.leaves()[index as usize].unwrap();
        if leaf.next_key.is_zero() {
            break;
        }
        let next = t.leaves()[leaf.next_index as usize].unwrap();
        assert_eq!(next.key, leaf.next_key);
        assert!(leaf.key < next.key);
        index = leaf.next_index;
        visited += 1;
    }
    assert_eq!(visited, t.leaves().iter().flatten().count());
}

#[test]
fn random_batches_keep_the_list_sorted_and_satisfy() {
    let mut rng = ChaCha20Rng::seed_from_u64(25);
    let mut t = IndexedTree::new(H, N);
    // Clustered keys make in-batch low leaves likely; a small pool makes updates likely.
    let base = Fr::rand(&mut rng);
    let pool: Vec<Fr> = (0..12u64).map(|i| base + Fr::from(i * 3)).collect();
    let mut modes = std::collections::HashSet::new();
    for _ in 0..12 {
        let mut keys: Vec<Fr> = Vec::new();
        while keys.len() < N {
            let k = if rng.gen_bool(0.2) {
                Fr::zero()
            } else {
                pool[rng.gen_range(0..pool.len())]
            };
            if k.is_zero() || !keys.contains(&k) {
                keys.push(k);
            }
        }
        let entries: Vec<(Fr, Fr)> = keys.iter().map(|k| (*k, Fr::rand(&mut rng))).collect();
        let w = t.batch_insert(&entries, true).unwrap();
        modes.extend(w.entries.iter().map(|e| core::mem::discriminant(&e.mode)));
        assert!(batch_ok(&w, true, w.new));
        assert_sorted_list(&t);
        for (k, v) in entries.iter().filter(|e| !e.0.is_zero()) {
            assert_eq!(t.get(*k), Some(*v));
        }
    }
    assert_eq!(modes.len(), 4, "every entry mode was exercised");
}
