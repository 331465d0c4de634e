//! BN254 G1 MSM on the GPU (bucket method) and the [`Msm`] implementations of [`Wgpu`].
//!
//! Split between host and device, per MSM:
//! 1. host: scalars to canonical integers, `c`-bit window digits, bucket sort into segments
//!    ([`super::buckets`]); upload of the index lists (`4·m·windows` bytes);
//! 2. device: bucket accumulation, one thread per segment, mixed Jacobian + affine additions
//!    against the resident bases (`shaders/msm.wgsl`);
//! 3. host: read-back of the segment sums, bucket reduction `Σ_d d·B_d` by running sums and the
//!    window combination `Σ_w 2^{c·w}·S_w`, in parallel over windows.
//!
//! The device does the `m·windows` additions that dominate; the host's share is
//! `~2^{c+1}·windows` additions. Bases stay resident in device buffers from `prepare` on, in
//! chunks no larger than one storage binding. G2 MSMs run on the CPU backend.

use ark_bn254::{Fq, Fr, G1Affine, G1Projective};
use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ff::{AdditiveGroup, BigInt, Zero};
use rayon::prelude::*;

use super::Wgpu;
use super::buckets::{Plan, plan};
use super::context::Gpu;
use crate::msm::check_lengths;
use crate::{Cpu, Msm, Result};

/// Bytes of one affine base on the device: x and y, eight 32-bit limbs each.
const BASE_BYTES: usize = 64;
/// Bytes of one Jacobian segment sum read back: x, y, z.
const SUM_BYTES: usize = 96;
/// Largest chunk of bases one MSM dispatch works on.
const MAX_CHUNK: usize = 1 << 20;

/// G1 bases resident on the device, in chunks of consecutive bases.
pub struct PreparedG1 {
    chunks: Vec<::wgpu::Buffer>,
    chunk_len: usize,
    len: usize,
}

