//! L1→L2 messages: the leaf an L1 inbox commits for each message, and the in hash a block's root
//! rollup proves over the batch it consumes.
//!
//! A block consumes one batch of at most `max_l1_to_l2_msgs_per_block` leaves, in the order the
//! inbox received them, padded with zeros. `in_hash` is the Poseidon Merkle root of the padded
//! batch (zero leaves, [`merkle_root`]); the L1 inbox computes the same root over its batch, so
//! the rollup contract can require the proven `in_hash` to equal it.

use ark_bn254::Fr;
use ark_ff::Zero;

use crate::merkle::merkle_root;
use crate::poseidon::hash2;
use crate::{Error, Preset, Result};

/// One message sent on L1 to an L2 recipient.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct L1ToL2Message {
    /// The L1 sender's address (as an integer < 2^160).
    pub sender: Fr,
    /// The L2 recipient.
    pub recipient: Fr,
    /// The message content.
    pub content: Fr,
    /// Hash of the secret that consumes the message on L2.
    pub secret_hash: Fr,
}

impl L1ToL2Message {
    /// The inbox leaf: `Poseidon(Poseidon(sender, recipient), Poseidon(content, secret_hash))`.
    pub fn leaf(&self) -> Fr {
        hash2(
            hash2(self.sender, self.recipient),
            hash2(self.content, self.secret_hash),
        )
    }
}

/// `leaves` padded with zeros to the preset's batch size; errors if there are too many.
pub fn padded_batch(preset: &Preset, leaves: &[Fr]) -> Result<Vec<Fr>> {
    let max = preset.max_l1_to_l2_msgs_per_block;
    if leaves.len() > max {
        return Err(Error::TooManyEffects {
            what: "L1→L2 messages",
            got: leaves.len(),
            max,
        });
    }
    let mut v = leaves.to_vec();
    v.resize(max, Fr::zero());
    Ok(v)
}

/// The in hash of a block consuming `leaves`: the root of the padded batch.
pub fn in_hash(preset: &Preset, leaves: &[Fr]) -> Result<Fr> {
    Ok(merkle_root(&padded_batch(preset, leaves)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn in_hash_is_the_root_of_the_zero_padded_batch() {
        let preset = Preset::devnet();
        let mut rng = ChaCha20Rng::seed_from_u64(70);
        let m = L1ToL2Message {
            sender: Fr::from(0xabcdu64),
            recipient: Fr::rand(&mut rng),
            content: Fr::rand(&mut rng),
            secret_hash: Fr::rand(&mut rng),
        };
        let leaf = m.leaf();
        let other = L1ToL2Message {
            content: m.content + Fr::from(1u64),
            ..m
        };
        assert_ne!(other.leaf(), leaf);
        let root = in_hash(&preset, &[leaf]).unwrap();
        assert_eq!(
            root,
            hash2(hash2(leaf, Fr::zero()), crate::merkle::zero_hash(1))
        );
        assert_eq!(in_hash(&preset, &[]).unwrap(), crate::merkle::zero_hash(2));
        assert!(matches!(
            in_hash(&preset, &[leaf; 5]),
            Err(Error::TooManyEffects { .. })
        ));
    }
}
