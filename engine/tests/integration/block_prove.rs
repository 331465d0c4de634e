//! Block proving end to end on the `tiny` preset: prove, verify the bundle, tamper with every
//! proof file, reject invalid txs before proving, prove under a tiny memory budget, and rebuild
//! a corrupt cached key.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sidecar_circuits::CircuitKind;
use sidecar_circuits::Preset;
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tree::LinkSet;
use sidecar_engine::block::{
    BlockFile, BlockRequest, Summary, build_tree, partial_dir, prove_block, read_bundle,
    read_manifest, verify_block, verify_bundle, verify_bundle_with,
};
use sidecar_engine::jobs::KeyCache;
use sidecar_engine::{Engine, Error, Family, Machine, Profile};
use sidecar_kernels::Cpu;

const MIB: u64 = 1 << 20;

fn engine(ram_bytes: u64) -> Engine<Cpu> {
    let rt = Profile::load("minimum")
        .unwrap()
        .apply_to(&Machine {
            cores: 2,
            ram_bytes,
        })
        .unwrap();
    Engine::with_runtime(rt, Cpu::new())
}

fn prove(engine: &Engine<Cpu>, keys: &Path, out: &Path, seed: u64) -> Summary {
    let preset = Preset::tiny();
    let mut state = WorldState::genesis(&preset);
    let block = BlockFile::generate(&preset, &state, 4, seed).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let tree = build_tree(&mut state, &block, Fr::rand(&mut rng)).unwrap();
    let req = BlockRequest {
        preset: &preset,
        tree,
        txs: 4,
    };
    let cache = KeyCache::new(keys).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let (proven, summary) = prove_block(engine, &cache, req, out, stop, &mut ()).unwrap();
    verify_block(&proven).expect("the proven block verifies in memory");
    summary
}

/// Public calls of the block `prove` generates for `seed`.
fn calls(seed: u64) -> usize {
    let preset = Preset::tiny();
    let block = BlockFile::generate(&preset, &WorldState::genesis(&preset), 4, seed).unwrap();
    block.txs.iter().map(|t| t.public_calls.len()).sum()
}

/// One proven bundle shared by the tests that only read it.
fn shared() -> &'static (tempfile::TempDir, PathBuf, PathBuf, Summary) {
    static BUNDLE: OnceLock<(tempfile::TempDir, PathBuf, PathBuf, Summary)> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let (keys, out) = (tmp.path().join("keys"), tmp.path().join("bundle"));
        let summary = prove(&engine(64 << 30), &keys, &out, 7);
        (tmp, keys, out, summary)
    })
}

#[test]
fn tiny_block_of_four_txs_proves_and_verifies() {
    let (_, _, out, summary) = shared();
    // A VM proof and a kernel step per public call, 4 bases, 2 merges, 1 root.
    let c = calls(7);
    assert!(c >= 1, "the workload makes public calls");
    assert_eq!(summary.proofs, 2 * c + 4 + 2 + 1);
    let counts: Vec<(CircuitKind, usize)> = summary
        .circuits
        .iter()
        .map(|c| (c.circuit, c.count))
        .collect();
    let want = [
        (CircuitKind::PublicVm, c),
        (CircuitKind::PublicKernel, c),
        (CircuitKind::BaseRollup, 4),
        (CircuitKind::MergeRollup, 2),
        (CircuitKind::RootRollup, 1),
    ];
    for pair in want {
        assert!(counts.contains(&pair), "{counts:?}");
    }
    assert!(
        !partial_dir(out).exists(),
        "the partial folder is renamed into place"
    );
    let report = verify_bundle(out).unwrap();
    assert_eq!(report.proofs, summary.proofs);
    assert!(report.links > 100, "{} linkage checks", report.links);
    let m = read_manifest(out).unwrap();
    assert_eq!(m.nodes.last().unwrap().node.kind, CircuitKind::RootRollup);
    let back = read_bundle(out, None).unwrap();
    assert_eq!(back.calls_per_tx().iter().sum::<usize>(), c);
    assert_eq!(back.proofs.len(), summary.proofs);
    assert!(
        !out.join("l1.json").exists(),
        "no L1 encoding in the bundle"
    );
}

