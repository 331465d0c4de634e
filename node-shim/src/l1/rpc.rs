//! JSON-RPC L1 through alloy. Synchronous facade: every call runs on a private current-thread tokio runtime.

use super::{Account, BlockInfo, L1, Receipt};
use crate::error::{L1Error, L1Result};
use alloy::eips::BlockNumberOrTag;
use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::transports::TransportError;
use tokio::runtime::Runtime;

/// Receipt polling: automining nodes answer at once; others get up to 120 s.
const RECEIPT_POLLS: u32 = 1200;
const RECEIPT_POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(100);

/// An L1 reached over HTTP JSON-RPC, sending from accounts whose keys it holds.
pub struct RpcL1 {
    url: String,
    runtime: Runtime,
    provider: DynProvider,
    chain_id: u64,
    accounts: Vec<Account>,
}

fn rpc_err(e: TransportError) -> L1Error {
    if let Some(payload) = e.as_error_resp()
        && let Some(data) = payload.as_revert_data()
    {
        return L1Error::Reverted {
            reason: format!("0x{}", hex::encode(&data)),
            data,
        };
    }
    L1Error::Rpc(e.to_string())
}

impl RpcL1 {
    /// Connects to `url` and signs with `signers` (at least one).
    pub fn connect(url: &str, signers: Vec<PrivateKeySigner>) -> L1Result<Self> {
        let first = signers
            .first()
            .cloned()
            .ok_or_else(|| L1Error::Rpc("no signing keys given".into()))?;
        let mut wallet = EthereumWallet::from(first);
        for s in signers.iter().skip(1) {
            wallet.register_signer(s.clone());
        }
        let parsed = url
            .parse()
            .map_err(|e| L1Error::Rpc(format!("bad URL {url}: {e}")))?;
        let provider = ProviderBuilder::new()
            .wallet(wallet)
            .connect_http(parsed)
            .erased();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| L1Error::Rpc(format!("tokio runtime: {e}")))?;
        let chain_id = runtime.block_on(provider.get_chain_id()).map_err(rpc_err)?;
        let accounts = signers
            .into_iter()
            .map(|signer| Account {
                address: signer.address(),
                signer,
            })
            .collect();
        Ok(Self {
            url: url.to_string(),
            runtime,
            provider,
            chain_id,
            accounts,
        })
    }

    fn submit(&self, tx: TransactionRequest) -> L1Result<Receipt> {
        let from = tx.from.unwrap_or_default();
        if !self.accounts.iter().any(|a| a.address == from) {
            return Err(L1Error::UnknownAccount(from));
        }
        let receipt = self.runtime.block_on(async {
            // Estimate first: a revert surfaces here, before any filler reserves a nonce for the sender.
            self.provider
                .estimate_gas(tx.clone())
                .await
                .map_err(rpc_err)?;
            let pending = self.provider.send_transaction(tx).await.map_err(rpc_err)?;
            let hash = *pending.tx_hash();
            for _ in 0..RECEIPT_POLLS {
                if let Some(r) = self
                    .provider
                    .get_transaction_receipt(hash)
                    .await
                    .map_err(rpc_err)?
                {
                    return Ok(r);
                }
                tokio::time::sleep(RECEIPT_POLL_INTERVAL).await;
            }
            Err(L1Error::Rpc(format!(
                "no receipt for {hash} after {RECEIPT_POLLS} polls"
            )))
        })?;
        if !receipt.status() {
            return Err(L1Error::Reverted {
                reason: "mined with status 0".into(),
                data: Bytes::new(),
            });
        }
        Ok(convert(&receipt))
    }
}

fn convert(r: &TransactionReceipt) -> Receipt {
    Receipt {
        tx_hash: r.transaction_hash,
        block_number: r.block_number.unwrap_or_default(),
        gas_used: r.gas_used,
        fee: U256::from(r.gas_used) * U256::from(r.effective_gas_price),
        contract_address: r.contract_address,
        logs: r.logs().iter().map(|l| l.inner.clone()).collect(),
    }
}

impl L1 for RpcL1 {
    fn describe(&self) -> String {
        format!("JSON-RPC {} (chain id {})", self.url, self.chain_id)
    }

    fn chain_id(&self) -> u64 {
        self.chain_id
    }

    fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    fn deploy(&mut self, from: Address, init_code: Bytes, value: U256) -> L1Result<Receipt> {
        let tx = TransactionRequest::default()
            .with_from(from)
            .with_deploy_code(init_code)
            .with_value(value);
        self.submit(tx)
    }

    fn send(&mut self, from: Address, to: Address, data: Bytes, value: U256) -> L1Result<Receipt> {
        let tx = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(data)
            .with_value(value);
        self.submit(tx)
    }

    fn call(&self, from: Address, to: Address, data: Bytes) -> L1Result<Bytes> {
        let tx = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(data);
        self.runtime
            .block_on(async { self.provider.call(tx).await })
            .map_err(rpc_err)
    }

    fn receipt(&self, tx_hash: B256) -> L1Result<Option<Receipt>> {
        let r = self
            .runtime
            .block_on(self.provider.get_transaction_receipt(tx_hash))
            .map_err(rpc_err)?;
        Ok(r.as_ref().map(convert))
    }

    fn block_number(&self) -> L1Result<u64> {
        self.runtime
            .block_on(self.provider.get_block_number())
            .map_err(rpc_err)
    }

    fn block(&self, number: u64) -> L1Result<BlockInfo> {
        let block = self
            .runtime
            .block_on(async {
                self.provider
                    .get_block_by_number(BlockNumberOrTag::Number(number))
                    .await
            })
            .map_err(rpc_err)?
            .ok_or(L1Error::NoBlock(number))?;
        Ok(BlockInfo {
            number,
            timestamp: block.header.timestamp,
            prevrandao: block.header.mix_hash,
        })
    }

    fn mine(&mut self, count: u64) -> L1Result<()> {
        if count == 0 {
            return Ok(());
        }
        let params = (format!("{count:#x}"),);
        self.runtime
            .block_on(
                self.provider
                    .raw_request::<_, serde_json::Value>("anvil_mine".into(), params),
            )
            .map(|_| ())
            .map_err(rpc_err)
    }

    fn advance_time(&mut self, seconds: u64) -> L1Result<()> {
        self.runtime
            .block_on(
                self.provider
                    .raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (seconds,)),
            )
            .map(|_| ())
            .map_err(rpc_err)
    }

    fn balance(&self, address: Address) -> L1Result<U256> {
        self.runtime
            .block_on(async { self.provider.get_balance(address).await })
            .map_err(rpc_err)
    }
}
