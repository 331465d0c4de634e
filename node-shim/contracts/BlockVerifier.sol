// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {BatchVerifier} from "./BatchVerifier.sol";

/// @title BlockVerifier
/// @notice The rollup's block-proof check on its own, for tools and tests: the same five keys, tree derivation,
/// linkage rules and batch pairing check as `Rollup.submitProof`, without the lifecycle. Reverts on any failure.
contract BlockVerifier is BatchVerifier {
    constructor(uint256[][5] memory keys) BatchVerifier(keys) {}

    /// @notice Verifies a block proof whose tree is given by `callsPerTx`; returns true or reverts.
    function verifyBlock(uint256[] calldata callsPerTx, uint256[] calldata proofs, uint256[] calldata inputs)
        external
        view
        returns (bool)
    {
        _verifyBlock(callsPerTx, proofs, inputs);
        return true;
    }
}
