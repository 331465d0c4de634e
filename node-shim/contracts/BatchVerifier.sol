// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {CodeStore} from "./CodeStore.sol";

/// @title BatchVerifier
/// @notice Interim block-proof verifier: derives a block's proof tree from its header's `callsPerTx`, enforces every
/// linkage rule between the nodes' public inputs, and checks every Groth16 proof of the tree with one pairing check.
///
/// Tree (node ids as the engine's `layout`): for each tx t and public call j, a VM node then a kernel node; then one
/// base per tx (padding txs included, at least 2); then merges, pairing the current level left to right with an odd
/// last node carried up, until two nodes remain; then the root over those two. C calls and T txs give
/// n = 2C + 2T - 1 nodes. Key slots: 0 VM, 1 kernel, 2 base, 3 merge, 4 root; node widths come from the keys.
///
/// Linkage, `(node, input)`:
///   kernel k of call j (VM v): k[4..7] = v[0..3]; j = 0: k[2] = 0; j > 0 (previous step p): k[2] = p[3],
///     k[0] = p[0], k[1] = p[1], p[7] = 0
///   base b of tx t: b[16] (the tx's public call count, bound in-circuit to its hash) = callsPerTx[t]
///   base b of a tx with calls (last kernel step k): b[14] = k[7] != 0, b[15] = k[0], k[1] = b[4]
///   consecutive bases: b_t[6..12] = b_{t+1}[0..6]
///   merge m over (l, r): m[14..28] = l[0..14], m[28..42] = r[0..14]; root: [10..24] = l[0..14], [24..38] = r[0..14]
///
/// Proof i verifies iff e(A_i, B_i) = e(alpha, beta) e(L_i, gamma) e(C_i, delta), L_i = IC_0 + sum_j x_ij IC_{j+1}.
/// With weights r_0 = 1, r_i = keccak(seed, i) mod r (seed = keccak of the tree shape, all proofs and inputs):
///   prod_i e(r_i A_i, B_i) * prod_k e(-S_k alpha_k, beta_k) e(-sum r_i L_i, gamma_k) e(-sum r_i C_i, delta_k) = 1
/// over the key slots k present (S_k = sum of r_i of slot k): n + 3K pairings. sum r_i L_i is folded per slot into
/// S_k IC_0 + sum_j (sum_i r_i x_ij) IC_{j+1}, so its MSM does not grow with n. Any failure reverts.
abstract contract BatchVerifier {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint8 internal constant VM = 0;
    uint8 internal constant KERNEL = 1;
    uint8 internal constant BASE = 2;
    uint8 internal constant MERGE = 3;
    uint8 internal constant ROOT = 4;
    uint8 internal constant KINDS = 5;
    /// Width of a rollup node's outputs (start state 6, end state 6, fee, out hash).
    uint256 internal constant OUTPUTS = 14;
    /// No child (in `tree`'s child lists).
    uint256 public constant NONE = type(uint256).max;

    /// Each verifying key lives in the code of its own data contract (written once at deployment, read with
    /// EXTCODECOPY: ~3 gas per word instead of 2,100 per storage slot). Words: alpha(2) beta(4) gamma(4) delta(4)
    /// ic(2 (m + 1)); G1 points [x, y], G2 points [x.c1, x.c0, y.c1, y.c0] (imaginary part first).
    address private immutable key0;
    address private immutable key1;
    address private immutable key2;
    address private immutable key3;
    address private immutable key4;
    /// Public inputs per slot, 16 bits each.
    uint256 private immutable widths;

    error BadVerifyingKey(uint8 kind);
    error BadTreeShape(uint256 txs, uint256 proofWords, uint256 inputWords);
    error CoordinateNotInField(uint256 index);
    error InputNotInField(uint256 index);
    error BrokenLink(uint256 node, uint256 input, uint256 otherNode, uint256 otherInput);
    error MustBeZero(uint256 node, uint256 input);
    error MustBeNonZero(uint256 node, uint256 input);
    error CallCountMismatch(uint256 node, uint256 proven, uint256 declared);
    error PrecompileFailed(uint256 node);
    error ProofRejected();

    error KeyStoreFailed(uint8 kind);

    /// @param keys flat verifying keys by slot (VM, kernel, base, merge, root): alpha(2) beta(4) gamma(4) delta(4)
    /// ic(2 (m + 1)); each circuit needs at least the inputs the linkage rules name.
    constructor(uint256[][5] memory keys) {
        uint256[5] memory minInputs = [uint256(3), 8, 17, 3 * OUTPUTS, 10 + 2 * OUTPUTS];
        address[5] memory stored;
        uint256 packed = 0;
        for (uint8 k = 0; k < KINDS; k++) {
            uint256[] memory w = keys[k];
            if (w.length < 16 || w.length % 2 != 0 || (w.length - 16) / 2 < minInputs[k]) revert BadVerifyingKey(k);
            if ((w.length - 16) / 2 > 0xffff) revert BadVerifyingKey(k);
            for (uint256 i = 0; i < w.length; i++) {
                if (w[i] >= Q) revert BadVerifyingKey(k);
            }
            stored[k] = _storeCode(abi.encodePacked(w), k);
            packed |= ((w.length - 16) / 2) << (16 * k);
        }
        (key0, key1, key2, key3, key4) = (stored[0], stored[1], stored[2], stored[3], stored[4]);
        widths = packed;
    }

    /// @dev Stores `data` as a data contract's code (CodeStore).
    function _storeCode(bytes memory data, uint8 kind) private returns (address a) {
        a = CodeStore.store(data);
        if (a == address(0)) revert KeyStoreFailed(kind);
    }

    function _keyAddress(uint8 kind) private view returns (address) {
        if (kind == VM) return key0;
        if (kind == KERNEL) return key1;
        if (kind == BASE) return key2;
        if (kind == MERGE) return key3;
        return key4;
    }

    /// @dev The verifying key in slot `kind` as words (see the storage note).
    function _loadKey(uint8 kind) internal view returns (uint256[] memory w) {
        return CodeStore.load(_keyAddress(kind), 16 + 2 * numInputs(kind));
    }

    /// @notice Number of public inputs of the circuit in key slot `kind`.
    function numInputs(uint8 kind) public view returns (uint256) {
        return (widths >> (16 * uint256(kind))) & 0xffff;
    }

    /// @notice Verifying key in slot `kind`, in the flat layout taken by the constructor.
    function verifyingKey(uint8 kind) external view returns (uint256[] memory) {
        return _loadKey(kind);
    }

    /// @notice The proof tree of a block whose tx t makes `callsPerTx[t]` public calls (see the contract notice): the
    /// key slot of every node and its linked children (`NONE` where a node has fewer than two). The rule of
    /// `sidecar_circuits::tree::tree_for_calls`; a test holds the two equal.
    function tree(uint256[] memory callsPerTx)
        public
        pure
        returns (uint8[] memory kind, uint256[] memory first, uint256[] memory second)
    {
        uint256 txs = callsPerTx.length;
        if (txs < 2) revert BadTreeShape(txs, 0, 0);
        uint256 calls = 0;
        for (uint256 t = 0; t < txs; t++) {
            calls += callsPerTx[t];
        }
        uint256 n = 2 * calls + 2 * txs - 1;
        kind = new uint8[](n);
        first = new uint256[](n);
        second = new uint256[](n);
        uint256 id = 0;
        uint256 firstBase = 2 * calls;
        for (uint256 t = 0; t < txs; t++) {
            for (uint256 j = 0; j < callsPerTx[t]; j++) {
                (kind[id], first[id], second[id]) = (VM, NONE, NONE);
                (kind[id + 1], first[id + 1], second[id + 1]) = (KERNEL, id, j == 0 ? NONE : id - 1);
                id += 2;
            }
            uint256 b = firstBase + t;
            (kind[b], first[b], second[b]) = (BASE, callsPerTx[t] == 0 ? NONE : id - 1, NONE);
        }
        // Merges: pair the current level left to right, carry an odd last node up; the root takes the final two.
        uint256[] memory level = new uint256[](txs);
        for (uint256 t = 0; t < txs; t++) {
            level[t] = firstBase + t;
        }
        uint256 len = txs;
        uint256 next = firstBase + txs;
        while (len > 2) {
            uint256 m = 0;
            for (uint256 i = 0; i < len; i += 2) {
                if (i + 1 < len) {
                    (kind[next], first[next], second[next]) = (MERGE, level[i], level[i + 1]);
                    level[m++] = next++;
                } else {
                    level[m++] = level[i];
                }
            }
            len = m;
        }
        (kind[n - 1], first[n - 1], second[n - 1]) = (ROOT, level[0], level[1]);
    }

    /// @dev Verifies a whole block proof; reverts unless shape, field ranges, linkage and every proof check out.
    function _verifyBlock(uint256[] memory callsPerTx, uint256[] calldata proofs, uint256[] calldata inputs)
        internal
        view
    {
        uint256 txs = callsPerTx.length;
        if (txs < 2) revert BadTreeShape(txs, proofs.length, inputs.length);
        uint256 calls = 0;
        for (uint256 t = 0; t < txs; t++) {
            if (callsPerTx[t] > proofs.length) revert BadTreeShape(txs, proofs.length, inputs.length);
            calls += callsPerTx[t];
        }
        uint256 n = 2 * calls + 2 * txs - 1;
        if (proofs.length != 8 * n) revert BadTreeShape(txs, proofs.length, inputs.length);
        (uint8[] memory kind, uint256[] memory first, uint256[] memory second) = tree(callsPerTx);
        uint256[5] memory width;
        for (uint8 k = 0; k < KINDS; k++) {
            width[k] = numInputs(k);
        }
        uint256[] memory offset = new uint256[](n + 1);
        for (uint256 i = 0; i < n; i++) {
            offset[i + 1] = offset[i] + width[kind[i]];
        }
        if (inputs.length != offset[n]) revert BadTreeShape(txs, proofs.length, inputs.length);
        for (uint256 i = 0; i < proofs.length; i++) {
            if (proofs[i] >= Q) revert CoordinateNotInField(i);
        }
        for (uint256 i = 0; i < inputs.length; i++) {
            if (inputs[i] >= R) revert InputNotInField(i);
        }
        _checkLinks(callsPerTx, kind, first, second, offset, inputs);
        _batchPairing(callsPerTx, kind, offset, proofs, inputs);
    }

    /// @dev Every linkage rule of the contract notice, node by node over the tree.
    function _checkLinks(
        uint256[] memory callsPerTx,
        uint8[] memory kind,
        uint256[] memory first,
        uint256[] memory second,
        uint256[] memory off,
        uint256[] calldata x
    ) private pure {
        uint256 n = kind.length;
        uint256 firstBase = n + 1 - 2 * callsPerTx.length;
        for (uint256 a = 0; a < n; a++) {
            uint8 k = kind[a];
            if (k == KERNEL) {
                uint256 vm = first[a];
                for (uint256 i = 0; i < 3; i++) {
                    _eq(off, x, a, 4 + i, vm, i);
                }
                uint256 p = second[a];
                if (p == NONE) {
                    if (x[off[a] + 2] != 0) revert MustBeZero(a, 2);
                } else {
                    _eq(off, x, a, 2, p, 3);
                    _eq(off, x, a, 0, p, 0);
                    _eq(off, x, a, 1, p, 1);
                    if (x[off[p] + 7] != 0) revert MustBeZero(p, 7);
                }
            } else if (k == BASE) {
                uint256 c = callsPerTx[a - firstBase];
                if (x[off[a] + 16] != c) revert CallCountMismatch(a, x[off[a] + 16], c);
                uint256 last = first[a];
                if (last != NONE) {
                    _eq(off, x, a, 14, last, 7);
                    if (x[off[last] + 7] == 0) revert MustBeNonZero(last, 7);
                    _eq(off, x, a, 15, last, 0);
                    _eq(off, x, last, 1, a, 4);
                }
                if (a > firstBase) {
                    for (uint256 i = 0; i < 6; i++) {
                        _eq(off, x, a - 1, 6 + i, a, i);
                    }
                }
            } else if (k == MERGE || k == ROOT) {
                uint256 at = k == MERGE ? OUTPUTS : 10;
                for (uint256 i = 0; i < OUTPUTS; i++) {
                    _eq(off, x, a, at + i, first[a], i);
                    _eq(off, x, a, at + OUTPUTS + i, second[a], i);
                }
            }
        }
    }

    function _eq(uint256[] memory off, uint256[] calldata x, uint256 a, uint256 i, uint256 b, uint256 j)
        private
        pure
    {
        if (x[off[a] + i] != x[off[b] + j]) revert BrokenLink(a, i, b, j);
    }

    function _batchPairing(
        uint256[] memory callsPerTx,
        uint8[] memory kind,
        uint256[] memory offset,
        uint256[] calldata proofs,
        uint256[] calldata inputs
    ) private view {
        uint256 n = kind.length;
        uint256 seed = uint256(keccak256(abi.encode(callsPerTx, proofs, inputs)));
        uint256[] memory pairs = new uint256[](6 * (n + 3 * KINDS));
        uint256[5] memory weightSum;
        uint256[2][5] memory accC;
        uint256[][5] memory inputWeights;
        for (uint8 k = 0; k < KINDS; k++) {
            inputWeights[k] = new uint256[](numInputs(k));
        }
        for (uint256 i = 0; i < n; i++) {
            uint8 k = kind[i];
            uint256 w = i == 0 ? 1 : uint256(keccak256(abi.encode(seed, i))) % R;
            if (w == 0) w = 1;
            _weighProof(pairs, i, w, proofs[8 * i:8 * i + 8], accC[k]);
            weightSum[k] = addmod(weightSum[k], w, R);
            uint256[] memory iw = inputWeights[k];
            for (uint256 j = 0; j < iw.length; j++) {
                iw[j] = addmod(iw[j], mulmod(w, inputs[offset[i] + j], R), R);
            }
        }
        uint256 used = n;
        for (uint8 k = 0; k < KINDS; k++) {
            if (weightSum[k] == 0) continue;
            uint256[] memory vk = _loadKey(k);
            (uint256 x, uint256 y) = _mul(vk[0], vk[1], weightSum[k], n);
            _store(pairs, used++, x, _neg(y), [vk[2], vk[3], vk[4], vk[5]]);
            (x, y) = _mul(vk[14], vk[15], weightSum[k], n);
            uint256[] memory iw = inputWeights[k];
            for (uint256 j = 0; j < iw.length; j++) {
                (uint256 px, uint256 py) = _mul(vk[16 + 2 * j], vk[17 + 2 * j], iw[j], n);
                (x, y) = _add(x, y, px, py, n);
            }
            _store(pairs, used++, x, _neg(y), [vk[6], vk[7], vk[8], vk[9]]);
            _store(pairs, used++, accC[k][0], _neg(accC[k][1]), [vk[10], vk[11], vk[12], vk[13]]);
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
