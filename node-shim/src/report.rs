//! What happened in a slot, for tests and for `sidecar node` output.

use crate::faults::Fault;
use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use std::fmt;

/// How a slot ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotOutcome {
    /// Nothing was proven (only possible while a run is in progress).
    Open,
    /// The committed prover's proof was accepted in the proving window.
    Proven,
    /// The block was proven by someone else in the backup phase.
    ProvenByBackup,
}

/// The lifecycle of one slot.
#[derive(Clone, Debug)]
pub struct SlotReport {
    pub slot: u64,
    pub fault: Option<Fault>,
    pub proposer: Option<Address>,
    pub score: Option<U256>,
    pub prover: Option<Address>,
    /// The committed prover's bond was slashed.
    pub slashed: bool,
    /// The proposer's stake was slashed (its data was never revealed).
    pub proposer_slashed: bool,
    /// L1->L2 messages sent in this slot: `(inbox batch, leaf)`.
    pub messages_sent: Vec<(u64, Fr)>,
    /// The inbox batch the slot's block consumed and its message count.
    pub messages_consumed: Option<(u64, usize)>,
    /// Decoded revert reason of the tampered submission, when one was injected.
    pub tampered_rejected: Option<String>,
    /// Gas of the accepted proof submission (verification included).
    pub verify_gas: Option<u64>,
    pub proofs: usize,
    /// Confirmation stage read after each step.
    pub stages: Vec<u8>,
    pub outcome: SlotOutcome,
    pub events: Vec<String>,
}

impl SlotReport {
    pub fn new(slot: u64, fault: Option<Fault>) -> Self {
        Self {
            slot,
            fault,
            proposer: None,
            score: None,
            prover: None,
            slashed: false,
            proposer_slashed: false,
            messages_sent: Vec::new(),
            messages_consumed: None,
            tampered_rejected: None,
            verify_gas: None,
            proofs: 0,
            stages: Vec::new(),
            outcome: SlotOutcome::Open,
            events: Vec::new(),
        }
    }

    pub fn event(&mut self, line: String) {
        self.events.push(line);
    }
}

impl fmt::Display for SlotReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fault = self
            .fault
            .map(|x| format!(" [fault: {x}]"))
            .unwrap_or_default();
        writeln!(f, "slot {}{fault}", self.slot)?;
        for e in &self.events {
            writeln!(f, "  - {e}")?;
        }
        let stages: Vec<String> = self.stages.iter().map(|s| s.to_string()).collect();
        write!(f, "  stages {} -> {:?}", stages.join(" > "), self.outcome)
    }
}
