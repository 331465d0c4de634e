//! SRS files: `sidecar setup` writes one (from a ceremony's `.ptau` or the dev ceremony),
//! folding keys and verifiers read it. Every read runs the SRS checks again.

use std::path::Path;

use sidecar_pcd::Srs;

use crate::block::write_atomic;
use crate::{Error, Result};

/// Reads and checks the SRS file at `path`; a file that fails a check is [`Error::Malformed`].
pub fn read_srs(path: &Path) -> Result<Srs> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Srs::from_bytes(&bytes).map_err(|e| Error::Malformed(format!("{}: {e}", path.display())))
}

/// Writes `srs` to `path` (complete or absent: through a temporary file and a rename),
/// creating the parent directory.
pub fn write_srs(path: &Path, srs: &Srs) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    write_atomic(path, &srs.to_bytes()).map_err(|e| Error::io(path, e))
}
