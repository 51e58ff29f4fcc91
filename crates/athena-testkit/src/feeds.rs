//! Changed-data feeds (`/{feed}/changed…`): subscriptions, destructive reads, replay windows.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use crate::http::{Reply, Req};

/// One feed: its path under `/v1/{practiceid}`, its item key, and the events it offers.
#[derive(Debug)]
pub(crate) struct FeedDef {
    pub(crate) path: &'static str,
    pub(crate) key: &'static str,
    pub(crate) events: &'static [&'static str],
}

/// Events that a subscription without `eventname` does not include.
const OPT_IN: &[&str] = &["UpdateReminderCall", "UpdateSuggestedOverbooking"];

fn default_events(def: &FeedDef) -> impl Iterator<Item = &'static str> {
    def.events.iter().copied().filter(|e| !OPT_IN.contains(e))
}

/// The feeds the sandbox serves.
pub(crate) const FEEDS: &[FeedDef] = &[
    FeedDef {
        path: "appointments",
        key: "appointments",
        events: &[
            "ScheduleAppointment",
            "CheckIn",
            "CheckOut",
            "UpdateAppointment",
            "CancelAppointment",
            "UpdateReminderCall",
            "UpdateSuggestedOverbooking",
            "FreezeAppointment",
            "UnfreezeAppointment",
            "DeleteAppointment",
            "AddAppointmentSlot",
        ],
    },
    FeedDef {
        path: "patients",
        key: "patients",
        events: &[
            "AddPatient",
            "DeletePatient",
            "UpdatePatient",
            "MergePatient",
            "UpdatePatientCustomField",
        ],
    },
    FeedDef {
        path: "providers",
        key: "providers",
        events: &[
            "ProviderAdd",
            "ProviderUpdate",
            "ProviderDelete",
            "ProviderUndelete",
        ],
    },
    FeedDef {
        path: "prescriptions",
        key: "prescriptions",
        events: &[
            "PrescriptionAdd",
            "PrescriptionUpdate",
            "PrescriptionDelete",
            "PrescriptionRefillAdd",
            "PrescriptionReopen",
            "PrescriptionPreApproval",
            "PrescriptionRefillUpdate",
        ],
    },
    FeedDef {
        path: "claims",
        key: "claims",
        events: &["UpdateClaim"],
    },
    FeedDef {
        path: "chart/healthhistory/problems",
        key: "problems",
        events: &["ProblemAdd", "ProblemUpdate"],
    },
    FeedDef {
        path: "chart/healthhistory/allergies",
        key: "allergies",
        events: &["AllergyUpdate", "AllergyAdd"],
    },
    FeedDef {
        path: "chart/healthhistory/medication",
        key: "medications",
        events: &[
            "MedicationHxAdd",
            "MedicationHxUpdate",
            "MedicationHxDelete",
        ],
    },
    FeedDef {
        path: "labresults",
        key: "labresults",
        events: &["LabResultAdd", "LabResultUpdate", "LabResultClose"],
    },
];

/// Find a feed by path.
pub(crate) fn feed(path: &str) -> Option<&'static FeedDef> {
    FEEDS.iter().find(|f| f.path == path)
}

#[derive(Debug, Clone)]
struct Record {
    feed: &'static str,
    item: Value,
    processed: Option<NaiveDateTime>,
    departmentid: Option<u64>,
    patientid: Option<u64>,
    providerid: Option<u64>,
}

/// Subscriptions and queued change records of one practice.
#[derive(Debug, Default)]
pub(crate) struct Feeds {
    subs: HashMap<&'static str, BTreeSet<String>>,
    records: Vec<Record>,
}

/// Ids a change record can be filtered by.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Scope {
    pub(crate) departmentid: Option<u64>,
    pub(crate) patientid: Option<u64>,
    pub(crate) providerid: Option<u64>,
}

const MAX_RECORDS: usize = 200_000;

impl Feeds {
    /// Is anyone subscribed to `event` on `feed`?
    pub(crate) fn subscribed(&self, feed: &str, event: &str) -> bool {
        self.subs.get(feed).is_some_and(|s| s.contains(event))
    }

    /// Queue a change if the feed is subscribed to the event.
    pub(crate) fn emit(&mut self, feed: &'static str, event: &str, item: Value, scope: Scope) {
        if !self.subscribed(feed, event) {
            return;
        }
        if self.records.len() >= MAX_RECORDS {
            // Drop the oldest processed records first, then the oldest.
            self.records.retain(|r| r.processed.is_none());
            if self.records.len() >= MAX_RECORDS {
                self.records.drain(..MAX_RECORDS / 10);
            }
        }
        self.records.push(Record {
            feed,
            item,
            processed: None,
            departmentid: scope.departmentid,
            patientid: scope.patientid,
            providerid: scope.providerid,
        });
    }

    /// Number of unprocessed records on a feed.
    pub(crate) fn pending(&self, feed: &str) -> usize {
        self.records
            .iter()
            .filter(|r| r.feed == feed && r.processed.is_none())
            .count()
    }

