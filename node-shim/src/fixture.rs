//! TEST FIXTURE (feature `test-fixture`): a toy block prover with real Groth16 proofs over three small circuits
//! shaped like the rollup tree. It stands in for the engine's `prove-block` until that implements
//! [`BlockProver`]; it is not a rollup.
//!
//! * base  (public start, end; witness tx):  end = (start + tx)^5
//! * merge (public start, end; witness inv): (end - start) * inv = 1  (the state progressed)
//! * root  (public start, end, data_hash, prover; witnesses inv, bind): (end - start) * inv = 1,
//!   data_hash * prover = bind
//!
//! Block data is a sequence of 32-byte transactions (each read mod r); leaf k of the in-order traversal applies
//! transaction k, so the states chain from `prev_archive` to the new archive.

use crate::error::{NodeError, Result};
use crate::proof::{BlockProof, BlockVerifyingKeys, TreeProof, fr_from_address, fr_from_word};
use crate::prover::{BlockProver, BlockRequest};
use alloy::primitives::keccak256;
use ark_bn254::{Bn254, Fr};
use ark_ff::{Field, PrimeField};
use ark_groth16::{Groth16, ProvingKey};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError, Variable};
use ark_relations::lc;
use ark_snark::SNARK;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// Base transition: `end = (start + tx)^5`.
#[derive(Clone, Copy, Debug)]
pub struct ToyBaseCircuit {
    pub start: Fr,
    pub end: Fr,
    pub tx: Fr,
}

/// Merge: `end != start`, proven by the inverse of `end - start`.
#[derive(Clone, Copy, Debug)]
pub struct ToyMergeCircuit {
    pub start: Fr,
    pub end: Fr,
}

/// Root: progress as in merge, plus the data hash and prover bound by a product constraint.
#[derive(Clone, Copy, Debug)]
pub struct ToyRootCircuit {
    pub start: Fr,
    pub end: Fr,
    pub data_hash: Fr,
    pub prover: Fr,
}

/// The native transition of one transaction.
pub fn toy_step(start: Fr, tx: Fr) -> Fr {
    (start + tx).pow([5u64])
}

fn enforce_progress(
    cs: &ConstraintSystemRef<Fr>,
    start: (Variable, Fr),
    end: (Variable, Fr),
) -> std::result::Result<(), SynthesisError> {
    let inv = cs.new_witness_variable(|| {
        (end.1 - start.1)
            .inverse()
            .ok_or(SynthesisError::Unsatisfiable)
    })?;
    cs.enforce_r1cs_constraint(
        || lc![(Fr::ONE, end.0), (-Fr::ONE, start.0)],
        || lc![inv],
        || lc![Variable::One],
    )
}

impl ConstraintSynthesizer<Fr> for ToyBaseCircuit {
    fn generate_constraints(
        self,
        cs: ConstraintSystemRef<Fr>,
    ) -> std::result::Result<(), SynthesisError> {
        let start = cs.new_input_variable(|| Ok(self.start))?;
        let end = cs.new_input_variable(|| Ok(self.end))?;
        let tx = cs.new_witness_variable(|| Ok(self.tx))?;
        let s = self.start + self.tx;
        let s2 = cs.new_witness_variable(|| Ok(s.square()))?;
        let s4 = cs.new_witness_variable(|| Ok(s.square().square()))?;
        cs.enforce_r1cs_constraint(|| lc![start, tx], || lc![start, tx], || lc![s2])?;
        cs.enforce_r1cs_constraint(|| lc![s2], || lc![s2], || lc![s4])?;
        cs.enforce_r1cs_constraint(|| lc![s4], || lc![start, tx], || lc![end])
    }
}

impl ConstraintSynthesizer<Fr> for ToyMergeCircuit {
    fn generate_constraints(
        self,
        cs: ConstraintSystemRef<Fr>,
    ) -> std::result::Result<(), SynthesisError> {
        let start = cs.new_input_variable(|| Ok(self.start))?;
        let end = cs.new_input_variable(|| Ok(self.end))?;
        enforce_progress(&cs, (start, self.start), (end, self.end))
    }
}

