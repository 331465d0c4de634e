// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {Poseidon2} from "./Poseidon2.sol";

/// @title Inbox
/// @notice L1->L2 messages. Anyone sends a message (an L2 recipient, a content and the hash of the secret that
/// consumes it on L2, each a field element); it is appended to the batch in progress as the leaf
/// Poseidon(Poseidon(sender, recipient), Poseidon(content, secretHash)). Batches are consumed in order by the rollup
/// that created this inbox, one per L2 block: block n consumes batch n, and its proof's in hash must be the batch's
/// root, the Poseidon Merkle root of its leaves zero-padded to `capacity` (the circuits' `in_hash`).
/// Batch n stops receiving messages before block n is built: when block n - 1 is accepted (the first batch starts
/// sealed and empty), or as soon as it holds `capacity` messages. Sealed batches never change, so a sequencer reads
/// the batch its block consumes with `batch(n)` and a prover can prove it before it is consumed.
contract Inbox {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice The rollup allowed to consume batches (the deployer).
    address public immutable rollup;
    /// @notice Messages per batch (a power of two: the root rollup's batch size).
    uint256 public immutable capacity;
    /// @notice Batch receiving new messages.
    uint256 public inProgress;
    /// @notice Batch the next accepted L2 block consumes (its block number).
    uint256 public nextToConsume;
    mapping(uint256 => uint256[]) internal leaves;

    event MessageSent(
        uint256 indexed batch,
        uint256 index,
        uint256 leaf,
        address indexed sender,
        uint256 recipient,
        uint256 content,
        uint256 secretHash
    );
    event BatchConsumed(uint256 indexed batch, uint256 root, uint256 messages);

    error BadCapacity(uint256 capacity);
    error FieldOutOfRange(uint256 value);
    error NotRollup(address caller);
    error OutOfOrder(uint256 batch, uint256 expected);

    /// @param capacity_ messages per batch (a power of two)
    /// @param firstBatch block number of the first L2 block the rollup accepts
    constructor(uint256 capacity_, uint256 firstBatch) {
        if (capacity_ == 0 || capacity_ & (capacity_ - 1) != 0) revert BadCapacity(capacity_);
        rollup = msg.sender;
        capacity = capacity_;
        nextToConsume = firstBatch;
        inProgress = firstBatch + 1;
    }

    /// @notice Sends a message to `recipient` on L2; returns its leaf and the batch it joined.
    function sendMessage(uint256 recipient, uint256 content, uint256 secretHash)
        external
        returns (uint256 leaf, uint256 batch_)
    {
        if (recipient >= R) revert FieldOutOfRange(recipient);
        if (content >= R) revert FieldOutOfRange(content);
        if (secretHash >= R) revert FieldOutOfRange(secretHash);
        leaf = leafOf(msg.sender, recipient, content, secretHash);
        if (leaves[inProgress].length == capacity) inProgress += 1;
        batch_ = inProgress;
        leaves[batch_].push(leaf);
        emit MessageSent(batch_, leaves[batch_].length - 1, leaf, msg.sender, recipient, content, secretHash);
    }

    /// @notice The leaf of a message (inputs below R).
    function leafOf(address sender, uint256 recipient, uint256 content, uint256 secretHash)
        public
        pure
        returns (uint256)
    {
        return Poseidon2.hash(
            Poseidon2.hash(uint256(uint160(sender)), recipient), Poseidon2.hash(content, secretHash)
        );
    }

    /// @notice Leaves of batch `n`, in order (final once `n < inProgress`).
    function batch(uint256 n) external view returns (uint256[] memory) {
        return leaves[n];
    }

    /// @notice Root of batch `n`: the Merkle root of its leaves zero-padded to `capacity`.
    function root(uint256 n) public view returns (uint256) {
        uint256[] memory level = leaves[n];
        uint256 len = level.length;
        uint256 zero = 0;
        for (uint256 width = capacity; width > 1; width /= 2) {
            uint256 next = (len + 1) / 2;
            for (uint256 i = 0; i < next; i++) {
                uint256 right = 2 * i + 1 < len ? level[2 * i + 1] : zero;
                level[i] = Poseidon2.hash(level[2 * i], right);
            }
            len = next;
            zero = Poseidon2.hash(zero, zero);
        }
        return len == 0 ? zero : level[0];
    }

    /// @notice Consumes batch `n` (the rollup's next block number) and returns its root; seals the next batch if it
    /// is still in progress.
    function consume(uint256 n) external returns (uint256 r) {
        if (msg.sender != rollup) revert NotRollup(msg.sender);
        if (n != nextToConsume) revert OutOfOrder(n, nextToConsume);
        r = root(n);
        nextToConsume = n + 1;
        if (inProgress == n + 1) inProgress = n + 2;
        emit BatchConsumed(n, r, leaves[n].length);
    }
}
