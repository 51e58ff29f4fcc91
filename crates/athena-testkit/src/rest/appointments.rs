//! Scheduling: open slots, booked appointments, book / cancel / reschedule / check-in /
//! check-out, updates of booked appointments.

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use super::patients::{patient_json, stringify_bools};
use super::{Cx, d, dt, envelope, page, parse_date, seg_id, slice};
use crate::data::schedule::Appointment;
use crate::data::tables::{APPOINTMENT_TYPES, REASONS};
use crate::feeds::Scope;
use crate::http::{Reply, Req, require};
use crate::state::Practice;
use crate::stats::ops;

/// An open slot (`appointmentid`, `departmentid`, `providerid` as numbers).
pub(crate) fn open_json(a: &Appointment, reasonid: &str) -> Value {
    json!({
        "date": d(a.date),
        "appointmentid": a.id,
        "departmentid": a.departmentid,
        "localproviderid": a.providerid,
        "providerid": a.providerid,
        "starttime": a.start.format("%H:%M").to_string(),
        "duration": a.duration,
        "appointmenttypeid": a.type_id(),
        "appointmenttype": a.type_name(),
        "patientappointmenttypename": a.patient_type_name(),
        "reasonid": [reasonid],
        "frozen": a.frozen,
    })
}

/// A booked appointment (ids as strings, `duration` and `copay` numbers).
pub(crate) fn booked_json(a: &Appointment) -> Value {
    let mut v = json!({
        "date": d(a.date),
        "appointmentid": a.id.to_string(),
        "starttime": a.start.format("%H:%M").to_string(),
        "departmentid": a.departmentid.to_string(),
        "appointmentstatus": a.status,
        "duration": a.duration,
        "appointmenttypeid": a.type_id().to_string(),
        "templateappointmenttypeid": a.type_id().to_string(),
        "appointmenttype": a.type_name(),
        "patientappointmenttypename": a.patient_type_name(),
        "providerid": a.providerid.to_string(),
        "hl7providerid": a.providerid,
        "templateappointmentid": a.rescheduled_from.unwrap_or(a.id).to_string(),
        "chargeentrynotrequired": false,
        "coordinatorenterprise": false,
        "lastmodified": dt(a.lastmodified),
        "lastmodifiedby": "API-SANDBOX",
        "frozenyn": if a.frozen { "Y" } else { "N" },
    });
    if let Some(pid) = a.patientid {
        v["patientid"] = json!(pid.to_string());
        v["scheduledby"] = json!("API-SANDBOX");
        v["copay"] = json!(a.copay);
        v["appointmentcopay"] = json!({"collectedforother": 0, "collectedforappointment": 0, "insurancecopay": a.copay});
    }
    if let Some(s) = a.scheduled {
        v["scheduleddatetime"] = json!(dt(s));
    }
    if !a.bookingnote.is_empty() {
        v["appointmentnotes"] =
            json!([{"displayonschedule": true, "text": a.bookingnote, "id": a.id % 100_000}]);
    }
    if let Some(c) = a.cancelled {
        v["cancelleddatetime"] = json!(dt(c));
        v["cancelledby"] = json!("API-SANDBOX");
        v["cancelreasonname"] = json!(a.cancelreason.clone().unwrap_or_default());
        v["cancelreasonid"] = json!("1");
        v["cancelreasonnoshow"] = json!(false);
        v["cancelreasonslotavailable"] = json!(true);
    }
    if let Some(t) = a.startcheckin {
        v["startcheckin"] = json!(dt(t));
    }
    if let Some(t) = a.checkin {
        v["checkindatetime"] = json!(dt(t));
    }
    if let Some(t) = a.checkout {
        v["checkoutdatetime"] = json!(dt(t));
    }
    if let Some(r) = a.rescheduled_from {
        v["rescheduledappointmentid"] = json!(r.to_string());
    }
    v
}

fn booked_with_details(p: &Practice, a: &Appointment, req: &Req) -> Value {
    let mut v = booked_json(a);
    if let Some(pid) = a.patientid
        && let Some(pat) = p.patient(pid)
    {
        if req.flag("showpatientdetail") {
            v["patient"] = stringify_bools(patient_json(p, &pat, None));
        }
        if req.flag("showinsurance") {
            let ins: Vec<Value> = p
                .insurances(&pat)
                .iter()
                .map(|i| super::insurances::insurance_json(i, &pat))
                .collect();
            v["insurances"] = Value::Array(ins);
        }
        if req.flag("showclaimdetail") {
            let claims: Vec<Value> = p
                .claims
                .values()
                .filter(|c| c.appointmentid == Some(a.id))
                .map(|c| json!({"claimid": c.id.to_string(), "procedures": c.lines.iter().map(|l| json!({"procedurecode": l.cpt, "proceduredescription": l.description})).collect::<Vec<_>>()}))
                .collect();
            v["claims"] = Value::Array(claims);
        }
    }
    v
}

