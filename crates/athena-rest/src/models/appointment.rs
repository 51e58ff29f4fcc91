//! Appointments, open slots, types, reasons, check-in.

use athena_core::codec::{AthenaDate, AthenaDateTime, AthenaTime, Money};
use athena_core::ids::{
    AppointmentId, AppointmentTypeId, DepartmentId, PatientId, ProviderId, ReasonId,
};

use crate::de::{model, open_enum};

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

model! {
    /// A booked appointment or an open slot (`/appointments/booked`, `/appointments/open`,
    /// `GET /appointments/{appointmentid}`, booking and rescheduling answers).
    pub struct Appointment {
        /// The appointment (or slot) id.
        appointmentid: AppointmentId,
        /// The date, department-local.
        date: AthenaDate,
        /// The start time, department-local (`HH:MM`).
        starttime: AthenaTime,
        /// Minutes.
        duration: u32,
        /// Department.
        departmentid: DepartmentId,
        /// Provider.
        providerid: ProviderId,
        /// Patient (booked only).
        patientid: PatientId,
        /// Status code.
        appointmentstatus: AppointmentStatus,
        /// Appointment type id.
        appointmenttypeid: AppointmentTypeId,
        /// Appointment type name.
        appointmenttype: String,
        /// Type name shown to patients.
        patientappointmenttypename: String,
        /// Reason ids an open slot accepts (`["-1"]` = any web-schedulable).
        reasonid: Vec<String>,
        /// Copay.
        copay: Money,
        /// Who scheduled it.
        scheduledby: String,
        /// When it was scheduled (`MM/DD/YYYY HH:MM:SS`).
        scheduleddatetime: AthenaDateTime,
        /// Last modified (`MM/DD/YYYY HH:MM:SS`).
        lastmodified: AthenaDateTime,
        /// Last modified by.
        lastmodifiedby: String,
        /// The template slot id.
        templateappointmentid: AppointmentId,
        /// The template type id.
        templateappointmenttypeid: AppointmentTypeId,
        /// Whether charge entry is not required.
        chargeentrynotrequired: bool,
        /// Whether the slot is frozen.
        frozenyn: bool,
        /// On a reschedule answer: the appointment this one replaced.
        rescheduledappointmentid: AppointmentId,
        /// Check-in time.
        checkindatetime: AthenaDateTime,
        /// Check-out time.
        checkoutdatetime: AthenaDateTime,
        /// Cancelled at.
        cancelleddatetime: AthenaDateTime,
        /// Embedded patient (`showpatientdetail=true`); its booleans arrive as strings.
        patient: super::Patient,
    }
}

model! {
    /// An appointment type (`GET /appointmenttypes`).
    pub struct AppointmentType {
        /// Type id.
        appointmenttypeid: AppointmentTypeId,
        /// Name.
        name: String,
        /// Short name.
        shortname: String,
        /// Minutes.
        duration: u32,
        /// Whether patients can book it.
        patientdisplayname: String,
        /// Whether it is generic.
        generic: bool,
        /// Whether it is for patients.
        patient: bool,
        /// Whether it is a template type.
        templatetypeonly: bool,
    }
}

model! {
    /// A patient appointment reason (`GET /patientappointmentreasons`).
    pub struct AppointmentReason {
        /// Reason id.
        reasonid: ReasonId,
        /// Reason text.
        reason: String,
        /// Description.
        description: String,
        /// `New`, `Existing`, `All`.
        reasontype: String,
        /// How far ahead it can be booked (days).
        schedulingmaxdays: u32,
        /// Minimum hours ahead.
        schedulingminhours: u32,
    }
}

model! {
    /// `PUT /appointments/{appointmentid}/cancel` → `{"status":"x"}`.
    pub struct CancelledAppointment {
        /// The new status (`x`).
        status: AppointmentStatus,
    }
}

model! {
    /// One section of `GET /appointments/{appointmentid}/checkin`, which answers with an
    /// array of them (`Check In`, `Demographics`, `Insurance`, `Health History Forms`,
    /// `Privacy and Consent Forms`).
    pub struct CheckInRequirements {
        /// The section name.
        name: String,
        /// Whether the section must be complete before check-in is allowed.
        required: bool,
        /// Whether the section is complete.
        complete: bool,
        /// The section's items (`{"field":"state","valid":false,"error":…}`,
        /// `{"formname":…,"status":"Incomplete"}`); athena sends a lone object for the
        /// `Check In` section.
        fields: Vec<serde_json::Value>,
    }
}
