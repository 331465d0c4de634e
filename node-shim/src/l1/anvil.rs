//! Locating and starting anvil (npm `@foundry-rs/anvil`, installed by scripts/node-deps.sh) on 127.0.0.1.

use crate::error::{L1Error, L1Result};
use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::signers::local::PrivateKeySigner;
use std::net::TcpListener;
use std::path::PathBuf;

/// Path of the anvil binary: `$SIDECAR_ANVIL` if set, else the one npm installed under node-shim/node_modules.
/// `None` when it does not exist.
pub fn anvil_binary() -> Option<PathBuf> {
    let path = std::env::var_os("SIDECAR_ANVIL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
        });
    path.is_file().then_some(path)
}

/// A running anvil child process; killed when dropped.
pub struct AnvilProcess {
    instance: AnvilInstance,
}

impl AnvilProcess {
    /// Starts anvil on 127.0.0.1 with a free port, chain id 31337 and `accounts` funded accounts.
    pub fn start(accounts: usize) -> L1Result<Self> {
        let bin = anvil_binary().ok_or_else(|| {
            L1Error::Anvil("binary not found; run scripts/node-deps.sh or set SIDECAR_ANVIL".into())
        })?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| L1Error::Anvil(format!("no free port: {e}")))?
            .port();
        let instance = Anvil::new()
            .path(bin)
            .port(port)
            .chain_id(31337)
            .args([
                "--host",
                "127.0.0.1",
                "--accounts",
                &accounts.to_string(),
                "--balance",
                "1000000",
            ])
            .try_spawn()
            .map_err(|e| L1Error::Anvil(e.to_string()))?;
        Ok(Self { instance })
    }

    /// HTTP endpoint, e.g. `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        self.instance.endpoint()
    }

    /// Keys of the funded accounts, in anvil's order.
    pub fn signers(&self) -> Vec<PrivateKeySigner> {
        self.instance
            .keys()
            .iter()
            .map(|k| PrivateKeySigner::from(k.clone()))
            .collect()
    }
}

/// Keys of anvil's default mnemonic ("test test ... junk"), for connecting to an anvil started elsewhere.
pub fn anvil_default_keys(count: usize) -> L1Result<Vec<PrivateKeySigner>> {
    use alloy::signers::local::{MnemonicBuilder, coins_bip39::English};
    (0..count as u32)
        .map(|i| {
            MnemonicBuilder::<English>::default()
                .phrase("test test test test test test test test test test test junk")
                .index(i)
                .and_then(|b| b.build())
                .map_err(|e| L1Error::Anvil(format!("key derivation: {e}")))
        })
        .collect()
}
