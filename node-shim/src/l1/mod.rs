//! The L1 seen by the node shim: one synchronous trait, [`L1`], with two implementations.
//!
//! * [`Devchain`]: an embedded EVM (revm) that mines one block per transaction, with increasing timestamps and a
//!   fresh prevrandao per block, receipts, logs and nonces. Default; no external process.
//! * [`RpcL1`]: any JSON-RPC node through alloy (tests start anvil from node_modules on 127.0.0.1).
//!
//! Both simulate a transaction before mining it: a transaction that would revert returns
//! [`L1Error::Reverted`](crate::L1Error::Reverted) and is not mined, so the two behave alike.

mod anvil;
mod devchain;
mod rpc;

pub use anvil::{AnvilProcess, anvil_binary, anvil_default_keys};
pub use devchain::Devchain;
pub use rpc::RpcL1;

use crate::error::L1Result;
use alloy::primitives::{Address, B256, Bytes, Log, U256};
use alloy::signers::local::PrivateKeySigner;

/// A funded L1 account whose key the shim holds (to send transactions and sign prover commitments).
#[derive(Clone, Debug)]
pub struct Account {
    pub address: Address,
    pub signer: PrivateKeySigner,
}

/// Header fields of a mined L1 block that the protocol reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockInfo {
    pub number: u64,
    pub timestamp: u64,
    /// `block.prevrandao` (the beacon chain's RANDAO mix) of this block.
    pub prevrandao: B256,
}

/// Receipt of a mined, successful transaction.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub tx_hash: B256,
    pub block_number: u64,
    pub gas_used: u64,
    /// Wei paid for gas (`gas_used * effective_gas_price`); zero on the devchain.
    pub fee: U256,
    pub contract_address: Option<Address>,
    pub logs: Vec<Log>,
}

/// An Ethereum L1 as the shim needs it. Block numbers drive the protocol's windows; every successful transaction is
/// mined in its own new block (automine).
pub trait L1 {
    /// Human-readable description (implementation and endpoint).
    fn describe(&self) -> String;
    fn chain_id(&self) -> u64;
    /// Funded accounts with keys, in a fixed order.
    fn accounts(&self) -> &[Account];
    /// Deploys `init_code` (creation bytecode with constructor arguments) from `from`.
    fn deploy(&mut self, from: Address, init_code: Bytes, value: U256) -> L1Result<Receipt>;
    /// Sends a transaction; reverts are reported as errors and not mined.
    fn send(&mut self, from: Address, to: Address, data: Bytes, value: U256) -> L1Result<Receipt>;
    /// Executes a read-only call against the latest block.
    fn call(&self, from: Address, to: Address, data: Bytes) -> L1Result<Bytes>;
    /// Receipt of a mined transaction, if known.
    fn receipt(&self, tx_hash: B256) -> L1Result<Option<Receipt>>;
    /// Number of the latest block.
    fn block_number(&self) -> L1Result<u64>;
    /// Header fields of block `number`.
    fn block(&self, number: u64) -> L1Result<BlockInfo>;
    /// Mines `count` empty blocks.
    fn mine(&mut self, count: u64) -> L1Result<()>;
    /// Adds `seconds` to the timestamp of the next mined block.
    fn advance_time(&mut self, seconds: u64) -> L1Result<()>;
    /// Wei balance of `address` at the latest block.
    fn balance(&self, address: Address) -> L1Result<U256>;

    /// Timestamp of the latest block.
    fn timestamp(&self) -> L1Result<u64> {
        self.block(self.block_number()?).map(|b| b.timestamp)
    }

    /// prevrandao of the latest block.
    fn prevrandao(&self) -> L1Result<B256> {
        self.block(self.block_number()?).map(|b| b.prevrandao)
    }

    /// Mines empty blocks until the latest block number is at least `number`.
    fn mine_to(&mut self, number: u64) -> L1Result<()> {
        let head = self.block_number()?;
        if number > head {
            self.mine(number - head)
        } else {
            Ok(())
        }
    }
}
