//! Practice configuration: `/ping`, `/practiceinfo`, `/departments`, `/providers`,
//! `/customfields`, `/appointmenttypes`, `/patientappointmentreasons`.

use serde_json::{Value, json};

use super::{Cx, envelope, page, seg_id, slice};
use crate::data::tables::{
    APPOINTMENT_TYPES, DEPARTMENTS, Department, REASONS, SPECIALTIES, Specialty,
};
use crate::http::Reply;
use crate::state::Practice;

/// One `practiceinfo` item.
pub(crate) fn practiceinfo(p: &Practice) -> Value {
    json!({
        "practiceid": p.id.to_string(),
        "name": if p.id == 195900 { "athenahealth MDP Sandbox".to_string() } else { format!("Sandbox Practice {}", p.id) },
        "iscoordinatorsender": "false",
        "iscoordinatorreceiver": "false",
        "hascommunicator": "true",
        "hasclinicals": "true",
        "golivedate": "01/01/2015",
        "experiencemode": "ENTERPRISE",
        "hascollector": "true",
        "publicnames": ["athenahealth MDP Sandbox"],
    })
}

/// One department object (`departmentid` string, `timezone` number, `timezonename`).
pub(crate) fn department(practice: u64, id: u64) -> Value {
    let Department {
        name,
        city,
        state,
        zip,
        timezone: tz,
        utc_offset: off,
    } = DEPARTMENTS[((id - 1) as usize) % DEPARTMENTS.len()];
    let dst = tz != "US/Arizona";
    json!({
        "departmentid": id.to_string(),
        "name": if id as usize > DEPARTMENTS.len() { format!("{name} {id}") } else { name.to_string() },
        "patientdepartmentname": format!("{} {}", name.trim_start_matches("SANDBOX ").to_lowercase(), city.to_lowercase()),
        "address": format!("{} MEDICAL PARK DR", 100 + id),
        "address2": format!("SUITE {}", 100 * id),
        "city": city,
        "state": state,
        "zip": zip,
        "phone": format!("(617) 555-01{:02}", id % 100),
        "fax": format!("(617) 555-02{:02}", id % 100),
        "timezone": off + if dst { 1 } else { 0 },
        "timezoneoffset": off,
        "timezonename": tz,
        "doesnotobservedst": !dst,
        "placeofservicefacility": false,
        "placeofservicetypeid": "11",
        "placeofservicetypename": "OFFICE",
        "providergroupid": "1",
        "providergroupname": "SANDBOX MEDICAL GROUP",
        "chartsharinggroupid": "1",
        "communicatorbrandid": "1",
        "clinicals": "ON",
        "servicedepartment": true,
        "ishospitaldepartment": false,
        "medicationhistoryconsent": true,
        "portalurl": format!("https://{practice}-1.portal.athenahealth.com/"),
        "creditcardtypes": ["AX", "DS", "MC", "VI"],
        "clinicalproviderfax": format!("(617) 555-03{:02}", id % 100),
        "latitude": "42.3709",
        "longitude": "-71.1828",
        "oneyearcontractmax": "1500",
        "singleappointmentcontractmax": "150",
        "ecommercecreditcardtypes": ["AX", "DS", "MC", "VI"],
    })
}

/// Provider name parts.
pub(crate) fn provider_name(id: u64) -> (&'static str, &'static str) {
    const FIRST: &[&str] = &[
        "Adrienne", "Marcus", "Priya", "Thomas", "Elena", "Samuel", "Grace", "Omar", "Helen",
        "Victor",
    ];
    const LAST: &[&str] = &[
        "Okafor",
        "Lindqvist",
        "Raman",
        "Whitfield",
        "Castellanos",
        "Brennan",
        "Takahashi",
        "Haddad",
        "Moreau",
        "Kowalski",
    ];
    (
        FIRST[((id - 1) % 10) as usize],
        LAST[(((id - 1) / 10 + (id - 1) * 3) % 10) as usize],
    )
}

/// One provider object (`providerid` number, `homedepartment` a department *name*).
pub(crate) fn provider(p: &Practice, id: u64) -> Value {
    let (first, last) = provider_name(id);
    let Specialty {
        name: spec,
        ansi_code: ansi,
        provider_type_id: typeid,
        provider_type: typename,
    } = SPECIALTIES[((id - 1) as usize) % SPECIALTIES.len()];
    let dept = crate::data::schedule::provider_department(id, p.departments);
    let home = department(p.id, dept);
    json!({
        "providerid": id,
        "firstname": first,
        "lastname": last,
        "displayname": format!("{first} {last}, {typeid}"),
        "schedulingname": format!("{}_{}", last, first),
        "specialty": spec,
        "specialtyid": 100 + ((id - 1) % SPECIALTIES.len() as u64),
        "ansispecialtycode": ansi,
        "ansinamecode": format!("Allopathic & Osteopathic Physicians ({spec})"),
        "providertypeid": typeid,
        "providertype": typename,
        "homedepartment": home["name"],
        "billable": true,
        "entitytype": "Person",
        "sex": if id.is_multiple_of(2) { "M" } else { "F" },
        "npi": 1_000_000_000u64 + id * 7919 % 999_999_999,
        "providerusername": format!("{}{}", first.chars().next().unwrap_or('x').to_ascii_lowercase(), last.to_lowercase()),
        "supervisingproviderid": id,
        "supervisingproviderusername": format!("{}{}", first.chars().next().unwrap_or('x').to_ascii_lowercase(), last.to_lowercase()),
        "hideinportal": false,
        "createencounteroncheckin": true,
        "scheduleresourcetype": "Provider",
        "otherproviderids": [],
    })
}

