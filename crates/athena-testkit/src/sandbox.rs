//! The [`Sandbox`] handle and its builder.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::faults::Faults;
use crate::server::{Config, Router, Shared};
use crate::state::{Practice, World};
use crate::stats::Stats;
use crate::truth::{PlantedDenial, UrgentCase};

/// The first practice id (athenahealth's shared preview sandbox practice).
pub const DEFAULT_PRACTICE_ID: u64 = 195900;

/// Builder for a [`Sandbox`]; start it with [`SandboxBuilder::start`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    seed: u64,
    practices: u32,
    departments: u32,
    providers: u32,
    patients: u64,
    token_lifetime: Duration,
    token_rate_limit: u32,
    latency: Duration,
    qps_limit: Option<u32>,
    daily_quota: u64,
    today: Option<NaiveDate>,
    client_id: String,
    client_secret: String,
    faults: Vec<crate::FaultRule>,
    port: u16,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            seed: 42,
            practices: 1,
            departments: 3,
            providers: 5,
            patients: 50,
            token_lifetime: Duration::from_secs(3600),
            token_rate_limit: 5,
            latency: Duration::ZERO,
            qps_limit: None,
            daily_quota: 50_000,
            today: None,
            client_id: "0oa1sandboxclient".into(),
            client_secret: "sandbox-secret-do-not-use".into(),
            faults: Vec::new(),
            port: 0,
        }
    }
}

impl SandboxBuilder {
    /// Seed of the synthetic data (default 42). Same seed, same data.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Number of practices (default 1: 195900; a second is 1128700, then 195901, …).
    pub fn practices(mut self, n: u32) -> Self {
        self.practices = n.max(1);
        self
    }
    /// Departments per practice (default 3).
    pub fn departments(mut self, n: u32) -> Self {
        self.departments = n.max(1);
        self
    }
    /// Providers per practice (default 5).
    pub fn providers(mut self, n: u32) -> Self {
        self.providers = n.max(1);
        self
    }
    /// Patients per practice (default 50). Generated lazily, so 100,000 or more start fast.
    pub fn patients(mut self, n: u64) -> Self {
        self.patients = n.max(1);
        self
    }
    /// Lifetime of issued access tokens (default 3600 s).
    pub fn token_lifetime(mut self, d: Duration) -> Self {
        self.token_lifetime = d;
        self
    }
    /// New tokens allowed per minute before the token endpoint answers 429 (default 5, as in
    /// preview; production allows 50).
    pub fn token_rate_limit_per_minute(mut self, n: u32) -> Self {
        self.token_rate_limit = n;
        self
    }
    /// Latency added to every response of the API handlers (default none).
    pub fn latency(mut self, d: Duration) -> Self {
        self.latency = d;
        self
    }
    /// Requests per second allowed on the API; beyond it, 429 with `X-RateLimit-Limit` and
    /// `X-RateLimit-Remaining: 0` (no `Retry-After`, as none is evidenced from athena).
    pub fn qps_limit(mut self, qps: u32) -> Self {
        self.qps_limit = Some(qps.max(1));
        self
    }
    /// The daily quota reported in `X-RateLimit-Limit` on API responses (default 50,000).
    pub fn daily_quota(mut self, n: u64) -> Self {
        self.daily_quota = n;
        self
    }
    /// The date the schedule is generated around (default: today in US/Eastern).
    pub fn today(mut self, d: NaiveDate) -> Self {
        self.today = Some(d);
        self
    }
    /// Client credentials the token endpoint accepts.
    pub fn credentials(mut self, client_id: &str, client_secret: &str) -> Self {
        self.client_id = client_id.into();
        self.client_secret = client_secret.into();
        self
    }
    /// A fault rule active from the start (see [`Sandbox::faults`] for runtime rules).
    pub fn fault(mut self, rule: crate::FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// The loopback port clients connect to (default 0: any free port). A fixed port lets a
    /// standalone sandbox (`athena sandbox serve --port`) keep its address across restarts.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Generate the data and start the servers.
    ///
    /// # Panics
    /// Panics if no local TCP port can be bound (a test-environment failure); see
    /// [`SandboxBuilder::try_start`] to handle that.
    pub async fn start(self) -> Sandbox {
        self.try_start().await.expect("bind the sandbox front port")
    }

    /// [`SandboxBuilder::start`], failing instead of panicking when the port cannot be bound
    /// (e.g. a fixed [`SandboxBuilder::port`] in use).
    pub async fn try_start(self) -> std::io::Result<Sandbox> {
        let today = self
            .today
            .unwrap_or_else(|| crate::rest::now_eastern().date());
        let mut ids = vec![DEFAULT_PRACTICE_ID];
        if self.practices >= 2 {
            ids.push(1_128_700);
        }
        for k in 2..self.practices as u64 {
            ids.push(DEFAULT_PRACTICE_ID + k - 1);
        }
        let mut world = World {
            practices: Default::default(),
        };
        for &id in &ids {
            world.practices.insert(
                id,
                Practice::new(
                    id,
                    self.seed,
                    today,
                    self.departments as u64,
                    self.providers as u64,
                    self.patients,
                ),
            );
        }
        let cfg = Config {
            seed: self.seed,
            client_id: self.client_id,
            client_secret: self.client_secret,
            token_lifetime: self.token_lifetime,
            token_rate_limit: self.token_rate_limit,
            latency: self.latency,
            qps_limit: self.qps_limit,
            daily_quota: self.daily_quota,
            today,
            practice_ids: ids,
        };
        let shared = Arc::new(Shared::new(cfg, world));
        for f in self.faults {
            shared.faults.push(f);
        }
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        Mock::given(any())
            .respond_with(Router {
                shared: shared.clone(),
            })
            .mount(&server)
            .await;
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let base = format!("http://{addr}");
        let _ = shared.base.set(base.clone());
        let front = tokio::spawn(crate::front::serve(
            listener,
            *server.address(),
            shared.clone(),
        ));
        Ok(Sandbox {
            shared,
            base,
            server,
            front,
        })
    }
}

/// A running local athenahealth sandbox. Dropping it stops the servers.
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<Shared>,
    base: String,
    server: MockServer,
    front: JoinHandle<()>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.front.abort();
    }
}

