//! Injectable time, sleep and randomness.
//!
//! Retry, rate-limit and token-expiry logic never calls `Instant::now`, `tokio::time::sleep` or
//! a global RNG directly; it asks the [`Clock`], [`Sleeper`] and [`Jitter`] held by the client.
//! Production uses [`SystemClock`], [`TokioSleeper`] and [`SplitMix`]; tests use
//! [`ManualClock`] (whose sleeper advances the clock instantly), so that a test of a 60-second
//! back-off or a token that expires in an hour takes microseconds.

use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use futures::future::BoxFuture;

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Monotonic now.
    fn now(&self) -> Instant;
    /// Wall-clock now (token expiry is stored as wall-clock time so caches can be shared
    /// between processes).
    fn system_now(&self) -> SystemTime;
}

/// Something that can wait.
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// A source of uniform randomness for jitter.
pub trait Jitter: Send + Sync + fmt::Debug {
    /// A uniform value in `[0, 1)`.
    fn unit(&self) -> f64;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn system_now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Sleeps on the tokio timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A small, fast, non-cryptographic generator (SplitMix64) for back-off jitter.
#[derive(Debug)]
pub struct SplitMix {
    state: AtomicU64,
}

impl SplitMix {
    /// A generator with a fixed seed (deterministic, for tests).
    pub fn seeded(seed: u64) -> Self {
        SplitMix {
            state: AtomicU64::new(seed),
        }
    }

    /// A generator seeded from the time and the process id.
    pub fn from_entropy() -> Self {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Self::seeded(nanos ^ (u64::from(std::process::id()) << 32))
    }

    /// The next 64 random bits.
    pub fn next_u64(&self) -> u64 {
        let mut z = self
            .state
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Jitter for SplitMix {
    fn unit(&self) -> f64 {
        // 53 random bits → [0, 1).
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A fixed jitter value, for tests that want a predictable back-off.
#[derive(Debug, Clone, Copy)]
pub struct FixedJitter(pub f64);

impl Jitter for FixedJitter {
    fn unit(&self) -> f64 {
        self.0.clamp(0.0, 0.999_999_999)
    }
}

/// A clock that only moves when told to (or when its [`ManualClock::sleeper`] is asked to
/// sleep, which advances the clock and returns at once).
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<ManualInner>,
}

#[derive(Debug)]
struct ManualInner {
    base: Instant,
    system_base: SystemTime,
    offset: Mutex<Duration>,
    slept: Mutex<Vec<Duration>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock starting now.
    pub fn new() -> Self {
        ManualClock {
            inner: Arc::new(ManualInner {
                base: Instant::now(),
                system_base: SystemTime::now(),
                offset: Mutex::new(Duration::ZERO),
                slept: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Moves time forward.
    pub fn advance(&self, by: Duration) {
        let mut o = self.inner.offset.lock().unwrap_or_else(|p| p.into_inner());
        *o += by;
    }

    /// Total time advanced so far.
    pub fn elapsed(&self) -> Duration {
        *self.inner.offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every duration the sleeper was asked to sleep, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.inner
            .slept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A sleeper that advances this clock instead of waiting.
    pub fn sleeper(&self) -> ManualSleeper {
        ManualSleeper {
            clock: self.clone(),
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.inner.base + self.elapsed()
    }
    fn system_now(&self) -> SystemTime {
        self.inner.system_base + self.elapsed()
    }
}

/// The sleeper of a [`ManualClock`]: records the duration, advances the clock, returns at once.
#[derive(Debug, Clone)]
pub struct ManualSleeper {
    clock: ManualClock,
}

impl Sleeper for ManualSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.clock
            .inner
            .slept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(duration);
        self.clock.advance(duration);
        Box::pin(async {
            tokio::task::yield_now().await;
        })
    }
}

/// The clock, sleeper and jitter a client uses.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// The time source.
    pub clock: Arc<dyn Clock>,
    /// The waiter.
    pub sleeper: Arc<dyn Sleeper>,
    /// The randomness for jitter.
    pub jitter: Arc<dyn Jitter>,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime {
            clock: Arc::new(SystemClock),
            sleeper: Arc::new(TokioSleeper),
            jitter: Arc::new(SplitMix::from_entropy()),
        }
    }
}

impl Runtime {
    /// A runtime on a [`ManualClock`] with a fixed jitter: waits take no real time.
    pub fn manual(clock: &ManualClock, jitter: f64) -> Self {
        Runtime {
            clock: Arc::new(clock.clone()),
            sleeper: Arc::new(clock.sleeper()),
            jitter: Arc::new(FixedJitter(jitter)),
        }
    }
}
