//! Exit codes a script can tell apart, and the error type of the subcommands that carries one.
//!
//! | code | meaning |
//! |---:|---|
//! | 0 | success |
//! | 1 | internal error (I/O, a prover or L1 failure) |
//! | 2 | usage error: an unknown flag or a bad flag value (clap) |
//! | 3 | rejected: a proof, a bundle or an L1 submission did not verify |
//! | 4 | bad input: an invalid tx, a malformed block, bundle or profile file, an output folder that is not a bundle |
//! | 130 | interrupted (Ctrl-C); completed proofs kept in `DIR.partial` |

use std::fmt;

/// The outcome classes of the table above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 1.
    Internal = 1,
    /// 2 (clap's own usage errors exit 2 too).
    Usage = 2,
    /// 3.
    Rejected = 3,
    /// 4.
    BadInput = 4,
    /// 130.
    Interrupted = 130,
}

/// A subcommand's failure: its message (printed as `error: …`) and its exit code.
#[derive(Debug)]
pub struct CliError {
    /// Exit class.
    pub exit: Exit,
    /// What went wrong.
    pub message: String,
}

impl CliError {
    /// A failure of class `exit`.
    pub fn new(exit: Exit, message: impl fmt::Display) -> Self {
        Self {
            exit,
            message: message.to_string(),
        }
    }

    /// Flags that cannot go together (exit 2).
    pub fn usage(message: impl fmt::Display) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// Bad input (exit 4).
    pub fn input(message: impl fmt::Display) -> Self {
        Self::new(Exit::BadInput, message)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The class of an engine error: what the caller gave is wrong, the bundle did not verify, or
/// the work was interrupted; anything else is internal.
fn engine_exit(e: &sidecar_engine::Error) -> Exit {
    use sidecar_engine::Error as E;
    match e {
        E::InvalidTx { .. }
        | E::Circuits(_)
        | E::Malformed(_)
        | E::OutputExists(_)
        | E::Profile { .. } => Exit::BadInput,
        E::Rejected(_) => Exit::Rejected,
        E::Cancelled { .. } => Exit::Interrupted,
        _ => Exit::Internal,
    }
}

impl From<sidecar_engine::Error> for CliError {
    fn from(e: sidecar_engine::Error) -> Self {
        Self::new(engine_exit(&e), e)
    }
}

impl From<sidecar_node_shim::NodeError> for CliError {
    fn from(e: sidecar_node_shim::NodeError) -> Self {
        use sidecar_node_shim::NodeError as N;
        let exit = match &e {
            N::Engine(inner) => engine_exit(inner),
            N::Config(_) | N::Abi(_) => Exit::BadInput,
            N::Reverted { .. } | N::MalformedProof(_) => Exit::Rejected,
            _ => Exit::Internal,
        };
        Self::new(exit, e)
    }
}

impl From<sidecar_node_shim::L1Error> for CliError {
    fn from(e: sidecar_node_shim::L1Error) -> Self {
        Self::new(Exit::Internal, e)
    }
}

impl From<sidecar_circuits::Error> for CliError {
    fn from(e: sidecar_circuits::Error) -> Self {
        Self::input(e)
    }
}

impl From<sidecar_kernels::Error> for CliError {
    fn from(e: sidecar_kernels::Error) -> Self {
        Self::new(Exit::Internal, e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        Self::new(Exit::Internal, e)
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        Self::new(Exit::Internal, e)
    }
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        Self::new(Exit::Internal, message)
    }
}

impl From<&str> for CliError {
    fn from(message: &str) -> Self {
        Self::new(Exit::Internal, message)
    }
}

impl From<sidecar_prover_service::Error> for CliError {
    fn from(e: sidecar_prover_service::Error) -> Self {
        use sidecar_prover_service::Error as S;
        let exit = match &e {
            S::Engine(inner) => engine_exit(inner),
            S::BadRequest(_) | S::TooLarge { .. } | S::NotFound { .. } => Exit::BadInput,
            S::Http {
                status: Some(s), ..
            } if (400..500).contains(s) => Exit::BadInput,
            _ => Exit::Internal,
        };
        Self::new(exit, e)
    }
}
