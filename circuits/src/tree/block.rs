//! [`BlockTree`]: a block's proof tree with every node's circuit, in node order, as the
//! simulator builds it ([`crate::sim::SimulatedBlock::into_tree`]).

use super::node::{TreeNode, calls_per_tx};
use crate::AnyCircuit;
use crate::rollup::RootRollupWitness;
use crate::{Error, Result};

/// The nodes of a block's tree and the circuit (with its witness) of each, index for index.
#[derive(Clone, Debug)]
pub struct BlockTree {
    nodes: Vec<TreeNode>,
    circuits: Vec<AnyCircuit>,
}

impl BlockTree {
    /// Pairs `nodes` with `circuits`; every kind must match and the last node must be the root.
    pub fn new(nodes: Vec<TreeNode>, circuits: Vec<AnyCircuit>) -> Result<Self> {
        let agree = nodes.len() == circuits.len()
            && nodes.iter().zip(&circuits).all(|(n, c)| n.kind == c.kind())
            && matches!(circuits.last(), Some(AnyCircuit::Root(_)));
        if !agree {
            return Err(Error::MalformedTree(
                "the witnesses do not have the tree's kinds in its order".into(),
            ));
        }
        Ok(Self { nodes, circuits })
    }

    /// The nodes, in id order.
    pub fn nodes(&self) -> &[TreeNode] {
        &self.nodes
    }

    /// The circuits, in node order.
    pub fn circuits(&self) -> &[AnyCircuit] {
        &self.circuits
    }

    /// The public calls of each tx (padding txs included).
    pub fn calls_per_tx(&self) -> Vec<usize> {
        calls_per_tx(&self.nodes)
    }

    /// The root rollup's witness (header, messages, prover id).
    pub fn root(&self) -> &RootRollupWitness {
        match self.circuits.last() {
            Some(AnyCircuit::Root(c)) => &c.witness,
            _ => unreachable!("BlockTree::new checked the last node is the root"),
        }
    }

    /// Nodes and circuits.
    pub fn into_parts(self) -> (Vec<TreeNode>, Vec<AnyCircuit>) {
        (self.nodes, self.circuits)
    }
}
