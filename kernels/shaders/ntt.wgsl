// Radix-2 NTT over the scalar field of field.wgsl, in place on `data` (a batch of vectors of
// length n = 2^log_n, each element 8 limbs). A transform is: bit_reverse, then log_n
// `butterfly` passes with half-width m = 1, 2, .., n/2 (decimation in time, natural order out),
// then for the inverse a `scale` by n^{-1}. `twiddles` holds w^0 .. w^{n/2-1} for the
// direction's root w.
//
// params: [0] n, [1] log_n, [2] m (butterfly half-width), [3] threads in this pass,
//         [4] threads per dispatch row, [5..13] the scale factor (Montgomery form).

@group(0) @binding(0) var<storage, read_write> data: array<u32>;
@group(0) @binding(1) var<storage, read> twiddles: array<u32>;
@group(0) @binding(2) var<storage, read> params: array<u32>;

fn load(i: u32) -> Fe {
    var r: Fe;
    for (var k = 0u; k < 8u; k++) {
        r[k] = data[i * 8u + k];
    }
    return r;
}

fn store(i: u32, v: Fe) {
    var x = v;
    for (var k = 0u; k < 8u; k++) {
        data[i * 8u + k] = x[k];
    }
}

fn thread_index(gid: vec3<u32>) -> u32 {
    return gid.x + gid.y * params[4];
}

@compute @workgroup_size(64)
fn bit_reverse(@builtin(global_invocation_id) gid: vec3<u32>) {
    let t = thread_index(gid);
    if (t >= params[3]) {
        return;
    }
    let n = params[0];
    let base = t - t % n;
    let i = t % n;
    let j = reverseBits(i) >> (32u - params[1]);
    if (i < j) {
        let a = load(base + i);
        store(base + i, load(base + j));
        store(base + j, a);
    }
}

@compute @workgroup_size(64)
fn butterfly(@builtin(global_invocation_id) gid: vec3<u32>) {
    let t = thread_index(gid);
    if (t >= params[3]) {
        return;
    }
    let n = params[0];
    let half_n = n >> 1u;
    let m = params[2];
    let v = t / half_n;
    let k = t % half_n;
    let j = k % m;
    let i0 = v * n + (k / m) * 2u * m + j;
    let i1 = i0 + m;
    var w: Fe;
    let tw = j * (half_n / m) * 8u;
    for (var q = 0u; q < 8u; q++) {
        w[q] = twiddles[tw + q];
    }
    let u = load(i0);
    let x = fe_mul(load(i1), w);
    store(i0, fe_add(u, x));
    store(i1, fe_sub(u, x));
}

@compute @workgroup_size(64)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>) {
    let t = thread_index(gid);
    if (t >= params[3]) {
        return;
    }
    var c: Fe;
    for (var q = 0u; q < 8u; q++) {
        c[q] = params[5u + q];
    }
    store(t, fe_mul(load(t), c));
}