    /// Handle `…/{feed}/changed[/subscription[/events]]`. `rest` is what follows the feed path.
    pub(crate) fn handle(
        &mut self,
        def: &'static FeedDef,
        rest: &[String],
        req: &Req,
        now_eastern: NaiveDateTime,
    ) -> Reply {
        let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
        match (req.method.as_str(), rest.as_slice()) {
            ("GET", ["subscription", "events"]) => Reply::ok(
                json!({"subscriptions": def.events.iter().map(|e| json!({"eventname": e})).collect::<Vec<_>>()}),
            ),
            ("GET", ["subscription"]) => {
                let subs = self.subs.get(def.path).cloned().unwrap_or_default();
                let status = if subs.is_empty() {
                    "INACTIVE"
                } else if default_events(def).all(|e| subs.contains(e)) {
                    "ACTIVE"
                } else {
                    "PARTIAL"
                };
                let listed: Vec<Value> = def
                    .events
                    .iter()
                    .filter(|e| subs.contains(**e))
                    .map(|e| json!({"eventname": e}))
                    .collect();
                Reply::ok(json!({"status": status, "subscriptions": listed}))
            }
            ("POST", ["subscription"]) => {
                let set = self.subs.entry(def.path).or_default();
                match req.param("eventname") {
                    None => set.extend(default_events(def).map(str::to_string)),
                    Some(e) => match def.events.iter().find(|x| x.eq_ignore_ascii_case(e)) {
                        Some(x) => {
                            set.insert(x.to_string());
                        }
                        None => {
                            return Reply::invalid(&format!(
                                "The event name {e} is not valid for this feed."
                            ));
                        }
                    },
                }
                Reply::ok(json!({"success": true}))
            }
            ("DELETE", ["subscription"]) => {
                match req.param("eventname") {
                    None => {
                        self.subs.remove(def.path);
                    }
                    Some(e) => {
                        if let Some(set) = self.subs.get_mut(def.path) {
                            set.retain(|x| !x.eq_ignore_ascii_case(e));
                        }
                    }
                }
                Reply::ok(json!({"success": true}))
            }
            ("GET", []) => self.read(def, req, now_eastern),
            _ => Reply::unknown_path(),
        }
    }

    fn read(&mut self, def: &'static FeedDef, req: &Req, now: NaiveDateTime) -> Reply {
        if self.subs.get(def.path).is_none_or(BTreeSet::is_empty) {
            return Reply::json(
                403,
                json!({"error": "Changed messages require setup (subscription) that has not been done."}),
            );
        }
        if def.path == "appointments" && req.param("departmentid").is_none() {
            return Reply::missing(&["departmentid"]);
        }
        let ids = |name: &str| -> Result<Vec<u64>, Reply> {
            req.params(name)
                .iter()
                .map(|v| v.parse::<u64>().map_err(|_| Reply::invalid_fields(&[name])))
                .collect()
        };
        let (depts, pats, provs) = match (ids("departmentid"), ids("patientid"), ids("providerid"))
        {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e,
        };
        let parse_dt = |name: &str| -> Result<Option<NaiveDateTime>, Reply> {
            match req.param(name) {
                None => Ok(None),
                Some(v) => NaiveDateTime::parse_from_str(v, "%m/%d/%Y %H:%M:%S")
                    .map(Some)
                    .map_err(|_| {
                        Reply::invalid(&format!(
                            "Expecting format mm/dd/yyyy hh24:mi:ss for {name}, but value is {v}"
                        ))
                    }),
            }
        };
        let (start, end) = match (
            parse_dt("showprocessedstartdatetime"),
            parse_dt("showprocessedenddatetime"),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return e,
        };
        let replay = start.is_some() || end.is_some();
        let limit = match req.num("limit") {
            Ok(l) => l.unwrap_or(1000).clamp(1, 5000) as usize,
            Err(()) => return Reply::invalid_fields(&["limit"]),
        };
        let leave = req.flag("leaveunprocessed");
        let matches = |r: &Record| {
            r.feed == def.path
                && (depts.is_empty() || r.departmentid.is_some_and(|d| depts.contains(&d)))
                && (pats.is_empty() || r.patientid.is_some_and(|d| pats.contains(&d)))
                && (provs.is_empty() || r.providerid.is_some_and(|d| provs.contains(&d)))
                && if replay {
                    r.processed.is_some_and(|p| {
                        let p = p.and_utc().timestamp();
                        start.is_none_or(|s| p >= s.and_utc().timestamp())
                            && end.is_none_or(|e| p <= e.and_utc().timestamp())
                    })
                } else {
                    r.processed.is_none()
                }
        };
        let idx: Vec<usize> = self
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| matches(r))
            .map(|(i, _)| i)
            .collect();
        let total = idx.len();
        let mut items = Vec::new();
        for &i in idx.iter().take(limit) {
            items.push(self.records[i].item.clone());
            if !leave && !replay {
                self.records[i].processed = Some(now);
            }
        }
        let mut body = serde_json::Map::new();
        body.insert(def.key.into(), Value::Array(items));
        body.insert("totalcount".into(), json!(total));
        Reply::ok(Value::Object(body))
    }
}
