//! `contracts/Poseidon2.sol` rendered from the circuits' Poseidon parameters, so the L1 hashes exactly what the
//! circuits hash (`sidecar_circuits::poseidon::hash2`, circomlib's `Poseidon(2)`). The committed file must equal
//! [`poseidon2_source`] (checked by a test); rewrite it with `cargo run -p sidecar-node-shim --example
//! render_poseidon`.

use crate::proof::field_word;
use alloy::primitives::U256;
use ark_bn254::Fr;
use ark_ff::PrimeField;
use sidecar_circuits::poseidon::params;
use std::fmt::Write;

/// Path of the rendered contract, relative to the node-shim crate.
pub const POSEIDON2_PATH: &str = "contracts/Poseidon2.sol";

fn word(x: Fr) -> String {
    format!("{:#066x}", field_word(x))
}

/// Solidity source of library `Poseidon2`: straight-line rounds with the round constants as literals and the MDS
/// mix as one Yul function.
pub fn poseidon2_source() -> String {
    let p = params(2);
    let t = p.width;
    let modulus = format!("{:#066x}", U256::from_limbs(Fr::MODULUS.0));
    let mds = |i: usize, j: usize| word(p.mds[i][j]);
    let mut rounds = String::new();
    for r in 0..p.rounds() {
        let k = |i: usize| word(p.ark[r * t + i]);
        let f = if p.is_full_round(r) {
            "full"
        } else {
            "partial"
        };
        writeln!(
            rounds,
            "            s0, s1, s2 := {f}(s0, s1, s2, {}, {}, {})",
            k(0),
            k(1),
            k(2)
        )
        .expect("write to a String");
    }
    format!(
        r#"// SPDX-License-Identifier: MIT OR Apache-2.0
// Rendered by node-shim (contracts::poseidon) from the circuits' Poseidon parameters. Do not edit.
pragma solidity 0.8.37;

/// @title Poseidon2
/// @notice circomlib's Poseidon with two inputs over the BN254 scalar field (width 3, x^5 S-box, {full} full and
/// {partial} partial rounds): bit for bit the `hash2` the circuits use for Merkle nodes and L1->L2 message leaves.
/// Inputs must be field elements (< R); callers check.
library Poseidon2 {{
    uint256 internal constant R = {modulus};

    function hash(uint256 a, uint256 b) internal pure returns (uint256 h) {{
        assembly ("memory-safe") {{
            function sbox(x) -> y {{
                let x2 := mulmod(x, x, {modulus})
                y := mulmod(mulmod(x2, x2, {modulus}), x, {modulus})
            }}
            function mix(a0, a1, a2) -> b0, b1, b2 {{
                let p := {modulus}
                b0 := addmod(addmod(mulmod(a0, {m00}, p), mulmod(a1, {m01}, p), p), mulmod(a2, {m02}, p), p)
                b1 := addmod(addmod(mulmod(a0, {m10}, p), mulmod(a1, {m11}, p), p), mulmod(a2, {m12}, p), p)
                b2 := addmod(addmod(mulmod(a0, {m20}, p), mulmod(a1, {m21}, p), p), mulmod(a2, {m22}, p), p)
            }}
            function full(a0, a1, a2, k0, k1, k2) -> b0, b1, b2 {{
                let p := {modulus}
                b0, b1, b2 := mix(sbox(addmod(a0, k0, p)), sbox(addmod(a1, k1, p)), sbox(addmod(a2, k2, p)))
            }}
            function partial(a0, a1, a2, k0, k1, k2) -> b0, b1, b2 {{
                let p := {modulus}
                b0, b1, b2 := mix(sbox(addmod(a0, k0, p)), addmod(a1, k1, p), addmod(a2, k2, p))
            }}
            let s0 := 0
            let s1 := a
            let s2 := b
{rounds}            h := s0
        }}
    }}
}}
"#,
        full = p.full_rounds,
        partial = p.partial_rounds,
        m00 = mds(0, 0),
        m01 = mds(0, 1),
        m02 = mds(0, 2),
        m10 = mds(1, 0),
        m11 = mds(1, 1),
        m12 = mds(1, 2),
        m20 = mds(2, 0),
        m21 = mds(2, 1),
        m22 = mds(2, 2),
    )
}
