//! Groth16 prove comparison: our prover (the kernels' MSM and NTT) against ark-groth16 on the
//! same proving key and circuit, interleaved, median of `reps` runs. Every proof of both sides
//! is checked with our verifier.
//!
//! The circuit is [`circuit`]: the constraints, the inputs and the constant one fill a `2^log`
//! evaluation domain. Key generation and preparation happen before the timed runs.

use ark_bn254::Bn254;
use rand::{SeedableRng, rngs::StdRng};
use sidecar_groth16::synthetic::Synthetic;
use sidecar_groth16::{Groth16, Proof, Result};
use sidecar_kernels::Cpu;

use crate::kernels::{KernelOp, KernelRecord, record, time_ms};

/// Domain slots kept free of the synthetic circuit's constraints, for its 4 public inputs and
/// the constant one.
const DOMAIN_SLACK: usize = 8;

/// The synthetic circuit of a `2^log` evaluation domain: `2^log − 8` constraints, 4 public
/// inputs, seeded by `log`.
pub fn circuit(log: u32) -> Synthetic {
    let size = 1usize << log;
    Synthetic::new(size.saturating_sub(DOMAIN_SLACK).max(1), 4, log as u64)
}

/// Times our Groth16 proof against ark-groth16's for a `2^log`-constraint circuit, `reps`
/// times each, alternating. Fails if any proof of either side does not verify.
pub fn prove(log: u32, reps: usize) -> Result<KernelRecord> {
    let circuit = circuit(log);
    let mut rng = StdRng::seed_from_u64(0x6716 ^ log as u64);
    let ours = Groth16::new(Cpu::new());
    let pk = ours.setup(circuit.clone(), &mut rng)?;
    let prepared = ours.prepare(&pk)?;
    let vk = pk.verifying_key();
    let public = circuit.public_inputs();
    let (mut ours_ms, mut peer_ms) = (Vec::new(), Vec::new());
    for _ in 0..reps.max(1) {
        let mut proof = None;
        ours_ms.push(time_ms(|| {
            proof = Some(ours.prove(&prepared, circuit.clone(), &mut rng))
        }));
        let mut peer = None;
        peer_ms.push(time_ms(|| {
            peer = Some(
                ark_groth16::Groth16::<Bn254>::create_random_proof_with_reduction(
                    circuit.clone(),
                    &pk.crs,
                    &mut rng,
                ),
            )
        }));
        let proof = proof.expect("timed above")?;
        let peer = Proof(peer.expect("timed above")?);
        for (side, p) in [("ours", proof), ("ark-groth16", peer)] {
            if !ours.verify(&vk, &public, &p)? {
                return Err(sidecar_kernels::Error::Device {
                    backend: "bench",
                    reason: format!("groth16 of 2^{log}: {side}'s proof does not verify"),
                }
                .into());
            }
        }
    }
    Ok(record(
        KernelOp::Groth16,
        1usize << log,
        ours_ms,
        peer_ms,
        Vec::new(),
    ))
}

/// [`prove`] for every size in `logs`, in the current rayon pool.
pub fn run(logs: &[u32], reps: usize) -> Result<Vec<KernelRecord>> {
    logs.iter().map(|&log| prove(log, reps)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_a_verified_comparison() {
        let records = run(&[8], 1).unwrap();
        let r = &records[0];
        assert_eq!((r.op, r.size), ("groth16", 256));
        assert!(r.ours_ms > 0.0 && r.peer_ms > 0.0 && r.cpu_ms.is_none());
        assert!((r.ratio - r.peer_ms / r.ours_ms).abs() < 1e-9);
    }
}
