//! The lifecycle driver: M sequencers and P provers (plus a watcher that records RANDAO, slashes and runs the
//! backup phase) take K consecutive slots through proposal, prover commitment, reveal, proving, submission and
//! finalization on any [`L1`], with optional faults per slot. Each slot yields a [`SlotReport`].

mod messages;
mod slot;

use crate::block_data::BlockHeader;
use crate::contracts::{Rollup, SequencerRegistry};
use crate::deploy::{Deployment, L2Genesis, ProtocolParams, deploy, send, view};
use crate::error::{NodeError, Result};
use crate::faults::Fault;
use crate::l1::{Account, L1, Receipt};
use crate::proof::{BlockProof, fr_from_word};
use crate::prover::{AnyBlockProof, BlockProver};
use crate::report::SlotReport;
use alloy::primitives::{Address, B256, U256, keccak256};
use ark_bn254::Fr;
use std::collections::BTreeMap;

/// Who takes part and for how long.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub sequencers: usize,
    pub provers: usize,
    pub slots: u64,
    pub txs_per_block: usize,
    /// L1->L2 messages the watcher sends to the inbox at the start of each slot (consumed by the next block).
    pub messages_per_slot: usize,
    /// Faults by slot offset (0 = first driven slot).
    pub faults: BTreeMap<u64, Fault>,
    pub seed: u64,
    pub params: ProtocolParams,
}

impl NodeConfig {
    pub fn new(sequencers: usize, provers: usize, slots: u64) -> Self {
        Self {
            sequencers,
            provers,
            slots,
            txs_per_block: 4,
            messages_per_slot: 1,
            faults: BTreeMap::new(),
            seed: 7,
            params: ProtocolParams::for_sequencers(sequencers),
        }
    }

    /// Accounts needed: deployer, watcher, sequencers, provers.
    pub fn accounts_needed(&self) -> usize {
        2 + self.sequencers + self.provers
    }
}

/// A running protocol instance driven over an L1.
pub struct Node<'a> {
    l1: &'a mut dyn L1,
    prover: &'a dyn BlockProver,
    pub config: NodeConfig,
    pub deployment: Deployment,
    pub watcher: Account,
    pub sequencers: Vec<Account>,
    pub provers: Vec<Account>,
    /// First slot in which the registered sequencers are active.
    pub first_slot: u64,
}

impl<'a> Node<'a> {
    /// Deploys the contracts and registers the sequencers (keys = keccak of their address).
    pub fn setup(
        l1: &'a mut dyn L1,
        prover: &'a dyn BlockProver,
        config: NodeConfig,
    ) -> Result<Self> {
        if config.sequencers == 0 || config.provers == 0 {
            return Err(NodeError::Config(
                "need at least one sequencer and one prover".into(),
            ));
        }
        if config.txs_per_block == 0 {
            return Err(NodeError::Config(
                "a block needs at least 1 transaction (one is padded with an empty one)".into(),
            ));
        }
        let accounts = l1.accounts().to_vec();
        if accounts.len() < config.accounts_needed() {
            return Err(NodeError::Config(format!(
                "L1 has {} funded accounts, {} needed",
                accounts.len(),
                config.accounts_needed()
            )));
        }
        let deployer = accounts[0].address;
        let watcher = accounts[1].clone();
        let sequencers = accounts[2..2 + config.sequencers].to_vec();
        let provers = accounts[2 + config.sequencers..config.accounts_needed()].to_vec();
        let deployment = deploy(
            l1,
            deployer,
            &config.params,
            prover.verifying_keys(),
            L2Genesis {
                archive: prover.genesis_archive(),
                block_number: prover.genesis_block_number(),
                chain_id: prover.chain_id(),
                messages_per_block: prover.messages_per_block() as u64,
            },
            prover.decider_key().as_ref(),
        )?;
        for s in &sequencers {
            let key = keccak256(s.address);
            let call = SequencerRegistry::registerCall { key };
            send(
                l1,
                s.address,
                deployment.registry,
                &call,
                config.params.sequencer_stake,
            )?;
        }
        let first_slot = config.params.epoch_slots * config.params.entry_delay_epochs;
        Ok(Self {
            l1,
            prover,
            config,
            deployment,
            watcher,
            sequencers,
            provers,
            first_slot,
        })
    }

    pub fn l1(&mut self) -> &mut dyn L1 {
        self.l1
    }

    /// Workload seed of sequencer `i`'s block in `slot`: distinct per (slot, sequencer), so no two blocks reuse
    /// nullifiers.
    fn block_seed(&self, slot: u64, i: u64) -> u64 {
        let per_slot = self.sequencers.len() as u64;
        self.config
            .seed
            .wrapping_add(slot.wrapping_mul(per_slot).wrapping_add(i))
    }

    fn rollup(&self) -> Address {
        self.deployment.rollup
    }

