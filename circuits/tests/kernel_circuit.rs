//! The public kernel: valid steps satisfy it; skipped calls and wrong storage reads do not.

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sidecar_circuits::indexed::{IndexedLeaf, IndexedTree};
use sidecar_circuits::kernel::{KernelCircuit, KernelState, TreeRead, public_data_key};
use sidecar_circuits::sim::CallView;
use sidecar_circuits::tx::{Contract, PublicCallRequest, Tx};
use sidecar_circuits::vm::examples::{COUNTER, example};
use sidecar_circuits::vm::{VmCircuit, VmOutputs};
use sidecar_circuits::{BlockCircuit, Preset};

/// The public data tree (prefilled as the rollup's) with some entries.
struct Tree {
    tree: IndexedTree,
}

impl Tree {
    fn new(height: usize, entries: &[(Fr, Fr)]) -> Self {
        let mut tree = IndexedTree::new(height, 2);
        let mut leaves: Vec<Option<IndexedLeaf>> = tree.leaves().to_vec();
        let mut all: Vec<IndexedLeaf> = leaves.iter().flatten().copied().collect();
        all.extend(entries.iter().map(|&(key, value)| IndexedLeaf {
            key,
            value,
            ..Default::default()
        }));
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by_key(|&i| all[i].key);
        for w in order.windows(2) {
            all[w[0]].next_key = all[w[1]].key;
            all[w[0]].next_index = w[1] as u64;
        }
        let last = *order.last().unwrap();
        all[last].next_key = Fr::from(0u64);
        all[last].next_index = 0;
        leaves.truncate(0);
        leaves.extend(all.into_iter().map(Some));
        tree = IndexedTree::from_leaves(height, leaves).unwrap();
        Self { tree }
    }

    fn root(&self) -> Fr {
        self.tree.snapshot().root
    }
}

fn satisfied<C: ConstraintSynthesizer<Fr>>(c: C) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    c.generate_constraints(cs.clone()).unwrap();
    cs.is_satisfied().unwrap()
}

struct Setup {
    preset: Preset,
    tree: Tree,
    tx: Tx,
    contracts: Vec<Contract>,
    steps: Vec<KernelCircuit>,
    vms: Vec<VmCircuit>,
}