fn emit(p: &mut Practice, event: &str, a: &Appointment) {
    let item = booked_json(a);
    p.feeds.emit(
        "appointments",
        event,
        item,
        Scope {
            departmentid: Some(a.departmentid),
            patientid: a.patientid,
            providerid: Some(a.providerid),
        },
    );
}

fn conflict() -> Reply {
    Reply::error(
        409,
        "That appointment time was already booked or not available for booking.",
        "The appointment ID is already booked or is not marked as being available to be scheduled via the API.",
    )
}

fn date_range(
    req: &Req,
    today: NaiveDate,
    default_days: i64,
) -> Result<(NaiveDate, NaiveDate), Reply> {
    let start = parse_date(req, "startdate")?.unwrap_or(today);
    let end = parse_date(req, "enddate")?.unwrap_or(start + Duration::days(default_days));
    Ok((start, end))
}

fn ids(req: &Req, name: &str) -> Result<Vec<u64>, Reply> {
    req.params(name)
        .iter()
        .map(|v| v.parse::<u64>().map_err(|_| Reply::invalid_fields(&[name])))
        .collect()
}

fn open(cx: &mut Cx<'_>) -> Reply {
    let req = cx.req;
    if req.param("departmentid").is_none() {
        return Reply::missing(&["departmentid"]);
    }
    if req.param("appointmenttypeid").is_none() && req.param("reasonid").is_none() {
        return Reply::json(
            400,
            json!({"error": "Additional fields are required.", "detailedmessage": "Either an appointmenttypeid or a reasonid is required.", "missingfields": ["appointmenttypeid", "reasonid"]}),
        );
    }
    let depts = match ids(req, "departmentid") {
        Ok(v) => v,
        Err(e) => return e,
    };
    let provs = match ids(req, "providerid") {
        Ok(v) => v,
        Err(e) => return e,
    };
    let mut types: Option<Vec<u64>> = None;
    let reason = req.param("reasonid").map(str::to_string);
    if let Some(r) = &reason
        && r != "-1"
    {
        if provs.is_empty() {
            return Reply::missing(&["providerid"]);
        }
        let mut t = Vec::new();
        for rid in r.split(',') {
            match REASONS
                .iter()
                .find(|x| x.reasonid.to_string() == rid.trim())
            {
                Some(x) => t.push(x.appointment_type_id),
                None => return Reply::invalid(&format!("The reasonid {rid} is not valid.")),
            }
        }
        types = Some(t);
    }
    if let Some(t) = req.param("appointmenttypeid") {
        match t.parse::<u64>() {
            Ok(t) if APPOINTMENT_TYPES.iter().any(|x| x.id == t) => types = Some(vec![t]),
            _ => return Reply::invalid_fields(&["appointmenttypeid"]),
        }
    }
    let today = cx.now().date();
    let (start, end) = match date_range(req, today, 7) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let pg = match page(req, 1000, 10000) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let show_frozen = req.flag("showfrozenslots");
    let reason_label = reason.unwrap_or_else(|| "-1".into());
    let all: Vec<&Appointment> =
        cx.p.appointments
            .values()
            .filter(|a| {
                a.status == "o"
                    && (show_frozen || !a.frozen)
                    && a.date >= start
                    && a.date <= end
                    && a.date >= today
                    && depts.contains(&a.departmentid)
                    && (provs.is_empty() || provs.contains(&a.providerid))
                    && types.as_ref().is_none_or(|t| t.contains(&a.type_id()))
            })
            .collect();
    let items = slice(&all, pg)
        .into_iter()
        .map(|a| {
            let rid = if reason_label == "-1" {
                "-1".to_string()
            } else {
                REASONS
                    .iter()
                    .find(|r| r.appointment_type_id == a.type_id())
                    .map_or("-1".into(), |r| r.reasonid.to_string())
            };
            open_json(a, &rid)
        })
        .collect();
    Reply::ok(envelope(
        cx.p.id,
        req,
        "appointments/open",
        "appointments",
        items,
        all.len(),
        pg,
    ))
}

