//! [`BlockStep`]: the folded tree's step, one node circuit for every kind of the block's tree.
//!
//! The node carries the R1CS of all five circuits ([`super::embed`]), one switched on by a
//! one-hot kind selector, and enforces the tree's per-edge rules
//! ([`sidecar_circuits::tree::edge_rule`], [`sidecar_circuits::tree::absent_rule`]) between
//! the running circuit's public inputs and its children's, so every edge of the tree is
//! attested inside the recursion. State (width `2 + max inputs`):
//!
//! ```text
//!  z = (tag, calls, x_0 .. x_{k-1}, 0 ..)    tag = slot + 1 of the node's circuit (0: none),
//!                                            calls = length of the kernel chain ending here,
//!                                            x = the circuit's public inputs, zero-padded
//! ```
//! A base's `num_calls` must equal its kernel child's `calls` (0 without a kernel child): the
//! in-circuit counterpart of the tree's call count.

use std::sync::Arc;

use ark_bn254::Fr;
use ark_ff::{Field, Zero};
use ark_r1cs_std::{
    GR1CSVar,
    alloc::AllocVar,
    boolean::Boolean,
    eq::EqGadget,
    fields::{FieldVar, fp::FpVar},
};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use sidecar_circuits::{
    AnyCircuit, CircuitKind, Preset, public_input_len,
    rollup::BasePublicInputs,
    tree::{absent_rule, edge_rule},
};
use sidecar_groth16::{R1cs, assignment, synthesize_matrices};
use sidecar_pcd::{ChildVar, State, Step};

use super::embed::embed;
use crate::Result;

/// Position of the kind tag in a state.
pub const TAG: usize = 0;
/// Position of the kernel-chain length in a state.
pub const CALLS: usize = 1;
/// Position of the first public input in a state.
pub const INPUTS: usize = 2;

/// The tag of `kind` in a state (never zero).
pub fn tag(kind: CircuitKind) -> Fr {
    Fr::from(kind.slot() as u64 + 1)
}

/// A node's witness: its circuit's kind and full assignment `z = (1, x, w)`.
#[derive(Clone, Debug)]
pub struct NodeInput {
    /// The node's circuit.
    pub kind: CircuitKind,
    /// The circuit's assignment (empty only in the key-generation placeholder).
    pub z: Arc<Vec<Fr>>,
}

/// The block step for one preset: the five circuits' R1CS.
#[derive(Clone, Debug)]
pub struct BlockStep {
    r1cs: Arc<[R1cs; 5]>,
    width: usize,
}

impl BlockStep {
    /// The step for `preset`'s circuits (their matrices, from their blank instances).
    pub fn new(preset: &Preset) -> Result<Self> {
        let r1cs = CircuitKind::ALL
            .map(|k| synthesize_matrices(AnyCircuit::blank(k, preset)))
            .into_iter()
            .collect::<core::result::Result<Vec<_>, _>>()?;
        let r1cs: [R1cs; 5] = r1cs.try_into().expect("five kinds");
        let width = INPUTS
            + CircuitKind::ALL
                .map(public_input_len)
                .into_iter()
                .max()
                .unwrap_or(0);
        Ok(Self {
            r1cs: Arc::new(r1cs),
            width,
        })
    }

    /// The R1CS of `kind`'s circuit.
    pub fn r1cs(&self, kind: CircuitKind) -> &R1cs {
        &self.r1cs[kind.slot()]
    }

    /// A node's witness for `circuit` (synthesized against its kind's matrices).
    pub fn input(&self, circuit: &AnyCircuit) -> Result<NodeInput> {
        let kind = circuit.kind();
        let z = assignment(circuit.clone(), self.r1cs(kind))?;
        Ok(NodeInput {
            kind,
            z: Arc::new(z),
        })
    }
}

fn refuse(msg: String) -> sidecar_pcd::Error {
    sidecar_pcd::Error::step(msg)
}

impl Step for BlockStep {
    type Witness = NodeInput;

    fn width(&self) -> usize {
        self.width
    }

    fn placeholder(&self) -> NodeInput {
        NodeInput {
            kind: CircuitKind::PublicVm,
            z: Arc::new(Vec::new()),
        }
    }

    fn params(&self) -> Vec<u8> {
        let mut out = b"sidecar-block-step-v1".to_vec();
        for r in self.r1cs.iter() {
            out.extend(r.digest());
        }
        out
    }

