use ark_bn254::Fr;
use ark_ff::UniformRand;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::ConstraintSystem;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::Error;

fn rand_leaves(rng: &mut ChaCha20Rng, n: usize) -> Vec<Fr> {
    (0..n).map(|_| Fr::rand(rng)).collect()
}

#[test]
fn sparse_matches_dense_and_paths_verify() {
    let mut rng = ChaCha20Rng::seed_from_u64(10);
    let leaves = rand_leaves(&mut rng, 13);
    let tree = AppendTree::from_leaves(4, &leaves).unwrap();
    let mut dense = leaves.clone();
    dense.resize(16, Fr::from(0u64));
    assert_eq!(tree.snapshot().root, merkle_root(&dense));
    assert_eq!(tree.snapshot().next_index, 13);
    for i in 0..16u64 {
        assert_eq!(tree.path(i).root(dense[i as usize]), tree.snapshot().root);
    }
    assert_eq!(AppendTree::new(7).snapshot().root, zero_hash(7));
}

#[test]
fn subtree_insertion_errors() {
    let mut t = AppendTree::new(3);
    assert!(matches!(
        t.insert_subtree(&[Fr::from(1u64); 3]),
        Err(Error::SubtreeSize(3))
    ));
    t.append(Fr::from(9u64)).unwrap();
    assert!(matches!(
        t.insert_subtree(&[Fr::from(1u64); 2]),
        Err(Error::UnalignedSubtree {
            next_index: 1,
            size: 2
        })
    ));
    let mut t = AppendTree::new(2);
    t.insert_subtree(&[Fr::from(1u64); 4]).unwrap();
    assert!(matches!(
        t.append(Fr::from(1u64)),
        Err(Error::TreeFull { .. })
    ));
}

/// Allocates the insertion witness and runs the gadget; returns whether the system holds.
fn insertion_satisfied(ins: &SubtreeInsertion, claimed_new: TreeSnapshot) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let old = TreeSnapshotVar::new_input(cs.clone(), || Ok(ins.old)).unwrap();
    let new = TreeSnapshotVar::new_input(cs.clone(), || Ok(claimed_new)).unwrap();
    let leaves: Vec<FpVar<Fr>> = ins
        .leaves
        .iter()
        .map(|l| FpVar::new_witness(cs.clone(), || Ok(*l)).unwrap())
        .collect();
    let path = MerklePathVar::new_witness(cs.clone(), || Ok(&ins.path)).unwrap();
    let out = check_subtree_insertion(&old, &leaves, &path).unwrap();
    out.enforce_equal(&new).unwrap();
    cs.is_satisfied().unwrap()
}

#[test]
fn subtree_insertion_gadget() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let mut t = AppendTree::from_leaves(6, &rand_leaves(&mut rng, 8)).unwrap();
    let ins = t.insert_subtree(&rand_leaves(&mut rng, 4)).unwrap();
    assert_eq!(ins.new, t.snapshot());
    assert!(insertion_satisfied(&ins, ins.new));

    // Wrong claimed new root.
    let mut bad = ins.new;
    bad.root += Fr::from(1u64);
    assert!(!insertion_satisfied(&ins, bad));

    // Wrong sibling in the path.
    let mut wrong_sib = ins.clone();
    let j = rng.gen_range(0..wrong_sib.path.siblings.len());
    wrong_sib.path.siblings[j] = Fr::rand(&mut rng);
    assert!(!insertion_satisfied(&wrong_sib, ins.new));

    // Overwriting an occupied slot: path of an earlier (filled) subtree.
    let mut occupied = ins.clone();
    occupied.path = t.path_from_level_for_test(2, 0);
    occupied.old.next_index = 0;
    assert!(!insertion_satisfied(&occupied, ins.new));
}

#[test]
fn path_gadget_rejects_wrong_sibling() {
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let leaves = rand_leaves(&mut rng, 20);
    let tree = AppendTree::from_leaves(5, &leaves).unwrap();
    let i = rng.gen_range(0..20u64);
    let check = |path: &MerklePath, leaf: Fr| {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let root = FpVar::new_input(cs.clone(), || Ok(tree.snapshot().root)).unwrap();
        let leaf = FpVar::new_witness(cs.clone(), || Ok(leaf)).unwrap();
        let p = MerklePathVar::new_witness(cs.clone(), || Ok(path)).unwrap();
        p.root(&leaf).unwrap().enforce_equal(&root).unwrap();
        cs.is_satisfied().unwrap()
    };
    let path = tree.path(i);
    assert!(check(&path, leaves[i as usize]));
    let mut bad = path.clone();
    bad.siblings[3] += Fr::from(1u64);
    assert!(!check(&bad, leaves[i as usize]));
    let mut moved = path.clone();
    moved.index ^= 1;
    assert!(!check(&moved, leaves[i as usize]));
}
