//! Embedded L1: revm over an in-memory state, one block per transaction (automine).
//!
//! Block n has timestamp `genesis_time + 12 n` (plus any `advance_time`) and prevrandao `keccak256("randao", n)`
//! mixed with the chain's seed. Transactions are executed against the next block's environment, committed only on
//! success, and recorded with their receipts. Gas price and base fee are zero, so balances move by value only.

use super::{Account, BlockInfo, L1, Receipt};
use crate::error::{L1Error, L1Result};
use alloy::primitives::{Address, B256, Bytes, TxKind, U256, keccak256};
use alloy::signers::local::PrivateKeySigner;
use revm::context::result::{ExecutionResult, Output};
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::{DatabaseRef, WrapDatabaseRef};
use revm::state::AccountInfo;
use revm::{Context, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};
use std::collections::HashMap;

/// Per-transaction gas limit (EIP-7825 cap, 2^24).
const TX_GAS_LIMIT: u64 = 16_777_216;
const BLOCK_TIME: u64 = 12;

/// The embedded devchain.
pub struct Devchain {
    db: CacheDB<EmptyDB>,
    chain_id: u64,
    seed: B256,
    blocks: Vec<BlockInfo>,
    pending_time_shift: u64,
    receipts: HashMap<B256, Receipt>,
    accounts: Vec<Account>,
}

impl Devchain {
    /// A chain with `accounts` funded accounts (1,000,000 ETH each) whose keys derive from `seed`.
    pub fn new(accounts: usize, seed: u64) -> Self {
        let seed = keccak256(format!("sidecar-devchain-{seed}"));
        let mut db = CacheDB::new(EmptyDB::new());
        let funded = U256::from(1_000_000u64) * U256::from(10u64).pow(U256::from(18u64));
        let accounts: Vec<Account> = (0..accounts as u64)
            .map(|i| {
                let key = keccak256([seed.as_slice(), &i.to_be_bytes()].concat());
                let signer = PrivateKeySigner::from_bytes(&key)
                    .expect("keccak output is a valid key w.h.p.");
                let address = signer.address();
                db.insert_account_info(address, AccountInfo::from_balance(funded));
                Account { address, signer }
            })
            .collect();
        let genesis = BlockInfo {
            number: 0,
            timestamp: 1_700_000_000,
            prevrandao: Self::randao(seed, 0),
        };
        Self {
            db,
            chain_id: 31337,
            seed,
            blocks: vec![genesis],
            pending_time_shift: 0,
            receipts: HashMap::new(),
            accounts,
        }
    }

    fn randao(seed: B256, number: u64) -> B256 {
        keccak256([seed.as_slice(), b"randao", &number.to_be_bytes()].concat())
    }

    fn head(&self) -> BlockInfo {
        *self.blocks.last().expect("genesis block always exists")
    }

    fn next_block(&self) -> BlockInfo {
        let head = self.head();
        let number = head.number + 1;
        BlockInfo {
            number,
            timestamp: head.timestamp + BLOCK_TIME + self.pending_time_shift,
            prevrandao: Self::randao(self.seed, number),
        }
    }

    fn block_env(&self, block: BlockInfo) -> BlockEnv {
        BlockEnv {
            number: U256::from(block.number),
            timestamp: U256::from(block.timestamp),
            gas_limit: 60_000_000,
            basefee: 0,
            prevrandao: Some(block.prevrandao),
            ..Default::default()
        }
    }

    fn cfg(&self) -> CfgEnv {
        let mut cfg = CfgEnv::default();
        cfg.chain_id = self.chain_id;
        cfg
    }

    fn tx_env(&self, from: Address, kind: TxKind, data: Bytes, value: U256) -> TxEnv {
        let nonce = self
            .db
            .basic_ref(from)
            .ok()
            .flatten()
            .map_or(0, |a| a.nonce);
        TxEnv {
            caller: from,
            kind,
            data,
            value,
            nonce,
            gas_limit: TX_GAS_LIMIT,
            gas_price: 0,
            chain_id: Some(self.chain_id),
            ..Default::default()
        }
    }

