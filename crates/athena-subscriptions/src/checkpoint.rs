//! Durable poll checkpoints: what was read destructively and not yet acknowledged.
//!
//! A [`Checkpoint`] holds only timestamps and counters — never a record, so no PHI is written
//! to disk. See the crate docs for the protocol.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// One destructive read (or the intent to do one) that is not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadWindow {
    /// Window id, unique within its checkpoint.
    pub id: u64,
    /// Our clock just before the read was sent (committed before sending).
    pub started: DateTime<Utc>,
    /// Our clock after the answer arrived (`None`: the read may be in flight or lost).
    pub finished: Option<DateTime<Utc>>,
    /// Items the read returned, once known.
    pub items: Option<u64>,
}

/// The durable state of one practice × feed × scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Reads whose batches are not yet acknowledged, oldest first.
    pub outstanding: Vec<ReadWindow>,
    /// Start of the newest acknowledged read (informational).
    pub last_acked: Option<DateTime<Utc>>,
    /// Next window id.
    pub next_id: u64,
}

impl Checkpoint {
    /// Records the intent to read at `started`; returns the window id.
    pub fn open(&mut self, started: DateTime<Utc>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.outstanding.push(ReadWindow {
            id,
            started,
            finished: None,
            items: None,
        });
        id
    }

    /// Records what the read of window `id` returned.
    pub fn finish(&mut self, id: u64, finished: DateTime<Utc>, items: u64) {
        if let Some(w) = self.outstanding.iter_mut().find(|w| w.id == id) {
            w.finished = Some(finished);
            w.items = Some(items);
        }
    }

    /// Acknowledges windows: they no longer need a replay.
    pub fn acknowledge(&mut self, ids: &[u64]) {
        for w in self.outstanding.iter().filter(|w| ids.contains(&w.id)) {
            self.last_acked = Some(self.last_acked.map_or(w.started, |l| l.max(w.started)));
        }
        self.outstanding.retain(|w| !ids.contains(&w.id));
    }

    /// The `showprocessed…` window that covers every outstanding read, widened by `margin`
    /// on both sides for clock skew between us and athena and for the one-second resolution
    /// of athena's timestamps. `None` when nothing is outstanding.
    ///
    /// The end is the later of `now` and the last known read end: a read whose answer never
    /// arrived may have been processed by athena at any time until now.
    pub fn replay_window(
        &self,
        now: DateTime<Utc>,
        margin: Duration,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let margin = chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::zero());
        let start = self.outstanding.iter().map(|w| w.started).min()?;
        let end = self
            .outstanding
            .iter()
            .filter_map(|w| w.finished)
            .max()
            .map_or(now, |f| f.max(now));
        Some((start - margin, end + margin))
    }
}

