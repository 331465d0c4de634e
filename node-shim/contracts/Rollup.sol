// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {BatchVerifier} from "./BatchVerifier.sol";
import {DeciderVerifier} from "./DeciderVerifier.sol";
import {Inbox} from "./Inbox.sol";
import {RandaoStore} from "./RandaoStore.sol";
import {RewardToken} from "./RewardToken.sol";
import {SequencerRegistry} from "./SequencerRegistry.sol";

/// @title Rollup
/// @notice Fernet / Sidecar block lifecycle. Slot s spans L1 blocks [start(s), start(s) + slotLength), start(s) =
/// genesis + s * slotLength, split into consecutive windows:
///   proposal  - active sequencers propose a data hash; score = keccak(randao(start - lag), key); highest wins
///   commit    - a prover posts the bond with the canonical proposer's signature naming it (one per slot)
///   reveal    - anyone posts the block data as calldata; its keccak must equal the proposal's data hash
///   proving   - the committed prover's block proof is verified against the revealed header: the root's previous
///               archive, prover id, chain id and block number must be the contract's, its out hash, in hash,
///               timestamp and coinbase the header's, and its in hash the root of the L1->L2 message batch the block
///               consumes from the Inbox; its new archive becomes the contract's. The proof is either the forest of
///               Groth16 proofs (`submitProof`, BatchVerifier: gas grows with the block) or one folded proof of the
///               whole tree (`submitFoldedProof`, DeciderVerifier: constant gas), where the deployment has a decider
///   backup    - after the deadline anyone may submit block data + proof; first wins
/// After the proving deadline a missed slot is penalized once (`slash`, or the backup submission): if the data was
/// revealed, the committed prover's bond is slashed; if it was never revealed the prover could not prove it, so its
/// bond is returned and the proposer's sequencer stake is slashed instead.
/// `finalize` pays the sequencer, prover and submitter shares in RewardToken and returns an unslashed bond. Payouts
/// go to addresses the proof binds (its prover id), never to the transaction's sender, so copying a pending
/// submission from the mempool earns nothing: the prover and submitter shares go to the committed prover (proving
/// phase) or the proof's prover id (backup phase); the sequencer share to the proposer of revealed data, else to the
/// backup proof's prover id.
/// Confirmation stages (`stage`): 1 proposed, 2 canonical (proposal window closed), 3 prover committed,
/// 4 data revealed, 5 proven, 6 finalized, 7 finalization buried under `finalityDepth` L1 blocks.
contract Rollup is BatchVerifier {
    /// Revealed block data is `abi.encode(BlockHeader, bytes body)`; the body is opaque here. `callsPerTx` (public
    /// calls of each base rollup's tx, padding txs included) fixes the proof tree.
    struct BlockHeader {
        uint256 chainId;
        uint256 blockNumber;
        uint256 timestamp;
        uint256 coinbase;
        uint256 inHash;
        uint256 outHash;
        uint256[] callsPerTx;
    }

    /// A header as the rollup hashes and checks it: the fixed fields and `keccak256(abi.encode(callsPerTx))`. A slot's
    /// `headerHash` is `keccak256(abi.encode(summary))`; a folded proof's submission carries the summary rather than
    /// the header, so its calldata does not grow with the block.
    struct HeaderSummary {
        uint256 chainId;
        uint256 blockNumber;
        uint256 timestamp;
        uint256 coinbase;
        uint256 inHash;
        uint256 outHash;
        bytes32 callsHash;
    }

    /// @notice A folded block proof (`sidecar_pcd::L1Decider`): the root's running accumulator, its last fresh
    /// instance and cross term, its state `(tag, calls, root inputs, zero padding)` and the decider's proof with the
    /// openings of the folded commitments (see `DeciderVerifier.verifyRoot`).
    struct FoldedProof {
        DeciderVerifier.Proof proof;
        DeciderVerifier.Running running;
        DeciderVerifier.Fresh fresh;
        uint256[2] cross;
        uint256[] state;
        uint256[] values;
    }

    struct Params {
        uint64 proposalWindow;
        uint64 commitWindow;
        uint64 revealWindow;
        uint64 provingWindow;
        uint64 backupWindow;
        uint64 finalityDepth;
        uint256 proverBond;
        uint256 sequencerReward;
        uint256 proverReward;
        uint256 submitterReward;
    }

    struct Slot {
        address proposer;
        bytes32 dataHash;
        bytes32 headerHash;
        uint256 score;
        address prover;
        uint256 bond;
        bool revealed;
        bool proven;
        bool backup;
        bool slashed;
        bool proposerSlashed;
        bool finalized;
        address provenBy;
        address submitter;
        address sequencerPaid;
        uint256 archive;
        uint64 finalizedAt;
    }

    bytes32 public constant COMMIT_TAG = keccak256("sidecar.prover-commitment.v1");

    SequencerRegistry public immutable registry;
    RandaoStore public immutable randao;
    RewardToken public immutable token;
    /// @notice L1->L2 messages; block n consumes its batch n.
    Inbox public immutable inbox;
    uint256 public immutable genesisBlock;
    uint256 public immutable slotLength;
    /// @notice L2 chain id every root proof must carry.
    uint256 public immutable l2ChainId;
    /// @notice Verifier of folded block proofs; the zero address where the deployment takes Groth16 forests only.
    DeciderVerifier public immutable decider;
    Params internal params;

    /// @notice Archive root of the latest proven block.
    uint256 public archive;
    /// @notice L2 block number the next proven block must carry.
    uint256 public nextBlockNumber;
    uint256 public slashedPool;
    mapping(uint256 => Slot) internal slots;
    mapping(uint256 => mapping(address => bool)) public hasProposed;

    event Proposed(uint256 indexed slot, address indexed sequencer, uint256 score, bytes32 dataHash, bool leading);
    event ProverCommitted(uint256 indexed slot, address indexed prover, uint256 bond);
    event Revealed(uint256 indexed slot, bytes32 dataHash);
    event BlockProven(uint256 indexed slot, address indexed prover, address submitter, uint256 archive, bool backup);
    event Slashed(uint256 indexed slot, address indexed prover, uint256 bond);
    event ProposerSlashed(uint256 indexed slot, address indexed proposer);
    event BondReturned(uint256 indexed slot, address indexed prover, uint256 bond);
    event Finalized(uint256 indexed slot, address sequencer, address prover, address submitter);

    error BadParameters();
    error WrongPhase(uint256 slot, uint256 blockNumber);
    error NotActiveSequencer(address who, uint256 epoch);
    error AlreadyProposed(uint256 slot, address who);
    error NoProposal(uint256 slot);
    error AlreadyCommitted(uint256 slot, address prover);
    error WrongBond(uint256 sent, uint256 required);
    error BadSignature(address recovered, address proposer);
    error DataMismatch(bytes32 got, bytes32 expected);
    error AlreadyRevealed(uint256 slot);
    error NotRevealed(uint256 slot);
    error NotCommitted(uint256 slot);
    error AlreadyProven(uint256 slot);
    error NotProven(uint256 slot);
    error AlreadyFinalized(uint256 slot);
    error NothingToSlash(uint256 slot);
    error PublicInputMismatch(uint256 index, uint256 got, uint256 expected);
    error InHashMismatch(uint256 proven, uint256 inbox);
    error HeaderMismatch(bytes32 got, bytes32 expected);
    error TransferFailed(address to);
    error FoldedProofsDisabled();
    error NotRootState(uint256 length, uint256 tag);

    /// State words before a folded root's public inputs (`sidecar_engine::folding` `TAG`, `CALLS`); the root's tag
    /// is its key slot + 1.
    uint256 private constant STATE_INPUTS = 2;
    /// Root inputs checked against L1 truth (`_checkRoot`).
    uint256 private constant CHECKED = 10;

    constructor(
        SequencerRegistry registry_,
        RandaoStore randao_,
        Params memory params_,
        uint256 genesisArchive,
        uint256 genesisBlockNumber,
        uint256 chainId_,
        uint256 messagesPerBlock,
        uint256[][5] memory keys,
        DeciderVerifier decider_
    ) BatchVerifier(keys) {
        if (
            params_.proposalWindow == 0 || params_.commitWindow == 0 || params_.revealWindow == 0
                || params_.provingWindow == 0 || params_.backupWindow == 0 || genesisArchive >= R || chainId_ >= R
                || genesisBlockNumber >= R
        ) revert BadParameters();
        registry = registry_;
        randao = randao_;
        params = params_;
        genesisBlock = registry_.genesisBlock();
        slotLength = uint256(params_.proposalWindow) + params_.commitWindow + params_.revealWindow
            + params_.provingWindow + params_.backupWindow;
        if (genesisBlock < randao_.lag()) revert BadParameters();
        archive = genesisArchive;
        nextBlockNumber = genesisBlockNumber;
        l2ChainId = chainId_;
        decider = decider_;
        token = new RewardToken(address(this));
        inbox = new Inbox(messagesPerBlock, genesisBlockNumber);
    }

    /// @notice Protocol parameters fixed at deployment.
    function parameters() external view returns (Params memory) {
        return params;
    }

    function slotStart(uint256 slot) public view returns (uint256) {
        return genesisBlock + slot * slotLength;
    }

    /// @notice Slot of the current L1 block (0 before genesis).
    function currentSlot() public view returns (uint256) {
        return block.number <= genesisBlock ? 0 : (block.number - genesisBlock) / slotLength;
    }

    /// @notice The summary of `header` that the rollup hashes and checks (see `HeaderSummary`).
    function summarize(BlockHeader memory header) public pure returns (HeaderSummary memory) {
        return HeaderSummary({
            chainId: header.chainId,
            blockNumber: header.blockNumber,
            timestamp: header.timestamp,
            coinbase: header.coinbase,
            inHash: header.inHash,
            outHash: header.outHash,
            callsHash: keccak256(abi.encode(header.callsPerTx))
        });
    }

    /// @notice A slot's `headerHash` for the header summarized as `summary`.
    function headerHash(HeaderSummary memory summary) public pure returns (bytes32) {
        return keccak256(abi.encode(summary));
    }

    /// @notice L1 block numbers where the commit, reveal, proving and backup windows of `slot` begin, and its end.
    function windows(uint256 slot) public view returns (uint256[5] memory w) {
        w[0] = slotStart(slot) + params.proposalWindow;
        w[1] = w[0] + params.commitWindow;
        w[2] = w[1] + params.revealWindow;
        w[3] = w[2] + params.provingWindow;
        w[4] = w[3] + params.backupWindow;
    }

    /// @notice Fernet score of a sequencer key in `slot`: keccak256(randao lagged to the slot start, key).
    function score(uint256 slot, bytes32 key) public view returns (uint256) {
        return uint256(keccak256(abi.encode(randao.lagged(slotStart(slot)), key)));
    }

    function slotInfo(uint256 slot) external view returns (Slot memory) {
        return slots[slot];
    }

    /// @notice Confirmation stage 0..7 of the block of `slot` (see the contract notice).
    function stage(uint256 slot) external view returns (uint8) {
        Slot storage s = slots[slot];
        if (s.finalized) return block.number >= uint256(s.finalizedAt) + params.finalityDepth ? 7 : 6;
        if (s.proven) return 5;
        if (s.revealed) return 4;
        if (s.prover != address(0)) return 3;
        if (s.proposer != address(0)) return block.number >= windows(slot)[0] ? 2 : 1;
        return 0;
    }

    /// @notice Message a proposer signs (EIP-191 personal_sign over this digest) to name `prover` for `slot`.
    function commitmentDigest(uint256 slot, address prover, bytes32 dataHash) public view returns (bytes32) {
        return keccak256(abi.encode(COMMIT_TAG, block.chainid, address(this), slot, prover, dataHash));
    }

    function _inWindow(uint256 slot, uint256 from, uint256 to) private view {
        if (block.number < from || block.number >= to) revert WrongPhase(slot, block.number);
    }

    function propose(uint256 slot, bytes32 dataHash) external {
        _inWindow(slot, slotStart(slot), windows(slot)[0]);
        uint256 epoch = registry.epochAt(slotStart(slot));
        if (!registry.snapshotMember(epoch, msg.sender)) revert NotActiveSequencer(msg.sender, epoch);
        if (hasProposed[slot][msg.sender]) revert AlreadyProposed(slot, msg.sender);
        hasProposed[slot][msg.sender] = true;
        uint256 value = score(slot, registry.keyOf(msg.sender));
        Slot storage s = slots[slot];
        bool leading = s.proposer == address(0) || value > s.score;
        if (leading) {
            s.proposer = msg.sender;
            s.dataHash = dataHash;
            s.score = value;
        }
        emit Proposed(slot, msg.sender, value, dataHash, leading);
    }

    function commit(uint256 slot, uint8 v, bytes32 r, bytes32 sigS) external payable {
        uint256[5] memory w = windows(slot);
        _inWindow(slot, w[0], w[1]);
        Slot storage s = slots[slot];
        if (s.proposer == address(0)) revert NoProposal(slot);
        if (s.prover != address(0)) revert AlreadyCommitted(slot, s.prover);
        if (msg.value != params.proverBond) revert WrongBond(msg.value, params.proverBond);
        bytes32 digest = keccak256(
            abi.encodePacked("\x19Ethereum Signed Message:\n32", commitmentDigest(slot, msg.sender, s.dataHash))
        );
        address signer = uint256(sigS) > 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
            ? address(0)
            : ecrecover(digest, v, r, sigS);
        if (signer == address(0) || signer != s.proposer) revert BadSignature(signer, s.proposer);
        s.prover = msg.sender;
        s.bond = msg.value;
        emit ProverCommitted(slot, msg.sender, msg.value);
    }

    function reveal(uint256 slot, bytes calldata data) external {
        uint256[5] memory w = windows(slot);
        _inWindow(slot, w[1], w[2]);
        Slot storage s = slots[slot];
        if (s.proposer == address(0)) revert NoProposal(slot);
        if (s.revealed) revert AlreadyRevealed(slot);
        bytes32 h = keccak256(data);
        if (h != s.dataHash) revert DataMismatch(h, s.dataHash);
        (BlockHeader memory header,) = abi.decode(data, (BlockHeader, bytes));
        s.headerHash = headerHash(summarize(header));
        s.revealed = true;
        emit Revealed(slot, h);
    }

    /// @notice Committed prover's block proof for the revealed `header` (any sender may carry it; the rewards go to
    /// the committed prover). See BatchVerifier for the layout of `proofs` and `inputs`.
    function submitProof(
        uint256 slot,
        BlockHeader calldata header,
        uint256[] calldata proofs,
        uint256[] calldata inputs
    ) external {
        HeaderSummary memory summary = summarize(header);
        Slot storage s = _provingSlot(slot, summary);
        uint256[] calldata root = _batchRoot(header.callsPerTx.length, inputs);
        _checkRoot(summary, root, s.prover);
        _verifyBlock(header.callsPerTx, proofs, inputs);
        _accept(slot, s, s.prover, s.proposer, root[1], false);
    }

    /// @notice `submitProof` with one folded proof of the block's whole tree, decided by `decider`, and the revealed
    /// header's summary (`summarize`) rather than the header: nothing in the call grows with the block, so neither does
    /// its gas. `FoldedProofsDisabled` where the deployment has no decider; `NotRootState` for a state too short for
    /// the root's inputs or not tagged as a root rollup's.
    function submitFoldedProof(uint256 slot, HeaderSummary calldata header, FoldedProof calldata proof) external {
        uint256[] calldata root = _foldedRoot(proof);
        HeaderSummary memory summary = header;
        Slot storage s = _provingSlot(slot, summary);
        _checkRoot(summary, root, s.prover);
        _decide(proof);
        _accept(slot, s, s.prover, s.proposer, root[1], false);
    }

    /// @dev The slot of a proving-phase submission for `header`, which must be the revealed one.
    function _provingSlot(uint256 slot, HeaderSummary memory header) private view returns (Slot storage s) {
        uint256[5] memory w = windows(slot);
        _inWindow(slot, w[2], w[3]);
        s = slots[slot];
        if (!s.revealed) revert NotRevealed(slot);
        if (s.prover == address(0)) revert NotCommitted(slot);
        if (s.proven) revert AlreadyProven(slot);
        bytes32 hh = headerHash(header);
        if (hh != s.headerHash) revert HeaderMismatch(hh, s.headerHash);
    }

    /// @dev The root's public inputs in a Groth16 forest's `inputs` (its last node).
    function _batchRoot(uint256 txs, uint256[] calldata inputs) private view returns (uint256[] calldata) {
        uint256 width = numInputs(ROOT);
        if (inputs.length < width) revert BadTreeShape(txs, 0, inputs.length);
        return inputs[inputs.length - width:];
    }

    /// @dev The root's public inputs in a folded proof's state.
    function _foldedRoot(FoldedProof calldata proof) private view returns (uint256[] calldata) {
        if (address(decider) == address(0)) revert FoldedProofsDisabled();
        uint256[] calldata state = proof.state;
        uint256 tag = state.length == 0 ? 0 : state[0];
        if (state.length < STATE_INPUTS + CHECKED || tag != uint256(ROOT) + 1) revert NotRootState(state.length, tag);
        return state[STATE_INPUTS:];
    }

    /// @dev Decides a folded proof (reverts with the decider's error).
    function _decide(FoldedProof calldata p) private view {
        decider.verifyRoot(p.proof, p.running, p.fresh, p.cross, p.state, p.values);
    }

    /// @notice Anyone's block data and proof once the proving deadline has passed; the first verified one wins.
    /// If the slot's data was revealed, the same data must be proven. The prover paid is the root's prover id.
    function submitBackup(uint256 slot, bytes calldata data, uint256[] calldata proofs, uint256[] calldata inputs)
        external
    {
        BlockHeader memory full = _backupHeader(slot, data);
        HeaderSummary memory header = summarize(full);
        uint256[] calldata root = _batchRoot(full.callsPerTx.length, inputs);
        address prover = _backupProver(header, root);
        _verifyBlock(full.callsPerTx, proofs, inputs);
        _acceptBackup(slot, data, header, prover, root[1]);
    }

    /// @notice `submitBackup` with a folded proof (see `submitFoldedProof`).
    function submitFoldedBackup(uint256 slot, bytes calldata data, FoldedProof calldata proof) external {
        HeaderSummary memory header = summarize(_backupHeader(slot, data));
        uint256[] calldata root = _foldedRoot(proof);
        address prover = _backupProver(header, root);
        _decide(proof);
        _acceptBackup(slot, data, header, prover, root[1]);
    }

    /// @dev The header of a backup submission's `data`, which must be the revealed data if any was revealed.
    function _backupHeader(uint256 slot, bytes calldata data) private view returns (BlockHeader memory header) {
        uint256[5] memory w = windows(slot);
        _inWindow(slot, w[3], w[4]);
        Slot storage s = slots[slot];
        if (s.proven) revert AlreadyProven(slot);
        bytes32 h = keccak256(data);
        if (s.revealed && h != s.dataHash) revert DataMismatch(h, s.dataHash);
        (header,) = abi.decode(data, (BlockHeader, bytes));
    }

    /// @dev The prover a backup proof pays (its root's prover id, an address), after checking the root.
    function _backupProver(HeaderSummary memory header, uint256[] calldata root) private returns (address prover) {
        uint256 proverId = root[4];
        if (proverId >> 160 != 0) revert PublicInputMismatch(4, proverId, uint256(uint160(proverId)));
        prover = address(uint160(proverId));
        _checkRoot(header, root, prover);
    }

    function _acceptBackup(
        uint256 slot,
        bytes calldata data,
        HeaderSummary memory header,
        address prover,
        uint256 newArchive
    ) private {
        Slot storage s = slots[slot];
        _penalize(slot, s);
        address sequencer = s.revealed ? s.proposer : prover;
        s.dataHash = keccak256(data);
        s.headerHash = headerHash(header);
        s.revealed = true;
        _accept(slot, s, prover, sequencer, newArchive, true);
    }

    /// @notice Penalizes a slot whose proving deadline passed without a proof: the committed prover's bond if the
    /// data was revealed, else the proposer's stake (and the prover's bond is returned).
    function slash(uint256 slot) external {
        if (block.number < windows(slot)[3]) revert WrongPhase(slot, block.number);
        Slot storage s = slots[slot];
        bool proverAtFault = s.revealed && s.prover != address(0) && !s.slashed;
        bool proposerAtFault = !s.revealed && s.proposer != address(0) && !s.proposerSlashed;
        if (s.proven || !(proverAtFault || proposerAtFault)) revert NothingToSlash(slot);
        _penalize(slot, s);
    }

    /// @notice Pays sequencer, prover and submitter of a proven block and returns an unslashed bond.
    function finalize(uint256 slot) external {
        Slot storage s = slots[slot];
        if (!s.proven) revert NotProven(slot);
        if (s.finalized) revert AlreadyFinalized(slot);
        s.finalized = true;
        s.finalizedAt = uint64(block.number);
        token.mint(s.sequencerPaid, params.sequencerReward);
        token.mint(s.provenBy, params.proverReward);
        token.mint(s.provenBy, params.submitterReward);
        uint256 bond = s.bond;
        if (bond != 0) {
            s.bond = 0;
            (bool ok,) = s.prover.call{value: bond}("");
            if (!ok) revert TransferFailed(s.prover);
        }
        emit Finalized(slot, s.sequencerPaid, s.provenBy, s.submitter);
    }

    /// @dev Checks the root's public inputs against L1 truth and `header`, and consumes the block's L1->L2 message
    /// batch, whose root the in hash must be.
    function _checkRoot(HeaderSummary memory header, uint256[] calldata root, address prover) private {
        uint256[CHECKED] memory expected = [
            archive,
            root[1],
            header.outHash,
            root[3],
            uint256(uint160(prover)),
            header.inHash,
            l2ChainId,
            nextBlockNumber,
            header.timestamp,
            header.coinbase
        ];
        for (uint256 i = 0; i < CHECKED; i++) {
            if (root[i] != expected[i]) revert PublicInputMismatch(i, root[i], expected[i]);
        }
        if (header.chainId != l2ChainId) revert PublicInputMismatch(6, header.chainId, l2ChainId);
        if (header.blockNumber != nextBlockNumber) revert PublicInputMismatch(7, header.blockNumber, nextBlockNumber);
        uint256 batch = inbox.consume(nextBlockNumber);
        if (root[5] != batch) revert InHashMismatch(root[5], batch);
    }

    /// @dev The penalty of a missed proving deadline, once: see `slash`.
    function _penalize(uint256 slot, Slot storage s) private {
        if (s.revealed) {
            if (s.prover == address(0) || s.slashed) return;
            s.slashed = true;
            slashedPool += s.bond;
            emit Slashed(slot, s.prover, s.bond);
            s.bond = 0;
            return;
        }
        if (s.proposer != address(0) && !s.proposerSlashed) {
            s.proposerSlashed = true;
            registry.slash(s.proposer);
            emit ProposerSlashed(slot, s.proposer);
        }
        uint256 bond = s.bond;
        if (bond != 0) {
            s.bond = 0;
            (bool ok,) = s.prover.call{value: bond}("");
            if (!ok) revert TransferFailed(s.prover);
            emit BondReturned(slot, s.prover, bond);
        }
    }

    function _accept(uint256 slot, Slot storage s, address prover, address sequencer, uint256 newArchive, bool backup)
        private
    {
        s.proven = true;
        s.backup = backup;
        s.provenBy = prover;
        s.submitter = msg.sender;
        s.sequencerPaid = sequencer;
        s.archive = newArchive;
        archive = newArchive;
        nextBlockNumber += 1;
        emit BlockProven(slot, prover, msg.sender, newArchive, backup);
    }
}