fn booked(cx: &mut Cx<'_>) -> Reply {
    let req = cx.req;
    let mut missing = Vec::new();
    if req.param("startdate").is_none() {
        missing.push("startdate");
    }
    if req.param("enddate").is_none() {
        missing.push("enddate");
    }
    if req.param("departmentid").is_none() && req.param("providerid").is_none() {
        missing.push("departmentid");
        missing.push("providerid");
    }
    if !missing.is_empty() {
        return Reply::json(
            400,
            json!({"error": "Additional fields are required.", "detailedmessage": "A start date, an end date and a department or provider are required.", "missingfields": missing}),
        );
    }
    let today = cx.now().date();
    let (start, end) = match date_range(req, today, 0) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let (depts, provs, pats) = match (
        ids(req, "departmentid"),
        ids(req, "providerid"),
        ids(req, "patientid"),
    ) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e,
    };
    let pg = match page(req, 1000, 10000) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let show_cancelled = req.flag("showcancelled");
    let status = req.param("appointmentstatus").map(str::to_string);
    let all: Vec<&Appointment> =
        cx.p.appointments
            .values()
            .filter(|a| {
                a.patientid.is_some()
                    && a.date >= start
                    && a.date <= end
                    && (depts.is_empty() || depts.contains(&a.departmentid))
                    && (provs.is_empty() || provs.contains(&a.providerid))
                    && (pats.is_empty() || a.patientid.is_some_and(|p| pats.contains(&p)))
                    && match &status {
                        Some(s) => a.status == *s,
                        None => show_cancelled || a.status != "x",
                    }
            })
            .collect();
    let items = slice(&all, pg)
        .into_iter()
        .map(|a| booked_with_details(cx.p, a, req))
        .collect();
    Reply::ok(envelope(
        cx.p.id,
        req,
        "appointments/booked",
        "appointments",
        items,
        all.len(),
        pg,
    ))
}

fn patient_param(cx: &Cx<'_>) -> Result<u64, Reply> {
    if let Some(r) = require(cx.req, &["patientid"]) {
        return Err(r);
    }
    match cx
        .req
        .param("patientid")
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(p) if cx.p.patient(p).is_some_and(|x| x.status != "deleted") => Ok(p),
        _ => Err(Reply::invalid("The patient ID is not valid.")),
    }
}

fn book(cx: &mut Cx<'_>, id: u64) -> Reply {
    let pid = match patient_param(cx) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let req = cx.req;
    let mut new_type = None;
    if let Some(t) = req.param("appointmenttypeid") {
        match APPOINTMENT_TYPES.iter().position(|x| x.id.to_string() == t) {
            Some(i) => new_type = Some(i),
            None => return Reply::invalid_fields(&["appointmenttypeid"]),
        }
    } else if let Some(r) = req.param("reasonid") {
        match REASONS
            .iter()
            .find(|x| x.reasonid.to_string() == r)
            .and_then(|x| {
                APPOINTMENT_TYPES
                    .iter()
                    .position(|t| t.id == x.appointment_type_id)
            }) {
            Some(i) => new_type = Some(i),
            None => return Reply::invalid_fields(&["reasonid"]),
        }
    }
    let now = cx.now();
    let Some(a) = cx.p.appointments.get_mut(&id) else {
        return conflict();
    };
    if a.status != "o" || a.frozen || a.patientid.is_some() {
        return conflict();
    }
    a.status = "f".into();
    a.patientid = Some(pid);
    a.scheduled = Some(now);
    a.lastmodified = now;
    if let Some(t) = new_type {
        a.appttype = t;
        a.duration = APPOINTMENT_TYPES[t].duration;
    }
    a.bookingnote = req.param("bookingnote").unwrap_or_default().to_string();
    let a = a.clone();
    emit(cx.p, "ScheduleAppointment", &a);
    cx.wrote(ops::BOOK_APPOINTMENT);
    Reply::ok(json!([booked_json(&a)]))
}

fn cancel(cx: &mut Cx<'_>, id: u64) -> Reply {
    let pid = match patient_param(cx) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let now = cx.now();
    let reason = cx
        .req
        .param("cancellationreason")
        .unwrap_or("PATIENT CANCELLED")
        .to_string();
    let Some(a) = cx.p.appointments.get_mut(&id) else {
        return Reply::not_found("appointment ID");
    };
    if a.patientid != Some(pid) {
        return Reply::invalid("The patient ID does not match the appointment.");
    }
    if a.status != "f" {
        return Reply::error(
            400,
            "The appointment could not be cancelled.",
            "Only future appointments that are not checked in can be cancelled.",
        );
    }
    a.status = "x".into();
    a.cancelled = Some(now);
    a.cancelreason = Some(reason);
    a.lastmodified = now;
    let a = a.clone();
    // The slot becomes available again under a new id, as athena does.
    if a.date >= now.date() {
        let mut slot = a.clone();
        slot.id = cx.p.next_appointment;
        cx.p.next_appointment += 1;
        slot.status = "o".into();
        slot.patientid = None;
        slot.scheduled = None;
        slot.cancelled = None;
        slot.cancelreason = None;
        slot.bookingnote.clear();
        slot.lastmodified = now;
        cx.p.appointments.insert(slot.id, slot);
    }
    emit(cx.p, "CancelAppointment", &a);
    cx.wrote(ops::CANCEL_APPOINTMENT);
    Reply::ok(json!({"status": "x"}))
}

