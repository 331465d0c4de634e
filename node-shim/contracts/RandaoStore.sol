// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

/// @title RandaoStore
/// @notice Records the beacon-chain randomness (`block.prevrandao`) of L1 blocks and serves it with a fixed lag, so
/// the leader-election seed of a slot is fixed `lag` blocks before the slot starts and cannot be biased by the
/// proposer of the slot's first block.
contract RandaoStore {
    /// @notice Distance in L1 blocks between the recorded block and the block it seeds.
    uint256 public immutable lag;
    /// @notice prevrandao of each recorded L1 block (0 = not recorded).
    mapping(uint256 => uint256) public valueAt;

    event RandaoRecorded(uint256 indexed blockNumber, uint256 value);

    error LagTooSmall();
    error NotRecorded(uint256 blockNumber);
    error ZeroRandao(uint256 blockNumber);

    constructor(uint256 lag_) {
        if (lag_ == 0) revert LagTooSmall();
        lag = lag_;
    }

    /// @notice Stores `block.prevrandao` for the current block; idempotent within a block.
    function record() external {
        if (valueAt[block.number] != 0) return;
        uint256 value = block.prevrandao;
        if (value == 0) revert ZeroRandao(block.number);
        valueAt[block.number] = value;
        emit RandaoRecorded(block.number, value);
    }

    /// @notice The randomness that seeds block `blockNumber`: the value recorded at `blockNumber - lag`.
    function lagged(uint256 blockNumber) external view returns (uint256 value) {
        if (blockNumber < lag) revert NotRecorded(0);
        value = valueAt[blockNumber - lag];
        if (value == 0) revert NotRecorded(blockNumber - lag);
    }
}
