//! Protocol parameters, deployment of the contracts, and typed call helpers over any [`L1`].

use crate::contracts::{
    BlockVerifier, DeciderVerifier, RandaoStore, Rollup, SequencerRegistry, decode_revert,
};
use crate::error::{L1Error, NodeError, Result};
use crate::l1::{L1, Receipt};
use crate::proof::{BlockVerifyingKeys, field_word};
use alloy::primitives::{Address, Bytes, U256};
use alloy::sol_types::{SolCall, SolConstructor};
use ark_bn254::Fr;

/// Protocol parameters, fixed at deployment and readable from the contracts. Windows count L1 blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolParams {
    pub proposal_window: u64,
    pub commit_window: u64,
    pub reveal_window: u64,
    pub proving_window: u64,
    pub backup_window: u64,
    pub finality_depth: u64,
    pub randao_lag: u64,
    /// Slots per registry epoch.
    pub epoch_slots: u64,
    pub entry_delay_epochs: u64,
    pub exit_delay_epochs: u64,
    pub sequencer_stake: U256,
    pub prover_bond: U256,
    pub sequencer_reward: U256,
    pub prover_reward: U256,
    pub submitter_reward: U256,
}

/// `n` ether in wei.
pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

impl ProtocolParams {
    /// Defaults sized for `sequencers` proposers (each proposal takes one L1 block of the proposal window).
    pub fn for_sequencers(sequencers: usize) -> Self {
        Self {
            proposal_window: sequencers as u64 + 1,
            commit_window: 2,
            reveal_window: 2,
            proving_window: 4,
            backup_window: 8,
            finality_depth: 2,
            randao_lag: 4,
            epoch_slots: 2,
            entry_delay_epochs: 1,
            exit_delay_epochs: 1,
            sequencer_stake: ether(32),
            prover_bond: ether(1),
            sequencer_reward: ether(10),
            prover_reward: ether(20),
            submitter_reward: ether(1),
        }
    }

    /// L1 blocks per slot.
    pub fn slot_length(&self) -> u64 {
        self.proposal_window
            + self.commit_window
            + self.reveal_window
            + self.proving_window
            + self.backup_window
    }

    fn validate(&self) -> Result<()> {
        let windows = [
            self.proposal_window,
            self.commit_window,
            self.reveal_window,
            self.proving_window,
            self.backup_window,
        ];
        if windows.contains(&0) || self.randao_lag == 0 || self.epoch_slots == 0 {
            return Err(NodeError::Config(
                "windows, lag and epoch length must be positive".into(),
            ));
        }
        if self.entry_delay_epochs == 0 || self.exit_delay_epochs == 0 {
            return Err(NodeError::Config(
                "entry and exit delays must be at least one epoch".into(),
            ));
        }
        if self.backup_window <= self.randao_lag + 2 {
            return Err(NodeError::Config(
                "backup window must exceed the RANDAO lag by more than 2 blocks".into(),
            ));
        }
        Ok(())
    }
}

/// Addresses of a deployed protocol instance.
#[derive(Clone, Debug)]
pub struct Deployment {
    pub registry: Address,
    pub randao: Address,
    pub rollup: Address,
    pub token: Address,
    /// The rollup's L1->L2 message inbox.
    pub inbox: Address,
    /// The verifier of folded block proofs, where the rollup takes them.
    pub decider: Option<Address>,
    pub genesis_block: u64,
    pub params: ProtocolParams,
}

/// Sends `call` to `to`; a revert becomes [`NodeError::Reverted`] naming the function and the decoded error.
pub fn send<C: SolCall>(
    l1: &mut dyn L1,
    from: Address,
    to: Address,
    call: &C,
    value: U256,
) -> Result<Receipt> {
    l1.send(from, to, Bytes::from(call.abi_encode()), value)
        .map_err(|e| reverted::<C>(e))
}

/// Read-only call of `call` on `to`, decoded.
pub fn view<C: SolCall>(l1: &dyn L1, to: Address, call: &C) -> Result<C::Return> {
    let out = l1
        .call(Address::ZERO, to, Bytes::from(call.abi_encode()))
        .map_err(|e| reverted::<C>(e))?;
    C::abi_decode_returns(&out).map_err(|e| NodeError::Abi(format!("{}: {e}", C::SIGNATURE)))
}

fn reverted<C: SolCall>(e: L1Error) -> NodeError {
    match e {
        L1Error::Reverted { data, .. } if !data.is_empty() => NodeError::Reverted {
            call: C::SIGNATURE.to_string(),
            reason: decode_revert(&data),
        },
        other => NodeError::L1(other),
    }
}

fn deploy_code(l1: &mut dyn L1, from: Address, code: &[u8], args: Vec<u8>) -> Result<Address> {
    let receipt = l1
        .deploy(from, Bytes::from([code, &args].concat()), U256::ZERO)
        .map_err(|e| match e {
            L1Error::Reverted { data, .. } => NodeError::Reverted {
                call: "constructor".into(),
                reason: decode_revert(&data),
            },
            other => NodeError::L1(other),
        })?;
    receipt
        .contract_address
        .ok_or_else(|| NodeError::Abi("deployment receipt has no contract address".into()))
}

