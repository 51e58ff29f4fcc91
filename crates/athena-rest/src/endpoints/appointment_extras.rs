//! Appointment notes, creating open slots, adding a patient to the waitlist.

use athena_core::codec::{AthenaDate, AthenaTime};
use athena_core::ids::{AppointmentId, AppointmentTypeId, PatientId, ProviderId, ReasonId};
use athena_core::{Department, Practice, Request, Result, RetrySafety};
use http::Method;

use crate::models::{AppointmentNote, SlotsCreated, Success, WaitlistCreated, WaitlistEntry};
use crate::send::{self, builder, param, pure_build};

/// The notes of one appointment (`practice.appointment_notes(appointment)`).
#[derive(Debug, Clone)]
pub struct AppointmentNotes {
    practice: Practice,
    appointment: AppointmentId,
}

impl AppointmentNotes {
    pub(crate) fn new(practice: Practice, appointment: AppointmentId) -> Self {
        AppointmentNotes {
            practice,
            appointment,
        }
    }

    fn request(&self, method: Method) -> Request {
        self.practice
            .request(
                method,
                "/v1/{practiceid}/appointments/{appointmentid}/notes",
            )
            .path_param("appointmentid", self.appointment)
    }

    /// `GET /v1/{practiceid}/appointments/{appointmentid}/notes` (item key `notes`).
    pub fn list(&self) -> ListAppointmentNotes {
        ListAppointmentNotes::new(self.practice.client(), self.request(Method::GET))
    }

