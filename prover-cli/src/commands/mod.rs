//! One module per subcommand.

pub mod bench;
pub mod circuits;
pub mod prove;
pub mod prove_block;
pub mod verify_block;