impl Sandbox {
    /// Start a sandbox with the small default dataset (1 practice, 3 departments, 5 providers,
    /// 50 patients).
    pub async fn start() -> Sandbox {
        SandboxBuilder::default().start().await
    }

    /// A builder for a configured sandbox.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The origin, e.g. `http://127.0.0.1:40123`. REST is at `{base}/v1/{practiceid}/…`, FHIR at
    /// `{base}/fhir/r4/…`, the token endpoint at `{base}/oauth2/v1/token`.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    /// The token endpoint URL.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/v1/token", self.base)
    }

    /// `{base}/v1/{practiceid}` of the first practice.
    pub fn rest_base(&self) -> String {
        format!("{}/v1/{}", self.base, self.practice_id())
    }

    /// `{base}/fhir/r4`.
    pub fn fhir_base(&self) -> String {
        format!("{}/fhir/r4", self.base)
    }

    /// The address of the wiremock server behind the front (bypasses connection faults).
    pub fn upstream_url(&self) -> String {
        self.server.uri()
    }

    /// The client id the token endpoint accepts.
    pub fn client_id(&self) -> &str {
        &self.shared.cfg.client_id
    }

    /// The client secret the token endpoint accepts.
    pub fn client_secret(&self) -> &str {
        &self.shared.cfg.client_secret
    }

    /// The first practice id (195900).
    pub fn practice_id(&self) -> u64 {
        self.shared.cfg.practice_ids[0]
    }

    /// All practice ids.
    pub fn practice_ids(&self) -> Vec<u64> {
        self.shared.cfg.practice_ids.clone()
    }

    /// The date the schedule was generated around.
    pub fn today(&self) -> NaiveDate {
        self.shared.cfg.today
    }

    /// Invalidate every issued token: API calls with them get 401 until a new token is fetched.
    pub fn expire_tokens(&self) {
        self.shared
            .auth
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .expire_all();
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.shared.stats.snapshot()
    }

    /// Waits until every request the sandbox has received is finished: answered, dropped, or
    /// (after injected latency) handed to its handler and abandoned by a client that gave
    /// up. Tests that count what reached the handlers call this instead of sleeping "long
    /// enough". Returns `false` only if requests are still in flight after a minute (a hung
    /// handler), so a bug cannot hang the test.
    pub async fn wait_until_idle(&self) -> bool {
        use std::sync::atomic::Ordering;
        for _ in 0..12_000 {
            if self.shared.stats.in_flight.load(Ordering::SeqCst) == 0 {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        false
    }

    /// The runtime fault rules.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Apply `n` data changes in the first practice (patients, problems, appointments, claims,
    /// lab results, allergies, medications, providers, prescriptions, round-robin). Events reach
    /// the changed-data feeds that are subscribed. Returns the number applied.
    pub fn generate_changes(&self, n: usize) -> usize {
        self.generate_changes_in(self.practice_id(), n)
    }

    /// [`Sandbox::generate_changes`] for a given practice (0 when the practice is unknown).
    pub fn generate_changes_in(&self, practice: u64, n: usize) -> usize {
        let mut world = self.shared.world();
        match world.practices.get_mut(&practice) {
            Some(p) => crate::changes::generate(p, n, crate::rest::now_eastern()),
            None => 0,
        }
    }

    /// Unprocessed change records queued on a feed (e.g. `appointments`,
    /// `chart/healthhistory/problems`) in the first practice.
    pub fn pending_changes(&self, feed: &str) -> usize {
        self.shared
            .world()
            .practices
            .get(&self.practice_id())
            .map_or(0, |p| p.feeds.pending(feed))
    }

    /// Claims with a planted denial cause, in the first practice (the ground truth for denial
    /// prediction).
    pub fn planted_denials(&self) -> Vec<PlantedDenial> {
        let world = self.shared.world();
        let Some(p) = world.practices.get(&self.practice_id()) else {
            return Vec::new();
        };
        p.claims
            .values()
            .filter_map(|c| {
                let d = c.denial.as_ref()?;
                Some(PlantedDenial {
                    claim_id: c.id,
                    patient_id: c.patientid,
                    cause: d.cause,
                    adjustment_code: format!("{}-{}", d.group, d.carc),
                    remark_code: d.rarc.to_string(),
                })
            })
            .collect()
    }

    /// All claim ids of the first practice (denied or not).
    pub fn claim_ids(&self) -> Vec<u64> {
        self.shared
            .world()
            .practices
            .get(&self.practice_id())
            .map(|p| p.claims.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Open inbox patient cases that must be escalated (chest pain, breathing trouble, suicidal
    /// thoughts, thunderclap headache), in the first practice.
    pub fn urgent_cases(&self) -> Vec<UrgentCase> {
        let world = self.shared.world();
        let Some(p) = world.practices.get(&self.practice_id()) else {
            return Vec::new();
        };
        p.cases
            .values()
            .filter(|c| c.urgent)
            .map(|c| UrgentCase {
                patient_case_id: c.id,
                patient_id: c.patientid,
                provider_id: c.providerid,
                subject: c.subject.clone(),
            })
            .collect()
    }

    /// Ids of open appointment slots in the first practice on or after `from`, in id order.
    pub fn open_slot_ids(&self, from: NaiveDate) -> Vec<u64> {
        let world = self.shared.world();
        let Some(p) = world.practices.get(&self.practice_id()) else {
            return Vec::new();
        };
        p.appointments
            .values()
            .filter(|a| a.status == "o" && !a.frozen && a.date >= from)
            .map(|a| a.id)
            .collect()
    }
}
