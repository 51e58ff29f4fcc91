//! Appointment notes (`GET|POST /appointments/{id}/notes`: `{"notes": [...], "totalcount"}`
//! with string `noteid`, `MM/DD/YYYY HH:MM:SS` `created`, as in go-athenahealth
//! `ListAppointmentNotes.json`; adding answers `{"success":"true"}` as in the cassette
//! `create_appointment_note.yml`), slot creation (`POST /appointments/open` →
//! `{"appointmentids": {"<id>": "HH:MM"}}`, cassette `create_appointment_slot.yml`; without a
//! type or reason the recorded 400) and the waitlist (`POST /appointments/waitlist` →
//! `{"waitlistid": N}`, cassette `create_appointment_waitlist.yml`; listing it is modelled on
//! athena's documented output fields, no recording).

use chrono::{NaiveDate, NaiveTime};
use serde_json::{Map, Value, json};

use super::super::appointments::booked_json;
use super::super::{Cx, dt, envelope, page, parse_date, seg_id, slice};
use super::{Note, WaitEntry};
use crate::data::schedule::Appointment;
use crate::data::tables::{APPOINTMENT_TYPES, REASONS};
use crate::feeds::Scope;
use crate::http::{Reply, require};
use crate::stats::ops;

fn appointment_id(cx: &Cx<'_>, seg: &str) -> Result<u64, Reply> {
    seg_id(seg)
        .filter(|id| cx.p.appointments.contains_key(id))
        .ok_or_else(|| Reply::not_found("appointment ID"))
}

fn note_json(n: &Note) -> Value {
    json!({
        "displayonschedule": n.displayonschedule,
        "notetext": n.text,
        "noteid": n.id.to_string(),
        "created": dt(n.created),
        "createdby": "API-SANDBOX",
    })
}

pub(super) fn list_notes(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let id = appointment_id(cx, seg)?;
    let pg = page(cx.req, 1500, 5000)?;
    let mut all = Vec::new();
    if let Some(a) = cx.p.appointments.get(&id)
        && !a.bookingnote.is_empty()
    {
        // The booking note is the appointment's first note.
        all.push(note_json(&Note {
            id: a.id % 100_000,
            text: a.bookingnote.clone(),
            created: a.scheduled.unwrap_or(a.lastmodified),
            displayonschedule: true,
        }));
    }
    if let Some(notes) = cx.p.extras.notes.get(&id) {
        all.extend(notes.iter().map(note_json));
    }
    let items = slice(&all, pg);
    Ok(Reply::ok(envelope(
        cx.p.id,
        cx.req,
        &format!("appointments/{id}/notes"),
        "notes",
        items,
        all.len(),
        pg,
    )))
}

pub(super) fn add_note(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let id = appointment_id(cx, seg)?;
    if let Some(r) = require(cx.req, &["notetext"]) {
        return Err(r);
    }
    let note = Note {
        id: cx.p.extras.note_id(),
        text: cx.req.param("notetext").unwrap_or_default().to_string(),
        created: cx.now(),
        displayonschedule: cx.req.flag("displayonschedule"),
    };
    cx.p.extras.notes.entry(id).or_default().push(note);
    cx.wrote(ops::ADD_APPOINTMENT_NOTE);
    Ok(Reply::ok(json!({"success": "true"})))
}

/// The appointment-type index of the request's `appointmenttypeid` or `reasonid`.
fn slot_type(cx: &Cx<'_>) -> Result<usize, Reply> {
    if let Some(t) = cx.req.param("appointmenttypeid") {
        let t: u64 = t
            .trim()
            .parse()
            .map_err(|_| Reply::invalid_fields(&["appointmenttypeid"]))?;
        return APPOINTMENT_TYPES
            .iter()
            .position(|a| a.id == t)
            .ok_or_else(|| Reply::invalid_fields(&["appointmenttypeid"]));
    }
    if let Some(r) = cx.req.param("reasonid") {
        let r: u64 = r
            .trim()
            .parse()
            .map_err(|_| Reply::invalid_fields(&["reasonid"]))?;
        let t = REASONS
            .iter()
            .find(|x| x.reasonid == r)
            .map(|x| x.appointment_type_id)
            .ok_or_else(|| Reply::invalid_fields(&["reasonid"]))?;
        return APPOINTMENT_TYPES
            .iter()
            .position(|a| a.id == t)
            .ok_or_else(|| Reply::invalid_fields(&["reasonid"]));
    }
    Err(Reply::error(
        400,
        "Additional fields are required.",
        "An appointment type or reason must be provided.",
    ))
}

