//! Serde for field elements as `0x`-prefixed big-endian hex strings (canonical, < r).

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

/// `0x` + 64 hex digits, big-endian.
pub fn to_hex(x: &Fr) -> String {
    let bytes = x.into_bigint().to_bytes_be();
    let mut s = String::with_capacity(66);
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Parses `0x…` hex (at most 64 digits) into a canonical field element.
pub fn from_hex(s: &str) -> Result<Fr, String> {
    let digits = s
        .strip_prefix("0x")
        .ok_or_else(|| format!("{s:?} lacks the 0x prefix"))?;
    if digits.is_empty() || digits.len() > 64 {
        return Err(format!("{s:?} must have 1 to 64 hex digits"));
    }
    let padded = format!("{digits:0>64}");
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&padded[2 * i..2 * i + 2], 16)
            .map_err(|_| format!("{s:?} is not hex"))?;
    }
    let x = Fr::from_be_bytes_mod_order(&bytes);
    if to_hex(&x)[2..] != padded {
        return Err(format!("{s:?} is not below the field modulus"));
    }
    Ok(x)
}

/// `#[serde(with = "fr_hex")]` for one element.
pub fn serialize<S: Serializer>(x: &Fr, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_hex(x))
}

/// See [`serialize`].
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fr, D::Error> {
    from_hex(&String::deserialize(d)?).map_err(D::Error::custom)
}

/// `#[serde(with = "fr_hex::vec")]` for a list.
pub mod vec {
    use super::*;

    /// Serializes a list of elements as hex strings.
    pub fn serialize<S: Serializer>(v: &[Fr], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(to_hex))
    }

    /// See [`serialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Fr>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| from_hex(s).map_err(D::Error::custom))
            .collect()
    }
}
