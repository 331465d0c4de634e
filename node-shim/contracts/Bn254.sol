// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

/// @title Bn254
/// @notice BN254 through the EVM precompiles (ecAdd 0x06, ecMul 0x07, ecPairing 0x08). G1 points are [x, y] (the
/// point at infinity as zeros), G2 points [x.c1, x.c0, y.c1, y.c0]. A failing precompile call (a coordinate not
/// below q, a point off its curve or outside the G2 subgroup, too little gas) reverts `Bn254PrecompileFailed`.
library Bn254 {
    /// @dev Scalar field order r and base field order q.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @dev The G2 generator, imaginary parts first.
    uint256 internal constant G2_X1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 internal constant G2_X0 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 internal constant G2_Y1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 internal constant G2_Y0 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;

    /// @notice An ecAdd, ecMul or ecPairing call failed.
    error Bn254PrecompileFailed();

    /// @dev s·(x, y).
    function mul(uint256 x, uint256 y, uint256 s) internal view returns (uint256 rx, uint256 ry) {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, x)
            mstore(add(m, 0x20), y)
            mstore(add(m, 0x40), s)
            ok := staticcall(gas(), 0x07, m, 0x60, m, 0x40)
            ok := and(ok, eq(returndatasize(), 0x40))
            rx := mload(m)
            ry := mload(add(m, 0x20))
        }
        if (!ok) revert Bn254PrecompileFailed();
    }

    /// @dev (ax, ay) + (bx, by).
    function add(uint256 ax, uint256 ay, uint256 bx, uint256 by) internal view returns (uint256 rx, uint256 ry) {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, ax)
            mstore(add(m, 0x20), ay)
            mstore(add(m, 0x40), bx)
            mstore(add(m, 0x60), by)
            ok := staticcall(gas(), 0x06, m, 0x80, m, 0x40)
            ok := and(ok, eq(returndatasize(), 0x40))
            rx := mload(m)
            ry := mload(add(m, 0x20))
        }
        if (!ok) revert Bn254PrecompileFailed();
    }

    /// @dev The y coordinate of -(x, y) for y < q.
    function neg(uint256 y) internal pure returns (uint256) {
        return (Q - y) % Q;
    }

    /// @dev Whether the product of e(G1_i, G2_i) over the pairs in `input` (6 words each) is one.
    function pairing(uint256[] memory input) internal view returns (bool) {
        bool ok;
        uint256 result;
        uint256 len = input.length * 32;
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x08, add(input, 0x20), len, 0x00, 0x20)
            ok := and(ok, eq(returndatasize(), 0x20))
            result := mload(0x00)
        }
        if (!ok) revert Bn254PrecompileFailed();
        return result == 1;
    }
}
