//! The proprietary REST API under `/v1/{practiceid}`.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value, json};

use crate::feeds;
use crate::http::{Reply, Req};
use crate::server::Shared;
use crate::state::Practice;

pub(crate) mod appointments;
pub(crate) mod chart;
pub(crate) mod claims;
pub(crate) mod documents;
pub(crate) mod extras;
pub(crate) mod insurances;
pub(crate) mod patients;
pub(crate) mod practice;

/// What a handler gets: the shared state, the practice (locked), the request.
pub(crate) struct Cx<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) p: &'a mut Practice,
    pub(crate) req: &'a Req,
}

impl Cx<'_> {
    /// Now, as a naive US/Eastern timestamp (the sandbox's practice clock).
    pub(crate) fn now(&self) -> NaiveDateTime {
        now_eastern()
    }
    /// Count an applied write.
    pub(crate) fn wrote(&self, op: &'static str) {
        self.shared.stats.write(op);
    }
}

/// Now in US/Eastern, without zone.
pub(crate) fn now_eastern() -> NaiveDateTime {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::US::Eastern)
        .naive_local()
}

/// `MM/DD/YYYY`.
pub(crate) fn d(date: NaiveDate) -> String {
    date.format("%m/%d/%Y").to_string()
}

/// `MM/DD/YYYY HH:MM:SS`.
pub(crate) fn dt(at: NaiveDateTime) -> String {
    at.format("%m/%d/%Y %H:%M:%S").to_string()
}

/// ISO-8601 with the Eastern offset, as problems and documents carry.
pub(crate) fn iso(at: NaiveDateTime) -> String {
    use chrono::TimeZone;
    match chrono_tz::US::Eastern.from_local_datetime(&at).earliest() {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        None => at.format("%Y-%m-%dT%H:%M:%S-05:00").to_string(),
    }
}

/// Parse an `MM/DD/YYYY` parameter.
pub(crate) fn parse_date(req: &Req, name: &str) -> Result<Option<NaiveDate>, Reply> {
    match req.param(name) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v.trim(), "%m/%d/%Y")
            .map(Some)
            .map_err(|_| Reply::invalid(&format!("Expecting format date, but value is {v}"))),
    }
}

/// Parse a numeric id parameter (400 `invalidfields` when not a number).
pub(crate) fn id_param(req: &Req, name: &str) -> Result<Option<u64>, Reply> {
    req.num(name).map_err(|()| Reply::invalid_fields(&[name]))
}

/// An id path segment.
pub(crate) fn seg_id(s: &str) -> Option<u64> {
    s.parse().ok()
}

/// Limit and offset of a list call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page {
    pub(crate) offset: usize,
    pub(crate) limit: usize,
}

/// Read `limit`/`offset` with an endpoint's default and maximum.
pub(crate) fn page(req: &Req, default: usize, max: usize) -> Result<Page, Reply> {
    let limit = req
        .num("limit")
        .map_err(|()| Reply::invalid_fields(&["limit"]))?
        .map_or(default, |l| l as usize)
        .clamp(1, max);
    let offset = req
        .num("offset")
        .map_err(|()| Reply::invalid_fields(&["offset"]))?
        .unwrap_or(0) as usize;
    Ok(Page { offset, limit })
}

