// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

/// @title BatchVerifier
/// @notice Interim block-proof verifier: checks every Groth16 proof of a block's proof tree with one pairing check.
///
/// A block with `t >= 2` leaves carries `n = 2t - 1` proofs laid out as a binary heap: node 0 is the root rollup,
/// nodes 1 .. t-2 are merges, nodes t-1 .. 2t-2 are base rollups; node i has children 2i+1 and 2i+2. Every circuit's
/// first two public inputs are its start and end state; linkage requires
///   left.start == parent.start, left.end == right.start, right.end == parent.end.
///
/// Proof i verifies iff e(A_i, B_i) = e(alpha, beta) e(L_i, gamma) e(C_i, delta) with L_i = IC_0 + sum_j x_ij IC_j.
/// With Fiat-Shamir weights r_i = H(seed, i) mod r (seed = hash of all proofs and inputs) the batch check is
///   prod_i e(r_i A_i, B_i) * prod_k e(-S_k alpha_k, beta_k) e(-sum r_i L_i, gamma_k) e(-sum r_i C_i, delta_k) = 1
/// over the circuit kinds k present (S_k = sum of r_i of kind k): n + 3k pairings, n + 3 when every proof shares one
/// key. sum r_i L_i is folded per kind into (S_k) IC_0 + sum_j (sum_i r_i x_ij) IC_j, so the input MSM does not grow
/// with n. Verifying keys live in storage, written once at deployment. Any failure reverts.
abstract contract BatchVerifier {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint8 internal constant BASE = 0;
    uint8 internal constant MERGE = 1;
    uint8 internal constant ROOT = 2;

    /// G1 points are [x, y]; G2 points are [x.c1, x.c0, y.c1, y.c0] (imaginary part first, as the precompile wants).
    struct VerifyingKey {
        uint256[2] alpha;
        uint256[4] beta;
        uint256[4] gamma;
        uint256[4] delta;
        uint256[] ic;
    }

    VerifyingKey[3] internal vks;

    error BadVerifyingKey(uint8 kind);
    error BadTreeShape(uint256 leaves, uint256 proofWords, uint256 inputWords);
    error InputNotInField(uint256 index);
    error BrokenLinkage(uint256 parent);
    error PrecompileFailed(uint256 node);
    error ProofRejected();

    /// @param keys flat verifying keys for BASE, MERGE, ROOT: alpha(2) beta(4) gamma(4) delta(4) ic(2 (m + 1)).
    constructor(uint256[][3] memory keys) {
        for (uint8 k = 0; k < 3; k++) {
            uint256[] memory w = keys[k];
            if (w.length < 18 || (w.length - 14) % 2 != 0 || (w.length - 14) / 2 < 3) revert BadVerifyingKey(k);
            VerifyingKey storage vk = vks[k];
            vk.alpha = [w[0], w[1]];
            vk.beta = [w[2], w[3], w[4], w[5]];
            vk.gamma = [w[6], w[7], w[8], w[9]];
            vk.delta = [w[10], w[11], w[12], w[13]];
            for (uint256 i = 14; i < w.length; i++) {
                vk.ic.push(w[i]);
            }
        }
        if (numInputs(ROOT) < 4) revert BadVerifyingKey(ROOT);
    }

    /// @notice Number of public inputs of circuit kind `kind` (0 base, 1 merge, 2 root).
    function numInputs(uint8 kind) public view returns (uint256) {
        return vks[kind].ic.length / 2 - 1;
    }

    /// @notice Verifying key of `kind` in the flat layout taken by the constructor.
    function verifyingKey(uint8 kind) external view returns (uint256[] memory w) {
        VerifyingKey storage vk = vks[kind];
        w = new uint256[](14 + vk.ic.length);
        w[0] = vk.alpha[0];
        w[1] = vk.alpha[1];
        for (uint256 i = 0; i < 4; i++) {
            w[2 + i] = vk.beta[i];
            w[6 + i] = vk.gamma[i];
            w[10 + i] = vk.delta[i];
        }
        for (uint256 i = 0; i < vk.ic.length; i++) {
            w[14 + i] = vk.ic[i];
        }
    }

    function _kind(uint256 node, uint256 leaves) internal pure returns (uint8) {
        if (node == 0) return ROOT;
        return node < leaves - 1 ? MERGE : BASE;
    }

    /// @dev Verifies a whole block proof; reverts unless the tree shape, linkage and every proof check out.
    function _verifyBlock(uint256 leaves, uint256[] calldata proofs, uint256[] calldata inputs) internal view {
        uint256 n = 2 * leaves - 1;
        if (leaves < 2 || proofs.length != 8 * n) revert BadTreeShape(leaves, proofs.length, inputs.length);
        uint256[] memory offset = new uint256[](n + 1);
        for (uint256 i = 0; i < n; i++) {
            offset[i + 1] = offset[i] + numInputs(_kind(i, leaves));
        }
        if (inputs.length != offset[n]) revert BadTreeShape(leaves, proofs.length, inputs.length);
        for (uint256 i = 0; i < inputs.length; i++) {
            if (inputs[i] >= R) revert InputNotInField(i);
        }
        for (uint256 p = 0; p + 1 < leaves; p++) {
            uint256 l = offset[2 * p + 1];
            uint256 r = offset[2 * p + 2];
            if (inputs[l] != inputs[offset[p]] || inputs[l + 1] != inputs[r] || inputs[r + 1] != inputs[offset[p] + 1])
            {
                revert BrokenLinkage(p);
            }
        }
        _batchPairing(leaves, n, offset, proofs, inputs);
    }

    function _batchPairing(
        uint256 leaves,
        uint256 n,
        uint256[] memory offset,
        uint256[] calldata proofs,
        uint256[] calldata inputs
    ) private view {
        uint256 seed = uint256(keccak256(abi.encode(leaves, proofs, inputs)));
        uint256[] memory pairs = new uint256[](6 * (n + 9));
        uint256[3] memory weightSum;
        uint256[2][3] memory accC;
        uint256[][3] memory inputWeights;
        for (uint8 k = 0; k < 3; k++) {
            inputWeights[k] = new uint256[](numInputs(k));
        }
        for (uint256 i = 0; i < n; i++) {
            uint8 k = _kind(i, leaves);
            uint256 w = uint256(keccak256(abi.encode(seed, i))) % R;
            if (w == 0) w = 1;
            _weighProof(pairs, i, w, proofs[8 * i:8 * i + 8], accC[k]);
            weightSum[k] = addmod(weightSum[k], w, R);
            uint256[] memory iw = inputWeights[k];
            for (uint256 j = 0; j < iw.length; j++) {
                iw[j] = addmod(iw[j], mulmod(w, inputs[offset[i] + j], R), R);
            }
        }
        uint256 used = n;
        for (uint8 k = 0; k < 3; k++) {
            if (weightSum[k] == 0) continue;
            VerifyingKey storage vk = vks[k];
            (uint256 x, uint256 y) = _mul(vk.alpha[0], vk.alpha[1], weightSum[k], n);
            _store(pairs, used++, x, _neg(y), vk.beta);
            (x, y) = _mul(vk.ic[0], vk.ic[1], weightSum[k], n);
            uint256[] memory iw = inputWeights[k];
            for (uint256 j = 0; j < iw.length; j++) {
                (uint256 px, uint256 py) = _mul(vk.ic[2 * j + 2], vk.ic[2 * j + 3], iw[j], n);
                (x, y) = _add(x, y, px, py, n);
            }
            _store(pairs, used++, x, _neg(y), vk.gamma);
            _store(pairs, used++, accC[k][0], _neg(accC[k][1]), vk.delta);
        }
        uint256 len = 6 * used * 32;
        bool ok;
        uint256 result;
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x08, add(pairs, 0x20), len, 0x00, 0x20)
            result := mload(0x00)
        }
        if (!ok || result != 1) revert ProofRejected();
    }

    /// @dev Writes the pair (w A, B) of proof `i` and adds w C into `accC`.
    function _weighProof(uint256[] memory pairs, uint256 i, uint256 w, uint256[] calldata p, uint256[2] memory accC)
        private
        view
    {
        (uint256 ax, uint256 ay) = _mul(p[0], p[1], w, i);
        _store(pairs, i, ax, ay, [p[2], p[3], p[4], p[5]]);
        (uint256 cx, uint256 cy) = _mul(p[6], p[7], w, i);
        (accC[0], accC[1]) = _add(accC[0], accC[1], cx, cy, i);
    }

    function _store(uint256[] memory pairs, uint256 slot, uint256 x, uint256 y, uint256[4] memory g2) private pure {
        uint256 o = 6 * slot;
        pairs[o] = x;
        pairs[o + 1] = y;
        pairs[o + 2] = g2[0];
        pairs[o + 3] = g2[1];
        pairs[o + 4] = g2[2];
        pairs[o + 5] = g2[3];
    }

    function _neg(uint256 y) private pure returns (uint256) {
        return y == 0 ? 0 : Q - (y % Q);
    }

    function _mul(uint256 x, uint256 y, uint256 s, uint256 node) private view returns (uint256 rx, uint256 ry) {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, x)
            mstore(add(m, 0x20), y)
            mstore(add(m, 0x40), s)
            ok := staticcall(gas(), 0x07, m, 0x60, m, 0x40)
            rx := mload(m)
            ry := mload(add(m, 0x20))
        }
        if (!ok) revert PrecompileFailed(node);
    }

    function _add(uint256 x1, uint256 y1, uint256 x2, uint256 y2, uint256 node)
        private
        view
        returns (uint256 rx, uint256 ry)
    {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, x1)
            mstore(add(m, 0x20), y1)
            mstore(add(m, 0x40), x2)
            mstore(add(m, 0x60), y2)
            ok := staticcall(gas(), 0x06, m, 0x80, m, 0x40)
            rx := mload(m)
            ry := mload(add(m, 0x20))
        }
        if (!ok) revert PrecompileFailed(node);
    }
}