pub(super) fn create_slots(cx: &mut Cx<'_>) -> Result<Reply, Reply> {
    if let Some(r) = require(
        cx.req,
        &[
            "departmentid",
            "appointmentdate",
            "appointmenttime",
            "providerid",
        ],
    ) {
        return Err(r);
    }
    let dept = super::super::id_param(cx.req, "departmentid")?
        .filter(|d| cx.p.has_department(*d))
        .ok_or_else(|| Reply::invalid_fields(&["departmentid"]))?;
    let prov = super::super::id_param(cx.req, "providerid")?
        .filter(|p| cx.p.has_provider(*p))
        .ok_or_else(|| Reply::invalid_fields(&["providerid"]))?;
    let date = parse_date(cx.req, "appointmentdate")?
        .ok_or_else(|| Reply::missing(&["appointmentdate"]))?;
    let appttype = slot_type(cx)?;
    let mut times = Vec::new();
    for t in cx.req.params("appointmenttime") {
        let time = NaiveTime::parse_from_str(&t, "%H:%M")
            .map_err(|_| Reply::invalid(&format!("Expecting format time, but value is {t}")))?;
        if !times.contains(&time) {
            times.push(time);
        }
    }
    let now = cx.now();
    let mut ids = Map::new();
    for start in times {
        let id = cx.p.next_appointment;
        cx.p.next_appointment += 1;
        let a = Appointment {
            id,
            date,
            start,
            duration: APPOINTMENT_TYPES[appttype].duration,
            departmentid: dept,
            providerid: prov,
            appttype,
            status: "o".into(),
            patientid: None,
            scheduled: None,
            lastmodified: now,
            cancelreason: None,
            cancelled: None,
            startcheckin: None,
            checkin: None,
            checkout: None,
            bookingnote: String::new(),
            rescheduled_from: None,
            frozen: false,
            copay: 0,
        };
        ids.insert(id.to_string(), json!(start.format("%H:%M").to_string()));
        let item = booked_json(&a);
        cx.p.appointments.insert(id, a);
        cx.p.feeds.emit(
            "appointments",
            "AddAppointmentSlot",
            item,
            Scope {
                departmentid: Some(dept),
                patientid: None,
                providerid: Some(prov),
            },
        );
    }
    cx.wrote(ops::CREATE_SLOTS);
    Ok(Reply::ok(json!({"appointmentids": ids})))
}

pub(super) fn add_waitlist(cx: &mut Cx<'_>) -> Result<Reply, Reply> {
    if let Some(r) = require(cx.req, &["patientid", "departmentid"]) {
        return Err(r);
    }
    super::super::id_param(cx.req, "patientid")?
        .filter(|p| cx.p.patient(*p).is_some())
        .ok_or_else(|| Reply::not_found("patient ID"))?;
    super::super::id_param(cx.req, "departmentid")?
        .filter(|d| cx.p.has_department(*d))
        .ok_or_else(|| Reply::invalid_fields(&["departmentid"]))?;
    if let Some(prov) = super::super::id_param(cx.req, "providerid")?
        && !cx.p.has_provider(prov)
    {
        return Err(Reply::invalid_fields(&["providerid"]));
    }
    let patientid = super::super::id_param(cx.req, "patientid")?.unwrap_or(0);
    let departmentid = super::super::id_param(cx.req, "departmentid")?.unwrap_or(0);
    let providerid = super::super::id_param(cx.req, "providerid")?;
    let appointmenttypeid = super::super::id_param(cx.req, "appointmenttypeid")?;
    let hour = |name: &str| -> Result<Option<u64>, Reply> {
        match super::super::id_param(cx.req, name)? {
            Some(h) if h > 23 => Err(Reply::invalid_fields(&[name])),
            h => Ok(h),
        }
    };
    let (hourfrom, hourto) = (hour("hourfrom")?, hour("hourto")?);
    let priority = cx
        .req
        .param("priority")
        .map(|p| p.trim().to_uppercase())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "NORMAL".into());
    if !["LOW", "NORMAL", "HIGH"].contains(&priority.as_str()) {
        return Err(Reply::invalid_fields(&["priority"]));
    }
    cx.p.extras.waitlist_added += 1;
    let id = 1_000 + cx.p.extras.waitlist_added;
    let entry = WaitEntry {
        id,
        patientid,
        departmentid,
        providerid,
        appointmenttypeid,
        priority,
        note: cx.req.param("note").unwrap_or_default().to_string(),
        hourfrom,
        hourto,
        days: Vec::new(),
        created: cx.now(),
    };
    cx.p.extras.waitlist.push(entry);
    cx.wrote(ops::ADD_WAITLIST);
    Ok(Reply::ok(json!({"waitlistid": id})))
}