    fn stage(&self, slot: u64) -> Result<u8> {
        view(
            self.l1,
            self.rollup(),
            &Rollup::stageCall {
                slot: U256::from(slot),
            },
        )
    }

    /// Current archive root held by the rollup.
    pub fn archive(&self) -> Result<Fr> {
        let word = view(self.l1, self.rollup(), &Rollup::archiveCall {})?;
        Ok(fr_from_word(B256::from(word)))
    }

    fn windows(&self, slot: u64) -> Result<(u64, [u64; 5])> {
        let start = view(
            self.l1,
            self.rollup(),
            &Rollup::slotStartCall {
                slot: U256::from(slot),
            },
        )?;
        let w = view(
            self.l1,
            self.rollup(),
            &Rollup::windowsCall {
                slot: U256::from(slot),
            },
        )?;
        Ok((start.to::<u64>(), w.map(|x| x.to::<u64>())))
    }

    /// Runs all configured slots.
    pub fn run(&mut self) -> Result<Vec<SlotReport>> {
        (0..self.config.slots)
            .map(|i| self.run_slot(self.first_slot + i))
            .collect()
    }

    /// Takes `slot` through its lifecycle: [`Node::open_slot`], then [`Node::close_slot`].
    pub fn run_slot(&mut self, slot: u64) -> Result<SlotReport> {
        let (mut report, data) = self.open_slot(slot)?;
        self.close_slot(&mut report, data)?;
        Ok(report)
    }

    /// Mines `finality_depth` blocks and returns each driven slot's confirmation stage.
    pub fn settle(&mut self) -> Result<Vec<(u64, u8)>> {
        let depth = self.config.params.finality_depth;
        let head = self.l1.block_number()?;
        self.l1.mine_to(head + depth)?;
        (0..self.config.slots)
            .map(|i| self.first_slot + i)
            .map(|s| Ok((s, self.stage(s)?)))
            .collect()
    }

    /// Reward-token balance of `who`.
    pub fn reward_balance(&self, who: Address) -> Result<U256> {
        view(
            self.l1,
            self.deployment.token,
            &crate::contracts::RewardToken::balanceOfCall(who),
        )
    }
}

/// The contract's copy of a block header.
pub fn rollup_header(h: &BlockHeader) -> Rollup::BlockHeader {
    Rollup::BlockHeader {
        chainId: h.chainId,
        blockNumber: h.blockNumber,
        timestamp: h.timestamp,
        coinbase: h.coinbase,
        inHash: h.inHash,
        outHash: h.outHash,
        callsPerTx: h.callsPerTx.clone(),
    }
}

/// `submitProof(slot, header, proofs, inputs)` for `proof`.
pub fn submit_call(slot: u64, header: &BlockHeader, proof: &BlockProof) -> Rollup::submitProofCall {
    let enc = proof.encode();
    Rollup::submitProofCall {
        slot: U256::from(slot),
        header: rollup_header(header),
        proofs: enc.proofs,
        inputs: enc.inputs,
    }
}

/// Lands `proof` for `slot`'s revealed `header`, sent by `from` to `rollup`: `submitProof` for a forest,
/// `submitFoldedProof` (with the header's summary) for a folded block.
pub fn submit_proof(
    l1: &mut dyn L1,
    from: Address,
    rollup: Address,
    slot: u64,
    header: &BlockHeader,
    proof: &AnyBlockProof,
) -> Result<Receipt> {
    match proof {
        AnyBlockProof::Forest(p) => {
            send(l1, from, rollup, &submit_call(slot, header, p), U256::ZERO)
        }
        AnyBlockProof::Folded(p) => {
            let call = Rollup::submitFoldedProofCall {
                slot: U256::from(slot),
                header: header.summary(),
                proof: (**p).clone(),
            };
            send(l1, from, rollup, &call, U256::ZERO)
        }
    }
}

/// Lands `proof` of the block `data` for `slot` in the backup phase, sent by `from` to `rollup`: `submitBackup` for a
/// forest, `submitFoldedBackup` for a folded block.
pub fn submit_backup(
    l1: &mut dyn L1,
    from: Address,
    rollup: Address,
    slot: u64,
    data: Vec<u8>,
    proof: &AnyBlockProof,
) -> Result<Receipt> {
    match proof {
        AnyBlockProof::Forest(p) => {
            let enc = p.encode();
            let call = Rollup::submitBackupCall {
                slot: U256::from(slot),
                data: data.into(),
                proofs: enc.proofs,
                inputs: enc.inputs,
            };
            send(l1, from, rollup, &call, U256::ZERO)
        }
        AnyBlockProof::Folded(p) => {
            let call = Rollup::submitFoldedBackupCall {
                slot: U256::from(slot),
                data: data.into(),
                proof: (**p).clone(),
            };
            send(l1, from, rollup, &call, U256::ZERO)
        }
    }
}
