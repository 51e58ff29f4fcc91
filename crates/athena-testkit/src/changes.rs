//! `Sandbox::generate_changes`: apply realistic mutations so the changed-data feeds have
//! something to return.

use serde_json::json;

use crate::data::clinical::Problem;
use crate::data::tables::PROBLEMS;
use crate::feeds::Scope;
use crate::rest::appointments::booked_json;
use crate::rest::chart::changed_problem_json;
use crate::rest::patients::patient_json;
use crate::rest::practice::provider_single;
use crate::state::Practice;

/// Apply `n` changes round-robin over patients, problems, appointments, claims, lab results,
/// allergies, medications, providers and prescriptions. Returns how many were applied.
pub(crate) fn generate(p: &mut Practice, n: usize, now: chrono::NaiveDateTime) -> usize {
    let mut applied = 0;
    for i in 0..n {
        let pid = 1 + (i as u64 * 7919) % p.max_patient_id().max(1);
        let Some(mut pat) = p.patient(pid) else {
            continue;
        };
        let scope = Scope {
            departmentid: Some(pat.departmentid),
            patientid: Some(pid),
            providerid: None,
        };
        match i % 9 {
            0 => {
                pat.mobilephone = format!("617555{:04}", (i % 100) + 100);
                let item = patient_json(p, &pat, None);
                p.put_patient(pat);
                p.feeds.emit("patients", "UpdatePatient", item, scope);
            }
            1 => {
                let k = PROBLEMS[i % PROBLEMS.len()];
                let id = p.chart_id();
                let prob = Problem {
                    id,
                    name: k.name.into(),
                    snomed: k.snomed.into(),
                    icd10: k.icd10.into(),
                    onset: now.date(),
                    note: String::new(),
                };
                let item = changed_problem_json(pid, &prob);
                p.charts.entry(pid).or_default().problems.push(prob);
                p.feeds
                    .emit("chart/healthhistory/problems", "ProblemAdd", item, scope);
            }
            2 => {
                let slot = p
                    .appointments
                    .values_mut()
                    .find(|a| a.status == "o" && a.date >= now.date() && !a.frozen);
                let Some(a) = slot else { continue };
                a.status = "f".into();
                a.patientid = Some(pid);
                a.scheduled = Some(now);
                a.lastmodified = now;
                let a = a.clone();
                p.feeds.emit(
                    "appointments",
                    "ScheduleAppointment",
                    booked_json(&a),
                    Scope {
                        departmentid: Some(a.departmentid),
                        patientid: Some(pid),
                        providerid: Some(a.providerid),
                    },
                );
            }
            3 => {
                let Some(c) = p.claims.values_mut().nth(i % 50) else {
                    continue;
                };
                c.status = "CLOSED".into();
                let item = crate::rest::claims::claim_json(c);
                let scope = Scope {
                    departmentid: Some(c.departmentid),
                    patientid: Some(c.patientid),
                    providerid: Some(c.providerid),
                };
                p.feeds.emit("claims", "UpdateClaim", item, scope);
            }
            4 => {
                let id = p.chart_id();
                let item = json!({"labresultid": id, "patientid": pid, "departmentid": pat.departmentid.to_string(), "status": "REVIEW", "priority": "2",
                    "observationdatetime": now.format("%Y-%m-%dT%H:%M:%S-05:00").to_string(), "createddate": now.format("%m/%d/%Y").to_string(),
                    "createddatetime": now.format("%m/%d/%Y %H:%M:%S").to_string(), "documentsource": "INTERFACE", "documentroute": "INTERFACE", "providerid": pat.primaryproviderid});
                p.feeds.emit("labresults", "LabResultAdd", item, scope);
            }
            5 => {
                let item = json!({"patientid": pid, "allergenid": 10071, "allergenname": "Penicillins", "onsetdate": now.format("%m/%d/%Y").to_string()});
                p.feeds
                    .emit("chart/healthhistory/allergies", "AllergyAdd", item, scope);
            }
            6 => {
                let id = p.chart_id();
                let item = json!({"patientid": pid, "medicationid": id, "medication": "lisinopril 10 mg tablet", "rxnorm": "314076", "events": [{"eventdate": now.format("%m/%d/%Y").to_string(), "type": "START"}]});
                p.feeds.emit(
                    "chart/healthhistory/medication",
                    "MedicationHxAdd",
                    item,
                    scope,
                );
            }
            7 => {
                let prov = 1 + (i as u64) % p.providers.max(1);
                let item = provider_single(p, prov);
                p.feeds.emit(
                    "providers",
                    "ProviderUpdate",
                    item,
                    Scope {
                        providerid: Some(prov),
                        ..Scope::default()
                    },
                );
            }
            _ => {
                let id = p.chart_id();
                let item = json!({"patientid": pid, "documentid": id, "encounterid": id + 1, "departmentid": pat.departmentid, "status": "SUBMITTED",
                    "class": "PRESCRIPTION", "classdescription": "Prescription", "description": "atorvastatin 20 mg tablet", "documentationonly": false,
                    "dateordered": now.format("%m/%d/%Y %I:%M %p").to_string(), "orderingprovider": "sandbox", "approvedby": "sandbox",
                    "approvedtimestamp": now.format("%m/%d/%Y %I:%M %p").to_string(), "assigneduser": "sandbox"});
                p.feeds
                    .emit("prescriptions", "PrescriptionAdd", item, scope);
            }
        }
        applied += 1;
    }
    applied
}
