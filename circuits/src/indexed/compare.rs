//! Full-width comparison of field elements as canonical integers in `[0, r)`.

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::SynthesisError;

/// The 254 little-endian bits of `x`'s canonical representative (range-checked: the bits encode
/// an integer below the modulus, so the decomposition is unique).
pub fn to_canonical_bits(x: &FpVar<Fr>) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    x.to_bits_le()
}

/// `1` if `a < b` as integers, else `0`, given both canonical decompositions (equal length).
/// Scans from the least significant bit: `lt_{i+1} = b_i·(1 − a_i) + eq_i·lt_i` with
/// `eq_i = 1 − a_i − b_i + 2·a_i·b_i`; two constraints per bit. The result is boolean by
/// induction.
pub fn is_less_than_var(
    a_bits: &[Boolean<Fr>],
    b_bits: &[Boolean<Fr>],
) -> Result<FpVar<Fr>, SynthesisError> {
    assert_eq!(
        a_bits.len(),
        b_bits.len(),
        "comparison of decompositions of different widths"
    );
    let mut lt = FpVar::zero();
    for (a, b) in a_bits.iter().zip(b_bits) {
        let ab: FpVar<Fr> = (a & b).into();
        let (a, b): (FpVar<Fr>, FpVar<Fr>) = (a.clone().into(), b.clone().into());
        let eq = FpVar::one() - &a - &b + ab.double()?;
        lt = &b - &ab + eq * lt;
    }
    Ok(lt)
}
