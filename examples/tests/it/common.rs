//! Building the example binaries once for every test of this binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// `target/<profile>/examples`, after building every example once with the cargo that runs
/// this test.
pub(crate) fn examples_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let out = Command::new(cargo)
            .args([
                "build",
                "--examples",
                "-p",
                "athena-examples",
                "--message-format=short",
            ])
            .current_dir(&manifest)
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building the examples failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // target/<profile>/examples beside this test binary's deps folder.
        let exe = std::env::current_exe().expect("test binary path");
        exe.parent()
            .and_then(|deps| deps.parent())
            .map(|profile| profile.join("examples"))
            .expect("target layout")
    })
}

/// A command running example `name` with every `ATHENA_*` and `ANTHROPIC_*` variable removed
/// (ATHENA_AI_* too: the AI examples use their offline model), so it starts its own sandbox.
pub(crate) fn example_command(name: &str) -> Command {
    let mut cmd = Command::new(examples_dir().join(name));
    for (key, _) in std::env::vars() {
        if key.starts_with("ATHENA_") || key.starts_with("ANTHROPIC_") {
            cmd.env_remove(key);
        }
    }
    cmd
}