impl ConstraintSynthesizer<Fr> for ToyRootCircuit {
    fn generate_constraints(
        self,
        cs: ConstraintSystemRef<Fr>,
    ) -> std::result::Result<(), SynthesisError> {
        let start = cs.new_input_variable(|| Ok(self.start))?;
        let end = cs.new_input_variable(|| Ok(self.end))?;
        let data_hash = cs.new_input_variable(|| Ok(self.data_hash))?;
        let prover = cs.new_input_variable(|| Ok(self.prover))?;
        enforce_progress(&cs, (start, self.start), (end, self.end))?;
        let bind = cs.new_witness_variable(|| Ok(self.data_hash * self.prover))?;
        cs.enforce_r1cs_constraint(|| lc![data_hash], || lc![prover], || lc![bind])
    }
}

/// TEST FIXTURE: toy block prover (see the module notes). Keys come from a seeded setup, so they are reproducible.
pub struct ToyBlockProver {
    base: ProvingKey<Bn254>,
    merge: ProvingKey<Bn254>,
    root: ProvingKey<Bn254>,
    vks: BlockVerifyingKeys,
    genesis: Fr,
}

fn prove_err(e: SynthesisError) -> NodeError {
    NodeError::Prover(format!("toy circuit: {e}"))
}

impl ToyBlockProver {
    /// Runs the circuit-specific Groth16 setups with a ChaCha20 RNG seeded by `seed`.
    pub fn setup(seed: u64) -> Result<Self> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let (one, two) = (Fr::from(1u64), Fr::from(2u64));
        let base_c = ToyBaseCircuit {
            start: one,
            end: toy_step(one, two),
            tx: two,
        };
        let (base, _) =
            Groth16::<Bn254>::circuit_specific_setup(base_c, &mut rng).map_err(prove_err)?;
        let merge_c = ToyMergeCircuit {
            start: one,
            end: two,
        };
        let (merge, _) =
            Groth16::<Bn254>::circuit_specific_setup(merge_c, &mut rng).map_err(prove_err)?;
        let root_c = ToyRootCircuit {
            start: one,
            end: two,
            data_hash: one,
            prover: two,
        };
        let (root, _) =
            Groth16::<Bn254>::circuit_specific_setup(root_c, &mut rng).map_err(prove_err)?;
        let vks = BlockVerifyingKeys {
            base: base.vk.clone(),
            merge: merge.vk.clone(),
            root: root.vk.clone(),
        };
        let genesis =
            Fr::from_be_bytes_mod_order(keccak256(b"sidecar toy genesis archive").as_slice());
        Ok(Self {
            base,
            merge,
            root,
            vks,
            genesis,
        })
    }

    /// Transactions of `data` (32-byte words mod r); at least two, no partial word.
    pub fn transactions(data: &[u8]) -> Result<Vec<Fr>> {
        if data.len() < 64 || data.len() % 32 != 0 {
            return Err(NodeError::Prover(format!(
                "block data of {} bytes is not >= 2 whole 32-byte txs",
                data.len()
            )));
        }
        Ok(data.chunks(32).map(Fr::from_be_bytes_mod_order).collect())
    }

    /// Assigns `(start, end)` to heap node `node` and its subtree, consuming leaves' txs in order.
    fn assign(
        &self,
        node: usize,
        leaves: usize,
        start: Fr,
        txs: &mut std::slice::Iter<'_, Fr>,
        out: &mut [(Fr, Fr, Fr)],
    ) -> Fr {
        let end = if node + 1 >= leaves {
            let tx = *txs.next().expect("one transaction per leaf");
            out[node].2 = tx;
            toy_step(start, tx)
        } else {
            let mid = self.assign(2 * node + 1, leaves, start, txs, out);
            self.assign(2 * node + 2, leaves, mid, txs, out)
        };
        out[node].0 = start;
        out[node].1 = end;
        end
    }
}

impl BlockProver for ToyBlockProver {
    fn verifying_keys(&self) -> &BlockVerifyingKeys {
        &self.vks
    }

    fn genesis_archive(&self) -> Fr {
        self.genesis
    }

