//! The lifecycle driver: M sequencers and P provers (plus a watcher that records RANDAO, slashes and runs the
//! backup phase) take K consecutive slots through proposal, prover commitment, reveal, proving, submission and
//! finalization on any [`L1`], with optional faults per slot. Each slot yields a [`SlotReport`].

use crate::block_data::{BlockData, BlockHeader};
use crate::contracts::{Inbox, RandaoStore, Rollup, SequencerRegistry};
use crate::deploy::{Deployment, L2Genesis, ProtocolParams, deploy, send, view};
use crate::error::{NodeError, Result};
use crate::faults::{Fault, swap_bases, tamper_proof};
use crate::l1::{Account, L1};
use crate::proof::{BlockProof, field_word, fr_from_word};
use crate::prover::{BlockProver, BlockRequest};
use crate::report::{SlotOutcome, SlotReport};
use alloy::primitives::{Address, B256, U256, keccak256};
use alloy::signers::SignerSync;
use alloy::sol_types::SolEvent;
use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
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
        if config.txs_per_block < 2 {
            return Err(NodeError::Config(
                "a block needs at least 2 transactions".into(),
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

    /// L2 block number the rollup accepts next.
    fn next_block_number(&self) -> Result<u64> {
        Ok(view(self.l1, self.rollup(), &Rollup::nextBlockNumberCall {})?.to::<u64>())
    }

    /// Leaves of the inbox batch the next L2 block consumes (sealed before that block is built).
    pub fn next_batch(&self) -> Result<Vec<Fr>> {
        let n = U256::from(self.next_block_number()?);
        let leaves = view(self.l1, self.deployment.inbox, &Inbox::batchCall { n })?;
        Ok(leaves
            .iter()
            .map(|w| fr_from_word(B256::from(*w)))
            .collect())
    }

    /// The watcher sends `messages_per_slot` L1->L2 messages (seeded recipient, content and secret hash).
    fn send_messages(&mut self, slot: u64, report: &mut SlotReport) -> Result<()> {
        let mut rng = ChaCha20Rng::seed_from_u64(self.config.seed ^ slot.rotate_left(32));
        for _ in 0..self.config.messages_per_slot {
            let call = Inbox::sendMessageCall {
                recipient: field_word(Fr::rand(&mut rng)),
                content: field_word(Fr::rand(&mut rng)),
                secretHash: field_word(Fr::rand(&mut rng)),
            };
            let receipt = send(
                self.l1,
                self.watcher.address,
                self.deployment.inbox,
                &call,
                U256::ZERO,
            )?;
            let sent = receipt
                .logs
                .iter()
                .find_map(|l| Inbox::MessageSent::decode_log_data(&l.data).ok())
                .ok_or_else(|| NodeError::Abi("sendMessage logged no MessageSent".into()))?;
            let batch = sent.batch.to::<u64>();
            report
                .messages_sent
                .push((batch, fr_from_word(B256::from(sent.leaf))));
            report.event(format!(
                "L1->L2 message sent: batch {batch}, leaf {:#x}",
                sent.leaf
            ));
        }
        Ok(())
    }

    /// Records that the block just accepted consumed `batch` with `leaves`.
    fn record_consumed(report: &mut SlotReport, batch: u64, leaves: usize) {
        report.messages_consumed = Some((batch, leaves));
        report.event(format!(
            "consumed {leaves} L1->L2 message(s) of inbox batch {batch}"
        ));
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

    /// RANDAO record, proposals, prover commitment and reveal; returns with the L1 head one block before the
    /// proving window, and the canonical block data if there was a proposal.
    pub fn open_slot(&mut self, slot: u64) -> Result<(SlotReport, Option<Vec<u8>>)> {
        let fault = slot
            .checked_sub(self.first_slot)
            .and_then(|i| self.config.faults.get(&i))
            .copied();
        let mut report = SlotReport::new(slot, fault);
        let (start, w) = self.windows(slot)?;
        let seed_block = start - self.config.params.randao_lag;
        if self.l1.block_number()? >= seed_block {
            return Err(NodeError::Config(format!(
                "slot {slot}: L1 already past its RANDAO block {seed_block}"
            )));
        }
        self.l1.mine_to(seed_block - 1)?;
        send(
            self.l1,
            self.watcher.address,
            self.deployment.randao,
            &RandaoStore::recordCall {},
            U256::ZERO,
        )?;
        self.l1.mine_to(start - 1)?;

        let archive = self.archive()?;
        let messages = self.next_batch()?;
        let blocks: Vec<Vec<u8>> = (0..self.sequencers.len())
            .map(|i| {
                self.prover.build_block(
                    archive,
                    slot,
                    self.config.txs_per_block,
                    self.block_seed(slot, i as u64),
                    &messages,
                )
            })
            .collect::<Result<_>>()?;
        if fault != Some(Fault::NoProposal) {
            for (i, s) in self.sequencers.iter().enumerate() {
                let call = Rollup::proposeCall {
                    slot: U256::from(slot),
                    dataHash: keccak256(&blocks[i]),
                };
                send(
                    self.l1,
                    s.address,
                    self.deployment.rollup,
                    &call,
                    U256::ZERO,
                )?;
            }
            report.stages.push(self.stage(slot)?);
        }
        self.send_messages(slot, &mut report)?;
        self.l1.mine_to(w[0])?;
        let info = view(
            self.l1,
            self.rollup(),
            &Rollup::slotInfoCall {
                slot: U256::from(slot),
            },
        )?;
        let proposer = self
            .sequencers
            .iter()
            .position(|s| s.address == info.proposer);
        let mut data = None;
        if let Some(p) = proposer {
            report.stages.push(self.stage(slot)?);
            report.proposer = Some(info.proposer);
            report.score = Some(info.score);
            report.event(format!(
                "canonical proposal by sequencer #{p} (score {:#x})",
                info.score
            ));
            data = Some(blocks[p].clone());
            if fault != Some(Fault::NoCommitment) {
                self.commit(slot, p, info.dataHash, &mut report)?;
            }
            self.l1.mine_to(w[1] - 1)?;
            if fault == Some(Fault::WithheldData) {
                data = None;
                report.event("the proposer withholds its block data".into());
            } else {
                let call = Rollup::revealCall {
                    slot: U256::from(slot),
                    data: blocks[p].clone().into(),
                };
                send(
                    self.l1,
                    self.sequencers[p].address,
                    self.deployment.rollup,
                    &call,
                    U256::ZERO,
                )?;
                report.stages.push(self.stage(slot)?);
                report.event(format!("block data revealed ({} bytes)", blocks[p].len()));
            }
        } else {
            report.event("no proposal".into());
        }

        self.l1.mine_to(w[2] - 1)?;
        Ok((report, data))
    }

    /// Proof submission (or slashing and the backup phase) and finalization.
    pub fn close_slot(&mut self, report: &mut SlotReport, data: Option<Vec<u8>>) -> Result<()> {
        let (slot, fault) = (report.slot, report.fault);
        let (_, w) = self.windows(slot)?;
        if let (Some(prover), Some(data)) = (report.prover, &data)
            && fault != Some(Fault::MissedDeadline)
        {
            self.prove_and_submit(slot, prover, data, fault, report)?;
        } else {
            self.backup(slot, w[3], data, report)?;
        }
        let finalize = Rollup::finalizeCall {
            slot: U256::from(slot),
        };
        send(
            self.l1,
            self.watcher.address,
            self.deployment.rollup,
            &finalize,
            U256::ZERO,
        )?;
        report.stages.push(self.stage(slot)?);
        report.event("finalized: rewards paid".into());
        Ok(())
    }

    fn commit(
        &mut self,
        slot: u64,
        proposer: usize,
        data_hash: B256,
        report: &mut SlotReport,
    ) -> Result<()> {
        let prover = self.provers[(slot as usize) % self.provers.len()].clone();
        let digest_call = Rollup::commitmentDigestCall {
            slot: U256::from(slot),
            prover: prover.address,
            dataHash: data_hash,
        };
        let digest = view(self.l1, self.rollup(), &digest_call)?;
        let sig = self.sequencers[proposer]
            .signer
            .sign_message_sync(digest.as_slice())
            .map_err(|e| NodeError::Signing(e.to_string()))?;
        let call = Rollup::commitCall {
            slot: U256::from(slot),
            v: 27 + sig.v() as u8,
            r: B256::from(sig.r()),
            sigS: B256::from(sig.s()),
        };
        send(
            self.l1,
            prover.address,
            self.deployment.rollup,
            &call,
            self.config.params.prover_bond,
        )?;
        report.stages.push(self.stage(slot)?);
        report.prover = Some(prover.address);
        let index = self
            .provers
            .iter()
            .position(|p| p.address == prover.address)
            .unwrap_or_default();
        report.event(format!(
            "prover #{index} committed with bond {} wei",
            self.config.params.prover_bond
        ));
        Ok(())
    }

    fn prove_and_submit(
        &mut self,
        slot: u64,
        prover: Address,
        data: &[u8],
        fault: Option<Fault>,
        report: &mut SlotReport,
    ) -> Result<()> {
        let header = BlockData::decode(data)?.header;
        let batch = self.next_block_number()?;
        let leaves = self.next_batch()?.len();
        let request = BlockRequest {
            slot,
            prev_archive: self.archive()?,
            data: data.to_vec(),
            prover,
        };
        let proof = self.prover.prove_block(&request)?;
        let bad = match fault {
            Some(Fault::InvalidProof) => Some(("tampered proof", tamper_proof(&proof)?)),
            Some(Fault::InvalidLinkage) => Some(("proof with swapped bases", swap_bases(&proof)?)),
            _ => None,
        };
        if let Some((what, bad)) = bad {
            let call = submit_call(slot, &header, &bad);
            match send(
                self.l1,
                self.watcher.address,
                self.deployment.rollup,
                &call,
                U256::ZERO,
            ) {
                Err(NodeError::Reverted { reason, .. }) => {
                    report.event(format!("{what} rejected: {reason}"));
                    report.tampered_rejected = Some(reason);
                }
                Ok(_) => {
                    return Err(NodeError::Prover(format!("{what} was accepted")));
                }
                Err(e) => return Err(e),
            }
        }
        let call = submit_call(slot, &header, &proof);
        let receipt = send(self.l1, prover, self.deployment.rollup, &call, U256::ZERO)?;
        report.verify_gas = Some(receipt.gas_used);
        report.proofs = proof.nodes.len();
        report.stages.push(self.stage(slot)?);
        report.event(format!(
            "block proof verified: {} proofs, {} gas",
            proof.nodes.len(),
            receipt.gas_used
        ));
        Self::record_consumed(report, batch, leaves);
        report.outcome = SlotOutcome::Proven;
        Ok(())
    }

    fn backup(
        &mut self,
        slot: u64,
        deadline: u64,
        data: Option<Vec<u8>>,
        report: &mut SlotReport,
    ) -> Result<()> {
        self.l1.mine_to(deadline - 1)?;
        let watcher = self.watcher.address;
        let withheld = data.is_none() && report.proposer.is_some();
        if report.prover.is_some() || withheld {
            send(
                self.l1,
                watcher,
                self.deployment.rollup,
                &Rollup::slashCall {
                    slot: U256::from(slot),
                },
                U256::ZERO,
            )?;
            if withheld {
                report.proposer_slashed = true;
                report.event(
                    "block data never revealed: the proposer's stake is slashed, the prover's bond returned".into(),
                );
            } else {
                report.slashed = true;
                report.event(format!(
                    "proving deadline missed: bond of {} wei slashed",
                    self.config.params.prover_bond
                ));
            }
        }
        let batch = self.next_block_number()?;
        let messages = self.next_batch()?;
        let data = match data {
            Some(d) => d,
            None => self.prover.build_block(
                self.archive()?,
                slot,
                self.config.txs_per_block,
                !self.block_seed(slot, 0),
                &messages,
            )?,
        };
        let request = BlockRequest {
            slot,
            prev_archive: self.archive()?,
            data: data.clone(),
            prover: watcher,
        };
        let proof = self.prover.prove_block(&request)?;
        let enc = proof.encode();
        let call = Rollup::submitBackupCall {
            slot: U256::from(slot),
            data: data.into(),
            proofs: enc.proofs,
            inputs: enc.inputs,
        };
        let receipt = send(self.l1, watcher, self.deployment.rollup, &call, U256::ZERO)?;
        report.verify_gas = Some(receipt.gas_used);
        report.proofs = proof.nodes.len();
        report.stages.push(self.stage(slot)?);
        report.event(format!(
            "backup phase: block proven by the watcher ({} gas)",
            receipt.gas_used
        ));
        Self::record_consumed(report, batch, messages.len());
        report.outcome = SlotOutcome::ProvenByBackup;
        Ok(())
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
