//! Appointment notes, slot creation and the waitlist.
//!
//! Sources: notes (`GET /appointments/{appointmentid}/notes`, item key `notes`) are recorded in
//! eleanorhealth/go-athenahealth `ListAppointmentNotes.json` and in the preview cassette
//! `appointment_notes.yml` (HTD-Health/athena_health); adding a note answers
//! `{"success":"true"}` (cassette `create_appointment_note.yml`). Slot creation
//! (`POST /appointments/open`) answers `{"appointmentids": {"<id>": "HH:MM"}}` (eleanor
//! `CreateAppointmentSlot.json`, cassette `create_appointment_slot.yml`). Adding to the
//! waitlist answers `{"waitlistid": 1174}` (cassette `create_appointment_waitlist.yml`).

use athena_core::codec::{AthenaDateTime, AthenaTime};
use athena_core::ids::{AppointmentId, AppointmentTypeId, DepartmentId, PatientId, ProviderId};
use athena_core::phi::Phi;

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// A note on an appointment. Verified against two recordings.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct AppointmentNote {
    /// Note id (a string on the wire).
    pub noteid: Option<u64>,
    /// The note (free text about a patient's visit: PHI).
    pub notetext: Option<Phi<String>>,
    /// When it was written (`MM/DD/YYYY HH:MM:SS`).
    pub created: Option<AthenaDateTime>,
    /// Who wrote it (a username).
    pub createdby: Option<String>,
    /// Whether it shows on the schedule.
    pub displayonschedule: Option<bool>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /appointments/open` → `{"appointmentids": {"<appointmentid>": "HH:MM", …}}`: one
/// new open slot per requested time. Read the slots with [`SlotsCreated::slots`].
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct SlotsCreated {
    /// athena's map from new appointment id to its start time, kept as sent.
    pub appointmentids: Option<serde_json::Value>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One slot created by `POST /appointments/open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreatedSlot {
    /// The new open slot's id.
    pub appointmentid: AppointmentId,
    /// Its start time, department-local.
    pub starttime: AthenaTime,
}

impl SlotsCreated {
    /// The created slots, ordered by id. An entry that is not an id and a time (in either
    /// orientation: recordings show `{"id": "time"}`, older notes `{"time": "id"}`) is skipped;
    /// [`SlotsCreated::unreadable`] counts those.
    pub fn slots(&self) -> Vec<CreatedSlot> {
        let mut out: Vec<CreatedSlot> = self.entries().flatten().collect();
        out.sort_by_key(|s| s.appointmentid.get());
        out
    }

    /// How many entries of `appointmentids` could not be read as an id and a time.
    pub fn unreadable(&self) -> usize {
        self.entries().filter(Option::is_none).count()
    }

    fn entries(&self) -> impl Iterator<Item = Option<CreatedSlot>> + '_ {
        let map = self.appointmentids.as_ref().and_then(|v| v.as_object());
        map.into_iter().flatten().map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s.trim().to_owned(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => return None,
            };
            let k = k.trim();
            let pair = |id: &str, time: &str| {
                Some(CreatedSlot {
                    appointmentid: id.parse().ok()?,
                    starttime: time.parse().ok()?,
                })
            };
            pair(k, &v).or_else(|| pair(&v, k))
        })
    }
}

/// `POST /appointments/waitlist` → `{"waitlistid": 1174}` (verified against a recording).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct WaitlistCreated {
    /// The new waitlist entry's id.
    pub waitlistid: Option<u64>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One entry of the practice's appointment waitlist (`GET /appointments/waitlist`).
///
/// Sources: the output fields of "Get appointment waitlist" as listed by
/// <https://docs.athenahealth.com/api/api-ref/appointment-waitlist> (input filters:
/// `priority`, `dayofweekids`, `hourfrom`, `patientid`, `appointmentid`,
/// `appointmenttypeid`, `providerid`, `departmentid`) and by the athena data catalogue of
/// <https://docs.xcaliber.health/resources/ehr-model-catalog/athena-data-catalogue/waitlist>
/// (`appointmentid`, `appointmenttypeid`, `created`, `dayofweekids`, `departmentid`,
/// `hourfrom`, `hourto`, `note`, `patientid`, `priority`, `providerid`, `waitlistid`,
/// `allowanydepartment`). No recording exists: the field types and the item key are
/// unverified (the endpoint accepts `waitlists`, `waitlist`, `waitlistentries` or a bare
/// array).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct WaitlistEntry {
    /// The entry's id (as `POST /appointments/waitlist` answers it).
    pub waitlistid: Option<u64>,
    /// The patient waiting.
    pub patientid: Option<PatientId>,
    /// Department wanted.
    pub departmentid: Option<DepartmentId>,
    /// Whether any department will do.
    pub allowanydepartment: Option<bool>,
    /// Provider wanted (absent: any provider).
    pub providerid: Option<ProviderId>,
    /// Appointment type wanted.
    pub appointmenttypeid: Option<AppointmentTypeId>,
    /// The booked appointment this entry would replace, if any.
    pub appointmentid: Option<AppointmentId>,
    /// `LOW`, `NORMAL` or `HIGH`.
    pub priority: Option<String>,
    /// Days of the week that suit, 1 = Sunday … 7 = Saturday.
    pub dayofweekids: Option<Vec<serde_json::Value>>,
    /// Earliest hour of the day that suits (24 h, inclusive).
    pub hourfrom: Option<u32>,
    /// Latest hour of the day that suits (24 h).
    pub hourto: Option<u32>,
    /// Note for the scheduler (free text about the patient: PHI).
    pub note: Option<Phi<String>>,
    /// When the entry was made.
    pub created: Option<AthenaDateTime>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

impl WaitlistEntry {
    /// The days of the week that suit (1 = Sunday … 7 = Saturday), read from numbers or
    /// numeric strings; anything else is skipped.
    pub fn days(&self) -> Vec<u8> {
        self.dayofweekids
            .iter()
            .flatten()
            .filter_map(|v| match v {
                serde_json::Value::Number(n) => n.as_u64().and_then(|d| u8::try_from(d).ok()),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })
            .filter(|d| (1..=7).contains(d))
            .collect()
    }
}