fn setup(seed: u64) -> Setup {
    let preset = Preset::tiny();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let counter = Contract {
        code: example(COUNTER),
        salt: Fr::from(rng.r#gen::<u64>()),
    };
    let ca = counter.address(&preset).unwrap();
    let tree = Tree::new(
        preset.public_data_height,
        &[
            (Fr::from(rng.r#gen::<u64>()), Fr::from(5u64)),
            (
                public_data_key(ca, Fr::from(0u64)),
                Fr::from(rng.r#gen::<u64>()),
            ),
        ],
    );
    let tx = Tx {
        note_hashes: vec![Fr::from(rng.r#gen::<u64>())],
        nullifiers: vec![Fr::from(rng.r#gen::<u64>())],
        public_calls: vec![
            PublicCallRequest {
                contract: ca,
                calldata: vec![Fr::from(rng.gen_range(1..50u64))],
            },
            PublicCallRequest {
                contract: ca,
                calldata: vec![Fr::from(rng.gen_range(50..100u64))],
            },
        ],
        fee: rng.gen_range(1..1000),
    };
    let mut state = KernelState::init(&preset, &tx, tree.root()).unwrap();
    let contracts = vec![counter.clone(), counter];
    let (mut steps, mut vms) = (vec![], vec![]);
    for (call, c) in tx.public_calls.iter().zip(&contracts) {
        let mut view = CallView {
            tree: &tree.tree,
            contract: call.contract,
            state: &state,
            local: vec![],
            reads: vec![],
        };
        let vm = VmCircuit::execute(&preset, &c.code, &call.calldata, &mut view).unwrap();
        let reads = view.reads;
        let step =
            KernelCircuit::new(&preset, &tx, &state, &c.code, c.salt, &vm.outputs, reads).unwrap();
        state = step.next.clone();
        steps.push(step);
        vms.push(vm);
    }
    Setup {
        preset,
        tree,
        tx,
        contracts,
        steps,
        vms,
    }
}

#[test]
fn kernel_valid_steps_satisfy_and_link() {
    let s = setup(1);
    for (step, vm) in s.steps.iter().zip(&s.vms) {
        let (kp, vp) = (step.public_inputs(), vm.public_inputs());
        assert_eq!(&kp[4..7], &vp[..], "kernel consumes the VM's public inputs");
        assert!(satisfied(step.clone()));
    }
    let (p0, p1) = (s.steps[0].public_inputs(), s.steps[1].public_inputs());
    assert_eq!(p0[2], Fr::from(0u64));
    assert_eq!(p1[2], p0[3], "step 1 continues from step 0");
    assert_eq!(p0[7], Fr::from(0u64));
    assert_eq!(p1[7], s.steps[1].next.effects().hash(&s.preset).unwrap());
    let w = &s.steps[1].next.writes;
    assert_eq!(
        w.len(),
        1,
        "both calls write the same key: one entry, latest value"
    );
    let start = s.steps[0].outputs.accesses[0].value;
    let incs: Vec<Fr> = s.tx.public_calls.iter().map(|c| c.calldata[0]).collect();
    assert_eq!(
        s.steps[1].outputs.accesses[0].value,
        start + incs[0],
        "call 1 reads call 0's write"
    );
    assert_eq!(w[0].1, start + incs[0] + incs[1]);
    assert!(s.tree.root() == p0[1]);
    assert_eq!(s.tx.hash(&s.preset).unwrap(), p0[0]);
}

#[test]
fn kernel_skipping_a_call_fails() {
    let s = setup(2);
    // Call 1 (its VM proof's public inputs) consumed by a step at call index 0.
    let mut skip = s.steps[0].clone();
    skip.calldata_hash = s.vms[1].calldata_hash;
    assert!(!satisfied(skip.clone()));
    skip.calldata_hash = s.vms[0].calldata_hash;
    assert!(satisfied(skip));
    let _ = &s.contracts;
    // A step whose new state jumps two calls ahead.
    let mut jump = s.steps[0].clone();
    jump.next.call_index = 2;
    assert!(!satisfied(jump));
    // Step 1 claiming to start from the initial state (call index 0) is step 0's job.
    let mut replay = s.steps[1].clone();
    replay.prev = s.steps[0].prev.clone();
    assert!(!satisfied(replay));
}

#[test]
fn kernel_wrong_storage_read_fails() {
    let s = setup(3);
    // The first call read the counter from the tree: claim one more.
    let mut wrong = s.steps[0].clone();
    assert!(!wrong.outputs.accesses[0].is_write);
    wrong.outputs.accesses[0].value += Fr::from(1u64);
    assert!(!satisfied(wrong));
    // Claim the existing key is absent (value 0) using a low-leaf "proof".
    let mut absent = s.steps[0].clone();
    absent.outputs.accesses[0].value = Fr::from(0u64);
    // Every leaf below the key is a candidate "low leaf"; none may pass.
    let key = public_data_key(s.tx.public_calls[0].contract, Fr::from(0u64));
    for l in s
        .tree
        .tree
        .leaves()
        .iter()
        .flatten()
        .filter(|l| l.key < key)
    {
        let mut absent = absent.clone();
        let witness = s.tree.tree.membership(l.key).unwrap();
        absent.reads[0] = TreeRead {
            member: false,
            witness,
        };
        assert!(!satisfied(absent));
    }
    // A read after a write in the same tx must see the write, not the tree.
    let mut stale = s.steps[0].clone();
    let write = stale.outputs.accesses[1];
    assert!(write.is_write);
    let old = stale.outputs.accesses[0].value;
    stale
        .outputs
        .accesses
        .push(sidecar_circuits::vm::StorageAccess {
            is_write: false,
            slot: write.slot,
            value: old,
        });
    stale.reads[2] = stale.reads[0].clone();
    assert!(!satisfied(stale.clone()));
    stale.outputs.accesses[2].value = write.value;
    stale.reads[2] = TreeRead::unused(s.preset.public_data_height);
    assert!(satisfied(stale));
}

#[test]
fn kernel_blank_has_the_shape_of_real_witnesses() {
    let s = setup(4);
    let shape = |c: KernelCircuit| {
        let cs = ConstraintSystem::<Fr>::new_ref();
        c.generate_constraints(cs.clone()).unwrap();
        assert!(
            cs.is_satisfied().unwrap(),
            "{:?}",
            cs.which_is_unsatisfied()
        );
        (
            cs.num_constraints(),
            cs.num_instance_variables(),
            cs.num_witness_variables(),
        )
    };
    let blank = shape(KernelCircuit::blank(&s.preset));
    assert_eq!(blank, shape(s.steps[0].clone()));
    assert_eq!(blank, shape(s.steps[1].clone()));
    let _ = VmOutputs::default();
}