/// Where checkpoints live. Dyn-compatible; `save` must be durable when it returns `Ok`
/// (the poller relies on that before every destructive read and before every hand-out).
///
/// Keys look like `195900/appointments/departmentid=1,2` (see
/// [`crate::poller::FeedTarget::checkpoint_key`]).
///
/// # A shared database for many workers
///
/// Several processes can split practices × feeds among themselves and keep checkpoints in one
/// database. A PostgreSQL store is a table and two statements (sketch; any async driver):
///
/// ```text
/// CREATE TABLE athena_checkpoints (key text PRIMARY KEY, body jsonb NOT NULL,
///                                  owner text, lease_until timestamptz);
/// load: SELECT body FROM athena_checkpoints WHERE key = $1
/// save: INSERT INTO athena_checkpoints (key, body) VALUES ($1, $2)
///       ON CONFLICT (key) DO UPDATE SET body = EXCLUDED.body
///       -- with leases: ... WHERE athena_checkpoints.owner = $3  (0 rows → lost the lease)
/// ```
///
/// ```text
/// impl CheckpointStore for PgStore {
///     fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
///         Box::pin(async move {
///             let row = self.pool.query_opt("SELECT body FROM athena_checkpoints WHERE key=$1", &[&key]).await
///                 .map_err(|e| Error::store("load").with_source(e))?;
///             row.map(|r| serde_json::from_value(r.get(0))).transpose()
///                 .map_err(|e| Error::store("decode").with_source(e))
///         })
///     }
///     fn save<'a>(&'a self, key: &'a str, cp: &'a Checkpoint) -> BoxFuture<'a, Result<(), Error>> { /* upsert */ }
/// }
/// ```
///
/// Redis works the same with `GET`/`SET key json` (with `appendfsync always` for durability)
/// and a `SET key:lease worker NX PX 30000` lease. Two workers must never poll the same
/// practice × feed at once (athena's destructive read would split the changes between them,
/// which is still lossless, but each worker's replay would then re-deliver the other's
/// batches); a lease row or advisory lock per key prevents that.
pub trait CheckpointStore: Send + Sync + fmt::Debug {
    /// The checkpoint under `key`, or `None` if there is none.
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>>;
    /// Durably replaces the checkpoint under `key`.
    fn save<'a>(
        &'a self,
        key: &'a str,
        checkpoint: &'a Checkpoint,
    ) -> BoxFuture<'a, Result<(), Error>>;
}

/// Checkpoints in memory: for tests and for consumers that accept losing the replay
/// information when the process dies.
#[derive(Debug, Default)]
pub struct MemoryCheckpointStore {
    map: Mutex<HashMap<String, Checkpoint>>,
}

impl MemoryCheckpointStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the checkpoint under `key`.
    pub fn get(&self, key: &str) -> Option<Checkpoint> {
        self.map.lock().ok()?.get(key).cloned()
    }
}

impl CheckpointStore for MemoryCheckpointStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
        Box::pin(async move {
            let map = self.map.lock().map_err(|_| Error::store("poisoned lock"))?;
            Ok(map.get(key).cloned())
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        checkpoint: &'a Checkpoint,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let mut map = self.map.lock().map_err(|_| Error::store("poisoned lock"))?;
            map.insert(key.to_string(), checkpoint.clone());
            Ok(())
        })
    }
}

/// One JSON file per key in a directory, replaced atomically.
///
/// `save`: write `<name>.tmp-<pid>-<n>`, `fsync` it, `rename` it over `<name>.json`, `fsync`
/// the directory. A process killed at any instruction leaves either the old or the new file
/// (plus perhaps a stray temp file, ignored and removed on the next [`FileCheckpointStore::open`]).
/// One process per directory at a time.
#[derive(Debug)]
pub struct FileCheckpointStore {
    dir: PathBuf,
    counter: AtomicU64,
}

impl FileCheckpointStore {
    /// Uses (and creates) `dir`; removes temp files a killed process left behind.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, Error> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::store("create directory").with_source(e))?;
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().contains(".tmp-") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        Ok(FileCheckpointStore {
            dir,
            counter: AtomicU64::new(0),
        })
    }

    /// The file that holds `key`.
    pub fn path_for(&self, key: &str) -> PathBuf {
        let safe: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        // The digest keeps distinct keys distinct after sanitising.
        let digest = crate::event::canonical_digest(&serde_json::Value::String(key.into()));
        self.dir.join(format!("{safe}.{}.json", &digest[..8]))
    }

    fn temp_path(&self, path: &Path) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        path.with_extension(format!("tmp-{}-{n}", std::process::id()))
    }
}

