//! One behavioural suite for every L1 implementation: the embedded devchain and anvil over JSON-RPC.

use alloy::primitives::{Address, Bytes, U256, keccak256};
use alloy::sol_types::{SolCall, SolConstructor};
use sidecar_node_shim::contracts::RandaoStore;
use sidecar_node_shim::l1::{AnvilProcess, anvil_binary};
use sidecar_node_shim::{Devchain, L1, L1Error, RpcL1};

fn deploy_randao(l1: &mut dyn L1, from: Address, lag: u64) -> Result<Address, L1Error> {
    let args = RandaoStore::constructorCall {
        lag_: U256::from(lag),
    }
    .abi_encode();
    let code = Bytes::from([RandaoStore::BYTECODE.as_ref(), &args].concat());
    l1.deploy(from, code, U256::ZERO)
        .map(|r| r.contract_address.expect("created"))
}

fn conformance(l1: &mut dyn L1) {
    let accounts = l1.accounts().to_vec();
    assert!(
        accounts.len() >= 3,
        "{} needs funded accounts",
        l1.describe()
    );
    let (a, b) = (accounts[0].address, accounts[1].address);

    let head = l1.block_number().unwrap();
    let store = deploy_randao(l1, a, 1).unwrap();
    assert_eq!(
        l1.block_number().unwrap(),
        head + 1,
        "automine: one block per transaction"
    );
    let other = deploy_randao(l1, a, 2).unwrap();
    assert_ne!(store, other, "nonce advances between deployments");

    let receipt = l1
        .send(
            b,
            store,
            RandaoStore::recordCall {}.abi_encode().into(),
            U256::ZERO,
        )
        .unwrap();
    let mined = l1.block(receipt.block_number).unwrap();
    assert_ne!(
        mined.prevrandao,
        alloy::primitives::B256::ZERO,
        "blocks carry prevrandao"
    );
    assert_eq!(receipt.logs.len(), 1, "RandaoRecorded emitted");
    assert_eq!(receipt.logs[0].address, store);
    let got = l1.call(
        a,
        store,
        RandaoStore::valueAtCall(U256::from(receipt.block_number))
            .abi_encode()
            .into(),
    );
    let got = RandaoStore::valueAtCall::abi_decode_returns(&got.unwrap()).unwrap();
    assert_eq!(
        got,
        U256::from_be_bytes(mined.prevrandao.0),
        "stored value is the block's prevrandao"
    );
    let again = l1
        .receipt(receipt.tx_hash)
        .unwrap()
        .expect("receipt retrievable");
    assert_eq!(
        (again.block_number, again.gas_used),
        (receipt.block_number, receipt.gas_used)
    );

    let err = deploy_randao(l1, a, 0).unwrap_err();
    match err {
        L1Error::Reverted { data, .. } => {
            assert_eq!(
                sidecar_node_shim::contracts::decode_revert(&data),
                "LagTooSmall(LagTooSmall)"
            )
        }
        other => panic!("expected a revert, got {other}"),
    }
    let lagged = l1.call(
        a,
        store,
        RandaoStore::laggedCall {
            blockNumber: U256::from(10_000u64),
        }
        .abi_encode()
        .into(),
    );
    assert!(
        matches!(lagged, Err(L1Error::Reverted { .. })),
        "unrecorded block reverts"
    );

    let before = l1.block_number().unwrap();
    let t0 = l1.timestamp().unwrap();
    l1.mine(3).unwrap();
    assert_eq!(l1.block_number().unwrap(), before + 3);
    l1.advance_time(1000).unwrap();
    l1.mine(1).unwrap();
    assert!(
        l1.timestamp().unwrap() >= t0 + 1000,
        "advance_time moves the clock"
    );

    let fresh = Address::from_slice(&keccak256(l1.describe()).0[..20]);
    let value = U256::from(123_456_789u64);
    let start_b = l1.balance(b).unwrap();
    let r = l1.send(b, fresh, Bytes::new(), value).unwrap();
    assert_eq!(l1.balance(fresh).unwrap(), value);
    assert_eq!(
        l1.balance(b).unwrap(),
        start_b - value - r.fee,
        "sender pays value and fee"
    );
    let stranger = Address::repeat_byte(0x42);
    assert!(matches!(
        l1.send(stranger, fresh, Bytes::new(), value),
        Err(L1Error::UnknownAccount(_))
    ));
}

#[test]
fn devchain_conforms() {
    let mut chain = Devchain::new(4, 1);
    conformance(&mut chain);
}

#[test]
fn anvil_conforms() {
    if anvil_binary().is_none() {
        eprintln!("SKIPPED: anvil binary missing (run scripts/node-deps.sh)");
        return;
    }
    let anvil = AnvilProcess::start(4).expect("anvil starts");
    let mut rpc = RpcL1::connect(&anvil.endpoint(), anvil.signers()).expect("connect to anvil");
    conformance(&mut rpc);
}
