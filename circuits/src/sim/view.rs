//! The storage a public call executes against during simulation: the tx's writes so far over
//! the public data tree at the tx's start, recording the tree evidence each access needs.

use ark_bn254::Fr;

use crate::indexed::IndexedTree;
use crate::kernel::{KernelState, TreeRead, public_data_key};
use crate::vm::Storage;
use crate::{Error, Result};

/// One call's view of public data.
pub struct CallView<'a> {
    pub tree: &'a IndexedTree,
    pub contract: Fr,
    pub state: &'a KernelState,
    /// Writes of this call so far (the kernel state holds earlier calls').
    pub local: Vec<(Fr, Fr)>,
    /// Evidence per access, in order (unused for writes and for reads served by a write).
    pub reads: Vec<TreeRead>,
}

impl CallView<'_> {
    fn written(&self, key: Fr) -> Option<Fr> {
        let local = self
            .local
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v);
        local.or_else(|| self.state.written(key))
    }
}

impl Storage for CallView<'_> {
    fn sload(&mut self, slot: Fr) -> Result<Fr> {
        let key = public_data_key(self.contract, slot);
        let (value, ev) = match self.written(key) {
            Some(v) => (v, TreeRead::unused(self.tree.height())),
            None => match self.tree.membership(key) {
                Some(w) => (
                    w.leaf.value,
                    TreeRead {
                        member: true,
                        witness: w,
                    },
                ),
                None => {
                    let w = self.tree.non_membership(key).ok_or_else(|| {
                        Error::Kernel(format!("no low leaf for public data key {key}"))
                    })?;
                    (
                        Fr::from(0u64),
                        TreeRead {
                            member: false,
                            witness: w,
                        },
                    )
                }
            },
        };
        self.reads.push(ev);
        Ok(value)
    }

    fn sstore(&mut self, slot: Fr, value: Fr) -> Result<()> {
        self.local
            .push((public_data_key(self.contract, slot), value));
        self.reads.push(TreeRead::unused(self.tree.height()));
        Ok(())
    }
}
