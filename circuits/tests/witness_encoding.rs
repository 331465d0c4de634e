//! The witness encoding ([`AnyCircuit::to_bytes`] / [`AnyCircuit::from_bytes`]): every node of
//! a random tiny block round-trips to the same bytes, public inputs and full assignment; hostile
//! bytes (truncated, flipped, trailing, huge length prefixes, wrong header) are errors, never
//! panics or large allocations; and tampering with a decoded witness cannot keep both its
//! public inputs and its satisfiability.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::{One, UniformRand};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sidecar_circuits::indexed::EntryMode;
use sidecar_circuits::rollup::GlobalVariables;
use sidecar_circuits::sim::simulate_block;
use sidecar_circuits::sim::workload::Workload;
use sidecar_circuits::state::WorldState;
use sidecar_circuits::{
    AnyCircuit, CircuitKind, Error, Preset, PresetName, WITNESS_FORMAT_VERSION, WITNESS_MAGIC,
};

/// Records the largest allocation made by the current thread while [`largest_allocation`]
/// watches it (other test threads are not counted).
struct Watch;

thread_local! {
    static LARGEST: Cell<Option<usize>> = const { Cell::new(None) };
}

fn record(size: usize) {
    let _ = LARGEST.try_with(|m| {
        if let Some(max) = m.get() {
            m.set(Some(max.max(size)));
        }
    });
}

// SAFETY: forwards every call to the system allocator unchanged.
unsafe impl GlobalAlloc for Watch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Watch = Watch;

/// `f`'s result and the largest single allocation it made on this thread.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|m| m.set(Some(0)));
    let out = f();
    let max = LARGEST.with(|m| m.replace(None)).unwrap_or(0);
    (out, max)
}

/// Every circuit of a random tiny block whose txs make public calls (VM, kernel, base, merge and
/// root nodes), in node order. Built once per test binary.
fn block() -> &'static [AnyCircuit] {
    static BLOCK: OnceLock<Vec<AnyCircuit>> = OnceLock::new();
    BLOCK.get_or_init(|| {
        let preset = Preset::tiny();
        let mut rng = ChaCha20Rng::seed_from_u64(0x5eed_2024_c0de);
        let mut state = WorldState::genesis(&preset);
        let mut w = Workload::new(&preset, 0x51de_ca75, 3).unwrap();
        let globals = |state: &WorldState, rng: &mut ChaCha20Rng| GlobalVariables {
            chain_id: Fr::rand(rng),
            block_number: state.archive_snapshot().next_index,
            timestamp: rng.gen_range(1_600_000_000..1_800_000_000),
            coinbase: Fr::rand(rng),
        };
        // Fund the accounts, so the second block's transfers and counter calls have state to
        // read and write.
        let funding = w.funding_txs(rng.gen_range(500..5_000));
        let g = globals(&state, &mut rng);
        let prover = Fr::rand(&mut rng);
        simulate_block(&mut state, &w.registry, &funding, &[], g, prover).unwrap();
        let txs = w.valid_txs(&state, 4);
        let msgs = [Fr::rand(&mut rng)];
        let g = globals(&state, &mut rng);
        let prover = Fr::rand(&mut rng);
        let sim = simulate_block(&mut state, &w.registry, &txs, &msgs, g, prover).unwrap();
        let (_, circuits) = sim.into_tree().unwrap().into_parts();
        for kind in CircuitKind::ALL {
            assert!(
                circuits.iter().any(|c| c.kind() == kind),
                "the block has no {kind} node"
            );
        }
        circuits
    })
}

/// One sample circuit of `kind` from the block.
fn sample(kind: CircuitKind) -> &'static AnyCircuit {
    block().iter().find(|c| c.kind() == kind).unwrap()
}

/// What synthesizing a circuit gave: satisfaction, shape and full assignment.
struct Synthesis {
    satisfied: bool,
    constraints: usize,
    instance: Vec<Fr>,
    witness: Vec<Fr>,
}

impl Synthesis {
    /// Constraint count and assignment lengths: what a proving key fixes.
    fn shape(&self) -> (usize, usize, usize) {
        (self.constraints, self.instance.len(), self.witness.len())
    }
}

/// Synthesizes `c`; `None` if synthesis itself fails.
fn synthesize(c: AnyCircuit) -> Option<Synthesis> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    c.generate_constraints(cs.clone()).ok()?;
    Some(Synthesis {
        satisfied: cs.is_satisfied().unwrap(),
        constraints: cs.num_constraints(),
        instance: cs.instance_assignment().unwrap(),
        witness: cs.witness_assignment().unwrap(),
    })
}

