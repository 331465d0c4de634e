// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

/// @title SequencerRegistry
/// @notice Staked sequencer set with an entry delay, exit signalling and an exit delay, counted in epochs of
/// `epochLength` L1 blocks from `genesisBlock`. Joining or leaving only affects epochs at least one delay ahead, so the
/// active set of the current epoch can no longer change; `snapshot(epoch)` freezes it in storage. The slasher (the
/// rollup, bound once by the deployer) can slash a sequencer: its stake is forfeited and it leaves the set after the
/// current epoch.
contract SequencerRegistry {
    struct Sequencer {
        bytes32 key;
        uint64 activeFrom;
        uint64 exitAt;
        bool withdrawn;
        bool slashed;
    }

    uint256 public immutable stakeAmount;
    uint256 public immutable entryDelay;
    uint256 public immutable exitDelay;
    uint256 public immutable epochLength;
    uint256 public immutable genesisBlock;
    address private immutable deployer;
    /// @notice The contract allowed to slash (zero until bound).
    address public slasher;
    /// @notice Stake forfeited by slashed sequencers (kept by this contract).
    uint256 public slashedStake;

    address[] public members;
    mapping(address => Sequencer) public sequencers;
    mapping(bytes32 => address) public keyOwner;
    mapping(uint256 => bool) public snapshotTaken;
    mapping(uint256 => address[]) private snapshots;
    mapping(uint256 => mapping(address => bool)) private inSnapshot;

    event Registered(address indexed sequencer, bytes32 key, uint256 activeFrom);
    event ExitSignalled(address indexed sequencer, uint256 exitAt);
    event Withdrawn(address indexed sequencer, uint256 amount);
    event Snapshot(uint256 indexed epoch, uint256 size);
    event SequencerSlashed(address indexed sequencer, uint256 stake);

    error BadParameters();
    error WrongStake(uint256 sent, uint256 required);
    error AlreadyRegistered(address sequencer);
    error KeyTaken(bytes32 key);
    error NotRegistered(address sequencer);
    error ExitAlreadySignalled(address sequencer);
    error ExitNotReached(uint256 epoch, uint256 exitAt);
    error FutureEpoch(uint256 epoch, uint256 current);
    error TransferFailed(address to);
    error NotSlasher(address caller);
    error SlasherAlreadyBound(address slasher);

    constructor(uint256 stake_, uint256 entryDelay_, uint256 exitDelay_, uint256 epochLength_, uint256 genesis_) {
        if (entryDelay_ == 0 || exitDelay_ == 0 || epochLength_ == 0) revert BadParameters();
        stakeAmount = stake_;
        entryDelay = entryDelay_;
        exitDelay = exitDelay_;
        epochLength = epochLength_;
        genesisBlock = genesis_;
        deployer = msg.sender;
    }

    /// @notice Names the slasher; the deployer calls it once.
    function bindSlasher(address slasher_) external {
        if (msg.sender != deployer) revert NotSlasher(msg.sender);
        if (slasher != address(0)) revert SlasherAlreadyBound(slasher);
        slasher = slasher_;
    }

    /// @notice Forfeits `who`'s stake and ends its membership after the current epoch (frozen snapshots keep it).
    /// Idempotent; unknown addresses are ignored.
    function slash(address who) external {
        if (msg.sender != slasher) revert NotSlasher(msg.sender);
        Sequencer storage s = sequencers[who];
        if (s.activeFrom == 0 || s.slashed) return;
        s.slashed = true;
        uint64 next = uint64(currentEpoch() + 1);
        if (s.exitAt > next) s.exitAt = next;
        slashedStake += stakeAmount;
        emit SequencerSlashed(who, stakeAmount);
    }

    /// @notice Epoch containing L1 block `blockNumber` (blocks before genesis belong to epoch 0).
    function epochAt(uint256 blockNumber) public view returns (uint256) {
        return blockNumber <= genesisBlock ? 0 : (blockNumber - genesisBlock) / epochLength;
    }

    function currentEpoch() public view returns (uint256) {
        return epochAt(block.number);
    }

    /// @notice Joins with exactly `stakeAmount` wei and a unique non-zero key; active from `current + entryDelay`.
    function register(bytes32 key) external payable {
        if (msg.value != stakeAmount) revert WrongStake(msg.value, stakeAmount);
        if (sequencers[msg.sender].activeFrom != 0) revert AlreadyRegistered(msg.sender);
        if (key == bytes32(0) || keyOwner[key] != address(0)) revert KeyTaken(key);
        uint64 from = uint64(currentEpoch() + entryDelay);
        sequencers[msg.sender] = Sequencer(key, from, type(uint64).max, false, false);
        keyOwner[key] = msg.sender;
        members.push(msg.sender);
        emit Registered(msg.sender, key, from);
    }

    /// @notice Signals exit: the sequencer stays active until `current + exitDelay`, then may withdraw.
    function signalExit() external {
        Sequencer storage s = sequencers[msg.sender];
        if (s.activeFrom == 0) revert NotRegistered(msg.sender);
        if (s.exitAt != type(uint64).max) revert ExitAlreadySignalled(msg.sender);
        s.exitAt = uint64(currentEpoch() + exitDelay);
        emit ExitSignalled(msg.sender, s.exitAt);
    }

    /// @notice Returns the stake (nothing if slashed) once the exit epoch is reached.
    function withdraw() external {
        Sequencer storage s = sequencers[msg.sender];
        if (s.activeFrom == 0 || s.withdrawn) revert NotRegistered(msg.sender);
        uint256 epoch = currentEpoch();
        if (epoch < s.exitAt) revert ExitNotReached(epoch, s.exitAt);
        s.withdrawn = true;
        uint256 amount = s.slashed ? 0 : stakeAmount;
        if (amount != 0) {
            (bool ok,) = msg.sender.call{value: amount}("");
            if (!ok) revert TransferFailed(msg.sender);
        }
        emit Withdrawn(msg.sender, amount);
    }

    /// @notice Whether `who` is in the active set of `epoch` (activeFrom <= epoch < exitAt).
    function isActive(address who, uint256 epoch) public view returns (bool) {
        Sequencer storage s = sequencers[who];
        return s.activeFrom != 0 && s.activeFrom <= epoch && epoch < s.exitAt;
    }

    /// @notice Freezes the active set of `epoch` (<= current epoch) in storage; idempotent.
    function snapshot(uint256 epoch) public {
        if (snapshotTaken[epoch]) return;
        uint256 current = currentEpoch();
        if (epoch > current) revert FutureEpoch(epoch, current);
        address[] storage set = snapshots[epoch];
        for (uint256 i = 0; i < members.length; i++) {
            address who = members[i];
            if (isActive(who, epoch)) {
                set.push(who);
                inSnapshot[epoch][who] = true;
            }
        }
        snapshotTaken[epoch] = true;
        emit Snapshot(epoch, set.length);
    }

    /// @notice Membership of `who` in the frozen set of `epoch`, taking the snapshot first if needed.
    function snapshotMember(uint256 epoch, address who) external returns (bool) {
        snapshot(epoch);
        return inSnapshot[epoch][who];
    }

    /// @notice The frozen active set of `epoch` (empty if no snapshot was taken yet).
    function activeSet(uint256 epoch) external view returns (address[] memory) {
        return snapshots[epoch];
    }

    function keyOf(address who) external view returns (bytes32) {
        return sequencers[who].key;
    }

    function memberCount() external view returns (uint256) {
        return members.length;
    }
}