    /// `POST /v1/{practiceid}/appointments/{appointmentid}/notes`: adds a note. Never retried once the request
    /// may have reached athena (a replay would add the note twice).
    pub fn add(&self, notetext: impl Into<String>) -> AddAppointmentNote {
        AddAppointmentNote::new(
            self.practice.client(),
            self.request(Method::POST)
                .retry_safety(RetrySafety::NotIdempotent)
                .form("notetext", notetext.into()),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/appointments/{appointmentid}/notes`. See [`AppointmentNotes::list`].
    ListAppointmentNotes
);
pure_build!(ListAppointmentNotes);

impl ListAppointmentNotes {
    param!(/// Include deleted notes.
        query showdeleted(bool) => "showdeleted");
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(ListAppointmentNotes => AppointmentNote, "notes");

builder!(
    /// `POST /v1/{practiceid}/appointments/{appointmentid}/notes`. See [`AppointmentNotes::add`].
    AddAppointmentNote
);
pure_build!(AddAppointmentNote);

impl AddAppointmentNote {
    param!(/// Show the note on the schedule.
        form displayonschedule(bool) => "displayonschedule");
}

send::send_as!(AddAppointmentNote => Success, json);

/// Creating open slots in a department (`department.slots()`).
#[derive(Debug, Clone)]
pub struct DepartmentSlots {
    department: Department,
}

impl DepartmentSlots {
    pub(crate) fn new(department: Department) -> Self {
        DepartmentSlots { department }
    }

    /// `POST /v1/{practiceid}/appointments/open`: opens one slot per [`CreateSlots::appointmenttime`] for `provider` on
    /// `date`; set an appointment type or a reason. Never retried once the request may have
    /// reached athena (a replay would open the slots twice).
    pub fn create(&self, provider: ProviderId, date: AthenaDate) -> CreateSlots {
        CreateSlots {
            client: self.department.client().clone(),
            req: self
                .department
                .practice()
                .request(Method::POST, "/v1/{practiceid}/appointments/open")
                .retry_safety(RetrySafety::NotIdempotent)
                .form("departmentid", self.department.id())
                .form("providerid", provider)
                .form("appointmentdate", date),
            times: Vec::new(),
            kind_set: false,
        }
    }
}

/// `POST /v1/{practiceid}/appointments/open`. See [`DepartmentSlots::create`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct CreateSlots {
    client: athena_core::Client,
    req: Request,
    times: Vec<AthenaTime>,
    kind_set: bool,
}

impl CreateSlots {
    /// Adds one element of `appointmenttime` (a department-local start time); several
    /// times open several slots.
    pub fn appointmenttime(mut self, time: AthenaTime) -> Self {
        if !self.times.contains(&time) {
            self.times.push(time);
        }
        self
    }
    /// The slots' appointment type.
    pub fn appointmenttypeid(mut self, id: AppointmentTypeId) -> Self {
        self.req = self.req.set_form("appointmenttypeid", id);
        self.kind_set = true;
        self
    }
    /// The slots' reason (athena maps it to a type).
    pub fn reasonid(mut self, id: ReasonId) -> Self {
        self.req = self.req.set_form("reasonid", id);
        self.kind_set = true;
        self
    }

    /// The request (`appointmenttime` is a comma-separated list); `InvalidInput` without a
    /// time or without an appointment type or reason.
    pub fn build(&self) -> Result<Request> {
        if self.times.is_empty() {
            return Err(send::missing(&self.req, "appointmenttime"));
        }
        if !self.kind_set {
            return Err(send::invalid(
                &self.req,
                "a slot needs `appointmenttypeid` or `reasonid`",
            ));
        }
        let times = self
            .times
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        Ok(self.req.clone().form("appointmenttime", times))
    }
}

send::send_as!(CreateSlots => SlotsCreated, json);

/// A department's appointment waitlist (`department.waitlist()`).
#[derive(Debug, Clone)]
pub struct DepartmentWaitlist {
    department: Department,
}

impl DepartmentWaitlist {
    pub(crate) fn new(department: Department) -> Self {
        DepartmentWaitlist { department }
    }

    /// `GET /v1/{practiceid}/appointments/waitlist?departmentid=`: the entries waiting for this department.
    /// Models unverified: see [`WaitlistEntry`].
    pub fn list(&self) -> ListWaitlist {
        ListWaitlist::new(
            self.department.client(),
            self.department
                .practice()
                .request(Method::GET, "/v1/{practiceid}/appointments/waitlist")
                .query("departmentid", self.department.id()),
        )
    }

    /// `POST /v1/{practiceid}/appointments/waitlist`: puts a patient on the waitlist. Never retried once the
    /// request may have reached athena (a replay would add a second entry).
    pub fn add(&self, patient: PatientId) -> AddToWaitlist {
        AddToWaitlist::new(
            self.department.client(),
            self.department
                .practice()
                .request(Method::POST, "/v1/{practiceid}/appointments/waitlist")
                .retry_safety(RetrySafety::NotIdempotent)
                .form("departmentid", self.department.id())
                .form("patientid", patient),
        )
    }
}

builder!(
    /// `POST /v1/{practiceid}/appointments/waitlist`. See [`DepartmentWaitlist::add`].
    AddToWaitlist
);
pure_build!(AddToWaitlist);

impl AddToWaitlist {
    param!(/// Wanted provider.
        form providerid(ProviderId) => "providerid");
    param!(/// Wanted appointment type.
        form appointmenttypeid(AppointmentTypeId) => "appointmenttypeid");
    param!(/// `NORMAL` or `HIGH`.
        form_str priority => "priority");
    param!(/// Note for the scheduler.
        form_str note => "note");
    param!(/// Earliest hour of the day that suits (0-23).
        form hourfrom(u8) => "hourfrom");
    param!(/// Latest hour of the day that suits (0-23).
        form hourto(u8) => "hourto");
}

send::send_as!(AddToWaitlist => WaitlistCreated, json);

/// Item keys tried for `GET /appointments/waitlist`.
const WAITLIST_KEYS: &[&str] = &["waitlists", "waitlist", "waitlistentries"];

builder!(
    /// `GET /v1/{practiceid}/appointments/waitlist`. See [`DepartmentWaitlist::list`].
    ListWaitlist
);
pure_build!(ListWaitlist);

impl ListWaitlist {
    param!(/// Only this patient's entries.
        query patientid(PatientId) => "patientid");
    param!(/// Only entries wanting this provider.
        query providerid(ProviderId) => "providerid");
    param!(/// Only entries wanting this appointment type.
        query appointmenttypeid(AppointmentTypeId) => "appointmenttypeid");
    param!(/// Only entries of this priority (`LOW`, `NORMAL`, `HIGH`).
        query_str priority => "priority");
    param!(/// Page size.
        query limit(u32) => "limit");
    param!(/// Starting point (0-based).
        query offset(u64) => "offset");
}

send::list!(ListWaitlist => WaitlistEntry, loose WAITLIST_KEYS);