/// The practice's standing waitlist: about one base patient in eleven waits for an earlier
/// visit with their primary provider, in their department, derived from the patient id so
/// it is the same for every run of a seed.
fn generated_waitlist(cx: &Cx<'_>) -> Vec<WaitEntry> {
    let (d, m) = (
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
        NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
    );
    (1..=cx.p.base_patients.min(400))
        .filter(|id| id % 11 == 4)
        .filter_map(|id| cx.p.patient(id))
        .map(|pat| {
            let k = pat.id;
            let types: Vec<u64> = APPOINTMENT_TYPES.iter().map(|t| t.id).collect();
            WaitEntry {
                id: 500 + k,
                patientid: k,
                departmentid: pat.departmentid,
                providerid: (k % 3 != 0).then_some(pat.primaryproviderid),
                appointmenttypeid: types.get((k as usize) % types.len().max(1)).copied(),
                priority: ["NORMAL", "HIGH", "LOW"][(k % 3) as usize].into(),
                note: ["Prefers mornings", "Can come on short notice", ""][(k % 3) as usize].into(),
                hourfrom: Some(7 + k % 4),
                hourto: Some(12 + k % 6),
                days: vec![2 + k % 5, 2 + (k + 2) % 5],
                created: (d + chrono::Duration::days((k % 300) as i64)).and_time(m),
            }
        })
        .collect()
}

fn waitlist_json(w: &WaitEntry) -> Value {
    let mut v = json!({
        "waitlistid": w.id,
        "patientid": w.patientid.to_string(),
        "departmentid": w.departmentid.to_string(),
        "priority": w.priority,
        "dayofweekids": w.days,
        "created": dt(w.created),
        "allowanydepartment": "false",
    });
    if let Some(p) = w.providerid {
        v["providerid"] = json!(p.to_string());
    }
    if let Some(t) = w.appointmenttypeid {
        v["appointmenttypeid"] = json!(t.to_string());
    }
    if let Some(h) = w.hourfrom {
        v["hourfrom"] = json!(h);
    }
    if let Some(h) = w.hourto {
        v["hourto"] = json!(h);
    }
    if !w.note.is_empty() {
        v["note"] = json!(w.note);
    }
    v
}

/// `GET /appointments/waitlist` (item key `waitlists`; no recording, the SDK accepts several
/// keys). Filters: `departmentid`, `patientid`, `providerid`, `appointmenttypeid`,
/// `priority`; paged.
pub(super) fn list_waitlist(cx: &mut Cx<'_>) -> Result<Reply, Reply> {
    let num = |n: &str| super::super::id_param(cx.req, n);
    let (dept, pat, prov, kind) = (
        num("departmentid")?,
        num("patientid")?,
        num("providerid")?,
        num("appointmenttypeid")?,
    );
    let priority = cx.req.param("priority").map(|p| p.trim().to_uppercase());
    let pg = page(cx.req, 1500, 5000)?;
    let mut all = generated_waitlist(cx);
    all.extend(cx.p.extras.waitlist.iter().cloned());
    let all: Vec<Value> = all
        .iter()
        .filter(|w| {
            dept.is_none_or(|d| d == w.departmentid)
                && pat.is_none_or(|p| p == w.patientid)
                && prov.is_none_or(|p| Some(p) == w.providerid)
                && kind.is_none_or(|t| Some(t) == w.appointmenttypeid)
                && priority.as_ref().is_none_or(|p| *p == w.priority)
        })
        .map(waitlist_json)
        .collect();
    let items = slice(&all, pg);
    Ok(Reply::ok(envelope(
        cx.p.id,
        cx.req,
        "appointments/waitlist",
        "waitlists",
        items,
        all.len(),
        pg,
    )))
}
