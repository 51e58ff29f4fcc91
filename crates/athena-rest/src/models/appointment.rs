//! Appointments, open slots, types, reasons, check-in.

use athena_core::codec::{AthenaDate, AthenaDateTime, AthenaTime, Money};
use athena_core::ids::{
    AppointmentId, AppointmentTypeId, DepartmentId, PatientId, ProviderId, ReasonId,
};

use athena_core::decode::warnings::DecodeWarning;
use athena_core::{Model, open_enum};

open_enum! {
    /// athena's `appointmentstatus` codes.
    pub enum AppointmentStatus {
        /// `x`: cancelled.
        Cancelled = "x",
        /// `f`: future (booked).
        Future = "f",
        /// `o`: open slot.
        Open = "o",
        /// `2`: checked in.
        CheckedIn = "2",
        /// `3`: checked out.
        CheckedOut = "3",
        /// `4`: charge entered.
        ChargeEntered = "4",
    }
}

/// A booked appointment or an open slot (`/appointments/booked`, `/appointments/open`,
/// `GET /appointments/{appointmentid}`, booking and rescheduling answers).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Appointment {
    /// The appointment (or slot) id.
    pub appointmentid: Option<AppointmentId>,
    /// The date, department-local.
    pub date: Option<AthenaDate>,
    /// The start time, department-local (`HH:MM`).
    pub starttime: Option<AthenaTime>,
    /// Minutes.
    pub duration: Option<u32>,
    /// Department.
    pub departmentid: Option<DepartmentId>,
    /// Provider.
    pub providerid: Option<ProviderId>,
    /// Patient (booked only).
    pub patientid: Option<PatientId>,
    /// Status code.
    pub appointmentstatus: Option<AppointmentStatus>,
    /// Appointment type id.
    pub appointmenttypeid: Option<AppointmentTypeId>,
    /// Appointment type name.
    pub appointmenttype: Option<String>,
    /// Type name shown to patients.
    pub patientappointmenttypename: Option<String>,
    /// Reason ids an open slot accepts (`["-1"]` = any web-schedulable).
    pub reasonid: Option<Vec<String>>,
    /// Copay.
    pub copay: Option<Money>,
    /// Who scheduled it.
    pub scheduledby: Option<String>,
    /// When it was scheduled (`MM/DD/YYYY HH:MM:SS`).
    pub scheduleddatetime: Option<AthenaDateTime>,
    /// Last modified (`MM/DD/YYYY HH:MM:SS`).
    pub lastmodified: Option<AthenaDateTime>,
    /// Last modified by.
    pub lastmodifiedby: Option<String>,
    /// The template slot id.
    pub templateappointmentid: Option<AppointmentId>,
    /// The template type id.
    pub templateappointmenttypeid: Option<AppointmentTypeId>,
    /// Whether charge entry is not required.
    pub chargeentrynotrequired: Option<bool>,
    /// Whether the slot is frozen.
    pub frozenyn: Option<bool>,
    /// On a reschedule answer: the appointment this one replaced.
    pub rescheduledappointmentid: Option<AppointmentId>,
    /// Check-in time.
    pub checkindatetime: Option<AthenaDateTime>,
    /// Check-out time.
    pub checkoutdatetime: Option<AthenaDateTime>,
    /// Cancelled at.
    pub cancelleddatetime: Option<AthenaDateTime>,
    /// Embedded patient (`showpatientdetail=true`); its booleans arrive as strings.
    pub patient: Option<super::Patient>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// An appointment type (`GET /appointmenttypes`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct AppointmentType {
    /// Type id.
    pub appointmenttypeid: Option<AppointmentTypeId>,
    /// Name.
    pub name: Option<String>,
    /// Short name.
    pub shortname: Option<String>,
    /// Minutes.
    pub duration: Option<u32>,
    /// Whether patients can book it.
    pub patientdisplayname: Option<String>,
    /// Whether it is generic.
    pub generic: Option<bool>,
    /// Whether it is for patients.
    pub patient: Option<bool>,
    /// Whether it is a template type.
    pub templatetypeonly: Option<bool>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A patient appointment reason (`GET /patientappointmentreasons`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct AppointmentReason {
    /// Reason id.
    pub reasonid: Option<ReasonId>,
    /// Reason text.
    pub reason: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// `New`, `Existing`, `All`.
    pub reasontype: Option<String>,
    /// How far ahead it can be booked (days).
    pub schedulingmaxdays: Option<u32>,
    /// Minimum hours ahead.
    pub schedulingminhours: Option<u32>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `PUT /appointments/{appointmentid}/cancel` → `{"status":"x"}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct CancelledAppointment {
    /// The new status (`x`).
    pub status: Option<AppointmentStatus>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One section of `GET /appointments/{appointmentid}/checkin`, which answers with an
/// array of them (`Check In`, `Demographics`, `Insurance`, `Health History Forms`,
/// `Privacy and Consent Forms`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct CheckInRequirements {
    /// The section name.
    pub name: Option<String>,
    /// Whether the section must be complete before check-in is allowed.
    pub required: Option<bool>,
    /// Whether the section is complete.
    pub complete: Option<bool>,
    /// The section's items (`{"field":"state","valid":false,"error":…}`,
    /// `{"formname":…,"status":"Incomplete"}`); athena sends a lone object for the
    /// `Check In` section.
    pub fields: Option<Vec<serde_json::Value>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
