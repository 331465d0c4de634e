//! The L1->L2 inbox hashes exactly what the circuits hash: `Poseidon2.sol` is rendered from the circuits'
//! parameters, each message's leaf equals `L1ToL2Message::leaf`, each batch's root equals `in_hash` over its
//! leaves (random messages, batches part full, full and overflowing into the next), and only its rollup consumes
//! batches, in order.

use crate::common;

use alloy::primitives::{Address, Bytes, U256};
use alloy::sol_types::{SolConstructor, SolEvent};
use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sidecar_circuits::rollup::{L1ToL2Message, in_hash};
use sidecar_circuits::{Preset, PresetName};
use sidecar_node_shim::contracts::Inbox;
use sidecar_node_shim::contracts::poseidon::{POSEIDON2_PATH, poseidon2_source};
use sidecar_node_shim::contracts::solc::crate_dir;
use sidecar_node_shim::deploy::{send, view};
use sidecar_node_shim::proof::{field_word, fr_from_address, fr_from_word};
use sidecar_node_shim::{Devchain, L1};

#[test]
fn poseidon_contract_is_rendered_from_the_circuit_parameters() {
    let committed = std::fs::read_to_string(crate_dir().join(POSEIDON2_PATH)).unwrap();
    assert!(
        committed == poseidon2_source(),
        "{POSEIDON2_PATH} is stale: cargo run -p sidecar-node-shim --example render_poseidon"
    );
}

struct Setup {
    l1: Devchain,
    inbox: Address,
    /// The deployer, which the inbox takes for its rollup.
    rollup: Address,
    user: Address,
}

fn deploy(capacity: usize, first_batch: u64) -> Setup {
    let mut l1 = Devchain::new(3, 21);
    let rollup = l1.accounts()[0].address;
    let user = l1.accounts()[1].address;
    let args = Inbox::constructorCall {
        capacity_: U256::from(capacity),
        firstBatch: U256::from(first_batch),
    }
    .abi_encode();
    let receipt = l1
        .deploy(
            rollup,
            Bytes::from([&Inbox::BYTECODE[..], &args].concat()),
            U256::ZERO,
        )
        .unwrap();
    Setup {
        l1,
        inbox: receipt.contract_address.unwrap(),
        rollup,
        user,
    }
}

/// Sends a random message from `s.user`; returns (batch, leaf, gas).
fn send_random(s: &mut Setup, rng: &mut ChaCha20Rng) -> (u64, Fr, u64) {
    let m = L1ToL2Message {
        sender: fr_from_address(s.user),
        recipient: Fr::rand(rng),
        content: Fr::rand(rng),
        secret_hash: Fr::rand(rng),
    };
    let call = Inbox::sendMessageCall {
        recipient: field_word(m.recipient),
        content: field_word(m.content),
        secretHash: field_word(m.secret_hash),
    };
    let receipt = send(&mut s.l1, s.user, s.inbox, &call, U256::ZERO).unwrap();
    let ev = receipt
        .logs
        .iter()
        .find_map(|l| Inbox::MessageSent::decode_log_data(&l.data).ok())
        .unwrap();
    let leaf = fr_from_word(ev.leaf.into());
    assert_eq!(leaf, m.leaf(), "the inbox's leaf is the circuits' leaf");
    (ev.batch.to::<u64>(), leaf, receipt.gas_used)
}

fn batch(s: &Setup, n: u64) -> Vec<Fr> {
    let words = view(&s.l1, s.inbox, &Inbox::batchCall { n: U256::from(n) }).unwrap();
    words.iter().map(|w| fr_from_word((*w).into())).collect()
}

fn root(s: &Setup, n: u64) -> Fr {
    fr_from_word(
        view(&s.l1, s.inbox, &Inbox::rootCall { n: U256::from(n) })
            .unwrap()
            .into(),
    )
}

#[test]
fn leaves_and_roots_match_the_circuits_for_every_preset() {
    let mut rng = ChaCha20Rng::seed_from_u64(31);
    for name in PresetName::ALL {
        let preset = Preset::get(name);
        let cap = preset.max_l1_to_l2_msgs_per_block;
        let mut s = deploy(cap, 5);
        assert!(
            batch(&s, 5).is_empty(),
            "the first batch starts sealed and empty"
        );
        assert_eq!(root(&s, 5), in_hash(&preset, &[]).unwrap());
        let n = cap + rng.gen_range(1..=cap);
        let mut sent = Vec::new();
        let mut gas = Vec::new();
        for _ in 0..n {
            let (b, leaf, g) = send_random(&mut s, &mut rng);
            sent.push((b, leaf));
            gas.push(g);
        }
        let first: Vec<Fr> = sent.iter().take(cap).map(|x| x.1).collect();
        let rest: Vec<Fr> = sent.iter().skip(cap).map(|x| x.1).collect();
        assert!(
            sent[..cap].iter().all(|x| x.0 == 6),
            "messages go to batch 6"
        );
        assert!(
            sent[cap..].iter().all(|x| x.0 == 7),
            "a full batch overflows into 7"
        );
        assert_eq!(batch(&s, 6), first);
        assert_eq!(batch(&s, 7), rest);
        assert_eq!(root(&s, 6), in_hash(&preset, &first).unwrap());
        assert_eq!(root(&s, 7), in_hash(&preset, &rest).unwrap());
        println!(
            "{name}: batch of {cap}: sendMessage {}..{} gas",
            gas.iter().min().unwrap(),
            gas.iter().max().unwrap()
        );
    }
}

#[test]
fn only_the_rollup_consumes_batches_in_order() {
    let mut rng = ChaCha20Rng::seed_from_u64(32);
    let preset = Preset::devnet();
    let mut s = deploy(preset.max_l1_to_l2_msgs_per_block, 1);
    let (rollup, user, inbox) = (s.rollup, s.user, s.inbox);
    let (b, leaf, _) = send_random(&mut s, &mut rng);
    assert_eq!(b, 2, "batch 1 is sealed from the start");
    let consume = |n: u64| Inbox::consumeCall { n: U256::from(n) };
    assert!(
        common::reason(send(&mut s.l1, user, inbox, &consume(1), U256::ZERO))
            .starts_with("NotRollup")
    );
    assert!(
        common::reason(send(&mut s.l1, rollup, inbox, &consume(2), U256::ZERO))
            .starts_with("OutOfOrder")
    );
    let r = send(&mut s.l1, rollup, inbox, &consume(1), U256::ZERO).unwrap();
    println!("consume of an empty batch: {} gas", r.gas_used);
    // Consuming batch 1 seals batch 2: a new message joins batch 3.
    let (b3, _, _) = send_random(&mut s, &mut rng);
    assert_eq!(b3, 3);
    let r = send(&mut s.l1, rollup, inbox, &consume(2), U256::ZERO).unwrap();
    let ev = r
        .logs
        .iter()
        .find_map(|l| Inbox::BatchConsumed::decode_log_data(&l.data).ok())
        .unwrap();
    assert_eq!(
        fr_from_word(ev.root.into()),
        in_hash(&preset, &[leaf]).unwrap()
    );
    println!("consume of a batch of 1: {} gas", r.gas_used);
    let too_big = Inbox::sendMessageCall {
        recipient: U256::MAX,
        content: U256::ZERO,
        secretHash: U256::ZERO,
    };
    assert!(
        common::reason(send(&mut s.l1, user, inbox, &too_big, U256::ZERO))
            .starts_with("FieldOutOfRange")
    );
}
