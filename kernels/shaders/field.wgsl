// Montgomery arithmetic modulo an odd prime p < 2^255, eight 32-bit limbs, little-endian.
//
// The host prepends, per field:
//   const MODULUS: Fe   // p
//   const MONT_ONE: Fe  // R mod p, R = 2^256 (the field's 1 in Montgomery form)
//   const INV: u32      // -p^{-1} mod 2^32
// Every Fe here is a canonical residue (< p) in Montgomery form: x is stored as x*R mod p, the
// representation arkworks uses, so buffers move between host and device without conversion.
// Only u32 operations are used; the 32x32 -> 64-bit products are built from 16-bit halves.

alias Fe = array<u32, 8>;

fn fe_zero() -> Fe {
    return Fe(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
}

fn fe_is_zero(a: Fe) -> bool {
    var x = a;
    var acc = 0u;
    for (var i = 0u; i < 8u; i++) {
        acc |= x[i];
    }
    return acc == 0u;
}

fn fe_eq(a: Fe, b: Fe) -> bool {
    var x = a;
    var y = b;
    var acc = 0u;
    for (var i = 0u; i < 8u; i++) {
        acc |= x[i] ^ y[i];
    }
    return acc == 0u;
}

// Full product a*b as (low word, high word).
fn mul_wide(a: u32, b: u32) -> vec2<u32> {
    let a0 = a & 0xffffu;
    let a1 = a >> 16u;
    let b0 = b & 0xffffu;
    let b1 = b >> 16u;
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // p01 <= (2^16-1)^2, plus two 16-bit terms: still < 2^32.
    let mid = p01 + (p00 >> 16u) + (p10 & 0xffffu);
    let lo = (p00 & 0xffffu) | (mid << 16u);
    let hi = p11 + (mid >> 16u) + (p10 >> 16u);
    return vec2<u32>(lo, hi);
}

// t + a*b + c as (low word, high word); never overflows 64 bits.
fn mac(t: u32, a: u32, b: u32, c: u32) -> vec2<u32> {
    let w = mul_wide(a, b);
    let s1 = w.x + t;
    let c1 = select(0u, 1u, s1 < t);
    let s2 = s1 + c;
    let c2 = select(0u, 1u, s2 < s1);
    return vec2<u32>(s2, w.y + c1 + c2);
}

// a - b over the integers modulo 2^256; *borrow receives 1 when b > a.
fn sub_borrow(a: Fe, b: Fe, borrow: ptr<function, u32>) -> Fe {
    var x = a;
    var y = b;
    var r: Fe;
    var br = 0u;
    for (var i = 0u; i < 8u; i++) {
        let d = x[i] - y[i];
        let b1 = select(0u, 1u, x[i] < y[i]);
        let d2 = d - br;
        let b2 = select(0u, 1u, d < br);
        r[i] = d2;
        br = b1 + b2;
    }
    *borrow = br;
    return r;
}

// a + b over the integers; p < 2^255 so two residues never carry out of 256 bits.
fn add_raw(a: Fe, b: Fe) -> Fe {
    var x = a;
    var y = b;
    var r: Fe;
    var carry = 0u;
    for (var i = 0u; i < 8u; i++) {
        let s = x[i] + y[i];
        let c1 = select(0u, 1u, s < x[i]);
        let s2 = s + carry;
        let c2 = select(0u, 1u, s2 < s);
        r[i] = s2;
        carry = c1 + c2;
    }
    return r;
}

// a mod p for a < 2p.
fn reduce_once(a: Fe) -> Fe {
    var borrow = 0u;
    let d = sub_borrow(a, MODULUS, &borrow);
    if (borrow == 0u) {
        return d;
    }
    return a;
}

fn fe_add(a: Fe, b: Fe) -> Fe {
    return reduce_once(add_raw(a, b));
}

fn fe_double(a: Fe) -> Fe {
    return reduce_once(add_raw(a, a));
}

fn fe_sub(a: Fe, b: Fe) -> Fe {
    var borrow = 0u;
    let d = sub_borrow(a, b, &borrow);
    if (borrow != 0u) {
        return add_raw(d, MODULUS);
    }
    return d;
}

// Montgomery product a*b*R^{-1} mod p (CIOS, Koc et al.).
fn fe_mul(a: Fe, b: Fe) -> Fe {
    var x = a;
    var y = b;
    var p = MODULUS;
    var t: array<u32, 10>;
    for (var i = 0u; i < 8u; i++) {
        var c = 0u;
        for (var j = 0u; j < 8u; j++) {
            let r = mac(t[j], x[j], y[i], c);
            t[j] = r.x;
            c = r.y;
        }
        let s = t[8] + c;
        t[9] = select(0u, 1u, s < c);
        t[8] = s;

        let m = t[0] * INV;
        var r = mac(t[0], m, p[0], 0u);
        c = r.y;
        for (var j = 1u; j < 8u; j++) {
            r = mac(t[j], m, p[j], c);
            t[j - 1u] = r.x;
            c = r.y;
        }
        let s2 = t[8] + c;
        t[7] = s2;
        t[8] = t[9] + select(0u, 1u, s2 < c);
    }
    var out: Fe;
    for (var i = 0u; i < 8u; i++) {
        out[i] = t[i];
    }
    return reduce_once(out);
}

fn fe_square(a: Fe) -> Fe {
    return fe_mul(a, a);
}
