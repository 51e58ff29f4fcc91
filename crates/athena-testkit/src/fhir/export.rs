//! Bulk Data `$export` for `Group/a-1.c-{practiceid}`: kick-off (202 + `Content-Location`),
//! status polling (202 with `Retry-After` and `X-Progress`, then the manifest), NDJSON files.

use std::collections::HashMap;

use serde_json::json;

use super::resources::{clinical, patient};
use crate::http::{Reply, Req};
use crate::server::Shared;

/// Patients included in an export (capped so a 100,000-patient sandbox stays in memory budget).
pub(crate) const EXPORT_PATIENT_CAP: u64 = 2000;

const EXPORT_TYPES: &[&str] = &[
    "Patient",
    "Condition",
    "Observation",
    "AllergyIntolerance",
    "MedicationRequest",
    "Encounter",
    "Coverage",
];

#[derive(Debug)]
struct Job {
    practice: u64,
    types: Vec<String>,
    polls: u32,
    request: String,
    started: String,
}

/// Export jobs in flight.
#[derive(Debug, Default)]
pub(crate) struct ExportJobs {
    jobs: HashMap<u64, Job>,
    next: u64,
}

/// Handle the export URLs, or `None` if `segs` is not one of them.
pub(crate) fn route(shared: &Shared, req: &Req, segs: &[&str]) -> Option<Reply> {
    let base = format!("{}/fhir/r4", shared.base_url());
    match segs {
        ["Group", group, "$export"] => {
            let practice: u64 = group.strip_prefix("a-1.c-")?.parse().ok()?;
            if !shared.world().practices.contains_key(&practice) {
                return Some(Reply::json(
                    404,
                    super::resources::outcome("not-found", &format!("Group/{group} is not known.")),
                ));
            }
            let types: Vec<String> = match req.param("_type") {
                Some(t) => t.split(',').map(str::to_string).collect(),
                None => EXPORT_TYPES.iter().map(|s| s.to_string()).collect(),
            };
            if let Some(bad) = types.iter().find(|t| !EXPORT_TYPES.contains(&t.as_str())) {
                return Some(Reply::json(
                    400,
                    super::resources::outcome(
                        "invalid",
                        &format!("The _type {bad} is not supported for export."),
                    ),
                ));
            }
            let mut jobs = shared.fhir.lock().unwrap_or_else(|e| e.into_inner());
            jobs.next += 1;
            let id = jobs.next;
            jobs.jobs.insert(
                id,
                Job {
                    practice,
                    types,
                    polls: 0,
                    request: format!("{base}/Group/{group}/$export"),
                    started: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                },
            );
            Some(
                Reply::raw(202, Vec::new(), "application/fhir+json")
                    .header("Content-Location", format!("{base}/bulkstatus/{id}")),
            )
        }
        ["bulkstatus", id] => {
            let id: u64 = id.parse().ok()?;
            let mut jobs = shared.fhir.lock().unwrap_or_else(|e| e.into_inner());
            if req.method == "DELETE" {
                return Some(match jobs.jobs.remove(&id) {
                    Some(_) => Reply::raw(202, Vec::new(), "application/fhir+json"),
                    None => Reply::json(
                        404,
                        super::resources::outcome("not-found", "Unknown export job."),
                    ),
                });
            }
            let Some(job) = jobs.jobs.get_mut(&id) else {
                return Some(Reply::json(
                    404,
                    super::resources::outcome("not-found", "Unknown export job."),
                ));
            };
            job.polls += 1;
            if job.polls == 1 {
                return Some(
                    Reply::raw(202, Vec::new(), "application/fhir+json")
                        .header("Retry-After", "1")
                        .header("X-Progress", "in-progress (50%)"),
                );
            }
            let output: Vec<_> = job
                .types
                .iter()
                .map(|t| json!({"type": t, "url": format!("{base}/bulkfiles/{id}/{t}.ndjson")}))
                .collect();
            Some(Reply::ok(json!({
                "transactionTime": job.started,
                "request": job.request,
                "requiresAccessToken": true,
                "output": output,
                "error": [],
            })))
        }
        ["bulkfiles", id, file] => {
            let id: u64 = id.parse().ok()?;
            let ty = file.strip_suffix(".ndjson")?;
            let (practice, ok) = {
                let jobs = shared.fhir.lock().unwrap_or_else(|e| e.into_inner());
                let job = jobs.jobs.get(&id)?;
                (job.practice, job.types.iter().any(|t| t == ty))
            };
            if !ok {
                return Some(Reply::json(
                    404,
                    super::resources::outcome("not-found", "Unknown export file."),
                ));
            }
            let world = shared.world();
            let p = world.practices.get(&practice)?;
            let mut out = Vec::new();
            for pid in p.patient_ids().take(EXPORT_PATIENT_CAP as usize) {
                let Some(pat) = p.patient(pid) else { continue };
                let resources = if ty == "Patient" {
                    vec![patient(p.id, &pat)]
                } else {
                    let chart = p.chart(&pat);
                    clinical(p, &pat, &chart, Some(ty))
                };
                for r in resources {
                    out.extend_from_slice(r.to_string().as_bytes());
                    out.push(b'\n');
                }
            }
            Some(Reply::raw(200, out, "application/fhir+ndjson"))
        }
        _ => None,
    }
}