    /// Simulates, then (if successful) commits `tx` as the only transaction of a new block.
    fn mine_tx(
        &mut self,
        from: Address,
        kind: TxKind,
        data: Bytes,
        value: U256,
    ) -> L1Result<Receipt> {
        if !self.accounts.iter().any(|a| a.address == from) {
            return Err(L1Error::UnknownAccount(from));
        }
        let block = self.next_block();
        let tx = self.tx_env(from, kind, data.clone(), value);
        let nonce = tx.nonce;
        let (block_env, cfg) = (self.block_env(block), self.cfg());
        let mut evm = Context::mainnet()
            .with_db(&mut self.db)
            .with_block(block_env)
            .with_cfg(cfg)
            .build_mainnet();
        let result = evm
            .transact(tx)
            .map_err(|e| L1Error::InvalidTransaction(e.to_string()))?;
        check(&result.result)?;
        evm.commit(result.state);
        let gas_used = result.result.tx_gas_used();
        let (logs, contract_address) = match result.result {
            ExecutionResult::Success {
                logs,
                output: Output::Create(_, addr),
                ..
            } => (logs, addr),
            ExecutionResult::Success { logs, .. } => (logs, None),
            other => return Err(outcome_error(&other)),
        };
        self.blocks.push(block);
        self.pending_time_shift = 0;
        let tx_hash = keccak256(
            [
                from.as_slice(),
                &nonce.to_be_bytes(),
                &block.number.to_be_bytes(),
                data.as_ref(),
            ]
            .concat(),
        );
        let receipt = Receipt {
            tx_hash,
            block_number: block.number,
            gas_used,
            fee: U256::ZERO,
            contract_address,
            logs,
        };
        self.receipts.insert(tx_hash, receipt.clone());
        Ok(receipt)
    }
}

fn check(result: &ExecutionResult) -> L1Result<()> {
    if result.is_success() {
        Ok(())
    } else {
        Err(outcome_error(result))
    }
}

fn outcome_error(result: &ExecutionResult) -> L1Error {
    match result {
        ExecutionResult::Revert { output, .. } => L1Error::Reverted {
            reason: format!("0x{}", hex::encode(output)),
            data: output.clone(),
        },
        ExecutionResult::Halt { reason, .. } => L1Error::Halted(format!("{reason:?}")),
        ExecutionResult::Success { .. } => L1Error::Halted("unexpected success".into()),
    }
}

impl L1 for Devchain {
    fn describe(&self) -> String {
        format!("embedded revm devchain (chain id {})", self.chain_id)
    }

    fn chain_id(&self) -> u64 {
        self.chain_id
    }

    fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    fn deploy(&mut self, from: Address, init_code: Bytes, value: U256) -> L1Result<Receipt> {
        self.mine_tx(from, TxKind::Create, init_code, value)
    }

    fn send(&mut self, from: Address, to: Address, data: Bytes, value: U256) -> L1Result<Receipt> {
        self.mine_tx(from, TxKind::Call(to), data, value)
    }

    fn call(&self, from: Address, to: Address, data: Bytes) -> L1Result<Bytes> {
        let tx = self.tx_env(from, TxKind::Call(to), data, U256::ZERO);
        let mut evm = Context::mainnet()
            .with_db(WrapDatabaseRef(&self.db))
            .with_block(self.block_env(self.head()))
            .with_cfg(self.cfg())
            .build_mainnet();
        let result = evm
            .transact(tx)
            .map_err(|e| L1Error::InvalidTransaction(e.to_string()))?;
        check(&result.result)?;
        Ok(result.result.output().cloned().unwrap_or_default())
    }

    fn receipt(&self, tx_hash: B256) -> L1Result<Option<Receipt>> {
        Ok(self.receipts.get(&tx_hash).cloned())
    }

    fn block_number(&self) -> L1Result<u64> {
        Ok(self.head().number)
    }

    fn block(&self, number: u64) -> L1Result<BlockInfo> {
        self.blocks
            .get(number as usize)
            .copied()
            .ok_or(L1Error::NoBlock(number))
    }

    fn mine(&mut self, count: u64) -> L1Result<()> {
        for _ in 0..count {
            let block = self.next_block();
            self.blocks.push(block);
            self.pending_time_shift = 0;
        }
        Ok(())
    }

    fn advance_time(&mut self, seconds: u64) -> L1Result<()> {
        self.pending_time_shift += seconds;
        Ok(())
    }

    fn balance(&self, address: Address) -> L1Result<U256> {
        Ok(self
            .db
            .basic_ref(address)
            .ok()
            .flatten()
            .map_or(U256::ZERO, |a| a.balance))
    }
}