fn encoding_error(bytes: &[u8]) -> String {
    match AnyCircuit::from_bytes(bytes) {
        Err(e @ Error::WitnessEncoding(_)) => e.to_string(),
        Err(e) => panic!("not a witness encoding error: {e}"),
        Ok(c) => panic!("decoded a {}", c.kind()),
    }
}

/// Length of the header (magic, version, kind, preset name) of `bytes`.
fn header_len(bytes: &[u8]) -> usize {
    7 + usize::from(bytes[6])
}

#[test]
fn every_node_of_a_random_block_round_trips() {
    for (i, c) in block().iter().enumerate() {
        let bytes = c.to_bytes();
        assert_eq!(bytes[..4], WITNESS_MAGIC);
        assert_eq!(bytes[4], WITNESS_FORMAT_VERSION);
        assert_eq!(usize::from(bytes[5]), c.kind().slot());
        let name: &[u8] = match c.kind() {
            CircuitKind::MergeRollup => b"",
            _ => b"tiny",
        };
        assert_eq!(&bytes[7..header_len(&bytes)], name, "node {i}");

        let back = AnyCircuit::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes, "node {i}: re-encoding differs");
        assert_eq!(back.kind(), c.kind());
        assert_eq!(back.public_inputs(), c.public_inputs(), "node {i}");
        let original = synthesize(c.clone()).unwrap();
        assert!(original.satisfied, "node {i}: the original is unsatisfied");
        let decoded = synthesize(back).unwrap();
        assert!(
            decoded.satisfied,
            "node {i}: the decoded {} is unsatisfied",
            c.kind()
        );
        assert_eq!(decoded.instance, original.instance, "node {i}: instance");
        assert_eq!(decoded.witness, original.witness, "node {i}: witness");
        assert_eq!(decoded.constraints, original.constraints, "node {i}");
    }
}

#[test]
fn blanks_of_every_preset_round_trip() {
    for name in PresetName::ALL {
        let preset = Preset::get(name);
        for kind in CircuitKind::ALL {
            let c = AnyCircuit::blank(kind, &preset);
            let bytes = c.to_bytes();
            let back =
                AnyCircuit::from_bytes(&bytes).unwrap_or_else(|e| panic!("{name} {kind}: {e}"));
            assert_eq!(back.to_bytes(), bytes, "{name} {kind}");
            assert_eq!(back.public_inputs(), c.public_inputs(), "{name} {kind}");
        }
    }
}

#[test]
fn every_truncation_is_an_error() {
    for kind in CircuitKind::ALL {
        let bytes = sample(kind).to_bytes();
        for n in 0..bytes.len() {
            assert!(
                AnyCircuit::from_bytes(&bytes[..n]).is_err(),
                "{kind}: prefix of {n} of {} bytes decoded",
                bytes.len()
            );
        }
    }
}

#[test]
fn a_trailing_byte_is_an_error() {
    for kind in CircuitKind::ALL {
        for extra in [0u8, 1, 0xff] {
            let mut bytes = sample(kind).to_bytes();
            bytes.push(extra);
            assert!(encoding_error(&bytes).contains("trailing"), "{kind}");
        }
    }
}

#[test]
fn random_byte_flips_are_errors_or_canonical_circuits() {
    let mut rng = ChaCha20Rng::seed_from_u64(0xf11b_5eed);
    for kind in CircuitKind::ALL {
        let bytes = sample(kind).to_bytes();
        let blank = synthesize(AnyCircuit::blank(kind, &Preset::tiny())).unwrap();
        let mut synthesized = 0;
        for _ in 0..300 {
            let mut m = bytes.clone();
            for _ in 0..rng.gen_range(1..=3) {
                let i = rng.gen_range(0..m.len());
                m[i] ^= rng.gen_range(1..=255u8);
            }
            let (res, largest) = largest_allocation(|| AnyCircuit::from_bytes(&m));
            assert!(
                largest <= 4 * m.len() + (1 << 16),
                "{kind}: {largest} bytes"
            );
            if let Ok(c) = res {
                // The format is canonical: what decodes re-encodes to the same bytes.
                assert_eq!(c.to_bytes(), m, "{kind}");
                c.public_inputs();
                // A few decodable mutants go through synthesis, which must neither panic nor
                // change the constraint system's shape.
                if synthesized < 2 {
                    let s = synthesize(c).expect("a decoded circuit synthesizes");
                    assert_eq!(s.shape(), blank.shape(), "{kind}");
                    synthesized += 1;
                }
            }
        }
    }
}

