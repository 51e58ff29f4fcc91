//! The wiremock side: one catch-all mock whose stateful responder routes every request to the
//! OAuth, REST and FHIR handlers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use chrono::NaiveDate;
use wiremock::{Request, Respond, ResponseTemplate};

use crate::auth::{self, AuthState};
use crate::faults::Faults;
use crate::http::{Body, Reply, Req};
use crate::state::World;
use crate::stats::Counters;
use crate::{fhir, rest};

/// Fixed configuration of a sandbox.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) seed: u64,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) token_lifetime: Duration,
    pub(crate) token_rate_limit: u32,
    pub(crate) latency: Duration,
    pub(crate) qps_limit: Option<u32>,
    pub(crate) daily_quota: u64,
    pub(crate) today: NaiveDate,
    pub(crate) practice_ids: Vec<u64>,
}

/// State shared by the responder, the front and the [`crate::Sandbox`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) cfg: Config,
    pub(crate) world: Mutex<World>,
    pub(crate) auth: Mutex<AuthState>,
    pub(crate) stats: Counters,
    pub(crate) faults: Faults,
    pub(crate) base: OnceLock<String>,
    qps: Mutex<(u64, u32)>,
    daily_used: AtomicU64,
    seq: AtomicU64,
    pub(crate) fhir: Mutex<fhir::ExportJobs>,
}

impl Shared {
    pub(crate) fn new(cfg: Config, world: World) -> Self {
        Shared {
            cfg,
            world: Mutex::new(world),
            auth: Mutex::new(AuthState::default()),
            stats: Counters::default(),
            faults: Faults::default(),
            base: OnceLock::new(),
            qps: Mutex::new((0, 0)),
            daily_used: AtomicU64::new(0),
            seq: AtomicU64::new(1),
            fhir: Mutex::new(fhir::ExportJobs::default()),
        }
    }

    /// The origin clients use (the TCP front).
    pub(crate) fn base_url(&self) -> &str {
        self.base
            .get()
            .map(String::as_str)
            .unwrap_or("http://127.0.0.1")
    }

    /// The world, locked.
    pub(crate) fn world(&self) -> std::sync::MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh `X-Request-Id` in athena's `rrt-…-c-gea1-…` shape.
    pub(crate) fn request_id(&self) -> String {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let ms = chrono::Utc::now().timestamp_millis();
        format!("rrt-{ms}-c-gea1-{}-{}-1", 20000 + n % 10000, 5_000_000 + n)
    }

    /// `Some(429)` when the per-second QPS limit is exceeded.
    fn qps_check(&self) -> Option<Reply> {
        let limit = self.cfg.qps_limit?;
        let now = chrono::Utc::now().timestamp();
        let mut q = self.qps.lock().unwrap_or_else(|e| e.into_inner());
        if q.0 as i64 != now {
            *q = (now as u64, 0);
        }
        if q.1 >= limit {
            Counters::inc(&self.stats.rate_limited);
            return Some(
                Reply::json(429, serde_json::json!({"error": "Rate limit exceeded.", "detailedmessage": "You have exceeded the number of requests per second allowed for your application."}))
                    .header("X-RateLimit-Limit", limit.to_string())
                    .header("X-RateLimit-Remaining", "0"),
            );
        }
        q.1 += 1;
        None
    }
}

/// The wiremock responder.
pub(crate) struct Router {
    pub(crate) shared: std::sync::Arc<Shared>,
}

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let headers = request
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let req = Req::new(
            request.method.as_str(),
            request.url.path(),
            request.url.query(),
            headers,
            request.body.clone(),
        );
        let reply = route(&self.shared, &req);
        let mut t = ResponseTemplate::new(reply.status)
            .insert_header("X-Request-Id", self.shared.request_id().as_str());
        let mut json_mime = "application/json";
        for (k, v) in &reply.headers {
            if k.eq_ignore_ascii_case("content-type") {
                if v == "application/fhir+json" {
                    json_mime = "application/fhir+json";
                }
                continue;
            }
            t = t.insert_header(k.as_str(), v.as_str());
        }
        t = match reply.body {
            Body::Json(v) => t.set_body_raw(serde_json::to_vec(&v).unwrap_or_default(), json_mime),
            Body::Raw(b, mime) => t.set_body_raw(b, mime),
        };
        if !self.shared.cfg.latency.is_zero() {
            t = t.set_delay(self.shared.cfg.latency);
        }
        t
    }
}

fn route(shared: &Shared, req: &Req) -> Reply {
    let segs: Vec<&str> = req.segs.iter().map(String::as_str).collect();
    match segs.as_slice() {
        ["oauth2", "v1", "token"] => return auth::token(shared, req),
        ["fhir", "r4", ".well-known", "smart-configuration"] | ["fhir", "r4", "metadata"] => {
            return fhir::anonymous(shared, req, &segs[2..]);
        }
        _ => {}
    }
    let api = matches!(segs.first(), Some(&"v1")) || matches!(segs.as_slice(), ["fhir", "r4", ..]);
    if !api {
        return Reply::unknown_path();
    }
    if let Err(r) = auth::check(shared, req, &segs) {
        return r;
    }
    if let Some(r) = shared.qps_check() {
        return r;
    }
    Counters::inc(&shared.stats.api_requests);
    let used = shared.daily_used.fetch_add(1, Ordering::Relaxed) + 1;
    let remaining = shared.cfg.daily_quota.saturating_sub(used);
    let reply = if segs[0] == "v1" {
        rest::dispatch(shared, req, &segs[1..])
    } else {
        fhir::dispatch(shared, req, &segs[2..])
    };
    if reply.headers.iter().any(|(k, _)| k == "X-RateLimit-Limit") {
        reply
    } else {
        reply
            .header("X-RateLimit-Limit", shared.cfg.daily_quota.to_string())
            .header("X-RateLimit-Remaining", remaining.to_string())
    }
}
