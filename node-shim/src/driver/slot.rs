//! One slot of the lifecycle: RANDAO record, proposals, prover commitment and reveal ([`Node::open_slot`]), then
//! proof submission, or slashing and the backup phase, and finalization ([`Node::close_slot`]), with the slot's
//! fault injected.

use super::{Node, submit_backup, submit_proof};
use crate::block_data::BlockData;
use crate::contracts::{RandaoStore, Rollup};
use crate::deploy::{send, view};
use crate::error::{NodeError, Result};
use crate::faults::{Fault, break_linkage, tamper_proof};
use crate::prover::{AnyBlockProof, BlockRequest};
use crate::report::{SlotOutcome, SlotReport};
use alloy::primitives::{Address, B256, U256, keccak256};
use alloy::signers::SignerSync;

impl Node<'_> {
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
        let proof = self.prover.prove_for_l1(&request)?;
        let bad = match fault {
            Some(Fault::InvalidProof) => Some(("tampered proof", tamper_proof(&proof)?)),
            Some(Fault::InvalidLinkage) => {
                Some(("proof with a broken link", break_linkage(&proof)?))
            }
            _ => None,
        };
        let rollup = self.deployment.rollup;
        if let Some((what, bad)) = bad {
            let watcher = self.watcher.address;
            match submit_proof(self.l1, watcher, rollup, slot, &header, &bad) {
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
        let receipt = submit_proof(self.l1, prover, rollup, slot, &header, &proof)?;
        report.verify_gas = Some(receipt.gas_used);
        report.proofs = proof.proofs();
        report.stages.push(self.stage(slot)?);
        report.event(match proof {
            AnyBlockProof::Forest(_) => format!(
                "block proof verified: {} proofs, {} gas",
                report.proofs, receipt.gas_used
            ),
            AnyBlockProof::Folded(_) => format!(
                "folded block proof decided on L1: one proof, {} gas",
                receipt.gas_used
            ),
        });
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
        let proof = self.prover.prove_for_l1(&request)?;
        let receipt = submit_backup(self.l1, watcher, self.deployment.rollup, slot, data, &proof)?;
        report.verify_gas = Some(receipt.gas_used);
        report.proofs = proof.proofs();
        report.stages.push(self.stage(slot)?);
        report.event(format!(
            "backup phase: block proven by the watcher ({} gas)",
            receipt.gas_used
        ));
        Self::record_consumed(report, batch, messages.len());
        report.outcome = SlotOutcome::ProvenByBackup;
        Ok(())
    }
}
