//! The Montgomery product of two 4-limb residues, `a·b·2^{−256} mod p`, for BN254's base and
//! scalar fields, with x86-64's MULX/ADCX/ADOX.
//!
//! Each of the four rounds adds `a_i·b` and then `m·p` (with `m = t_0·(−p^{−1}) mod 2^64`, which
//! clears the low word) into a five-word accumulator: the low halves of the products ride the
//! carry flag (ADCX), the high halves the overflow flag (ADOX), so the two carry chains run side
//! by side. Because `p < 2^254` (so `4p < 2^256`), operands below `2p` are enough: every
//! intermediate sum fits in five words and the result is `t = (a·b + M·p)/2^256 < 2p`. One
//! conditional subtraction reduces it ([`mul_adx`]); a product that only feeds another product
//! can skip it ([`mul_adx_lazy`]).

/// A 4-limb odd modulus below `2^254`, with the constant its Montgomery reduction needs.
pub struct Modulus {
    /// `p`, little-endian limbs.
    pub limbs: [u64; 4],
    /// `−p^{−1} mod 2^64`.
    pub inv: u64,
    /// `2p`, the modulus of the lazy additions and subtractions on values below `2p`.
    pub twice: [u64; 4],
}

impl Modulus {
    /// The modulus `limbs`; refuses (at compile time, where used in a constant) a modulus the
    /// no-carry bound does not cover.
    pub const fn new(limbs: [u64; 4]) -> Self {
        assert!(limbs[0] & 1 == 1, "the modulus is odd");
        assert!(limbs[3] >> 62 == 0, "the modulus is below 2^254");
        // Newton's iteration doubles the correct low bits of p^{−1} each step: 1 → 64 in 6.
        let mut x: u64 = 1;
        let mut i = 0;
        while i < 6 {
            x = x.wrapping_mul(2u64.wrapping_sub(limbs[0].wrapping_mul(x)));
            i += 1;
        }
        // p < 2^254: doubling shifts every limb left by one with no bit lost at the top.
        let twice = [
            limbs[0] << 1,
            (limbs[1] << 1) | (limbs[0] >> 63),
            (limbs[2] << 1) | (limbs[1] >> 63),
            (limbs[3] << 1) | (limbs[2] >> 63),
        ];
        Self {
            limbs,
            inv: x.wrapping_neg(),
            twice,
        }
    }
}

/// Setting this variable (to anything) makes the kernels take the paths of a CPU without
/// BMI2/ADX: arkworks' product instead of [`mul_adx`], 128-bit arithmetic instead of
/// [`mul_wide_adx`] and [`redc_low_adx`].
pub const PORTABLE_ENV: &str = "SIDECAR_KERNELS_PORTABLE";

/// Whether this module's products are used: the CPU has BMI2 (MULX) and ADX (ADCX/ADOX) and
/// [`PORTABLE_ENV`] is unset. Decided once per process; later calls are one relaxed load.
#[inline(always)]
pub fn has_adx() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering::Relaxed};
    const UNKNOWN: u8 = 0;
    const YES: u8 = 1;
    static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
    match STATE.load(Relaxed) {
        UNKNOWN => {
            let yes = cpu_has_adx() && std::env::var_os(PORTABLE_ENV).is_none();
            STATE.store(if yes { YES } else { YES + 1 }, Relaxed);
            yes
        }
        state => state == YES,
    }
}

/// Whether the CPU has BMI2 and ADX, whatever the environment says.
pub fn cpu_has_adx() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("bmi2") && std::is_x86_feature_detected!("adx")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `t += src·rdx` over the four limbs at `src`: the low halves of the products ride the carry
/// chain (ADCX), the high halves the overflow chain (ADOX), and both chains end in `t4`.
/// Expects CF = OF = 0 and RAX = 0 on entry.
#[cfg(target_arch = "x86_64")]
macro_rules! mul_add_row {
    ($src:literal, $t0:literal, $t1:literal, $t2:literal, $t3:literal, $t4:literal) => {
        concat!(
            "mulx {hi}, {lo}, qword ptr [",
            $src,
            "]\n",
            "adcx ",
            $t0,
            ", {lo}\n",
            "adox ",
            $t1,
            ", {hi}\n",
            "mulx {hi}, {lo}, qword ptr [",
            $src,
            " + 8]\n",
            "adcx ",
            $t1,
            ", {lo}\n",
            "adox ",
            $t2,
            ", {hi}\n",
            "mulx {hi}, {lo}, qword ptr [",
            $src,
            " + 16]\n",
            "adcx ",
            $t2,
            ", {lo}\n",
            "adox ",
            $t3,
            ", {hi}\n",
            "mulx {hi}, {lo}, qword ptr [",
            $src,
            " + 24]\n",
            "adcx ",
            $t3,
            ", {lo}\n",
            "adox ",
            $t4,
            ", {hi}\n",
            "adcx ",
            $t4,
            ", rax\n",
        )
    };
}