fn reschedule(cx: &mut Cx<'_>, id: u64) -> Reply {
    if let Some(r) = require(cx.req, &["newappointmentid", "patientid"]) {
        return r;
    }
    let pid = match patient_param(cx) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let Some(new_id) = cx
        .req
        .param("newappointmentid")
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return Reply::invalid_fields(&["newappointmentid"]);
    };
    let now = cx.now();
    match cx.p.appointments.get(&id) {
        Some(old) if old.patientid == Some(pid) && old.status == "f" => {}
        Some(_) => {
            return Reply::invalid("The appointment to reschedule is not booked for this patient.");
        }
        None => return Reply::not_found("appointment ID"),
    }
    match cx.p.appointments.get(&new_id) {
        Some(n) if n.status == "o" && !n.frozen => {}
        _ => return conflict(),
    }
    let old = {
        let Some(o) = cx.p.appointments.get_mut(&id) else {
            return Reply::not_found("appointment ID");
        };
        o.status = "x".into();
        o.cancelled = Some(now);
        o.cancelreason = Some(
            cx.req
                .param("reschedulereason")
                .unwrap_or("RESCHEDULED")
                .to_string(),
        );
        o.lastmodified = now;
        o.clone()
    };
    let new = {
        let Some(n) = cx.p.appointments.get_mut(&new_id) else {
            return conflict();
        };
        n.status = "f".into();
        n.patientid = Some(pid);
        n.scheduled = Some(now);
        n.lastmodified = now;
        n.rescheduled_from = Some(id);
        n.appttype = old.appttype;
        n.clone()
    };
    emit(cx.p, "CancelAppointment", &old);
    emit(cx.p, "ScheduleAppointment", &new);
    cx.wrote(ops::RESCHEDULE_APPOINTMENT);
    // The reschedule answer carries copay amounts as strings.
    let mut v = booked_json(&new);
    v["copay"] = json!(new.copay.to_string());
    v["appointmentcopay"] = json!(new.copay.to_string());
    Reply::ok(json!([v]))
}

fn checkin_step(cx: &mut Cx<'_>, id: u64, step: &str) -> Reply {
    let now = cx.now();
    let Some(a) = cx.p.appointments.get_mut(&id) else {
        return Reply::not_found("appointment ID");
    };
    let ok = match step {
        "startcheckin" if a.status == "f" => {
            a.startcheckin = Some(now);
            true
        }
        "cancelcheckin" if a.status == "f" || a.status == "2" => {
            a.startcheckin = None;
            if a.status == "2" {
                a.status = "f".into();
                a.checkin = None;
            }
            true
        }
        "checkin" if a.status == "f" => {
            a.status = "2".into();
            a.checkin = Some(now);
            true
        }
        "checkout" if a.status == "2" => {
            a.status = "3".into();
            a.checkout = Some(now);
            true
        }
        _ => false,
    };
    if !ok {
        return Reply::error(
            400,
            "The appointment is not in a state that allows this action.",
            &format!("Cannot {step} an appointment with status {}.", a.status),
        );
    }
    a.lastmodified = now;
    let a = a.clone();
    match step {
        "checkin" => {
            emit(cx.p, "CheckIn", &a);
            cx.wrote(ops::CHECK_IN);
        }
        "checkout" => {
            emit(cx.p, "CheckOut", &a);
            cx.wrote(ops::CHECK_OUT);
        }
        _ => {}
    }
    Reply::ok(json!({"success": "true"}))
}

