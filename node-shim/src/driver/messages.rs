//! L1->L2 messages in the lifecycle: the inbox batch the next block consumes, and the messages the watcher sends
//! each slot (consumed by the next slot's block).

use super::Node;
use crate::contracts::{Inbox, Rollup};
use crate::deploy::{send, view};
use crate::error::{NodeError, Result};
use crate::proof::{field_word, fr_from_word};
use crate::report::SlotReport;
use alloy::primitives::{B256, U256};
use alloy::sol_types::SolEvent;
use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

impl Node<'_> {
    /// L2 block number the rollup accepts next.
    pub(super) fn next_block_number(&self) -> Result<u64> {
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
    pub(super) fn send_messages(&mut self, slot: u64, report: &mut SlotReport) -> Result<()> {
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
    pub(super) fn record_consumed(report: &mut SlotReport, batch: u64, leaves: usize) {
        report.messages_consumed = Some((batch, leaves));
        report.event(format!(
            "consumed {leaves} L1->L2 message(s) of inbox batch {batch}"
        ));
    }
}