/// A product row: `t += a[off/8]·b`.
#[cfg(target_arch = "x86_64")]
macro_rules! product_row {
    ($off:literal, $t0:literal, $t1:literal, $t2:literal, $t3:literal, $t4:literal) => {
        concat!(
            "mov rdx, qword ptr [{a} + ",
            $off,
            "]\n",
            "xor eax, eax\n",
            mul_add_row!("{b}", $t0, $t1, $t2, $t3, $t4),
        )
    };
}

/// A reduction row: `t += m·p` with `m = t0·(−p^{−1})`, which clears `t0`.
#[cfg(target_arch = "x86_64")]
macro_rules! reduction_row {
    ($t0:literal, $t1:literal, $t2:literal, $t3:literal, $t4:literal) => {
        concat!(
            "mov rdx, {inv}\n",
            "imul rdx, ",
            $t0,
            "\n",
            "xor eax, eax\n",
            mul_add_row!("{p}", $t0, $t1, $t2, $t3, $t4),
        )
    };
}

/// One round of the product: a product row, then a reduction row; the five accumulator words
/// rotate by one register per round instead of moving.
#[cfg(target_arch = "x86_64")]
macro_rules! round {
    ($off:literal, $t0:literal, $t1:literal, $t2:literal, $t3:literal, $t4:literal) => {
        concat!(
            product_row!($off, $t0, $t1, $t2, $t3, $t4),
            reduction_row!($t0, $t1, $t2, $t3, $t4),
        )
    };
}

/// `a·b·2^{−256} mod p` for `a, b < 2p`, reduced (below `p`).
///
/// # Safety
/// The CPU must support BMI2 and ADX ([`has_adx`]).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn mul_adx(a: &[u64; 4], b: &[u64; 4], m: &'static Modulus) -> [u64; 4] {
    // SAFETY: forwarded from the caller.
    let t = unsafe { mul_adx_lazy(a, b, m) };
    super::addsub::reduce_once(t, &m.limbs)
}

/// A value below `2p` congruent to `a·b·2^{−256}` modulo `p`, for `a, b < 2p`: the product
/// without its final conditional subtraction, valid only as an operand of another product.
///
/// # Safety
/// The CPU must support BMI2 and ADX ([`has_adx`]).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn mul_adx_lazy(a: &[u64; 4], b: &[u64; 4], m: &'static Modulus) -> [u64; 4] {
    let (mut r0, mut r1, mut r2, mut r3, mut r4) = (0u64, 0u64, 0u64, 0u64, 0u64);
    // SAFETY: the caller guarantees BMI2/ADX; the block reads 32 bytes from each of `a`, `b`
    // and `m.limbs` (all `[u64; 4]`), writes only the registers it names, and uses no stack.
    unsafe {
        core::arch::asm!(
            round!("0", "{r0}", "{r1}", "{r2}", "{r3}", "{r4}"),
            round!("8", "{r1}", "{r2}", "{r3}", "{r4}", "{r0}"),
            round!("16", "{r2}", "{r3}", "{r4}", "{r0}", "{r1}"),
            round!("24", "{r3}", "{r4}", "{r0}", "{r1}", "{r2}"),
            a = in(reg) a.as_ptr(),
            b = in(reg) b.as_ptr(),
            p = in(reg) m.limbs.as_ptr(),
            inv = in(reg) m.inv,
            r0 = inout(reg) r0,
            r1 = inout(reg) r1,
            r2 = inout(reg) r2,
            r3 = inout(reg) r3,
            r4 = inout(reg) r4,
            lo = out(reg) _,
            hi = out(reg) _,
            out("rdx") _,
            out("rax") _,
            options(pure, readonly, nostack),
        );
    }
    // After four rotations the result sits in (r4, r0, r1, r2); r3 is the cleared low word.
    let _ = r3;
    [r4, r0, r1, r2]
}

