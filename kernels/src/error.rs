//! Errors of the kernels crate: what went wrong and what the caller can do about it.

/// Result alias for kernel operations.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// A kernel failure. Variants say what the caller can do: fix the input, retry with less
/// work in flight, or fall back to another backend.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The call's arguments are inconsistent (lengths, sizes); retrying will not help.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong with the input.
        reason: String,
    },
    /// The backend ran out of (device or host) memory; retry with a smaller batch or on another backend.
    #[error("out of memory on {backend}: needed {needed_bytes} bytes")]
    OutOfMemory {
        /// Backend that failed.
        backend: &'static str,
        /// Bytes the operation tried to allocate.
        needed_bytes: usize,
    },
    /// The backend is not usable here (no driver, no device, feature not compiled in).
    #[error("backend {backend} unavailable: {reason}")]
    Unavailable {
        /// Backend that is missing.
        backend: &'static str,
        /// Why it cannot be used.
        reason: String,
    },
    /// A device reported an error while running a kernel.
    #[error("{backend} device error: {reason}")]
    Device {
        /// Backend that failed.
        backend: &'static str,
        /// The device's own message.
        reason: String,
    },
}

impl Error {
    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            reason: reason.into(),
        }
    }
}