#[test]
fn changing_one_byte_of_any_proof_file_fails_verification() {
    let (_, _, out, _) = shared();
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("copy");
    copy_dir(out, &copy);
    let m = read_manifest(&copy).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let files: Vec<String> = m
        .nodes
        .iter()
        .flat_map(|n| [n.proof.clone(), n.proof_evm.clone()])
        .collect();
    assert_eq!(files.len(), 2 * read_manifest(out).unwrap().nodes.len());
    for f in files {
        let path = copy.join(&f);
        let original = std::fs::read(&path).unwrap();
        let mut bytes = original.clone();
        let i = rng.gen_range(0..bytes.len());
        bytes[i] ^= 1 << rng.gen_range(0..8);
        std::fs::write(&path, &bytes).unwrap();
        assert!(
            verify_bundle(&copy).is_err(),
            "{f}: flipped a bit of byte {i}, still verified"
        );
        std::fs::write(&path, &original).unwrap();
    }
    verify_bundle(&copy).expect("restored bundle verifies again");
}

#[test]
fn trusted_keys_pin_the_bundle_keys() {
    let (_, _, out, _) = shared();
    let trusted = tempfile::tempdir().unwrap();
    copy_dir(&out.join("keys"), trusted.path());
    verify_bundle_with(out, Some(trusted.path())).expect("the bundle's own keys are trusted");
    // A trusted key that differs from the bundle's (here: another circuit's key) rejects it,
    // naming the circuit, though the bundle is consistent with the keys it carries.
    let m = read_manifest(out).unwrap();
    let k = &m.keys[0];
    let vk_file = |kind: CircuitKind| trusted.path().join(format!("{}.vk", kind.name()));
    let other = std::fs::read(vk_file(m.keys[1].circuit)).unwrap();
    std::fs::write(vk_file(k.circuit), &other).unwrap();
    let err = verify_bundle_with(out, Some(trusted.path())).unwrap_err();
    assert!(err.to_string().contains(k.circuit.name()), "{err}");
    std::fs::remove_file(vk_file(k.circuit)).unwrap();
    assert!(
        verify_bundle_with(out, Some(trusted.path())).is_err(),
        "a missing trusted key"
    );
}

#[test]
fn broken_linkage_is_rejected() {
    let (_, _, out, _) = shared();
    let m = read_manifest(out).unwrap();
    let tree: Vec<_> = m.nodes.iter().map(|n| n.node.clone()).collect();
    let links = LinkSet::build(&tree).unwrap();
    let inputs: Vec<Vec<Fr>> = m.nodes.iter().map(|n| n.public_inputs.clone()).collect();
    links.check(&inputs).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for &[a, i, _, _] in links.links.iter().step_by(7) {
        let mut bad = inputs.clone();
        bad[a][i] += Fr::rand(&mut rng);
        assert!(links.check(&bad).is_err(), "node {a} input {i} changed");
    }
    // A tree where a merge takes the same child twice is malformed.
    let mut t = tree.clone();
    let merge = t
        .iter()
        .position(|n| n.kind == CircuitKind::MergeRollup)
        .unwrap();
    t[merge].children[1] = t[merge].children[0];
    assert!(LinkSet::build(&t).is_err());
}

#[test]
fn invalid_tx_is_rejected_by_index_before_proving() {
    let preset = Preset::tiny();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut state = WorldState::genesis(&preset);
    let before = state.clone();
    let mut block = BlockFile::generate(&preset, &state, 4, 5).unwrap();
    block.txs[2].nullifiers = block.txs[1].nullifiers.clone(); // double spend
    match build_tree(&mut state, &block, Fr::from(1u64)) {
        Err(Error::InvalidTx { index: 2, reason }) => assert!(!reason.is_empty()),
        other => panic!("expected tx 2 rejected, got {:?}", other.map(|_| ())),
    }
    assert_eq!(state, before, "a rejected block leaves the state unchanged");
    let mut block = BlockFile::generate(&preset, &state, 4, 6).unwrap();
    let call = block
        .txs
        .iter()
        .find_map(|t| t.public_calls.first().cloned());
    let mut call = call.expect("the workload makes public calls");
    call.contract = Fr::rand(&mut rng); // no such contract
    block.txs[3].public_calls = vec![call];
    assert!(matches!(
        build_tree(&mut state, &block, Fr::from(1u64)),
        Err(Error::InvalidTx { index: 3, .. })
    ));
}

