// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {Bn254} from "./Bn254.sol";
import {CodeStore} from "./CodeStore.sol";

/// @title DeciderVerifier
/// @notice Checks the on-chain decider's proof: a commit-and-prove Groth16 proof (`sidecar_groth16::verify_committed`)
/// whose committed vector is tied to KZG commitments by evaluations at its challenge, all in one pairing call.
///
/// Statement, for KZG commitments C_1..C_c (polynomials p_j over the SRS with τ·G2), claimed values y_1..y_c and
/// statement inputs s_1..s_t: the prover knows committed values a (Groth16 commitment D, knowledge element P) with
///   ζ = keccak256(C_1.x, C_1.y, .., C_c.y, s_1, .., s_t, D.x, D.y) mod r,
/// a Groth16 proof (A, B, C) of the circuit with public inputs (a, ζ, y, s), and y_j = p_j(ζ) for every j. The
/// circuit (the decider) computes y_j from segments of a, so a (fixed in D before ζ was drawn) equals the
/// committed polynomials' coefficients except with probability deg/r per segment.
///
/// Checks, with γ = keccak256(ζ, y_1, .., y_c) mod r, C* = Σ γ^(j-1) C_j, y* = Σ γ^(j-1) y_j, π the opening proof
/// of Σ γ^(j-1) p_j at ζ, and L = IC_0 + D + ζ·IC_ζ + Σ y_j·IC_{y_j} + Σ s_i·IC_{s_i}:
///   Groth16     e(A, B) = e(α, β) e(L, γ) e(C, δ)
///   knowledge   e(D, σ·G2) = e(P, G2)              (D is a combination of the committed bases)
///   opening     e(C* + ζ·π - y*·G1, G2) = e(π, τ·G2)
/// combined with weights 1, w1, w2 (keccak of everything given) into one 7-pair ecPairing call. Every failure
/// reverts with one of the errors below (or `Bn254PrecompileFailed` for a point the precompiles refuse).
contract DeciderVerifier {
    /// @notice The proof: Groth16 [A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y], the commitment D, the
    /// knowledge element P and the KZG opening proof π.
    struct Proof {
        uint256[8] groth16;
        uint256[2] commitment;
        uint256[2] knowledge;
        uint256[2] opening;
    }

    /// @notice A running (relaxed) instance: KZG commitments to its witness and error, u and x.
    struct Running {
        uint256[2] witness;
        uint256[2] error;
        uint256 u;
        uint256[] x;
    }

    /// @notice A fresh instance (u = 1, no error): the KZG commitment to its witness and x.
    struct Fresh {
        uint256[2] witness;
        uint256[] x;
    }

    /// @dev Key words: α(2) β(4) γ(4) δ(4) σ·G2(4) τ·G2(4) IC_0(2) IC_ζ(2) IC_y(2c) IC_s(2t).
    uint256 private constant HEAD = 26;

    /// Data contract holding the key words (CodeStore).
    address private immutable key;
    /// @notice Number of KZG commitments opened (c).
    uint256 public immutable openings;
    /// @notice Number of statement inputs (t).
    uint256 public immutable statementLength;

    /// @notice The key is malformed: too short for its shape, no opening, or a word not below q.
    error DeciderBadKey();
    /// @notice The key's data contract could not be created.
    error DeciderKeyStoreFailed();
    /// @notice The call's shape differs from the key's (numbers of commitments, values, statement inputs).
    error DeciderWrongShape(uint256 commitments, uint256 values, uint256 statement);
    /// @notice `verifyFolded`: the instances' input counts do not fit each other or the key.
    error DeciderFoldShape(uint256 runningInputs, uint256 freshInputs);
    /// @notice Value `index` (values first, then statement inputs; `verifyFolded`: see there) is not below r.
    error DeciderScalarOutOfRange(uint256 index);
    /// @notice The pairing check failed: the proof, a value or a statement input is false.
    error DeciderProofRejected();

    /// @param words the key in the layout above (`sidecar_pcd::key_words`); `c` >= 1 commitments
    /// opened, `t` statement inputs. γ, δ, σ·G2, τ·G2 must come from a checked setup and SRS.
    constructor(uint256[] memory words, uint256 c, uint256 t) {
        if (c == 0 || words.length != HEAD + 2 * (c + t)) revert DeciderBadKey();
        for (uint256 i = 0; i < words.length; i++) {
            if (words[i] >= Bn254.Q) revert DeciderBadKey();
        }
        address a = CodeStore.store(abi.encodePacked(words));
        if (a == address(0)) revert DeciderKeyStoreFailed();
        key = a;
        openings = c;
        statementLength = t;
    }

    /// @notice The key words, as given to the constructor.
    function verifyingKey() public view returns (uint256[] memory) {
        return CodeStore.load(key, HEAD + 2 * (openings + statementLength));
    }

    /// @notice ζ for these commitments, statement inputs and Groth16 commitment D.
    function challenge(uint256[2][] calldata commitments, uint256[] calldata statement, uint256[2] calldata d)
        external
        pure
        returns (uint256)
    {
        return _challenge(commitments, statement, d);
    }

    /// @notice Returns true iff `proof` shows `values` are the evaluations of `commitments` at the challenge for
    /// committed values satisfying the circuit with `statement`; reverts otherwise.
    function verify(
        Proof calldata proof,
        uint256[2][] calldata commitments,
        uint256[] calldata values,
        uint256[] calldata statement
    ) external view returns (bool) {
        _verify(proof, commitments, values, statement);
        return true;
    }

    /// @notice The fold challenge r for `running`, `fresh` and the cross-term commitment `cross`.
    function foldChallenge(Running calldata running, Fresh calldata fresh, uint256[2] calldata cross)
        public
        pure
        returns (uint256)
    {
        bytes memory data = abi.encodePacked(running.witness, running.error, running.u, running.x);
        data = abi.encodePacked(data, fresh.witness, fresh.x, cross);
        return uint256(keccak256(data)) % Bn254.R;
    }

    /// @notice Folds `fresh` into `running` (Nova, verifier's half: C_W + r·C_w, C_E + r·C_T, u + r, x + r·x_u with
    /// r = `foldChallenge`) and verifies `proof` for the folded instance: its commitments opened to `values`, the
    /// statement (u', x'). Needs a key with 2 openings and 1 + x.length statement inputs (`DeciderFoldShape`
    /// otherwise); a u or an x not below r reverts `DeciderScalarOutOfRange(0)` for u, `(1 + i)` for x_i (running or
    /// fresh). Returns true or reverts.
    function verifyFolded(
        Proof calldata proof,
        Running calldata running,
        Fresh calldata fresh,
        uint256[2] calldata cross,
        uint256[] calldata values
    ) external view returns (bool) {
        uint256 n = running.x.length;
        if (openings != 2 || fresh.x.length != n || statementLength != n + 1) {
            revert DeciderFoldShape(n, fresh.x.length);
        }
        (uint256 r, uint256[2][] memory commitments) = _fold(running, fresh, cross);
        uint256[] memory statement = new uint256[](n + 1);
        statement[0] = addmod(running.u, r, Bn254.R);
        for (uint256 i = 0; i < n; i++) {
            statement[i + 1] = addmod(running.x[i], mulmod(r, fresh.x[i], Bn254.R), Bn254.R);
        }
        _verify(proof, commitments, values, statement);
        return true;
    }

    /// @notice The root decider's one statement input for this fold and the root's state `state`:
    /// h = sha256(r ‖ u ‖ x ‖ x_u ‖ C_W.x ‖ C_W.y ‖ C_E.x ‖ C_E.y ‖ state) mod r in 32-byte words, r =
    /// `foldChallenge` (`sidecar_pcd::DeciderStatement::hash`). Instances with one input each (`DeciderFoldShape`).
    function rootStatement(
        Running calldata running,
        Fresh calldata fresh,
        uint256[2] calldata cross,
        uint256[] calldata state
    ) external pure returns (uint256) {
        _rootShape(running, fresh);
        return _rootHash(foldChallenge(running, fresh, cross), running, fresh, state);
    }

    /// @notice Decides a PCD root (`sidecar_pcd::L1Decider`): folds `fresh` into `running` as `verifyFolded` does and
    /// verifies `proof` for the folded commitments, opened to `values`, with the one statement input h =
    /// `rootStatement`, which binds the circuit to this fold and to `state`. Needs a key with 2 openings and 1
    /// statement input and instances with one input each (`DeciderFoldShape` otherwise); u, x, x_u not below r
    /// (`DeciderScalarOutOfRange(0)`, `(1)`), nor state word i (`(2 + i)`). Returns true or reverts.
    function verifyRoot(
        Proof calldata proof,
        Running calldata running,
        Fresh calldata fresh,
        uint256[2] calldata cross,
        uint256[] calldata state,
        uint256[] calldata values
    ) external view returns (bool) {
        if (openings != 2 || statementLength != 1) revert DeciderFoldShape(running.x.length, fresh.x.length);
        _rootShape(running, fresh);
        for (uint256 i = 0; i < state.length; i++) {
            if (state[i] >= Bn254.R) revert DeciderScalarOutOfRange(2 + i);
        }
        (uint256 r, uint256[2][] memory commitments) = _fold(running, fresh, cross);
        uint256[] memory statement = new uint256[](1);
        statement[0] = _rootHash(r, running, fresh, state);
        _verify(proof, commitments, values, statement);
        return true;
    }

    /// @dev A root's instances have one input each.
    function _rootShape(Running calldata running, Fresh calldata fresh) private pure {
        if (running.x.length != 1 || fresh.x.length != 1) revert DeciderFoldShape(running.x.length, fresh.x.length);
    }

    /// @dev `rootStatement` for the fold challenge `r`.
    function _rootHash(uint256 r, Running calldata running, Fresh calldata fresh, uint256[] calldata state)
        private
        pure
        returns (uint256)
    {
        bytes memory data = abi.encodePacked(r, running.u, running.x[0], fresh.x[0], running.witness, running.error);
        return uint256(sha256(abi.encodePacked(data, state))) % Bn254.R;
    }

    /// @dev Range-checks u and the inputs (`DeciderScalarOutOfRange(0)`, `(1 + i)`), draws r and folds the
    /// commitments: [C_W + r·C_w, C_E + r·C_T].
    function _fold(Running calldata running, Fresh calldata fresh, uint256[2] calldata cross)
        private
        view
        returns (uint256 r, uint256[2][] memory commitments)
    {
        if (running.u >= Bn254.R) revert DeciderScalarOutOfRange(0);
        for (uint256 i = 0; i < running.x.length; i++) {
            if (running.x[i] >= Bn254.R || fresh.x[i] >= Bn254.R) revert DeciderScalarOutOfRange(1 + i);
        }
        r = foldChallenge(running, fresh, cross);
        commitments = new uint256[2][](2);
        (uint256 x, uint256 y) = Bn254.mul(fresh.witness[0], fresh.witness[1], r);
        (commitments[0][0], commitments[0][1]) = Bn254.add(running.witness[0], running.witness[1], x, y);
        (x, y) = Bn254.mul(cross[0], cross[1], r);
        (commitments[1][0], commitments[1][1]) = Bn254.add(running.error[0], running.error[1], x, y);
    }

    function _challenge(uint256[2][] memory commitments, uint256[] memory statement, uint256[2] memory d)
        private
        pure
        returns (uint256)
    {
        bytes memory data;
        for (uint256 j = 0; j < commitments.length; j++) {
            data = abi.encodePacked(data, commitments[j][0], commitments[j][1]);
        }
        return uint256(keccak256(abi.encodePacked(data, statement, d[0], d[1]))) % Bn254.R;
    }

    /// @dev Reverts unless the proof holds (see the contract notice).
    function _verify(
        Proof calldata proof,
        uint256[2][] memory commitments,
        uint256[] calldata values,
        uint256[] memory statement
    ) private view {
        uint256 c = openings;
        if (commitments.length != c || values.length != c || statement.length != statementLength) {
            revert DeciderWrongShape(commitments.length, values.length, statement.length);
        }
        for (uint256 i = 0; i < c; i++) {
            if (values[i] >= Bn254.R) revert DeciderScalarOutOfRange(i);
        }
        for (uint256 i = 0; i < statement.length; i++) {
            if (statement[i] >= Bn254.R) revert DeciderScalarOutOfRange(c + i);
        }
        uint256 zeta = _challenge(commitments, statement, proof.commitment);
        uint256[] memory k = verifyingKey();
        uint256[] memory pairs = new uint256[](42);
        _groth16(pairs, k, proof, zeta, values, statement);
        uint256 seed = uint256(keccak256(abi.encode(proof, commitments, values, statement)));
        _knowledge(pairs, k, proof, _weight(seed, 1));
        _opening(pairs, k, proof, commitments, values, zeta, _weight(seed, 2));
        if (!Bn254.pairing(pairs)) revert DeciderProofRejected();
    }

    /// @dev Pairs 0-3: (A, B), (-α, β), (-L, γ), (-C, δ).
    function _groth16(
        uint256[] memory pairs,
        uint256[] memory k,
        Proof calldata proof,
        uint256 zeta,
        uint256[] calldata values,
        uint256[] memory statement
    ) private view {
        uint256[8] calldata g = proof.groth16;
        _pair(pairs, 0, g[0], g[1], [g[2], g[3], g[4], g[5]]);
        _pair(pairs, 1, k[0], Bn254.neg(k[1]), [k[2], k[3], k[4], k[5]]);
        (uint256 lx, uint256 ly) = Bn254.add(k[22], k[23], proof.commitment[0], proof.commitment[1]);
        (uint256 x, uint256 y) = Bn254.mul(k[24], k[25], zeta);
        (lx, ly) = Bn254.add(lx, ly, x, y);
        uint256 base = HEAD;
        for (uint256 j = 0; j < values.length; j++) {
            (x, y) = Bn254.mul(k[base], k[base + 1], values[j]);
            (lx, ly) = Bn254.add(lx, ly, x, y);
            base += 2;
        }
        for (uint256 i = 0; i < statement.length; i++) {
            (x, y) = Bn254.mul(k[base], k[base + 1], statement[i]);
            (lx, ly) = Bn254.add(lx, ly, x, y);
            base += 2;
        }
        _pair(pairs, 2, lx, Bn254.neg(ly), [k[6], k[7], k[8], k[9]]);
        _pair(pairs, 3, g[6], Bn254.neg(g[7]), [k[10], k[11], k[12], k[13]]);
    }

    /// @dev Pair 4: (w1·D, σ·G2); pair 5 gets -w1·P (the opening adds to it).
    function _knowledge(uint256[] memory pairs, uint256[] memory k, Proof calldata proof, uint256 w1) private view {
        (uint256 x, uint256 y) = Bn254.mul(proof.commitment[0], proof.commitment[1], w1);
        _pair(pairs, 4, x, y, [k[14], k[15], k[16], k[17]]);
        (x, y) = Bn254.mul(proof.knowledge[0], proof.knowledge[1], w1);
        _pair(pairs, 5, x, y, [Bn254.G2_X1, Bn254.G2_X0, Bn254.G2_Y1, Bn254.G2_Y0]);
    }

    /// @dev Pair 5: (-(w1·P + w2·(C* + ζ·π - y*·G1)), G2); pair 6: (w2·π, τ·G2).
    function _opening(
        uint256[] memory pairs,
        uint256[] memory k,
        Proof calldata proof,
        uint256[2][] memory commitments,
        uint256[] calldata values,
        uint256 zeta,
        uint256 w2
    ) private view {
        uint256 gamma = uint256(keccak256(abi.encodePacked(zeta, values))) % Bn254.R;
        (uint256 cx, uint256 cy) = (commitments[0][0], commitments[0][1]);
        uint256 yStar = values[0];
        uint256 power = 1;
        for (uint256 j = 1; j < commitments.length; j++) {
            power = mulmod(power, gamma, Bn254.R);
            (uint256 x, uint256 y) = Bn254.mul(commitments[j][0], commitments[j][1], power);
            (cx, cy) = Bn254.add(cx, cy, x, y);
            yStar = addmod(yStar, mulmod(power, values[j], Bn254.R), Bn254.R);
        }
        uint256[2] calldata pi = proof.opening;
        (uint256 px, uint256 py) = Bn254.mul(pi[0], pi[1], zeta);
        (cx, cy) = Bn254.add(cx, cy, px, py);
        (px, py) = Bn254.mul(1, 2, Bn254.R - yStar);
        (cx, cy) = Bn254.add(cx, cy, px, py);
        (cx, cy) = Bn254.mul(cx, cy, w2);
        (cx, cy) = Bn254.add(cx, cy, pairs[30], pairs[31]);
        pairs[31] = Bn254.neg(cy);
        pairs[30] = cx;
        (px, py) = Bn254.mul(pi[0], pi[1], w2);
        _pair(pairs, 6, px, py, [k[18], k[19], k[20], k[21]]);
    }

    /// @dev A nonzero weight below r from `seed`.
    function _weight(uint256 seed, uint256 i) private pure returns (uint256 w) {
        w = uint256(keccak256(abi.encode(seed, i))) % Bn254.R;
        if (w == 0) w = 1;
    }

    function _pair(uint256[] memory pairs, uint256 slot, uint256 x, uint256 y, uint256[4] memory g2) private pure {
        uint256 o = 6 * slot;
        pairs[o] = x;
        pairs[o + 1] = y;
        pairs[o + 2] = g2[0];
        pairs[o + 3] = g2[1];
        pairs[o + 4] = g2[2];
        pairs[o + 5] = g2[3];
    }
}
