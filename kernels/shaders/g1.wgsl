// Points of a short-Weierstrass curve y^2 = x^3 + b with a = 0 (BN254 G1) over the base field
// of field.wgsl, in Jacobian coordinates: (X, Y, Z) stands for (X/Z^2, Y/Z^3), and Z = 0 is the
// point at infinity -- the representation arkworks' `Projective` uses, so results are read
// back without conversion. Affine inputs use (0, 0) for infinity (not on the curve since b != 0).

struct Jac {
    x: Fe,
    y: Fe,
    z: Fe,
}

fn jac_infinity() -> Jac {
    return Jac(MONT_ONE, MONT_ONE, fe_zero());
}

// 2P (dbl-2009-l, a = 0).
fn jac_double(p: Jac) -> Jac {
    if (fe_is_zero(p.z)) {
        return p;
    }
    let a = fe_square(p.x);
    let b = fe_square(p.y);
    let c = fe_square(b);
    let xb = fe_add(p.x, b);
    let d = fe_double(fe_sub(fe_sub(fe_square(xb), a), c));
    let e = fe_add(fe_double(a), a);
    let f = fe_square(e);
    let x3 = fe_sub(f, fe_double(d));
    let c8 = fe_double(fe_double(fe_double(c)));
    let y3 = fe_sub(fe_mul(e, fe_sub(d, x3)), c8);
    let z3 = fe_double(fe_mul(p.y, p.z));
    return Jac(x3, y3, z3);
}

// P + Q for affine Q = (qx, qy) (madd-2007-bl), complete: handles P = infinity, Q = infinity,
// P = Q (doubling) and P = -Q (infinity).
fn jac_add_affine(p: Jac, qx: Fe, qy: Fe) -> Jac {
    if (fe_is_zero(qx) && fe_is_zero(qy)) {
        return p;
    }
    if (fe_is_zero(p.z)) {
        return Jac(qx, qy, MONT_ONE);
    }
    let z1z1 = fe_square(p.z);
    let u2 = fe_mul(qx, z1z1);
    let s2 = fe_mul(qy, fe_mul(p.z, z1z1));
    let h = fe_sub(u2, p.x);
    let s = fe_sub(s2, p.y);
    if (fe_is_zero(h)) {
        if (fe_is_zero(s)) {
            return jac_double(p);
        }
        return jac_infinity();
    }
    let hh = fe_square(h);
    let i = fe_double(fe_double(hh));
    let j = fe_mul(h, i);
    let r = fe_double(s);
    let v = fe_mul(p.x, i);
    let x3 = fe_sub(fe_sub(fe_square(r), j), fe_double(v));
    let y3 = fe_sub(fe_mul(r, fe_sub(v, x3)), fe_double(fe_mul(p.y, j)));
    let zh = fe_add(p.z, h);
    let z3 = fe_sub(fe_sub(fe_square(zh), z1z1), hh);
    return Jac(x3, y3, z3);
}
