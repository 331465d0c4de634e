// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {Bn254} from "./Bn254.sol";

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
/// reverts with one of the errors below, or `Bn254PrecompileFailed` for a failed precompile call (a coordinate not
/// below q, a point off its curve or outside the G2 subgroup, too little gas); nothing returns false.
contract KzgVerifier {
    /// @notice The claim that the polynomial committed in `commitment` takes `value` at `point`, with its `proof`.
    struct Opening {
        uint256[2] commitment;
        uint256 point;
        uint256 value;
        uint256[2] proof;
    }

    /// @dev τ·G2 of the SRS, imaginary parts first.
    uint256 private immutable tauX1;
    uint256 private immutable tauX0;
    uint256 private immutable tauY1;
    uint256 private immutable tauY0;

    /// @notice `verify` got no opening.
    error KzgNoOpenings();
    /// @notice The point or the value of opening `index` is not below r.
    error KzgScalarOutOfRange(uint256 index);
    /// @notice The pairing equation does not hold: some opening is false.
    error KzgOpeningInvalid();

    /// @param tauG2 τ·G2 of the SRS as [x.c1, x.c0, y.c1, y.c0]. Not checked here: it must come from a checked SRS
    /// (a point outside the G2 subgroup makes every check revert `Bn254PrecompileFailed`; the identity would let
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
            uint256 g = uint256(keccak256(abi.encode(seed, j))) % Bn254.R;
            (uint256 x, uint256 y) = Bn254.mul(o.commitment[0], o.commitment[1], g);
            (lx, ly) = Bn254.add(lx, ly, x, y);
            (x, y) = Bn254.mul(o.proof[0], o.proof[1], mulmod(g, o.point, Bn254.R));
            (lx, ly) = Bn254.add(lx, ly, x, y);
            (x, y) = Bn254.mul(o.proof[0], o.proof[1], g);
            (px, py) = Bn254.add(px, py, x, y);
            s = addmod(s, mulmod(g, o.value, Bn254.R), Bn254.R);
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
        (uint256 x, uint256 y) = Bn254.mul(proof[0], proof[1], point);
        (x, y) = Bn254.add(commitment[0], commitment[1], x, y);
        _pairingCheck(x, y, value, proof[0], proof[1]);
    }

    function _checkScalars(uint256 point, uint256 value, uint256 index) private pure {
        if (point >= Bn254.R || value >= Bn254.R) revert KzgScalarOutOfRange(index);
    }

    /// @dev Reverts unless e(-(L - s·G1), G2) · e(P, τ·G2) = 1, for L = (lx, ly), P = (px, py), s < r.
    function _pairingCheck(uint256 lx, uint256 ly, uint256 s, uint256 px, uint256 py) private view {
        (uint256 gx, uint256 gy) = Bn254.mul(1, 2, Bn254.R - s);
        (lx, ly) = Bn254.add(lx, ly, gx, gy);
        uint256[] memory input = new uint256[](12);
        (input[0], input[1]) = (lx, Bn254.neg(ly));
        (input[2], input[3], input[4], input[5]) = (Bn254.G2_X1, Bn254.G2_X0, Bn254.G2_Y1, Bn254.G2_Y0);
        (input[6], input[7]) = (px, py);
        (input[8], input[9], input[10], input[11]) = (tauX1, tauX0, tauY1, tauY0);
        if (!Bn254.pairing(input)) revert KzgOpeningInvalid();
    }
}