fn save_blocking(dir: &Path, tmp: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let result = (|| {
        let mut f = std::fs::File::create(tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(tmp, path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

impl CheckpointStore for FileCheckpointStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
        let path = self.path_for(key);
        Box::pin(async move {
            let read = tokio::task::spawn_blocking(move || match std::fs::read(&path) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            })
            .await
            .map_err(|e| Error::store("load task").with_source(e))?
            .map_err(|e| Error::store("read").with_source(e))?;
            read.map(|bytes| serde_json::from_slice(&bytes))
                .transpose()
                .map_err(|e| Error::store("decode").with_source(e))
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        checkpoint: &'a Checkpoint,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let bytes = serde_json::to_vec(checkpoint)
                .map_err(|e| Error::store("encode").with_source(e))?;
            let path = self.path_for(key);
            let tmp = self.temp_path(&path);
            let dir = self.dir.clone();
            tokio::task::spawn_blocking(move || save_blocking(&dir, &tmp, &path, &bytes))
                .await
                .map_err(|e| Error::store("save task").with_source(e))?
                .map_err(|e| Error::store("write").with_source(e))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 7, 1, h, m, s).unwrap()
    }

    #[test]
    fn replay_window_covers_all_outstanding_reads_with_margin() {
        let mut cp = Checkpoint::default();
        assert_eq!(cp.replay_window(t(12, 0, 0), Duration::from_secs(60)), None);
        let a = cp.open(t(10, 0, 0));
        cp.finish(a, t(10, 0, 2), 5);
        let b = cp.open(t(10, 5, 0));
        // b's answer never arrived: the window runs to now.
        let (from, to) = cp
            .replay_window(t(11, 0, 0), Duration::from_secs(60))
            .unwrap();
        assert_eq!(from, t(9, 59, 0));
        assert_eq!(to, t(11, 1, 0));
        cp.acknowledge(&[a]);
        let (from, _) = cp
            .replay_window(t(11, 0, 0), Duration::from_secs(60))
            .unwrap();
        assert_eq!(from, t(10, 4, 0));
        assert_eq!(cp.last_acked, Some(t(10, 0, 0)));
        cp.acknowledge(&[b]);
        assert!(cp.outstanding.is_empty());
        assert_eq!(cp.last_acked, Some(t(10, 5, 0)));
    }

    #[test]
    fn replay_window_end_is_never_before_a_known_read_end() {
        // Our clock jumped back after the read: the window still covers the read.
        let mut cp = Checkpoint::default();
        let a = cp.open(t(10, 0, 0));
        cp.finish(a, t(10, 30, 0), 1);
        let (_, to) = cp
            .replay_window(t(10, 10, 0), Duration::from_secs(5))
            .unwrap();
        assert_eq!(to, t(10, 30, 5));
    }

    #[tokio::test]
    async fn file_store_round_trips_and_cleans_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.tmp-1-1"), b"garbage").unwrap();
        let store = FileCheckpointStore::open(dir.path()).unwrap();
        assert!(!dir.path().join("x.tmp-1-1").exists());
        let key = "195900/appointments/departmentid=1";
        assert_eq!(store.load(key).await.unwrap(), None);
        let mut cp = Checkpoint::default();
        cp.open(t(10, 0, 0));
        store.save(key, &cp).await.unwrap();
        assert_eq!(store.load(key).await.unwrap(), Some(cp.clone()));
        // A second store on the same directory (a restarted process) sees it.
        let again = FileCheckpointStore::open(dir.path()).unwrap();
        assert_eq!(again.load(key).await.unwrap(), Some(cp));
        // Keys that sanitise alike stay apart.
        assert_ne!(store.path_for("a/b"), store.path_for("a_b"));
    }

    #[tokio::test]
    async fn file_store_reports_corruption_instead_of_forgetting() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileCheckpointStore::open(dir.path()).unwrap();
        std::fs::write(store.path_for("k"), b"{not json").unwrap();
        assert!(store.load("k").await.is_err());
    }

    #[tokio::test]
    async fn store_is_dyn_compatible() {
        let store: std::sync::Arc<dyn CheckpointStore> =
            std::sync::Arc::new(MemoryCheckpointStore::new());
        let cp = Checkpoint::default();
        store.save("k", &cp).await.unwrap();
        assert_eq!(store.load("k").await.unwrap(), Some(cp));
    }
}
