//! Deliberate failures the driver can inject into a slot (`sidecar node --fault SLOT:KIND`), and the tampered
//! block proofs it submits for them: each must be rejected by the L1 while the honest proof then lands.

use crate::error::{NodeError, Result};
use crate::proof::CircuitKind;
use crate::prover::AnyBlockProof;
use alloy::primitives::U256;

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
    /// A copy whose parts each check alone but do not belong together ([`break_linkage`]: two base rollups swapped,
    /// or a folded root's instances mismatched) is submitted first and must revert; the honest proof then lands.
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

/// A copy of `proof` that fails its proof check alone. A forest: the root proof's `A` moved by the first proof's
/// `A` (its inputs and linkage intact, its pairing check fails). A folded block: one opened value moved by one (the
/// fold and the state intact, the decider proof no longer opens to it).
pub fn tamper_proof(proof: &AnyBlockProof) -> Result<AnyBlockProof> {
    match proof {
        AnyBlockProof::Forest(forest) => {
            let mut bad = forest.clone();
            let shift = forest.nodes.first().map(|n| n.proof.a);
            match (bad.nodes.last_mut(), shift) {
                (Some(root), Some(a)) => root.proof.a = (root.proof.a + a).into(),
                _ => return Err(NodeError::MalformedProof("empty block proof".into())),
            }
            Ok(AnyBlockProof::Forest(bad))
        }
        AnyBlockProof::Folded(folded) => {
            let mut bad = folded.clone();
            let value = bad
                .values
                .first_mut()
                .ok_or_else(|| NodeError::MalformedProof("no opened values".into()))?;
            *value = value.wrapping_add(U256::from(1u64));
            Ok(AnyBlockProof::Folded(bad))
        }
    }
}

/// A copy of `proof` whose parts each check but do not belong together. A forest: its first two base rollups (proofs
/// and inputs) swapped, so the tree's linkage breaks. A folded block, whose edges are attested inside the recursion:
/// the root's fresh instance commitment replaced by its running one, so the fold the L1 redoes no longer links the
/// root's own step to the accumulator it carries.
pub fn break_linkage(proof: &AnyBlockProof) -> Result<AnyBlockProof> {
    let forest = match proof {
        AnyBlockProof::Forest(forest) => forest,
        AnyBlockProof::Folded(folded) => {
            let mut bad = folded.clone();
            bad.fresh.witness = folded.running.witness;
            return Ok(AnyBlockProof::Folded(bad));
        }
    };
    let bases: Vec<usize> = (0..forest.nodes.len())
        .filter(|&i| forest.nodes[i].kind == CircuitKind::BaseRollup)
        .collect();
    let [a, b, ..] = bases[..] else {
        return Err(NodeError::MalformedProof(
            "fewer than two base rollups".into(),
        ));
    };
    let mut bad = forest.clone();
    bad.nodes.swap(a, b);
    Ok(AnyBlockProof::Forest(bad))
}
