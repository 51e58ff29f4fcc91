//! Cross-crate integration and conformance tests for athena-rs live in `tests/tests/`.
//!
//! Shared helpers for those tests are here.
#![forbid(unsafe_code)]

use std::path::PathBuf;

/// The `../shared/fixtures` folder beside the project root, when it exists.
///
/// Conformance tests call this and skip with a printed notice when it returns `None`, so that a
/// clone without the shared folder still passes `cargo test --workspace`.
pub fn shared_fixtures() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures");
    root.is_dir().then_some(root)
}
