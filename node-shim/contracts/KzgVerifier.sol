// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

/// @title KzgVerifier
/// @notice Checks KZG openings on BN254 against the SRS whose `τ·G2` it was deployed with (the native check is
/// `sidecar_pcd::KzgVerifierKey::verify`). An opening claims that the polynomial p committed in C = [p(τ)]₁ takes
/// the value y at z, with proof π = [(p(τ) - y)/(τ - z)]₁; it holds iff e(C - y·G1 + z·π, G2) = e(π, τ·G2).
///
/// `verify` checks any number of openings with one two-pair pairing over a random combination: with
/// seed = keccak256(abi.encode(openings)) (all openings fixed first) and γ_j = keccak256(abi.encode(seed, j)) mod r,
///   e(-(Σ γ_j (C_j + z_j·π_j) - (Σ γ_j y_j)·G1), G2) · e(Σ γ_j π_j, τ·G2) = 1,
/// which a set holding a false opening passes with probability about 1/r per attempt. `verifyOne` checks one
/// opening without the combination (two ecMul instead of four).
///
/// G1 points are [x, y] (the point at infinity as zeros), G2 points [x.c1, x.c0, y.c1, y.c0]. Every failure
/// reverts with one of the errors below; nothing returns false, so a precompile that runs out of gas reverts too.
contract KzgVerifier {
    /// @notice The claim that the polynomial committed in `commitment` takes `value` at `point`, with its `proof`.
    struct Opening {
        uint256[2] commitment;
        uint256 point;
        uint256 value;
        uint256[2] proof;
    }

    /// @dev BN254 scalar field order r and base field order q.
    uint256 private constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 private constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @dev The G2 generator, imaginary parts first.
    uint256 private constant G2_X1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 private constant G2_X0 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 private constant G2_Y1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 private constant G2_Y0 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;

    /// @dev τ·G2 of the SRS, imaginary parts first.
    uint256 private immutable tauX1;
    uint256 private immutable tauX0;
    uint256 private immutable tauY1;
    uint256 private immutable tauY0;

    /// @notice `verify` got no opening.
    error KzgNoOpenings();
    /// @notice The point or the value of opening `index` is not below r.
    error KzgScalarOutOfRange(uint256 index);
    /// @notice An ecAdd, ecMul or ecPairing call failed: a coordinate not below q, a point off its curve or outside
    /// the G2 subgroup, or too little gas.
    error KzgPrecompileFailed();
    /// @notice The pairing equation does not hold: some opening is false.
    error KzgOpeningInvalid();

    /// @param tauG2 τ·G2 of the SRS as [x.c1, x.c0, y.c1, y.c0]. Not checked here: it must come from a checked SRS
    /// (a point outside the G2 subgroup makes every check revert `KzgPrecompileFailed`; the identity would let
    /// anyone open anything).
    constructor(uint256[4] memory tauG2) {
        tauX1 = tauG2[0];
        tauX0 = tauG2[1];
        tauY1 = tauG2[2];
        tauY0 = tauG2[3];
    }

    /// @notice Returns iff every one of `openings` holds (at least one); reverts otherwise.
    function verify(Opening[] calldata openings) external view {
        uint256 n = openings.length;
        if (n == 0) revert KzgNoOpenings();
        uint256 seed = uint256(keccak256(abi.encode(openings)));
        // (lx, ly) = Σ γ_j (C_j + z_j·π_j), (px, py) = Σ γ_j π_j, s = Σ γ_j y_j mod r.
        uint256 lx;
        uint256 ly;
        uint256 px;
        uint256 py;
        uint256 s;
        for (uint256 j = 0; j < n; ++j) {
            Opening calldata o = openings[j];
            _checkScalars(o.point, o.value, j);
            uint256 g = uint256(keccak256(abi.encode(seed, j))) % R;
            (uint256 x, uint256 y) = _mul(o.commitment[0], o.commitment[1], g);
            (lx, ly) = _add(lx, ly, x, y);
            (x, y) = _mul(o.proof[0], o.proof[1], mulmod(g, o.point, R));
            (lx, ly) = _add(lx, ly, x, y);
            (x, y) = _mul(o.proof[0], o.proof[1], g);
            (px, py) = _add(px, py, x, y);
            s = addmod(s, mulmod(g, o.value, R), R);
        }
        _pairingCheck(lx, ly, s, px, py);
    }

    /// @notice Returns iff the one opening (`commitment`, `point`, `value`, `proof`) holds; reverts otherwise (an
    /// out-of-range scalar as `KzgScalarOutOfRange(0)`).
    function verifyOne(uint256[2] calldata commitment, uint256 point, uint256 value, uint256[2] calldata proof)
        external
        view
    {
        _checkScalars(point, value, 0);
        (uint256 x, uint256 y) = _mul(proof[0], proof[1], point);
        (x, y) = _add(commitment[0], commitment[1], x, y);
        _pairingCheck(x, y, value, proof[0], proof[1]);
    }

    function _checkScalars(uint256 point, uint256 value, uint256 index) private pure {
        if (point >= R || value >= R) revert KzgScalarOutOfRange(index);
    }

    /// @dev Reverts unless e(-(L - s·G1), G2) · e(P, τ·G2) = 1, for L = (lx, ly), P = (px, py), s < r.
    function _pairingCheck(uint256 lx, uint256 ly, uint256 s, uint256 px, uint256 py) private view {
        (uint256 gx, uint256 gy) = _mul(1, 2, R - s);
        (lx, ly) = _add(lx, ly, gx, gy);
        uint256[12] memory input =
            [lx, (Q - ly) % Q, G2_X1, G2_X0, G2_Y1, G2_Y0, px, py, tauX1, tauX0, tauY1, tauY0];
        bool ok;
        uint256 result;
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x08, input, 0x180, 0x00, 0x20)
            ok := and(ok, eq(returndatasize(), 0x20))
            result := mload(0x00)
        }
        if (!ok) revert KzgPrecompileFailed();
        if (result != 1) revert KzgOpeningInvalid();
    }

    /// @dev s·(x, y) by ecMul.
    function _mul(uint256 x, uint256 y, uint256 s) private view returns (uint256 rx, uint256 ry) {
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
        if (!ok) revert KzgPrecompileFailed();
    }

    /// @dev (ax, ay) + (bx, by) by ecAdd.
    function _add(uint256 ax, uint256 ay, uint256 bx, uint256 by) private view returns (uint256 rx, uint256 ry) {
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
        if (!ok) revert KzgPrecompileFailed();
    }
}