#[test]
fn huge_length_prefixes_are_errors_without_allocating() {
    for kind in CircuitKind::ALL {
        let bytes = sample(kind).to_bytes();
        // The first payload field of VM, kernel and base witnesses is a vector.
        if matches!(
            kind,
            CircuitKind::PublicVm | CircuitKind::PublicKernel | CircuitKind::BaseRollup
        ) {
            let at = header_len(&bytes);
            for huge in [u64::MAX, 1 << 40, u64::from(u32::MAX) + 1] {
                let mut m = bytes.clone();
                m[at..at + 8].copy_from_slice(&huge.to_le_bytes());
                let (msg, largest) = largest_allocation(|| encoding_error(&m));
                assert!(msg.contains(&huge.to_string()), "{kind}: {msg}");
                assert!(largest < 1 << 12, "{kind}: allocated {largest} bytes");
            }
        }
        // Anywhere: a huge value over any eight bytes of the payload.
        for at in header_len(&bytes)..=bytes.len() - 8 {
            let mut m = bytes.clone();
            m[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
            let (res, largest) = largest_allocation(|| AnyCircuit::from_bytes(&m));
            assert!(
                largest <= 4 * m.len() + (1 << 16),
                "{kind} at {at}: {largest}"
            );
            if let Ok(c) = res {
                assert_eq!(c.to_bytes(), m);
            }
        }
    }
}

#[test]
fn a_wrong_header_is_an_error() {
    let vm = sample(CircuitKind::PublicVm).to_bytes();
    let merge = sample(CircuitKind::MergeRollup).to_bytes();
    let with = |bytes: &[u8], f: &dyn Fn(&mut Vec<u8>)| {
        let mut m = bytes.to_vec();
        f(&mut m);
        encoding_error(&m)
    };
    assert!(encoding_error(&[]).contains("magic"));
    assert!(with(&vm, &|m| m[0] = b'X').contains("magic"));
    assert!(with(&vm, &|m| m[3] = b'2').contains("magic"));
    for v in [0, WITNESS_FORMAT_VERSION + 1, 0xff] {
        assert!(with(&vm, &|m| m[4] = v).contains("version"));
    }
    for k in [5, 6, 0xff] {
        assert!(with(&vm, &|m| m[5] = k).contains("circuit kind"));
    }
    // A valid kind over another kind's payload.
    for kind in CircuitKind::ALL {
        if kind != CircuitKind::PublicVm {
            with(&vm, &|m| m[5] = kind.slot() as u8);
        }
    }
    let renamed = |bytes: &[u8], name: &[u8]| {
        let mut m = bytes[..6].to_vec();
        m.push(name.len() as u8);
        m.extend(name);
        m.extend(&bytes[header_len(bytes)..]);
        m
    };
    for name in [&b"tinY"[..], b"huge", b"\xff\xfe", b"tiny\0"] {
        assert!(encoding_error(&renamed(&vm, name)).contains("unknown preset"));
    }
    // Another preset's name: the payload does not have its shapes.
    assert!(encoding_error(&renamed(&vm, b"devnet")).contains("the preset has exactly 64"));
    assert!(encoding_error(&renamed(&vm, b"")).contains("needs a preset"));
    assert!(encoding_error(&renamed(&merge, b"tiny")).contains("names no preset"));
    assert!(with(&vm, &|m| m[6] = 200).contains("preset name"));
    assert!(with(&vm, &|m| m.truncate(8)).contains("truncated"));
}

/// Decodes `c`'s encoding, applies `tamper`, and checks the tampered witness still encodes and
/// decodes but is unsatisfiable or has other public inputs than `c`.
fn assert_tamper_detected(c: &AnyCircuit, tamper: impl FnOnce(&mut AnyCircuit)) {
    let mut t = AnyCircuit::from_bytes(&c.to_bytes()).unwrap();
    tamper(&mut t);
    let bytes = t.to_bytes();
    assert_ne!(bytes, c.to_bytes(), "the tampering changed nothing");
    let t = AnyCircuit::from_bytes(&bytes).expect("a tampered value keeps the shape");
    let same_inputs = t.public_inputs() == c.public_inputs();
    assert!(
        !(same_inputs && synthesize(t).is_some_and(|s| s.satisfied)),
        "a tampered {} keeps its public inputs and is satisfied",
        c.kind()
    );
}

fn bump(x: &mut Fr) {
    *x += Fr::one();
}

#[test]
fn soundness_tampered_witness_merkle_paths() {
    let mut rng = ChaCha20Rng::seed_from_u64(0x7a3b_e5e5);
    let base = sample(CircuitKind::BaseRollup);
    let root = sample(CircuitKind::RootRollup);
    for _ in 0..2 {
        let i = rng.gen_range(0..7);
        assert_tamper_detected(base, |c| match c {
            AnyCircuit::Base(b) => bump(&mut b.witness.note_hash.path.siblings[i]),
            _ => unreachable!(),
        });
        assert_tamper_detected(base, |c| match c {
            AnyCircuit::Base(b) => bump(&mut b.witness.nullifier.subtree_path.siblings[i]),
            _ => unreachable!(),
        });
        let i = rng.gen_range(0..6);
        assert_tamper_detected(root, |c| match c {
            AnyCircuit::Root(r) => bump(&mut r.witness.prev_header_path.siblings[i]),
            _ => unreachable!(),
        });
        assert_tamper_detected(root, |c| match c {
            AnyCircuit::Root(r) => bump(&mut r.witness.archive.path.siblings[i]),
            _ => unreachable!(),
        });
    }
}

#[test]
fn soundness_tampered_witness_indexed_low_leaf() {
    let mut rng = ChaCha20Rng::seed_from_u64(0x010e_1eaf);
    let base = block()
        .iter()
        .find(|c| match c {
            AnyCircuit::Base(b) => b.witness.nullifier.entries[0].mode == EntryMode::LowInTree,
            _ => false,
        })
        .expect("a base inserting a nullifier");
    let level = rng.gen_range(0..8);
    assert_tamper_detected(base, |c| match c {
        AnyCircuit::Base(b) => bump(&mut b.witness.nullifier.entries[0].low_path.siblings[level]),
        _ => unreachable!(),
    });
    assert_tamper_detected(base, |c| match c {
        AnyCircuit::Base(b) => bump(&mut b.witness.nullifier.entries[0].low_leaf.next_key),
        _ => unreachable!(),
    });
    assert_tamper_detected(base, |c| match c {
        AnyCircuit::Base(b) => b.witness.nullifier.entries[0].mode = EntryMode::Padding,
        _ => unreachable!(),
    });
}

#[test]
fn soundness_tampered_witness_vm_and_kernel() {
    let mut rng = ChaCha20Rng::seed_from_u64(0x0b5e_55ed);
    let vm = sample(CircuitKind::PublicVm);
    let kernel = sample(CircuitKind::PublicKernel);
    for _ in 0..2 {
        let (t, r) = (
            rng.gen_range(0..32),
            rng.gen_range(0..sidecar_circuits::vm::NUM_REGS),
        );
        assert_tamper_detected(vm, |c| match c {
            AnyCircuit::Vm(v) => bump(&mut v.rows[t].regs[r]),
            _ => unreachable!(),
        });
        let w = rng.gen_range(0..32);
        assert_tamper_detected(vm, |c| match c {
            AnyCircuit::Vm(v) => bump(&mut v.words[w]),
            _ => unreachable!(),
        });
    }
    assert_tamper_detected(kernel, |c| match c {
        AnyCircuit::Kernel(k) => bump(&mut k.salt),
        _ => unreachable!(),
    });
    assert_tamper_detected(kernel, |c| match c {
        AnyCircuit::Kernel(k) => k.tx.fee += 1,
        _ => unreachable!(),
    });
}

/// `c` decoded, changed by `reshape`, re-encoded: decoding must fail with `needle` in the error.
fn assert_shape_refused(c: &AnyCircuit, needle: &str, reshape: impl FnOnce(&mut AnyCircuit)) {
    let mut t = AnyCircuit::from_bytes(&c.to_bytes()).unwrap();
    reshape(&mut t);
    let msg = encoding_error(&t.to_bytes());
    assert!(msg.contains(needle), "{}: {msg}", c.kind());
}

#[test]
fn shapes_the_circuits_assume_are_enforced() {
    let vm = sample(CircuitKind::PublicVm);
    let kernel = sample(CircuitKind::PublicKernel);
    let base = sample(CircuitKind::BaseRollup);
    let root = sample(CircuitKind::RootRollup);
    let x = Fr::from(0x1234_5678_9abc_u64);
    macro_rules! refused {
        ($c:expr, $variant:ident, $needle:expr, |$w:ident| $body:expr) => {
            assert_shape_refused($c, $needle, |c| match c {
                AnyCircuit::$variant($w) => $body,
                _ => unreachable!(),
            })
        };
    }
    refused!(vm, Vm, "33 entries, the preset has exactly 32", |v| v
        .words
        .push(x));
    refused!(vm, Vm, "VM calldata: 3 entries", |v| v.calldata.truncate(3));
    refused!(vm, Vm, "VM rows: 31 entries", |v| v.rows.truncate(31));
    refused!(vm, Vm, "pc 32 outside the bytecode", |v| v.rows[5].pc = 32);
    refused!(vm, Vm, "output nullifiers: 3 entries", |v| v
        .outputs
        .nullifiers
        .extend([x; 3]));
    refused!(kernel, Kernel, "kernel tree reads: 3 entries", |k| k
        .reads
        .truncate(3));
    refused!(kernel, Kernel, "tree read path: 9 entries", |k| k.reads[1]
        .witness
        .path
        .siblings
        .push(x));
    refused!(
        kernel,
        Kernel,
        "index 256 outside a path of height 8",
        |k| k.reads[0].witness.path.index = 256
    );
    refused!(
        kernel,
        Kernel,
        "call index: 3 exceeds the preset's 2",
        |k| k.prev.call_index = 3
    );
    refused!(kernel, Kernel, "tx public calls: 3 entries", |k| {
        let call = k.tx.public_calls[0].clone();
        k.tx.public_calls.extend([call.clone(), call]);
    });
    refused!(kernel, Kernel, "call calldata: 5 entries", |k| k
        .tx
        .public_calls[0]
        .calldata =
        vec![x; 5]);
    refused!(base, Base, "effects note hashes: 1 entries", |b| b
        .witness
        .effects
        .note_hashes
        .truncate(1));
    refused!(
        base,
        Base,
        "tx nullifiers: 3 entries, the preset has at most 2",
        |b| b.witness.tx.nullifiers = vec![x; 3]
    );
    refused!(base, Base, "nullifier batch: 1 entries", |b| b
        .witness
        .nullifier
        .entries
        .truncate(1));
    refused!(
        base,
        Base,
        "entry 1's low leaf is not an earlier entry",
        |b| b.witness.public_data.entries[1].mode = EntryMode::LowInBatch(1)
    );
    refused!(base, Base, "note hash insertion: index 128", |b| b
        .witness
        .note_hash
        .path
        .index =
        128);
    refused!(root, Root, "archive insertion: 2 entries", |r| r
        .witness
        .archive
        .leaves
        .push(x));
    // A root of no built-in preset's shape names no preset.
    refused!(root, Root, "needs a preset", |r| r
        .witness
        .l1_to_l2_msgs
        .push(x));
}

#[test]
fn hostile_vm_values_do_not_panic_synthesis() {
    use sidecar_circuits::vm::{Instruction, Opcode};
    // An `lt` whose operand has all 128 low bits set (no valid trace holds it, synthesis must
    // still finish and be unsatisfied), and a calldata read past the calldata.
    let mut c = AnyCircuit::from_bytes(&sample(CircuitKind::PublicVm).to_bytes()).unwrap();
    let AnyCircuit::Vm(v) = &mut c else {
        unreachable!()
    };
    v.words[0] = Instruction::new(Opcode::Lt, 0, 1, 2, 0).encode().unwrap();
    v.words[1] = Instruction::new(Opcode::Calldata, 0, 0, 0, u64::MAX)
        .encode()
        .unwrap();
    v.rows[0].pc = 0;
    v.rows[0].regs[1] = Fr::from(u128::MAX);
    v.rows[0].regs[2] = -Fr::one();
    v.rows[1].pc = 1;
    let c = AnyCircuit::from_bytes(&c.to_bytes()).unwrap();
    let blank = synthesize(AnyCircuit::blank(CircuitKind::PublicVm, &Preset::tiny())).unwrap();
    let s = synthesize(c).unwrap();
    assert!(!s.satisfied);
    assert_eq!(s.shape(), blank.shape());
}
