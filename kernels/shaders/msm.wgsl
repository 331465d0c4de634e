// Bucket accumulation of the bucket-method MSM (see src/wgpu/msm.rs for the host side).
//
// The host has split every scalar into c-bit windows and sorted the (window, digit) pairs by
// bucket; `indices` lists base indices bucket by bucket, and segment s covers
// indices[bounds[s] .. bounds[s + 1]] (one bucket, at most a fixed number of entries so that
// one crowded bucket cannot serialise the whole dispatch). Thread s sums its segment's bases.
//
// params: [0] number of segments, [1] threads per dispatch row (x groups * workgroup size).

@group(0) @binding(0) var<storage, read> bases: array<u32>;
@group(0) @binding(1) var<storage, read> indices: array<u32>;
@group(0) @binding(2) var<storage, read> bounds: array<u32>;
@group(0) @binding(3) var<storage, read_write> sums: array<u32>;
@group(0) @binding(4) var<storage, read> params: array<u32>;

fn load_fe(buf_offset: u32) -> Fe {
    var r: Fe;
    for (var i = 0u; i < 8u; i++) {
        r[i] = bases[buf_offset + i];
    }
    return r;
}

@compute @workgroup_size(64)
fn accumulate(@builtin(global_invocation_id) gid: vec3<u32>) {
    let s = gid.x + gid.y * params[1];
    if (s >= params[0]) {
        return;
    }
    var acc = jac_infinity();
    for (var k = bounds[s]; k < bounds[s + 1u]; k++) {
        let base = indices[k] * 16u;
        acc = jac_add_affine(acc, load_fe(base), load_fe(base + 8u));
    }
    let o = s * 24u;
    for (var i = 0u; i < 8u; i++) {
        sums[o + i] = acc.x[i];
        sums[o + 8u + i] = acc.y[i];
        sums[o + 16u + i] = acc.z[i];
    }
}