/// A provider as `GET /providers/{id}` and the providers feed show it (`specialtyid` a string
/// there, a number in the list).
pub(crate) fn provider_single(p: &Practice, id: u64) -> Value {
    let mut v = provider(p, id);
    v["specialtyid"] = json!(v["specialtyid"].to_string());
    v
}

/// The practice's custom field definitions.
pub(crate) fn customfields() -> Value {
    json!([
        {"customfieldid": "1", "disallowupdate": true, "select": false, "casesensitive": false, "name": "Legacy Patient ID", "searchable": true, "type": "TEXT"},
        {"customfieldid": "22", "disallowupdate": false, "select": false, "casesensitive": false, "name": "Preferred Contact Window", "length": "10", "searchable": false, "type": "TEXT"},
        {"customfieldid": "23", "disallowupdate": false, "select": true, "casesensitive": false, "name": "Transportation Needs", "searchable": true, "type": "SELECT",
         "selectlist": [{"optionvalue": "None", "optionid": "1"}, {"optionvalue": "Needs ride", "optionid": "2"}]},
    ])
}

pub(crate) fn route(cx: &mut Cx<'_>, segs: &[&str]) -> Option<Reply> {
    let req = cx.req;
    if req.method != "GET" {
        return None;
    }
    let pid = cx.p.id;
    Some(match segs {
        ["ping"] => Reply::ok(json!({"Pong": "true"})),
        ["practiceinfo"] => {
            Reply::ok(json!({"practiceinfo": [practiceinfo(cx.p)], "totalcount": 1}))
        }
        ["departments"] => {
            let pg = match page(req, 1500, 5000) {
                Ok(p) => p,
                Err(e) => return Some(e),
            };
            let all: Vec<u64> = (1..=cx.p.departments).collect();
            let items = slice(&all, pg)
                .into_iter()
                .map(|id| department(pid, id))
                .collect();
            Reply::ok(envelope(
                pid,
                req,
                "departments",
                "departments",
                items,
                all.len(),
                pg,
            ))
        }
        ["departments", id] => match seg_id(id).filter(|i| cx.p.has_department(*i)) {
            Some(i) => Reply::ok(json!([department(pid, i)])),
            None => Reply::not_found("department ID"),
        },
        // The fields a department requires before check-in, as ids in strings (recorded
        // shape: `{"fieldlist": ["1", "2", …]}`).
        ["departments", id, "checkinrequired"] => {
            match seg_id(id).filter(|i| cx.p.has_department(*i)) {
                Some(i) => {
                    let fields: Vec<String> = (1..=3 + i % 3).map(|f| f.to_string()).collect();
                    Reply::ok(json!({ "fieldlist": fields }))
                }
                None => Reply::not_found("department ID"),
            }
        }
        ["providers"] => {
            let pg = match page(req, 1500, 5000) {
                Ok(p) => p,
                Err(e) => return Some(e),
            };
            let all: Vec<u64> = (1..=cx.p.providers).collect();
            let items = slice(&all, pg)
                .into_iter()
                .map(|id| provider(cx.p, id))
                .collect();
            Reply::ok(envelope(
                pid,
                req,
                "providers",
                "providers",
                items,
                all.len(),
                pg,
            ))
        }
        ["providers", id] => match seg_id(id).filter(|i| cx.p.has_provider(*i)) {
            Some(i) => Reply::ok(json!([provider_single(cx.p, i)])),
            None => Reply::not_found("provider ID"),
        },
        ["customfields"] => Reply::ok(customfields()),
        ["appointmenttypes"] => {
            let items: Vec<Value> = APPOINTMENT_TYPES
                .iter()
                .map(|t| {
                    let (id, name, dur, pname) = (t.id, t.name, t.duration, t.patient_name);
                    json!({"appointmenttypeid": id.to_string(), "name": name, "shortname": name.chars().take(4).collect::<String>().to_uppercase(),
                           "duration": dur.to_string(), "patientdisplayname": pname, "generic": "false", "patient": "true", "templatetypeonly": "false"})
                })
                .collect();
            let n = items.len();
            Reply::ok(json!({"appointmenttypes": items, "totalcount": n}))
        }
        ["patientappointmentreasons"]
        | [
            "patientappointmentreasons",
            "newpatient" | "existingpatient",
        ] => {
            if req.param("departmentid").is_none() || req.param("providerid").is_none() {
                let mut missing = Vec::new();
                if req.param("departmentid").is_none() {
                    missing.push("departmentid");
                }
                if req.param("providerid").is_none() {
                    missing.push("providerid");
                }
                return Some(Reply::missing(&missing));
            }
            let items: Vec<Value> = REASONS
                .iter()
                .map(|r| {
                    let (rid, tid, desc) = (r.reasonid, r.appointment_type_id, r.description);
                    json!({"reasonid": rid, "reason": desc, "description": desc, "reasontype": "all", "schedulingminhours": 0, "schedulingmaxdays": 90, "appointmenttypeid": tid})
                })
                .collect();
            let n = items.len();
            Reply::ok(json!({"patientappointmentreasons": items, "totalcount": n}))
        }
        _ => return None,
    })
}
