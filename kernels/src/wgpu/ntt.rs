//! BN254 Fr NTT on the GPU and the [`Ntt`] implementation of [`Wgpu`].
//!
//! One transform is a single command buffer: a bit-reversal pass, `log n` radix-2
//! decimation-in-time butterfly passes (one thread per butterfly, over the whole batch), and
//! for the inverse a scaling pass by `n^{-1}`. Twiddle tables (`ω^0..ω^{n/2-1}`, Montgomery
//! form) are computed on the host once per size and direction and stay on the device. The
//! coset forms are the trait's defaults (host-side scaling by powers of the shift).

use std::collections::HashMap;
use std::sync::Arc;

use ark_bn254::Fr;
use ark_ff::{FftField, Field};
use rayon::prelude::*;

use super::Wgpu;
use super::shader::limbs32;
use crate::ntt::check_size;
use crate::{Direction, Error, Ntt, Result};

/// Bytes of one field element on the device.
const FE_BYTES: usize = 32;

/// Device-resident twiddle tables keyed by `(log n, direction)`.
pub(crate) type TwiddleCache = HashMap<(u32, bool), Arc<::wgpu::Buffer>>;

fn encode(values: &[Fr]) -> Vec<u8> {
    let mut out = vec![0u8; values.len() * FE_BYTES];
    out.par_chunks_mut(FE_BYTES)
        .zip(values.par_iter())
        .for_each(|(dst, v)| {
            for (i, w) in v.0.0.iter().enumerate() {
                dst[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
            }
        });
    out
}

fn decode(bytes: &[u8], values: &mut [Fr]) {
    values
        .par_iter_mut()
        .zip(bytes.par_chunks(FE_BYTES))
        .for_each(|(v, src)| {
            let mut limbs = [0u64; 4];
            for (i, l) in limbs.iter_mut().enumerate() {
                *l = u64::from_le_bytes(src[8 * i..8 * i + 8].try_into().expect("8 bytes"));
            }
            *v = Fr::new_unchecked(ark_ff::BigInt(limbs));
        });
}

/// `root^0 .. root^{half-1}`.
fn powers(root: Fr, half: usize) -> Vec<Fr> {
    const CHUNK: usize = 1 << 12;
    let mut out = vec![Fr::ONE; half];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut p = root.pow([(c * CHUNK) as u64]);
            for v in chunk {
                *v = p;
                p *= root;
            }
        });
    out
}

fn params(n: u32, log: u32, m: u32, threads: u32, row: u32, scale: Fr) -> Vec<u8> {
    let mut words = vec![n, log, m, threads, row];
    words.extend_from_slice(&limbs32(&scale.0));
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

impl Wgpu {
    fn twiddles(&self, log: u32, dir: Direction) -> Result<Arc<::wgpu::Buffer>> {
        let inverse = dir == Direction::Inverse;
        let mut cache = self.twiddles.lock().map_err(|_| poisoned())?;
        if let Some(b) = cache.get(&(log, inverse)) {
            return Ok(Arc::clone(b));
        }
        let n = 1usize << log;
        let root = Fr::get_root_of_unity(n as u64)
            .ok_or_else(|| Error::invalid(format!("ntt: no root of unity of order {n}")))?;
        let root = if inverse {
            root.inverse().expect("a root of unity is non-zero")
        } else {
            root
        };
        let buffer = Arc::new(
            self.gpu
                .storage("twiddles", &encode(&powers(root, n / 2)))?,
        );
        cache.insert((log, inverse), Arc::clone(&buffer));
        Ok(buffer)
    }

    fn ntt_gpu(&self, values: &mut [Fr], log: u32, dir: Direction) -> Result<()> {
        let n = 1u32 << log;
        let total = u32::try_from(values.len())
            .map_err(|_| Error::invalid("ntt: more than 2^32 elements in one call"))?;
        let twiddles = self.twiddles(log, dir)?;
        let _guard = self.lock()?;
        let gpu = &self.gpu;
        let data = gpu.storage("ntt data", &encode(values))?;
        let p = &self.pipelines;
        let mut passes: Vec<(&::wgpu::ComputePipeline, u32, u32, Fr)> =
            vec![(&p.bit_reverse, 0, total, Fr::ONE)];
        for s in 0..log {
            passes.push((&p.butterfly, 1 << s, total / 2, Fr::ONE));
        }
        if dir == Direction::Inverse {
            let n_inv = Fr::from(n).inverse().expect("n is non-zero in Fr");
            passes.push((&p.scale, 0, total, n_inv));
        }
        let mut encoder = gpu.device.create_command_encoder(&Default::default());
        // Bind groups and parameter buffers must outlive the encoder's recording.
        let mut keep = Vec::with_capacity(passes.len());
        for (pipeline, m, threads, scale) in &passes {
            let grid = gpu.grid(*threads);
            let param = gpu.storage(
                "ntt params",
                &params(n, log, *m, *threads, grid.row, *scale),
            )?;
            let bind = gpu.bind(pipeline, &[&data, &twiddles, &param]);
            {
                let mut pass = encoder.begin_compute_pass(&Default::default());
                pass.set_pipeline(pipeline);
                pass.set_bind_group(0, &bind, &[]);
                pass.dispatch_workgroups(grid.x, grid.y, 1);
            }
            keep.push((param, bind));
        }
        gpu.finish(encoder)?;
        let bytes = gpu.read(&data, (values.len() * FE_BYTES) as u64)?;
        decode(&bytes, values);
        Ok(())
    }
}

fn poisoned() -> Error {
    Error::Device {
        backend: super::context::BACKEND,
        reason: "twiddle cache lock poisoned".into(),
    }
}

impl Ntt<Fr> for Wgpu {
    fn ntt_batch(&self, values: &mut [Fr], size: usize, dir: Direction) -> Result<()> {
        let log = check_size::<Fr>(values.len(), size)?;
        if log == 0 || values.is_empty() {
            // Length-1 transforms are the identity (and 1^{-1} = 1).
            return Ok(());
        }
        self.ntt_gpu(values, log, dir)
    }
}
