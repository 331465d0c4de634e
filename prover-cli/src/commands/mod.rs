//! One module per subcommand.

pub mod circuits;