/// The L2 side of a deployment: the state the rollup starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct L2Genesis {
    /// Archive root before the first proven block.
    pub archive: Fr,
    /// Block number the first proven block carries.
    pub block_number: u64,
    /// L2 chain id every root proof binds.
    pub chain_id: Fr,
    /// L1->L2 messages per inbox batch (the root rollup's batch size).
    pub messages_per_block: u64,
}

/// Deploys registry, RANDAO store, the decider's verifier where `decider` is given, and the rollup (which creates the
/// reward token and the inbox) with the five verifying keys, then makes the rollup the registry's slasher. Genesis
/// (slot 0, epoch 0) starts `randao_lag + 4` L1 blocks after the current head.
pub fn deploy(
    l1: &mut dyn L1,
    deployer: Address,
    params: &ProtocolParams,
    vks: &BlockVerifyingKeys,
    genesis: L2Genesis,
    decider: Option<&DeciderKeyWords>,
) -> Result<Deployment> {
    params.validate()?;
    let decider = decider
        .map(|key| deploy_decider_verifier(l1, deployer, key))
        .transpose()?;
    let genesis_block = l1.block_number()? + params.randao_lag + 4;
    let epoch_length = params.epoch_slots * params.slot_length();
    let registry_args = SequencerRegistry::constructorCall {
        stake_: params.sequencer_stake,
        entryDelay_: U256::from(params.entry_delay_epochs),
        exitDelay_: U256::from(params.exit_delay_epochs),
        epochLength_: U256::from(epoch_length),
        genesis_: U256::from(genesis_block),
    };
    let registry = deploy_code(
        l1,
        deployer,
        &SequencerRegistry::BYTECODE,
        registry_args.abi_encode(),
    )?;
    let randao_args = RandaoStore::constructorCall {
        lag_: U256::from(params.randao_lag),
    };
    let randao = deploy_code(
        l1,
        deployer,
        &RandaoStore::BYTECODE,
        randao_args.abi_encode(),
    )?;
    let rollup_args = Rollup::constructorCall {
        registry_: registry,
        randao_: randao,
        params_: Rollup::Params {
            proposalWindow: params.proposal_window,
            commitWindow: params.commit_window,
            revealWindow: params.reveal_window,
            provingWindow: params.proving_window,
            backupWindow: params.backup_window,
            finalityDepth: params.finality_depth,
            proverBond: params.prover_bond,
            sequencerReward: params.sequencer_reward,
            proverReward: params.prover_reward,
            submitterReward: params.submitter_reward,
        },
        genesisArchive: field_word(genesis.archive),
        genesisBlockNumber: U256::from(genesis.block_number),
        chainId_: field_word(genesis.chain_id),
        messagesPerBlock: U256::from(genesis.messages_per_block),
        keys: vks.encode(),
        decider_: decider.unwrap_or(Address::ZERO),
    };
    let rollup = deploy_code(l1, deployer, &Rollup::BYTECODE, rollup_args.abi_encode())?;
    let token = view(l1, rollup, &Rollup::tokenCall {})?;
    let inbox = view(l1, rollup, &Rollup::inboxCall {})?;
    send(
        l1,
        deployer,
        registry,
        &SequencerRegistry::bindSlasherCall { slasher_: rollup },
        U256::ZERO,
    )?;
    Ok(Deployment {
        registry,
        randao,
        rollup,
        token,
        inbox,
        decider,
        genesis_block,
        params: params.clone(),
    })
}

/// Deploys the stand-alone `BlockVerifier` with the five verifying keys.
pub fn deploy_block_verifier(
    l1: &mut dyn L1,
    deployer: Address,
    vks: &BlockVerifyingKeys,
) -> Result<Address> {
    let args = BlockVerifier::constructorCall { keys: vks.encode() };
    deploy_code(l1, deployer, &BlockVerifier::BYTECODE, args.abi_encode())
}

/// Key words of the decider that proves folded block roots (`sidecar_pcd::key_words` of its verifying key and the
/// SRS's KZG verifier): a key with two openings (the folded witness and error) and one statement input (the hash
/// `DeciderVerifier.rootStatement`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeciderKeyWords(pub Vec<U256>);

impl DeciderKeyWords {
    /// From the big-endian words of `sidecar_pcd::key_words`.
    pub fn from_be(words: &[[u8; 32]]) -> Self {
        Self(words.iter().map(|w| U256::from_be_bytes(*w)).collect())
    }
}

/// Deploys `DeciderVerifier` with a root decider's key (two openings, one statement input).
pub fn deploy_decider_verifier(
    l1: &mut dyn L1,
    deployer: Address,
    key: &DeciderKeyWords,
) -> Result<Address> {
    let args = DeciderVerifier::constructorCall {
        words: key.0.clone(),
        c: U256::from(2u64),
        t: U256::from(1u64),
    };
    deploy_code(l1, deployer, &DeciderVerifier::BYTECODE, args.abi_encode())
}