fn update_booked(cx: &mut Cx<'_>, id: u64) -> Reply {
    let req = cx.req;
    let bare = |s: &str| Reply::ok(json!(s));
    let prov = match req.param("providerid").map(|v| v.parse::<u64>()) {
        None => None,
        Some(Ok(p)) if cx.p.has_provider(p) => Some(p),
        Some(_) => return bare("Invalid PROVIDERID input"),
    };
    let dept = match req.param("departmentid").map(|v| v.parse::<u64>()) {
        None => None,
        Some(Ok(d)) if cx.p.has_department(d) => Some(d),
        Some(_) => return bare("Invalid DEPARTMENTID input"),
    };
    let typ = match req.param("appointmenttypeid") {
        None => None,
        Some(t) => match APPOINTMENT_TYPES.iter().position(|x| x.id.to_string() == t) {
            Some(i) => Some(i),
            None => return bare("Invalid APPOINTMENTTYPEID input"),
        },
    };
    let now = cx.now();
    let Some(a) = cx.p.appointments.get_mut(&id) else {
        return bare("Invalid APPOINTMENTID input");
    };
    if a.patientid.is_none() || a.status == "x" {
        return bare("The appointment is not booked.");
    }
    if let Some(p) = prov {
        a.providerid = p;
    }
    if let Some(d) = dept {
        a.departmentid = d;
    }
    if let Some(t) = typ {
        a.appttype = t;
    }
    a.lastmodified = now;
    let a = a.clone();
    emit(cx.p, "UpdateAppointment", &a);
    cx.wrote(ops::UPDATE_APPOINTMENT);
    Reply::ok(json!(1))
}

fn freeze(cx: &mut Cx<'_>, id: u64) -> Reply {
    let want = !matches!(
        cx.req
            .param("freeze")
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("false")
    );
    let Some(a) = cx.p.appointments.get_mut(&id) else {
        return Reply::not_found("appointment ID");
    };
    if a.status != "o" {
        return Reply::ok(
            json!({"success": false, "errormessage": "Only open appointment slots can be frozen."}),
        );
    }
    if a.frozen == want {
        let msg = if want {
            "Appointment is already frozen."
        } else {
            "Appointment is not frozen."
        };
        return Reply::ok(json!({"success": false, "errormessage": msg}));
    }
    a.frozen = want;
    let a = a.clone();
    emit(
        cx.p,
        if want {
            "FreezeAppointment"
        } else {
            "UnfreezeAppointment"
        },
        &a,
    );
    Reply::ok(json!({"success": true, "errormessage": ""}))
}

pub(crate) fn route(cx: &mut Cx<'_>, segs: &[&str]) -> Option<Reply> {
    let m = cx.req.method.clone();
    let ["appointments", rest @ ..] = segs else {
        return None;
    };
    Some(match (m.as_str(), rest) {
        ("GET", ["open"]) => open(cx),
        ("GET", ["booked"]) => booked(cx),
        ("PUT", ["booked", id]) => match seg_id(id) {
            Some(i) => update_booked(cx, i),
            None => Reply::ok(json!("Invalid APPOINTMENTID input")),
        },
        (_, [id, tail @ ..]) => {
            let Some(id) = seg_id(id) else {
                return Some(Reply::unknown_path());
            };
            match (m.as_str(), tail) {
                ("GET", []) => match cx.p.appointments.get(&id) {
                    Some(a) if a.status == "o" => Reply::ok(json!([booked_json(a)])),
                    Some(a) => Reply::ok(json!([booked_with_details(cx.p, a, cx.req)])),
                    None => Reply::not_found("appointment ID"),
                },
                ("PUT", []) => book(cx, id),
                ("PUT", ["cancel"]) => cancel(cx, id),
                ("PUT", ["reschedule"]) => reschedule(cx, id),
                ("PUT", ["freeze"]) => freeze(cx, id),
                ("GET", ["checkin"]) => match cx.p.appointments.get(&id) {
                    Some(a) => Reply::ok(checkin_requirements(a)),
                    None => Reply::not_found("appointment ID"),
                },
                ("POST", [step @ ("startcheckin" | "checkin" | "cancelcheckin" | "checkout")]) => {
                    checkin_step(cx, id, step)
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// `GET /appointments/{id}/checkin`: an array of sections, as athena answers (the `Check In`
/// section carries a lone object in `fields`).
fn checkin_requirements(a: &Appointment) -> Value {
    let status = match (a.checkin.is_some(), a.startcheckin.is_some()) {
        (true, _) => "Checked In",
        (false, true) => "During Check In",
        (false, false) => "Before Check In",
    };
    json!([
        {"fields": {"status": status}, "required": false, "name": "Check In", "complete": a.checkin.is_some()},
        {"fields": [{"valid": true, "field": "dob"}, {"valid": true, "field": "sex"},
                    {"valid": true, "field": "firstname"}, {"valid": true, "field": "lastname"}],
         "required": true, "name": "Demographics", "complete": true},
        {"fields": [{}], "required": true, "name": "Insurance", "complete": true},
        {"fields": [{"status": "Incomplete", "formname": "Privacy Notice"}],
         "required": false, "name": "Privacy and Consent Forms", "complete": false}
    ])
}
