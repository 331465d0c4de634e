//! One module per subcommand.

pub mod bench;
pub mod circuits;
pub mod prove;
