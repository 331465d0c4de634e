//! WGSL sources and compiled pipelines. `kernels/shaders/field.wgsl` is generic over the prime:
//! this module prepends each field's constants (modulus, Montgomery one, `-p^{-1} mod 2^32`) and
//! appends the algorithm shaders, giving one module per use (G1 MSM over Fq, NTT over Fr).

use ark_ff::{BigInt, Field, Fp256, MontBackend, MontConfig, PrimeField};

use super::context::Gpu;

const FIELD: &str = include_str!("../../shaders/field.wgsl");
const G1: &str = include_str!("../../shaders/g1.wgsl");
const MSM: &str = include_str!("../../shaders/msm.wgsl");
const NTT: &str = include_str!("../../shaders/ntt.wgsl");

/// The eight little-endian 32-bit limbs of a 256-bit integer.
pub(crate) fn limbs32(v: &BigInt<4>) -> [u32; 8] {
    let mut out = [0u32; 8];
    for (i, w) in v.0.iter().enumerate() {
        out[2 * i] = *w as u32;
        out[2 * i + 1] = (*w >> 32) as u32;
    }
    out
}

/// `-p^{-1} mod 2^32` for odd `p0` (the low word of p), by Newton iteration.
fn neg_inv32(p0: u32) -> u32 {
    let mut inv = 1u32;
    for _ in 0..5 {
        inv = inv.wrapping_mul(2u32.wrapping_sub(p0.wrapping_mul(inv)));
    }
    inv.wrapping_neg()
}

fn fe_const(name: &str, limbs: [u32; 8]) -> String {
    let words: Vec<String> = limbs.iter().map(|w| format!("{w:#010x}u")).collect();
    format!("const {name}: Fe = Fe({});\n", words.join(", "))
}

/// WGSL constants of the Montgomery field `Fp256<MontBackend<C, 4>>` followed by field.wgsl.
fn field_source<C: MontConfig<4>>() -> String {
    let modulus = limbs32(&<Fp256<MontBackend<C, 4>> as PrimeField>::MODULUS);
    let one = limbs32(&Fp256::<MontBackend<C, 4>>::ONE.0);
    let mut src = String::from(FIELD);
    src.push('\n');
    src.push_str(&fe_const("MODULUS", modulus));
    src.push_str(&fe_const("MONT_ONE", one));
    src.push_str(&format!(
        "const INV: u32 = {:#010x}u;\n",
        neg_inv32(modulus[0])
    ));
    src
}

/// Compiled pipelines for every kernel of the backend.
pub(crate) struct Pipelines {
    pub accumulate: ::wgpu::ComputePipeline,
    pub bit_reverse: ::wgpu::ComputePipeline,
    pub butterfly: ::wgpu::ComputePipeline,
    pub scale: ::wgpu::ComputePipeline,
}

impl Pipelines {
    /// Compiles the G1 MSM module (over BN254 Fq) and the NTT module (over BN254 Fr).
    pub fn compile(gpu: &Gpu) -> Self {
        let msm = module(
            gpu,
            "msm",
            [field_source::<ark_bn254::FqConfig>(), G1.into(), MSM.into()],
        );
        let ntt = module(
            gpu,
            "ntt",
            [field_source::<ark_bn254::FrConfig>(), NTT.into()],
        );
        // bases, indices, bounds (read) | segment sums (write) | params (read)
        let msm_layout = layout(gpu, &[false, false, false, true, false]);
        // data (read-write) | twiddles, params (read). Explicit, because passes that do not
        // touch the twiddles would otherwise get a layout without them.
        let ntt_layout = layout(gpu, &[true, false, false]);
        Self {
            accumulate: pipeline(gpu, &msm, &msm_layout, "accumulate"),
            bit_reverse: pipeline(gpu, &ntt, &ntt_layout, "bit_reverse"),
            butterfly: pipeline(gpu, &ntt, &ntt_layout, "butterfly"),
            scale: pipeline(gpu, &ntt, &ntt_layout, "scale"),
        }
    }
}

fn module<const K: usize>(gpu: &Gpu, label: &str, parts: [String; K]) -> ::wgpu::ShaderModule {
    let source = parts.join("\n");
    gpu.device
        .create_shader_module(::wgpu::ShaderModuleDescriptor {
            label: Some(label),
            source: ::wgpu::ShaderSource::Wgsl(source.into()),
        })
}

/// A pipeline layout of one bind group of storage buffers at bindings `0..`, writable where
/// `writable[i]`.
fn layout(gpu: &Gpu, writable: &[bool]) -> ::wgpu::PipelineLayout {
    let entries: Vec<_> = writable
        .iter()
        .enumerate()
        .map(|(i, &w)| ::wgpu::BindGroupLayoutEntry {
            binding: i as u32,
            visibility: ::wgpu::ShaderStages::COMPUTE,
            ty: ::wgpu::BindingType::Buffer {
                ty: ::wgpu::BufferBindingType::Storage { read_only: !w },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        })
        .collect();
    let group = gpu
        .device
        .create_bind_group_layout(&::wgpu::BindGroupLayoutDescriptor {
            label: None,
            entries: &entries,
        });
    gpu.device
        .create_pipeline_layout(&::wgpu::PipelineLayoutDescriptor {
            label: None,
            bind_group_layouts: &[Some(&group)],
            immediate_size: 0,
        })
}

fn pipeline(
    gpu: &Gpu,
    module: &::wgpu::ShaderModule,
    layout: &::wgpu::PipelineLayout,
    entry: &str,
) -> ::wgpu::ComputePipeline {
    gpu.device
        .create_compute_pipeline(&::wgpu::ComputePipelineDescriptor {
            label: Some(entry),
            layout: Some(layout),
            module,
            entry_point: Some(entry),
            compilation_options: Default::default(),
            cache: None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neg_inv32_inverts_the_low_word() {
        for p0 in [0xf0000001u32, 0xd87cfd47, 3, 0xffff_ffff] {
            assert_eq!(p0.wrapping_mul(neg_inv32(p0)), u32::MAX);
        }
    }

    #[test]
    fn limbs32_splits_little_endian() {
        let v = BigInt::<4>([0x1122334455667788, 1, 0, 0xaabbccdd00000000]);
        assert_eq!(
            limbs32(&v),
            [0x55667788, 0x11223344, 1, 0, 0, 0, 0, 0xaabbccdd]
        );
    }
}