    fn build_block(&self, slot: u64, txs: usize, seed: u64) -> Vec<u8> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed ^ slot.rotate_left(32));
        let mut data = vec![0u8; 32 * txs.max(2)];
        rng.fill_bytes(&mut data);
        data
    }

    fn prove_block(&self, request: &BlockRequest) -> Result<BlockProof> {
        let txs = Self::transactions(&request.data)?;
        let leaves = txs.len();
        let mut states = vec![(Fr::from(0u64), Fr::from(0u64), Fr::from(0u64)); 2 * leaves - 1];
        self.assign(
            0,
            leaves,
            request.prev_archive,
            &mut txs.iter(),
            &mut states,
        );
        let data_hash = fr_from_word(keccak256(&request.data));
        let prover = fr_from_address(request.prover);
        let mut rng = ChaCha20Rng::from_entropy();
        let mut nodes = Vec::with_capacity(states.len());
        for (i, &(start, end, tx)) in states.iter().enumerate() {
            let (proof, public_inputs) = if i == 0 {
                let c = ToyRootCircuit {
                    start,
                    end,
                    data_hash,
                    prover,
                };
                (
                    Groth16::<Bn254>::prove(&self.root, c, &mut rng),
                    vec![start, end, data_hash, prover],
                )
            } else if i + 1 < leaves {
                (
                    Groth16::<Bn254>::prove(&self.merge, ToyMergeCircuit { start, end }, &mut rng),
                    vec![start, end],
                )
            } else {
                (
                    Groth16::<Bn254>::prove(
                        &self.base,
                        ToyBaseCircuit { start, end, tx },
                        &mut rng,
                    ),
                    vec![start, end],
                )
            };
            nodes.push(TreeProof {
                proof: proof.map_err(prove_err)?,
                public_inputs,
            });
        }
        Ok(BlockProof { leaves, nodes })
    }

    fn describe(&self) -> String {
        "toy block prover (TEST FIXTURE: three small Groth16 circuits, not the rollup)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use ark_relations::gr1cs::ConstraintSystem;

    fn satisfied(c: impl ConstraintSynthesizer<Fr>) -> bool {
        let cs = ConstraintSystem::<Fr>::new_ref();
        c.generate_constraints(cs.clone()).is_ok() && cs.is_satisfied().unwrap()
    }

    #[test]
    fn toy_circuits_accept_honest_and_reject_wrong_witnesses() {
        let mut rng = ChaCha20Rng::seed_from_u64(21);
        let (start, tx) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
        let end = toy_step(start, tx);
        assert!(satisfied(ToyBaseCircuit { start, end, tx }));
        assert!(
            !satisfied(ToyBaseCircuit {
                start,
                end: end + Fr::ONE,
                tx
            }),
            "wrong end state"
        );
        assert!(
            !satisfied(ToyBaseCircuit {
                start,
                end,
                tx: tx + Fr::ONE
            }),
            "wrong transaction"
        );
        assert!(satisfied(ToyMergeCircuit { start, end }));
        assert!(
            !satisfied(ToyMergeCircuit { start, end: start }),
            "no progress"
        );
        let (data_hash, prover) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
        assert!(satisfied(ToyRootCircuit {
            start,
            end,
            data_hash,
            prover
        }));
        assert!(!satisfied(ToyRootCircuit {
            start,
            end: start,
            data_hash,
            prover
        }));
    }

    #[test]
    fn block_proof_verifies_natively_and_binds_its_inputs() {
        let prover = ToyBlockProver::setup(3).unwrap();
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        let data = prover.build_block(1, 5, 9);
        let request = BlockRequest {
            slot: 1,
            prev_archive: Fr::rand(&mut rng),
            data,
            prover: alloy::primitives::Address::repeat_byte(3),
        };
        let block = prover.prove_block(&request).unwrap();
        assert_eq!((block.leaves, block.nodes.len()), (5, 9));
        assert!(block.verify_native(prover.verifying_keys()).unwrap());
        assert_eq!(block.root_inputs()[0], request.prev_archive);
        let mut bad = block.clone();
        bad.nodes[0].public_inputs[3] += Fr::ONE;
        assert!(
            !bad.verify_native(prover.verifying_keys()).unwrap(),
            "root input change breaks its proof"
        );
        let mut unlinked = block.clone();
        unlinked.nodes[8].public_inputs[1] += Fr::ONE;
        assert!(
            unlinked.verify_native(prover.verifying_keys()).is_err(),
            "linkage checked"
        );
        assert!(
            ToyBlockProver::transactions(&[1u8; 40]).is_err(),
            "partial transaction rejected"
        );
    }
}
