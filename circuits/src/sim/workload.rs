//! Seeded workload generator: deploys the example token and counter, funds accounts, and builds
//! valid txs against a world state — or, on request, txs that must be rejected.

use std::collections::BTreeMap;

use ark_bn254::Fr;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::kernel::public_data_key;
use crate::state::WorldState;
use crate::tx::{Contract, ContractRegistry, PublicCallRequest, Tx};
use crate::vm::examples::{COUNTER, TOKEN, example};
use crate::{Preset, Result};

/// Ways a generated tx can be invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// Re-emits a nullifier that is already in the nullifier tree.
    DoubleSpend,
    /// A transfer of more than the sender's balance (the call reverts).
    InsufficientBalance,
    /// A call to an address with no deployed contract.
    UnknownContract,
    /// More nullifiers than the preset allows per tx.
    TooManyNullifiers,
}

/// Generator state: the deployed contracts and the accounts it funds.
pub struct Workload {
    preset: Preset,
    rng: StdRng,
    /// Deployed contracts.
    pub registry: ContractRegistry,
    /// Address of the token.
    pub token: Fr,
    /// Address of the counter.
    pub counter: Fr,
    accounts: Vec<u64>,
}

impl Workload {
    /// Deploys the token and the counter; `accounts` token accounts are numbered `1..=accounts`.
    pub fn new(preset: &Preset, seed: u64, accounts: u64) -> Result<Self> {
        let mut registry = ContractRegistry::default();
        let token = registry.deploy(
            preset,
            Contract {
                code: example(TOKEN),
                salt: Fr::from(1u64),
            },
        )?;
        let counter = registry.deploy(
            preset,
            Contract {
                code: example(COUNTER),
                salt: Fr::from(2u64),
            },
        )?;
        Ok(Self {
            preset: preset.clone(),
            rng: StdRng::seed_from_u64(seed),
            registry,
            token,
            counter,
            accounts: (1..=accounts).collect(),
        })
    }

    fn nullifier(&mut self) -> Fr {
        // Far above the reserved prefill keys.
        Fr::from(self.rng.r#gen::<u64>() | 1 << 63) * Fr::from(self.rng.r#gen::<u64>() | 1)
    }

    fn balances(&self, state: &WorldState) -> BTreeMap<u64, u64> {
        self.accounts
            .iter()
            .map(|&a| {
                let v = state
                    .public_data
                    .get(public_data_key(self.token, Fr::from(a)))
                    .unwrap_or_default();
                let limbs = ark_ff::PrimeField::into_bigint(v).0;
                (a, limbs[0])
            })
            .collect()
    }

    fn call(&self, contract: Fr, calldata: &[u64]) -> PublicCallRequest {
        PublicCallRequest {
            contract,
            calldata: calldata.iter().map(|&x| Fr::from(x)).collect(),
        }
    }

    /// One mint per account (each consuming a fresh nullifier).
    pub fn funding_txs(&mut self, amount: u64) -> Vec<Tx> {
        let accounts = self.accounts.clone();
        accounts
            .into_iter()
            .map(|a| {
                let n = self.nullifier();
                let mut call = self.call(self.token, &[1, a, amount]);
                call.calldata.push(n);
                Tx {
                    note_hashes: vec![],
                    nullifiers: vec![self.nullifier()],
                    public_calls: vec![call],
                    fee: 1,
                }
            })
            .collect()
    }

    /// `n` valid txs against `state`, mixing private-only txs, counter increments and token
    /// transfers within the senders' balances (tracked across the generated txs).
    pub fn valid_txs(&mut self, state: &WorldState, n: usize) -> Vec<Tx> {
        let mut balances = self.balances(state);
        (0..n)
            .map(|_| {
                let mut tx = Tx {
                    note_hashes: vec![Fr::from(self.rng.r#gen::<u64>())],
                    nullifiers: vec![self.nullifier()],
                    public_calls: vec![],
                    fee: self.rng.gen_range(1..100),
                };
                let funded: Vec<u64> = balances
                    .iter()
                    .filter(|(_, b)| **b > 0)
                    .map(|(a, _)| *a)
                    .collect();
                match self.rng.gen_range(0..3) {
                    0 => {}
                    1 => {
                        let inc = self.rng.gen_range(1..10);
                        tx.public_calls.push(self.call(self.counter, &[inc]));
                    }
                    _ if funded.is_empty() => {}
                    _ => {
                        let from = funded[self.rng.gen_range(0..funded.len())];
                        let to = self.accounts[self.rng.gen_range(0..self.accounts.len())];
                        let amount = self.rng.gen_range(1..=balances[&from]);
                        *balances.get_mut(&from).expect("funded") -= amount;
                        *balances.get_mut(&to).expect("account") += amount;
                        tx.public_calls
                            .push(self.call(self.token, &[0, from, to, amount]));
                    }
                }
                tx
            })
            .collect()
    }

    /// A tx that the simulator must reject for reason `kind`.
    pub fn invalid_tx(&mut self, state: &WorldState, kind: Invalid) -> Tx {
        let mut tx = self.valid_txs(state, 1).remove(0);
        tx.public_calls.clear();
        match kind {
            Invalid::DoubleSpend => {
                let spent = state
                    .nullifier
                    .leaves()
                    .iter()
                    .flatten()
                    .map(|l| l.key)
                    .max()
                    .expect("prefilled");
                tx.nullifiers.push(spent);
            }
            Invalid::InsufficientBalance => {
                let (from, bal) = self.balances(state).into_iter().next().expect("an account");
                tx.public_calls
                    .push(self.call(self.token, &[0, from, from + 1, bal + 1]));
            }
            Invalid::UnknownContract => {
                tx.public_calls.push(self.call(self.counter, &[1]));
                tx.public_calls[0].contract += Fr::from(1u64);
            }
            Invalid::TooManyNullifiers => {
                while tx.nullifiers.len() <= self.preset.max_nullifiers_per_tx {
                    let n = self.nullifier();
                    tx.nullifiers.push(n);
                }
            }
        }
        tx
    }
}