fn echo_params(req: &Req) -> String {
    let mut params: Vec<(String, String)> = req
        .query
        .iter()
        .chain(req.form.iter())
        .filter(|(k, v)| {
            !k.eq_ignore_ascii_case("limit") && !k.eq_ignore_ascii_case("offset") && !v.is_empty()
        })
        .map(|(k, v)| (k.to_ascii_uppercase(), v.clone()))
        .collect();
    params.sort();
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Build a list envelope: `{key: items, totalcount, next?, previous?}`. `path` is the endpoint
/// path after the practice id (e.g. `patients`). `next`/`previous` start with `/v1/`, echo the
/// other parameters upper-cased and keep `limit`/`offset` lower-case; `limit` appears only when
/// athena rewrites it to the remaining count on the last page.
pub(crate) fn envelope(
    practice: u64,
    req: &Req,
    path: &str,
    key: &str,
    items: Vec<Value>,
    total: usize,
    pg: Page,
) -> Value {
    let mut m = Map::new();
    let shown = items.len();
    m.insert(key.into(), Value::Array(items));
    m.insert("totalcount".into(), json!(total));
    let echo = echo_params(req);
    let link = |extra: String| {
        if echo.is_empty() {
            format!("/v1/{practice}/{path}?{extra}")
        } else {
            format!("/v1/{practice}/{path}?{echo}&{extra}")
        }
    };
    let next_offset = pg.offset + pg.limit;
    if pg.offset + shown < total && shown > 0 {
        let remaining = total - next_offset.min(total);
        let extra = if remaining < pg.limit {
            format!("limit={remaining}&offset={next_offset}")
        } else {
            format!("offset={next_offset}")
        };
        m.insert("next".into(), json!(link(extra)));
    }
    if pg.offset > 0 {
        m.insert(
            "previous".into(),
            json!(link(format!(
                "offset={}",
                pg.offset.saturating_sub(pg.limit)
            ))),
        );
    }
    Value::Object(m)
}

/// Slice a full list for a page.
pub(crate) fn slice<T: Clone>(all: &[T], pg: Page) -> Vec<T> {
    all.iter().skip(pg.offset).take(pg.limit).cloned().collect()
}

/// A route handler: `None` when the path is not its own.
type Route = fn(&mut Cx<'_>, &[&str]) -> Option<Reply>;

fn invalid_practice() -> Reply {
    Reply::error(404, "Invalid practice.", "The practice ID does not exist.")
}

/// A numeric `departmentid` (query or form, comma lists and repeats too) that the practice
/// does not have. athena's exact answer is not recorded in the reference; this is the
/// closest documented shape, the 400 "The data provided is invalid." with a detailed message
/// naming the field (as `POST /patients` answers a bad department).
fn unknown_department(p: &Practice, req: &Req) -> Option<Reply> {
    let unknown = req
        .params("departmentid")
        .iter()
        .filter_map(|v| v.parse::<u64>().ok())
        .any(|d| !p.has_department(d));
    unknown.then(|| Reply::invalid("The departmentid is not a valid department."))
}

/// Route a `/v1/…` call. `segs` starts with the practice id.
pub(crate) fn dispatch(shared: &Shared, req: &Req, segs: &[&str]) -> Reply {
    let Some(first) = segs.first() else {
        return Reply::unknown_path();
    };
    let Some(pid) = seg_id(first) else {
        return invalid_practice();
    };
    let rest = &segs[1..];
    let mut world = shared.world();
    if pid == 1 && rest == ["practiceinfo"] && req.method == "GET" {
        let list: Vec<Value> = world
            .practices
            .values()
            .map(practice::practiceinfo)
            .collect();
        let n = list.len();
        return Reply::ok(json!({"practiceinfo": list, "totalcount": n}));
    }
    let Some(p) = world.practices.get_mut(&pid) else {
        return invalid_practice();
    };
    if let Some(reply) = unknown_department(p, req) {
        return reply;
    }
    if let Some(i) = rest.iter().position(|s| *s == "changed") {
        let path = rest[..i].join("/");
        if let Some(def) = feeds::feed(&path) {
            let tail: Vec<String> = rest[i + 1..].iter().map(|s| s.to_string()).collect();
            return p.feeds.handle(def, &tail, req, now_eastern());
        }
    }
    let mut cx = Cx { shared, p, req };
    let routes: [Route; 8] = [
        // First: `POST /appointments/open|waitlist` must not be read as an appointment id.
        extras::route,
        practice::route,
        patients::route,
        insurances::route,
        chart::route,
        documents::route,
        appointments::route,
        claims::route,
    ];
    for r in routes {
        if let Some(reply) = r(&mut cx, rest) {
            return reply;
        }
    }
    Reply::unknown_path()
}