#[test]
fn budgets_set_every_circuits_threads_on_a_tiny_block() {
    // 4 threads; budgets VM 4, kernel 2, rollup 2: every proof 2 threads, two at once.
    let text = include_str!("../../../hardware-profiles/minimum.toml")
        .replace("cores = 16", "cores = 4")
        .replace("[budgets.vm]\ncores = 32", "[budgets.vm]\ncores = 4")
        .replace("[budgets.kernel]\ncores = 8", "[budgets.kernel]\ncores = 2")
        .replace("[budgets.rollup]\ncores = 8", "[budgets.rollup]\ncores = 2");
    let profile = Profile::from_toml(&text, "narrow").unwrap();
    let rt = profile
        .apply_to(&Machine {
            cores: 4,
            ram_bytes: 64 << 30,
        })
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    let summary = prove(
        &Engine::with_runtime(rt, Cpu::new()),
        &tmp.path().join("keys"),
        &out,
        9,
    );
    for c in &summary.circuits {
        assert_eq!(c.threads, 2, "{}", c.circuit);
        assert_eq!(c.budget.threads, 2);
        let family_budget = if c.circuit == CircuitKind::PublicVm {
            4
        } else {
            2
        };
        assert_eq!(c.budget.budget_cores, family_budget);
        assert!(c.cpu_s > 0.0, "{} used CPU time", c.circuit);
        assert_eq!(c.budget.proof_bytes, 128);
        assert!(c.budget.bytes_ok && c.budget.ram_ok == Some(true));
    }
    assert!(summary.max_concurrency <= 2);
    assert!(summary.family_concurrency.values().all(|&n| n <= 2));
    assert!(summary.family_concurrency.contains_key(&Family::Vm));
    verify_bundle(&out).unwrap();
}

#[test]
fn tiny_memory_budget_still_completes_one_job_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    let summary = prove(&engine(2 * MIB), &tmp.path().join("keys"), &out, 9);
    assert!(summary.memory_budget_bytes < 2 * MIB);
    assert_eq!(summary.max_concurrency, 1);
    verify_bundle(&out).unwrap();
}

#[test]
fn corrupt_cached_key_is_regenerated() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    let e = engine(64 << 30);
    prove(&e, &keys, &tmp.path().join("first"), 13);
    let pk = KeyCache::new(&keys)
        .unwrap()
        .key_path("merge-rollup", "tiny");
    let mut bytes = std::fs::read(&pk).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(&pk, &bytes).unwrap();
    let summary = prove(&e, &keys, &tmp.path().join("second"), 14);
    for c in &summary.circuits {
        if c.circuit == CircuitKind::MergeRollup {
            assert!(c.keys.starts_with("rebuilt"), "{}", c.keys);
        } else {
            assert_eq!(c.keys, "hit", "{}", c.circuit.name());
        }
    }
    verify_bundle(&tmp.path().join("second")).unwrap();
}

