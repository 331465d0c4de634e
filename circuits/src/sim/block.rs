//! Executing a block natively: every tx's public calls on the VM, its kernel steps, and the
//! rollup witnesses, or the first invalid tx named with its index and the reason.

use std::collections::HashSet;

use ark_bn254::Fr;
use ark_ff::Zero;

use super::view::CallView;
use crate::effects::{ProcessedTx, TxEffects};
use crate::kernel::{KernelCircuit, KernelState};
use crate::rollup::{
    BaseRollupCircuit, BaseRollupWitness, BlockWitnesses, GlobalVariables, MergeRollupCircuit,
    RootRollupCircuit, build_block,
};
use crate::state::WorldState;
use crate::tree::{BlockTree, tree_for_calls};
use crate::tx::{ContractRegistry, Tx};
use crate::vm::VmCircuit;
use crate::{AnyCircuit, Error, Result};

/// The public part of one tx, proven as a chain: `vms[i]` is linked to `kernels[i]`.
#[derive(Clone, Debug)]
pub struct TxWitnesses {
    /// One VM execution per public call.
    pub vms: Vec<VmCircuit>,
    /// One kernel step per public call.
    pub kernels: Vec<KernelCircuit>,
    /// What the tx inserts (the base rollup's input; `effects_hash` is the link).
    pub effects: TxEffects,
}

/// Every witness of a block's proof tree, leaves first.
#[derive(Clone, Debug)]
pub struct SimulatedBlock {
    /// Per tx: VM and kernel witnesses.
    pub txs: Vec<TxWitnesses>,
    /// Base, merge and root witnesses with the tree layout.
    pub rollup: BlockWitnesses,
}

impl SimulatedBlock {
    /// The block's proof tree ([`tree_for_calls`] of its calls per tx) with every witness in
    /// node order.
    pub fn into_tree(self) -> Result<BlockTree> {
        let r = self.rollup;
        let calls: Vec<usize> = (0..r.bases.len())
            .map(|t| self.txs.get(t).map_or(0, |w| w.vms.len()))
            .collect();
        let nodes = tree_for_calls(&calls)?;
        let mut circuits = Vec::with_capacity(nodes.len());
        for t in self.txs {
            for (vm, kernel) in t.vms.into_iter().zip(t.kernels) {
                circuits.extend([AnyCircuit::Vm(vm), AnyCircuit::Kernel(kernel)]);
            }
        }
        circuits.extend(
            r.bases
                .into_iter()
                .map(|witness| AnyCircuit::Base(BaseRollupCircuit { witness })),
        );
        circuits.extend(
            r.merges
                .into_iter()
                .map(|witness| AnyCircuit::Merge(MergeRollupCircuit { witness })),
        );
        circuits.push(AnyCircuit::Root(RootRollupCircuit { witness: r.root }));
        BlockTree::new(nodes, circuits)
    }
}

fn invalid(index: usize, reason: impl ToString) -> Error {
    Error::InvalidTx {
        index,
        reason: reason.to_string(),
    }
}

/// Runs one tx against `state` (the state after the block's earlier txs) without changing it.
pub fn simulate_tx(
    state: &WorldState,
    registry: &ContractRegistry,
    tx: &Tx,
) -> Result<TxWitnesses> {
    let preset = state.preset();
    tx.check_shape(preset)?;
    let start_root = state.public_data.snapshot().root;
    let mut ks = KernelState::init(preset, tx, start_root)?;
    let (mut vms, mut kernels) = (Vec::new(), Vec::new());
    for (i, call) in tx.public_calls.iter().enumerate() {
        let contract = registry
            .get(&call.contract)
            .ok_or_else(|| Error::Kernel(format!("call {i}: no contract at {}", call.contract)))?;
        let mut view = CallView {
            tree: &state.public_data,
            contract: call.contract,
            state: &ks,
            local: vec![],
            reads: vec![],
        };
        let vm = VmCircuit::execute(preset, &contract.code, &call.calldata, &mut view)
            .map_err(|e| Error::Kernel(format!("call {i}: {e}")))?;
        let reads = view.reads;
        let step = KernelCircuit::new(
            preset,
            tx,
            &ks,
            &contract.code,
            contract.salt,
            &vm.outputs,
            reads,
        )?;
        ks = step.next.clone();
        vms.push(vm);
        kernels.push(step);
    }
    let effects = ks.effects();
    check_nullifiers(state, &effects)?;
    effects.padded(preset)?;
    Ok(TxWitnesses {
        vms,
        kernels,
        effects,
    })
}

/// Nullifiers must be non-zero, distinct within the tx and absent from the tree (no double spend).
fn check_nullifiers(state: &WorldState, effects: &TxEffects) -> Result<()> {
    let mut seen = HashSet::new();
    for n in &effects.nullifiers {
        if n.is_zero() {
            return Err(Error::Kernel("nullifier 0 is reserved for padding".into()));
        }
        if !seen.insert(*n) {
            return Err(Error::Kernel(format!(
                "nullifier {n} appears twice in the tx"
            )));
        }
        if state.nullifier.contains(*n) {
            return Err(Error::Kernel(format!(
                "double spend: nullifier {n} already exists"
            )));
        }
    }
    Ok(())
}

/// Executes `txs` in order against `state` and builds every witness of the block. All or
/// nothing: on error `state` is unchanged and [`Error::InvalidTx`] names the first bad tx.
pub fn simulate_block(
    state: &mut WorldState,
    registry: &ContractRegistry,
    txs: &[Tx],
    l1_to_l2_msgs: &[Fr],
    global: GlobalVariables,
    prover_id: Fr,
) -> Result<SimulatedBlock> {
    let mut s = state.fork();
    let mut out = Vec::with_capacity(txs.len());
    let mut processed = Vec::with_capacity(txs.len());
    for (index, tx) in txs.iter().enumerate() {
        let w = simulate_tx(&s, registry, tx).map_err(|e| invalid(index, e))?;
        let p = ProcessedTx {
            tx: tx.clone(),
            effects: w.effects.clone(),
        };
        BaseRollupWitness::build(&mut s, &p).map_err(|e| invalid(index, e))?;
        out.push(w);
        processed.push(p);
    }
    let rollup = build_block(state, &processed, l1_to_l2_msgs, global, prover_id)?;
    Ok(SimulatedBlock { txs: out, rollup })
}
