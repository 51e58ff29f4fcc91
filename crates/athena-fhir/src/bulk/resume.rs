//! Resuming a download across restarts: [`ResumeState`] records finished files, saved atomically.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::manifest::{Manifest, OutputFile};
use crate::error::{FhirError, Result};

/// Which files of a manifest are finished, saved between runs so an interrupted download
/// resumes: finished files are skipped, the unfinished one restarts from its beginning.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ResumeState {
    /// The manifest's `transactionTime` (a state for another export is ignored).
    pub transaction_time: String,
    /// URLs of finished files.
    pub done: BTreeSet<String>,
}

impl ResumeState {
    /// A fresh state for `manifest`.
    pub fn new(manifest: &Manifest) -> Self {
        Self {
            transaction_time: manifest.transaction_time.clone(),
            done: BTreeSet::new(),
        }
    }

    /// Loads the state at `path` for `manifest`; a missing file or a state from another
    /// export gives a fresh one.
    pub fn load(path: &Path, manifest: &Manifest) -> Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let s: Self = serde_json::from_slice(&bytes).map_err(FhirError::decode)?;
                Ok(if s.transaction_time == manifest.transaction_time {
                    s
                } else {
                    Self::new(manifest)
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::new(manifest)),
            Err(e) => Err(e.into()),
        }
    }

    /// Saves atomically (write then rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&serde_json::to_vec(self).map_err(FhirError::encode)?)?;
        f.sync_all()?;
        std::fs::rename(tmp, path)?;
        Ok(())
    }

    /// The output files still to fetch, in manifest order.
    pub fn pending<'a>(
        &'a self,
        manifest: &'a Manifest,
    ) -> impl Iterator<Item = &'a OutputFile> + 'a {
        manifest
            .output
            .iter()
            .filter(move |f| !self.done.contains(&f.url))
    }

    /// Marks a file finished.
    pub fn complete(&mut self, file: &OutputFile) {
        self.done.insert(file.url.clone());
    }
}