    fn output(&self, w: &NodeInput, children: [Option<&State>; 2]) -> sidecar_pcd::Result<State> {
        let kind = w.kind;
        let r1cs = self.r1cs(kind);
        if w.z.len() as u64 != r1cs.num_instance + r1cs.num_witness {
            return Err(refuse(format!("{kind} assignment has the wrong length")));
        }
        r1cs.evaluate(&w.z)
            .map_err(|e| refuse(format!("{kind} witness: {e}")))?;
        let x = &w.z[1..r1cs.num_instance as usize];
        let child_x = |c: &State, j: usize| c.get(INPUTS + j).copied().unwrap_or_default();
        let kind_of = |c: &State| {
            CircuitKind::ALL
                .into_iter()
                .find(|k| c.get(TAG) == Some(&tag(*k)))
        };
        for (slot, child) in children.into_iter().enumerate() {
            match child {
                Some(c) => {
                    let ck =
                        kind_of(c).ok_or_else(|| refuse(format!("child {slot} has no kind")))?;
                    let rule = edge_rule(kind, slot, ck).ok_or_else(|| {
                        refuse(format!("{kind} cannot have a {ck} in slot {slot}"))
                    })?;
                    let bad = rule.links.iter().any(|&(i, j)| x[i] != child_x(c, j))
                        || rule.child_zero.iter().any(|&j| !child_x(c, j).is_zero())
                        || rule.child_nonzero.iter().any(|&j| child_x(c, j).is_zero());
                    if bad {
                        return Err(refuse(format!(
                            "{kind} and its {ck} in slot {slot} do not link"
                        )));
                    }
                }
                None => {
                    let zero = absent_rule(kind, slot)
                        .ok_or_else(|| refuse(format!("{kind} needs a child in slot {slot}")))?;
                    if zero.iter().any(|&i| !x[i].is_zero()) {
                        return Err(refuse(format!("{kind} without a child in slot {slot}")));
                    }
                }
            }
        }
        let calls_of = |c: Option<&State>| c.map_or(Fr::zero(), |c| c[CALLS]);
        let calls = match kind {
            CircuitKind::PublicKernel => calls_of(children[1]) + Fr::from(1u64),
            _ => Fr::zero(),
        };
        if kind == CircuitKind::BaseRollup
            && x[BasePublicInputs::NUM_CALLS] != calls_of(children[0])
        {
            return Err(refuse(
                "base num_calls is not its kernel chain's length".into(),
            ));
        }
        let mut z = vec![Fr::zero(); self.width];
        z[TAG] = tag(kind);
        z[CALLS] = calls;
        z[INPUTS..INPUTS + x.len()].copy_from_slice(x);
        Ok(z)
    }

    fn synthesize(
        &self,
        cs: ConstraintSystemRef<Fr>,
        w: &NodeInput,
        children: [ChildVar<'_>; 2],
    ) -> core::result::Result<Vec<FpVar<Fr>>, SynthesisError> {
        if children.iter().any(|c| c.state.len() != self.width) {
            return Err(SynthesisError::Unsatisfiable);
        }
        let sel = CircuitKind::ALL.map(|k| Boolean::new_witness(cs.clone(), || Ok(w.kind == k)));
        let sel: Vec<Boolean<Fr>> = sel.into_iter().collect::<core::result::Result<_, _>>()?;
        let one_hot: FpVar<Fr> = sel.iter().map(|s| FpVar::from(s.clone())).sum();
        one_hot.enforce_equal(&FpVar::one())?;

        let mut x = vec![FpVar::zero(); self.width - INPUTS];
        let mut own_tag = FpVar::zero();
        for (k, s) in CircuitKind::ALL.into_iter().zip(&sel) {
            let z = (w.kind == k && !cs.is_in_setup_mode()).then(|| w.z.as_slice());
            let xs = embed(&cs, self.r1cs(k), s, z)?;
            for (i, v) in xs.into_iter().enumerate() {
                x[i] += v * FpVar::from(s.clone());
            }
            own_tag += FpVar::from(s.clone()) * tag(k);
        }

        let is_kind = |c: &ChildVar<'_>| -> core::result::Result<Vec<Boolean<Fr>>, SynthesisError> {
            CircuitKind::ALL
                .iter()
                .map(|k| c.state[TAG].is_eq(&FpVar::constant(tag(*k))))
                .collect()
        };
        let kinds = [is_kind(&children[0])?, is_kind(&children[1])?];
        for (p, s) in CircuitKind::ALL.into_iter().zip(&sel) {
            for (slot, c) in children.iter().enumerate() {
                let cx = &c.state[INPUTS..];
                let here = s & c.present;
                let mut allowed = FpVar::zero();
                for (ck, is) in CircuitKind::ALL.into_iter().zip(&kinds[slot]) {
                    let Some(rule) = edge_rule(p, slot, ck) else {
                        continue;
                    };
                    let g = &here & is;
                    allowed += FpVar::from(g.clone());
                    for &(i, j) in &rule.links {
                        x[i].conditional_enforce_equal(&cx[j], &g)?;
                    }
                    for &j in &rule.child_zero {
                        cx[j].conditional_enforce_equal(&FpVar::zero(), &g)?;
                    }
                    for &j in &rule.child_nonzero {
                        let inv = FpVar::new_witness(cs.clone(), || {
                            let on = g.value().unwrap_or(false);
                            let v = cx[j].value().ok().and_then(|v| v.inverse());
                            Ok(v.filter(|_| on).unwrap_or_default())
                        })?;
                        (&cx[j] * inv).enforce_equal(&FpVar::from(g.clone()))?;
                    }
                }
                allowed.enforce_equal(&FpVar::from(here))?;
                let absent = s & !c.present;
                match absent_rule(p, slot) {
                    Some(zero) => {
                        for i in zero {
                            x[i].conditional_enforce_equal(&FpVar::zero(), &absent)?;
                        }
                    }
                    None => absent.enforce_equal(&Boolean::FALSE)?,
                }
            }
        }

        let [l, r] = &children;
        let kernel = &sel[CircuitKind::PublicKernel.slot()];
        let base = &sel[CircuitKind::BaseRollup.slot()];
        let prev = r.present.select(&r.state[CALLS], &FpVar::zero())?;
        let calls = kernel.select(&(prev + FpVar::one()), &FpVar::zero())?;
        let below = l.present.select(&l.state[CALLS], &FpVar::zero())?;
        x[BasePublicInputs::NUM_CALLS].conditional_enforce_equal(&below, base)?;

        let mut z = vec![own_tag, calls];
        z.extend(x);
        Ok(z)
    }
}