fn encode_bases(bases: &[G1Affine]) -> Vec<u8> {
    let mut out = vec![0u8; bases.len() * BASE_BYTES];
    out.par_chunks_mut(BASE_BYTES)
        .zip(bases.par_iter())
        .for_each(|(dst, p)| {
            // Infinity stays (0, 0), which the shader skips.
            if let Some((x, y)) = p.xy() {
                for (i, w) in x.0.0.iter().chain(y.0.0.iter()).enumerate() {
                    dst[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
                }
            }
        });
    out
}

fn decode_fq(words: &[u8]) -> Fq {
    let mut limbs = [0u64; 4];
    for (i, l) in limbs.iter_mut().enumerate() {
        *l = u64::from_le_bytes(words[8 * i..8 * i + 8].try_into().expect("8 bytes"));
    }
    Fq::new_unchecked(BigInt(limbs))
}

fn decode_sum(bytes: &[u8]) -> G1Projective {
    let z = decode_fq(&bytes[64..96]);
    if z.is_zero() {
        return G1Projective::zero();
    }
    G1Projective::new_unchecked(decode_fq(&bytes[0..32]), decode_fq(&bytes[32..64]), z)
}

impl Wgpu {
    fn prepare_g1(&self, bases: &[G1Affine]) -> Result<PreparedG1> {
        let chunk_len = MAX_CHUNK.min((self.gpu.max_binding() as usize / BASE_BYTES).max(1));
        let _guard = self.lock()?;
        let chunks = bases
            .chunks(chunk_len)
            .map(|c| self.gpu.storage("bases", &encode_bases(c)))
            .collect::<Result<Vec<_>>>()?;
        self.gpu.take_errors()?;
        Ok(PreparedG1 {
            chunks,
            chunk_len,
            len: bases.len(),
        })
    }

    fn msm_g1(&self, prepared: &PreparedG1, scalars: &[Fr]) -> Result<G1Projective> {
        check_lengths(prepared.len, scalars.len())?;
        let mut total = G1Projective::zero();
        for (buffer, s) in prepared
            .chunks
            .iter()
            .zip(scalars.chunks(prepared.chunk_len))
        {
            total += self.msm_chunk(buffer, s)?;
        }
        Ok(total)
    }

    fn msm_chunk(&self, bases: &::wgpu::Buffer, scalars: &[Fr]) -> Result<G1Projective> {
        let plan = plan(scalars);
        let segments = plan.owner.len();
        if segments == 0 {
            return Ok(G1Projective::zero());
        }
        let sums = {
            let _guard = self.lock()?;
            accumulate(&self.gpu, &self.pipelines.accumulate, bases, &plan)?
        };
        Ok(reduce(&plan, &sums))
    }
}

/// Runs the accumulation kernel of `plan` and returns the raw segment sums.
fn accumulate(
    gpu: &Gpu,
    pipeline: &::wgpu::ComputePipeline,
    bases: &::wgpu::Buffer,
    plan: &Plan,
) -> Result<Vec<u8>> {
    let segments = plan.owner.len() as u32;
    let grid = gpu.grid(segments);
    let indices = gpu.storage("indices", &u32_bytes(&plan.indices))?;
    let bounds = gpu.storage("bounds", &u32_bytes(&plan.bounds))?;
    let params = gpu.storage("params", &u32_bytes(&[segments, grid.row]))?;
    let out_size = (segments as usize * SUM_BYTES) as u64;
    let sums = gpu.output("segment sums", out_size)?;
    let bind = gpu.bind(pipeline, &[bases, &indices, &bounds, &sums, &params]);
    let mut encoder = gpu.device.create_command_encoder(&Default::default());
    {
        let mut pass = encoder.begin_compute_pass(&Default::default());
        pass.set_pipeline(pipeline);
        pass.set_bind_group(0, &bind, &[]);
        pass.dispatch_workgroups(grid.x, grid.y, 1);
    }
    gpu.finish(encoder)?;
    gpu.read(&sums, out_size)
}

/// Bucket reduction and window combination on the host.
fn reduce(plan: &Plan, sums: &[u8]) -> G1Projective {
    let buckets = 1usize << plan.c;
    // Segments are ordered by window, then digit: split them per window.
    let mut first = vec![0usize; plan.windows + 1];
    for &(w, _) in &plan.owner {
        first[w as usize + 1] += 1;
    }
    for w in 0..plan.windows {
        first[w + 1] += first[w];
    }
    let window_sums: Vec<G1Projective> = (0..plan.windows)
        .into_par_iter()
        .map(|w| {
            let mut bucket = vec![G1Projective::zero(); buckets];
            for s in first[w]..first[w + 1] {
                bucket[plan.owner[s].1 as usize] +=
                    decode_sum(&sums[s * SUM_BYTES..(s + 1) * SUM_BYTES]);
            }
            let (mut running, mut acc) = (G1Projective::zero(), G1Projective::zero());
            for b in bucket.iter().skip(1).rev() {
                running += b;
                acc += running;
            }
            acc
        })
        .collect();
    let mut total = G1Projective::zero();
    for s in window_sums.iter().rev() {
        for _ in 0..plan.c {
            total.double_in_place();
        }
        total += s;
    }
    total
}

fn u32_bytes(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|w| w.to_le_bytes()).collect()
}

impl Msm<ark_bn254::g1::Config> for Wgpu {
    type Prepared = PreparedG1;

    fn prepare(&self, bases: &[Affine<ark_bn254::g1::Config>]) -> Result<PreparedG1> {
        self.prepare_g1(bases)
    }

    fn prepared_len(&self, prepared: &PreparedG1) -> usize {
        prepared.len
    }

    fn msm_prepared_batch(
        &self,
        prepared: &PreparedG1,
        scalars: &[&[Fr]],
    ) -> Result<Vec<Projective<ark_bn254::g1::Config>>> {
        scalars.iter().map(|s| self.msm_g1(prepared, s)).collect()
    }
}

/// G2 has no GPU kernel here: it runs on the CPU backend (G2 MSMs are a small share of a
/// Groth16 proof).
impl Msm<ark_bn254::g2::Config> for Wgpu {
    type Prepared = <Cpu as Msm<ark_bn254::g2::Config>>::Prepared;

    fn prepare(&self, bases: &[Affine<ark_bn254::g2::Config>]) -> Result<Self::Prepared> {
        self.cpu.prepare(bases)
    }

    fn prepared_len(&self, prepared: &Self::Prepared) -> usize {
        <Cpu as Msm<ark_bn254::g2::Config>>::prepared_len(&self.cpu, prepared)
    }

    fn msm_prepared_batch(
        &self,
        prepared: &Self::Prepared,
        scalars: &[&[Fr]],
    ) -> Result<Vec<Projective<ark_bn254::g2::Config>>> {
        self.cpu.msm_prepared_batch(prepared, scalars)
    }

    fn msm(
        &self,
        bases: &[Affine<ark_bn254::g2::Config>],
        scalars: &[Fr],
    ) -> Result<Projective<ark_bn254::g2::Config>> {
        self.cpu.msm(bases, scalars)
    }
}
