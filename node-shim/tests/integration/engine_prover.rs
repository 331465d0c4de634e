//! The engine's block prover at `tiny`: blocks chain on archive roots, the header a sequencer
//! reveals is what the proof shows, and a block whose header lies about its body is refused.

use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sidecar_circuits::Preset;
use sidecar_circuits::rollup::in_hash;
use sidecar_engine::{Engine, Machine, Profile};
use sidecar_kernels::Cpu;
use sidecar_node_shim::proof::{RootPublicInputs as R, field_word, fr_from_address};
use sidecar_node_shim::{BlockData, BlockProver, BlockRequest, EngineBlockProver};

fn prover(dir: &std::path::Path) -> EngineBlockProver<Cpu> {
    let rt = Profile::load("minimum")
        .unwrap()
        .apply_to(&Machine {
            cores: 2,
            ram_bytes: 16 << 30,
        })
        .unwrap();
    let engine = Engine::with_runtime(rt, Cpu::new());
    EngineBlockProver::new(
        engine,
        Preset::tiny(),
        &dir.join("keys"),
        &dir.join("bundles"),
    )
    .unwrap()
}

#[test]
fn blocks_chain_and_headers_match_the_proofs() {
    let tmp = tempfile::tempdir().unwrap();
    let p = prover(tmp.path());
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let mut archive = p.genesis_archive();
    for slot in 1..=2u64 {
        let txs = rng.gen_range(2..=3);
        let messages: Vec<Fr> = (0..slot).map(|_| Fr::rand(&mut rng)).collect();
        let data = p
            .build_block(archive, slot, txs, rng.r#gen(), &messages)
            .unwrap();
        let decoded = BlockData::decode(&data).unwrap();
        let h = &decoded.header;
        assert_eq!(h.callsPerTx.len(), txs);
        let prover = Address::from(rng.r#gen::<[u8; 20]>());
        let request = BlockRequest {
            slot,
            prev_archive: archive,
            data: data.clone(),
            prover,
        };
        let proof = p.prove_block(&request).unwrap();
        proof.verify_native(p.verifying_keys()).unwrap();
        assert_eq!(
            proof.calls_per_tx,
            h.callsPerTx
                .iter()
                .map(|c| c.to::<usize>())
                .collect::<Vec<_>>()
        );
        let root = proof.root_inputs().unwrap().to_vec();
        assert_eq!(
            root[R::IN_HASH],
            in_hash(&Preset::tiny(), &messages).unwrap(),
            "the block consumes the given messages"
        );
        assert_eq!(root[0], archive, "built on the previous archive");
        assert_eq!(
            root[4],
            fr_from_address(prover),
            "the requester is the prover id"
        );
        let expected = [
            (2, h.outHash),
            (5, h.inHash),
            (6, h.chainId),
            (7, h.blockNumber),
            (8, h.timestamp),
            (9, h.coinbase),
        ];
        for (i, word) in expected {
            assert_eq!(field_word(root[i]), word, "root input {i}");
        }
        assert_eq!(h.chainId, field_word(p.chain_id()));
        let number = p.genesis_block_number() + slot - 1;
        assert_eq!(h.blockNumber, U256::from(number));
        archive = root[1];
    }
}

#[test]
fn a_lying_header_or_an_unknown_archive_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = prover(tmp.path());
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let genesis = p.genesis_archive();
    let data = p.build_block(genesis, 1, 2, 9, &[]).unwrap();
    let mut lying = BlockData::decode(&data).unwrap();
    lying.header.outHash += U256::from(1u64);
    let request = |data: Vec<u8>, prev_archive: Fr| BlockRequest {
        slot: 1,
        prev_archive,
        data,
        prover: Address::repeat_byte(7),
    };
    let err = p
        .prove_block(&request(lying.encode(), genesis))
        .unwrap_err()
        .to_string();
    assert!(err.contains("header does not match"), "{err}");
    let err = p
        .prove_block(&request(data.clone(), Fr::rand(&mut rng)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no world state"), "{err}");
    let mut garbage = data;
    garbage.truncate(garbage.len() / 2);
    assert!(p.prove_block(&request(garbage, genesis)).is_err());
}
