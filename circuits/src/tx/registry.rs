//! The contract registry: address → code, the deployments public calls refer to.

use std::collections::BTreeMap;

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

use super::fr_hex;
use crate::poseidon::hash2;
use crate::vm::{Bytecode, assemble, bytecode_hash, print};
use crate::{Error, Preset, Result};

/// A deployed contract: its code and the salt that separates instances of the same code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    /// The code, serialized as assembler text.
    #[serde(serialize_with = "ser_code", deserialize_with = "de_code")]
    pub code: Bytecode,
    /// Instance salt.
    #[serde(with = "fr_hex")]
    pub salt: Fr,
}

fn ser_code<S: Serializer>(c: &Bytecode, s: S) -> core::result::Result<S::Ok, S::Error> {
    s.serialize_str(&print(c))
}

fn de_code<'de, D: Deserializer<'de>>(d: D) -> core::result::Result<Bytecode, D::Error> {
    assemble(&String::deserialize(d)?).map_err(D::Error::custom)
}

impl Contract {
    /// `Poseidon(bytecode_hash, salt)` at `preset`.
    pub fn address(&self, preset: &Preset) -> Result<Fr> {
        Ok(hash2(bytecode_hash(preset, &self.code)?, self.salt))
    }
}

/// Deployed contracts by address (for one preset, since addresses depend on it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContractRegistry {
    by_address: BTreeMap<[u8; 32], Contract>,
}

fn key(a: &Fr) -> [u8; 32] {
    a.into_bigint().to_bytes_be().try_into().expect("32 bytes")
}

impl ContractRegistry {
    /// Deploys `contract` and returns its address; fails if the code exceeds the preset.
    pub fn deploy(&mut self, preset: &Preset, contract: Contract) -> Result<Fr> {
        let address = contract.address(preset)?;
        self.by_address.insert(key(&address), contract);
        Ok(address)
    }

    /// The contract at `address`.
    pub fn get(&self, address: &Fr) -> Option<&Contract> {
        self.by_address.get(&key(address))
    }

    /// JSON: the list of contracts (addresses are recomputed on load).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.by_address.values().collect::<Vec<_>>())
            .expect("contracts always serialize")
    }

    /// Loads the JSON form, deploying each contract at `preset`.
    pub fn from_json(preset: &Preset, s: &str) -> Result<Self> {
        let list: Vec<Contract> =
            serde_json::from_str(s).map_err(|e| Error::Serde(e.to_string()))?;
        let mut r = Self::default();
        for c in list {
            r.deploy(preset, c)?;
        }
        Ok(r)
    }
}
