//! Deliberate failures the driver can inject into a slot (`sidecar node --fault SLOT:KIND`), and the tampered
//! block proofs it submits for them: each must be rejected by the L1 while the honest proof then lands.

use crate::error::{NodeError, Result};
use crate::proof::{BlockProof, CircuitKind};

/// A deliberate failure injected into one slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// No sequencer proposes; the watcher produces the block in the backup phase.
    NoProposal,
    /// The canonical proposer names no prover; the block is proven in the backup phase.
    NoCommitment,
    /// The committed prover never submits: it is slashed and the backup phase recovers the block.
    MissedDeadline,
    /// A tampered copy of the proof is submitted first and must revert; the honest proof then lands.
    InvalidProof,
    /// A copy with two base rollups' proofs and inputs swapped (each proof valid alone, the tree broken) is
    /// submitted first and must revert; the honest proof then lands.
    InvalidLinkage,
    /// The canonical proposer never reveals its data: the committed prover cannot prove it, so the proposer is
    /// slashed, the prover's bond returned, and the backup phase produces the block.
    WithheldData,
}

impl Fault {
    /// Every fault, in the order of the enum.
    pub const ALL: [Fault; 6] = [
        Fault::NoProposal,
        Fault::NoCommitment,
        Fault::MissedDeadline,
        Fault::InvalidProof,
        Fault::InvalidLinkage,
        Fault::WithheldData,
    ];

    /// The fault's kebab-case name (`sidecar node --fault SLOT:NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Fault::NoProposal => "no-proposal",
            Fault::NoCommitment => "no-commitment",
            Fault::MissedDeadline => "missed-deadline",
            Fault::InvalidProof => "invalid-proof",
            Fault::InvalidLinkage => "invalid-linkage",
            Fault::WithheldData => "withheld-data",
        }
    }

    /// The fault named `name` ([`Fault::name`]).
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// A copy of `proof` whose root proof has `A` moved by the first proof's `A`: its inputs and linkage are intact,
/// its pairing check fails.
pub fn tamper_proof(proof: &BlockProof) -> Result<BlockProof> {
    let mut bad = proof.clone();
    let shift = proof.nodes.first().map(|n| n.proof.a);
    match (bad.nodes.last_mut(), shift) {
        (Some(root), Some(a)) => root.proof.a = (root.proof.a + a).into(),
        _ => return Err(NodeError::MalformedProof("empty block proof".into())),
    }
    Ok(bad)
}

/// A copy of `proof` with its first two base rollups (proofs and inputs) swapped: every proof still verifies on
/// its own, but the tree's linkage breaks.
pub fn swap_bases(proof: &BlockProof) -> Result<BlockProof> {
    let bases: Vec<usize> = (0..proof.nodes.len())
        .filter(|&i| proof.nodes[i].kind == CircuitKind::BaseRollup)
        .collect();
    let [a, b, ..] = bases[..] else {
        return Err(NodeError::MalformedProof(
            "fewer than two base rollups".into(),
        ));
    };
    let mut bad = proof.clone();
    bad.nodes.swap(a, b);
    Ok(bad)
}