#[test]
fn a_bundle_is_replaced_and_other_output_refused() {
    let (_, keys, shared_out, _) = shared();
    let preset = Preset::tiny();
    let request = || {
        let mut state = WorldState::genesis(&preset);
        let block = BlockFile::generate(&preset, &state, 2, 21).unwrap();
        let tree = build_tree(&mut state, &block, Fr::from(2u64)).unwrap();
        BlockRequest {
            preset: &preset,
            tree,
            txs: 2,
        }
    };
    let cache = KeyCache::new(keys).unwrap();
    let stop = || Arc::new(AtomicBool::new(false));
    let tmp = tempfile::tempdir().unwrap();
    // A folder holding something else is refused, untouched, before any work.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let err = prove_block(
        &engine(64 << 30),
        &cache,
        request(),
        &other,
        stop(),
        &mut (),
    );
    assert!(matches!(err, Err(Error::OutputExists(_))));
    assert_eq!(
        std::fs::read_to_string(other.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(!partial_dir(&other).exists());
    // An earlier bundle is replaced by the new one (a re-run of the same command succeeds).
    let out = tmp.path().join("bundle");
    copy_dir(shared_out, &out);
    let before = read_manifest(&out).unwrap();
    prove_block(&engine(64 << 30), &cache, request(), &out, stop(), &mut ()).unwrap();
    let after = read_manifest(&out).unwrap();
    assert_ne!(before.nodes.len(), 0);
    assert_eq!(after.txs, 2, "the new block's bundle is in place");
    verify_bundle(&out).unwrap();
    assert!(!tmp.path().join("bundle.replaced").exists());
    assert!(!partial_dir(&out).exists());
}

#[test]
fn interrupt_keeps_a_partial_folder_and_installs_nothing() {
    let (_, keys, _, _) = shared();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    let preset = Preset::tiny();
    let mut state = WorldState::genesis(&preset);
    let block = BlockFile::generate(&preset, &state, 2, 23).unwrap();
    let tree = build_tree(&mut state, &block, Fr::from(3u64)).unwrap();
    let req = BlockRequest {
        preset: &preset,
        tree,
        txs: 2,
    };
    let cache = KeyCache::new(keys).unwrap();
    let stop = Arc::new(AtomicBool::new(true)); // Ctrl-C before the first proof
    match prove_block(&engine(64 << 30), &cache, req, &out, stop, &mut ()) {
        Err(Error::Cancelled {
            done: 0, partial, ..
        }) => {
            assert_eq!(partial, partial_dir(&out));
            assert!(partial.join("keys").is_dir());
        }
        other => panic!("expected an interrupted run, got {:?}", other.map(|_| ())),
    }
    assert!(!out.exists(), "nothing is installed at the output path");
    assert!(verify_bundle(&partial_dir(&out)).is_err());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The native verifier against the forgeries of the soundness review, on the shared bundle.
mod soundness {
    use super::*;
    use sidecar_circuits::rollup::{BasePublicInputs, RootPublicInputs};
    use sidecar_circuits::tree::tree_for_calls;
    use sidecar_engine::block::{Manifest, ManifestNode};

    fn write_manifest(dir: &Path, m: &Manifest) {
        std::fs::write(
            dir.join("manifest.json"),
            serde_json::to_string_pretty(m).unwrap(),
        )
        .unwrap();
    }

    fn copy_of(out: &Path) -> (tempfile::TempDir, PathBuf, Manifest) {
        let tmp = tempfile::tempdir().unwrap();
        let copy = tmp.path().join("copy");
        copy_dir(out, &copy);
        let m = read_manifest(&copy).unwrap();
        (tmp, copy, m)
    }

    /// The old hole: a tx's public execution is dropped from the tree (its VM and kernel proofs
    /// removed, the tx declared without calls), every remaining proof valid on its own. Its base
    /// still says how many calls its tx makes, so the bundle is rejected.
    #[test]
    fn soundness_base_of_a_tx_with_calls_cannot_be_declared_without_them() {
        let (_, _, out, _) = shared();
        let (_tmp, copy, mut m) = copy_of(out);
        let t = m
            .nodes
            .iter()
            .find(|n| n.node.kind == CircuitKind::PublicKernel)
            .and_then(|n| n.node.tx)
            .expect("the workload makes a public call");
        let tree: Vec<_> = m.nodes.iter().map(|n| n.node.clone()).collect();
        let mut calls = sidecar_circuits::tree::calls_per_tx(&tree);
        calls[t] = 0;
        let kept: Vec<ManifestNode> = m
            .nodes
            .iter()
            .filter(|n| n.node.tx != Some(t) || n.node.kind == CircuitKind::BaseRollup)
            .cloned()
            .collect();
        let tree = tree_for_calls(&calls).unwrap();
        assert_eq!(tree.len(), kept.len());
        m.nodes = kept
            .into_iter()
            .zip(tree)
            .map(|(n, node)| ManifestNode { node, ..n })
            .collect();
        write_manifest(&copy, &m);
        let err = verify_bundle(&copy).unwrap_err().to_string();
        assert!(err.contains("declared public calls"), "{err}");
    }

    /// A base proof cannot be reused with another call count or tx hash: its pairing fails.
    #[test]
    fn soundness_base_call_count_and_tx_hash_are_proven_inputs() {
        let (_, _, out, _) = shared();
        for (i, delta) in [
            (BasePublicInputs::NUM_CALLS, Fr::from(1u64)),
            (
                BasePublicInputs::TX_HASH,
                Fr::rand(&mut ChaCha8Rng::seed_from_u64(12)),
            ),
        ] {
            let (_tmp, copy, mut m) = copy_of(out);
            let base = m
                .nodes
                .iter_mut()
                .find(|n| n.node.kind == CircuitKind::BaseRollup)
                .unwrap();
            base.public_inputs[i] += delta;
            write_manifest(&copy, &m);
            assert!(verify_bundle(&copy).is_err(), "base input {i} forged");
        }
    }

    /// The bundle lists the L1→L2 messages it consumes; they must hash to the proven in hash.
    #[test]
    fn soundness_listed_messages_must_be_the_proven_batch() {
        let (_, _, out, _) = shared();
        let (_tmp, copy, mut m) = copy_of(out);
        let root = &m.nodes.last().unwrap().public_inputs;
        assert_eq!(
            root[RootPublicInputs::IN_HASH],
            sidecar_circuits::rollup::in_hash(&Preset::tiny(), &m.l1_to_l2_msgs).unwrap()
        );
        m.l1_to_l2_msgs[0] += Fr::rand(&mut ChaCha8Rng::seed_from_u64(13));
        write_manifest(&copy, &m);
        let err = verify_bundle(&copy).unwrap_err().to_string();
        assert!(err.contains("in hash"), "{err}");
    }
}