/// The 512-bit product `a·b`: the rows `a_i·b` of [`mul_adx`] without its reductions, each
/// row's lowest word final once the row is added.
///
/// # Safety
/// The CPU must support BMI2 and ADX ([`has_adx`]).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn mul_wide_adx(a: &[u64; 4], b: &[u64; 4]) -> [u64; 8] {
    let mut out = [0u64; 8];
    let (mut r0, mut r1, mut r2, mut r3, mut r4) = (0u64, 0u64, 0u64, 0u64, 0u64);
    // SAFETY: the caller guarantees BMI2/ADX; the block reads 32 bytes from each of `a` and
    // `b`, writes the first 32 bytes of `out` (`[u64; 8]`), and uses no stack. Each row's
    // window holds a value below 2^256 before the row and below 2^320 after it, so no carry
    // leaves its fifth word; the word that becomes final is stored and its register cleared
    // to be the next row's fifth word.
    unsafe {
        core::arch::asm!(
            product_row!("0", "{r0}", "{r1}", "{r2}", "{r3}", "{r4}"),
            "mov qword ptr [{out}], {r0}",
            "xor {r0:e}, {r0:e}",
            product_row!("8", "{r1}", "{r2}", "{r3}", "{r4}", "{r0}"),
            "mov qword ptr [{out} + 8], {r1}",
            "xor {r1:e}, {r1:e}",
            product_row!("16", "{r2}", "{r3}", "{r4}", "{r0}", "{r1}"),
            "mov qword ptr [{out} + 16], {r2}",
            "xor {r2:e}, {r2:e}",
            product_row!("24", "{r3}", "{r4}", "{r0}", "{r1}", "{r2}"),
            "mov qword ptr [{out} + 24], {r3}",
            a = in(reg) a.as_ptr(),
            b = in(reg) b.as_ptr(),
            out = in(reg) out.as_mut_ptr(),
            r0 = inout(reg) r0,
            r1 = inout(reg) r1,
            r2 = inout(reg) r2,
            r3 = inout(reg) r3,
            r4 = inout(reg) r4,
            lo = out(reg) _,
            hi = out(reg) _,
            out("rdx") _,
            out("rax") _,
            options(nostack),
        );
    }
    let _ = r3;
    out[4..].copy_from_slice(&[r4, r0, r1, r2]);
    out
}

/// `(t_lo + M·p)/2^256 ≤ p` for the low half `t_lo < 2^256` of a Montgomery reduction (`M`
/// chosen to clear `t_lo`'s words): the reduction rows of [`mul_adx`] alone.
///
/// # Safety
/// The CPU must support BMI2 and ADX ([`has_adx`]).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn redc_low_adx(t_lo: [u64; 4], m: &'static Modulus) -> [u64; 4] {
    let [mut r0, mut r1, mut r2, mut r3] = t_lo;
    let mut r4 = 0u64;
    // SAFETY: the caller guarantees BMI2/ADX; the block reads 32 bytes of `m.limbs`, writes
    // only the registers it names, and uses no stack. The window is below 2^256 before each
    // row and below 2^320 after it.
    unsafe {
        core::arch::asm!(
            reduction_row!("{r0}", "{r1}", "{r2}", "{r3}", "{r4}"),
            reduction_row!("{r1}", "{r2}", "{r3}", "{r4}", "{r0}"),
            reduction_row!("{r2}", "{r3}", "{r4}", "{r0}", "{r1}"),
            reduction_row!("{r3}", "{r4}", "{r0}", "{r1}", "{r2}"),
            p = in(reg) m.limbs.as_ptr(),
            inv = in(reg) m.inv,
            r0 = inout(reg) r0,
            r1 = inout(reg) r1,
            r2 = inout(reg) r2,
            r3 = inout(reg) r3,
            r4 = inout(reg) r4,
            lo = out(reg) _,
            hi = out(reg) _,
            out("rdx") _,
            out("rax") _,
            options(pure, readonly, nostack),
        );
    }
    let _ = r3;
    [r4, r0, r1, r2]
}
