//! Scheduling: open slots, booked appointments, book, cancel, reschedule, check-in/out,
//! appointment types and reasons.

use athena_core::codec::AthenaDate;
use athena_core::ids::{
    AppointmentId, AppointmentTypeId, DepartmentId, PatientId, ProviderId, ReasonId,
};
use athena_core::{Department, Error, ErrorKind, Practice, Request, Result, RetrySafety};
use http::Method;

use crate::models::{
    Appointment, AppointmentReason, AppointmentStatus, AppointmentType, CancelledAppointment,
    CheckInRequirements, Success,
};
use crate::send::{self, builder, param, pure_build};

/// Recognising "that slot is taken" (athena's 409 on booking).
pub trait ConflictExt {
    /// True when athena refused because the slot is already booked or not bookable (409).
    fn is_slot_taken(&self) -> bool;
}

impl ConflictExt for Error {
    fn is_slot_taken(&self) -> bool {
        self.kind() == ErrorKind::Conflict
    }
}

/// The result of a booking attempt where a taken slot is a normal answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Booking {
    /// Booked; athena's view of the appointment.
    Booked(Box<Appointment>),
    /// The slot was already booked or not available for booking via the API (409).
    SlotTaken,
}

/// Department-scoped scheduling (`department.appointments()`).
#[derive(Debug, Clone)]
pub struct DepartmentAppointments {
    department: Department,
}

impl DepartmentAppointments {
    pub(crate) fn new(department: Department) -> Self {
        DepartmentAppointments { department }
    }

    fn request(&self, route: &'static str) -> Request {
        self.department
            .practice()
            .request(Method::GET, route)
            .query("departmentid", self.department.id())
    }

    /// `GET /v1/{practiceid}/appointments/open`: open slots. Set `appointmenttypeid` or
    /// `reasonid` ([`OpenSlots::reasonid_any`] for any web-schedulable one).
    pub fn open(&self) -> OpenSlots {
        OpenSlots {
            client: self.department.client().clone(),
            req: self.request("/v1/{practiceid}/appointments/open"),
            kind_set: false,
        }
    }

    /// `GET /v1/{practiceid}/appointments/booked` between two dates (both required by
    /// athena).
    pub fn booked(&self, start: AthenaDate, end: AthenaDate) -> BookedAppointments {
        BookedAppointments::new(
            self.department.client(),
            self.request("/v1/{practiceid}/appointments/booked")
                .query("startdate", start)
                .query("enddate", end),
        )
    }
}

/// `GET /v1/{practiceid}/appointments/open`: a department's open slots. See
/// [`DepartmentAppointments::open`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct OpenSlots {
    client: athena_core::Client,
    req: Request,
    kind_set: bool,
}

impl OpenSlots {
    /// Slots of this appointment type.
    pub fn appointmenttypeid(mut self, id: AppointmentTypeId) -> Self {
        self.req = self.req.set_query("appointmenttypeid", id);
        self.kind_set = true;
        self
    }
    /// Slots for this reason (athena then also wants a `providerid`).
    pub fn reasonid(mut self, id: ReasonId) -> Self {
        self.req = self.req.set_query("reasonid", id);
        self.kind_set = true;
        self
    }
    /// Slots for any web-schedulable reason (`reasonid=-1`).
    pub fn reasonid_any(mut self) -> Self {
        self.req = self.req.set_query("reasonid", -1);
        self.kind_set = true;
        self
    }
    param!(/// Provider.
        query providerid(ProviderId) => "providerid");
    param!(/// First date (default today).
        query startdate(AthenaDate) => "startdate");
    param!(/// Last date (default a week ahead).
        query enddate(AthenaDate) => "enddate");
    param!(/// Include frozen slots.
        query showfrozenslots(bool) => "showfrozenslots");
    param!(/// Ignore schedulable permissions.
        query ignoreschedulablepermission(bool) => "ignoreschedulablepermission");
    param!(/// Bypass schedule time checks.
        query bypassscheduletimechecks(bool) => "bypassscheduletimechecks");
    param!(/// Page size (default 1000, max 10000).
        query limit(u32) => "limit");

    /// The request; `InvalidInput` when neither an appointment type nor a reason was set.
    pub fn build(&self) -> Result<Request> {
        if !self.kind_set {
            return Err(send::invalid(
                &self.req,
                "open slots need `appointmenttypeid` or `reasonid` (`reasonid_any` for any)",
            ));
        }
        Ok(self.req.clone())
    }
}

send::list!(OpenSlots => Appointment, "appointments");

builder!(
    /// `GET /v1/{practiceid}/appointments/booked`: booked appointments between two dates.
    /// See [`DepartmentAppointments::booked`].
    BookedAppointments
);
pure_build!(BookedAppointments);

impl BookedAppointments {
    param!(/// Only this provider's.
        query providerid(ProviderId) => "providerid");
    param!(/// Only this patient's.
        query patientid(PatientId) => "patientid");
    param!(/// Only this status.
        query appointmentstatus(AppointmentStatus) => "appointmentstatus");
    param!(/// Embed the patient.
        query showpatientdetail(bool) => "showpatientdetail");
    param!(/// Include insurance.
        query showinsurance(bool) => "showinsurance");
    param!(/// Include cancelled.
        query showcancelled(bool) => "showcancelled");
    param!(/// Include claim detail.
        query showclaimdetail(bool) => "showclaimdetail");
    param!(/// Include copay.
        query showcopay(bool) => "showcopay");
    param!(/// Page size (default 1000, max 10000).
        query limit(u32) => "limit");
}

send::list!(BookedAppointments => Appointment, "appointments");

/// Appointments by id (`practice.appointments()`).
#[derive(Debug, Clone)]
pub struct Appointments {
    practice: Practice,
}

impl Appointments {
    pub(crate) fn new(practice: Practice) -> Self {
        Appointments { practice }
    }

    fn request(&self, method: Method, route: &'static str, id: AppointmentId) -> Request {
        self.practice
            .request(method, route)
            .path_param("appointmentid", id)
    }

    /// `GET /v1/{practiceid}/appointments/{appointmentid}` (a one-element array);
    /// `send_optional()` for "or none".
    pub fn get(&self, id: AppointmentId) -> GetAppointment {
        GetAppointment::new(
            self.practice.client(),
            self.request(
                Method::GET,
                "/v1/{practiceid}/appointments/{appointmentid}",
                id,
            ),
        )
    }

    /// `PUT /v1/{practiceid}/appointments/{appointmentid}`: books an open slot for a patient. A taken slot
    /// is a 409 ([`ConflictExt::is_slot_taken`], or [`BookAppointment::send_or_taken`]).
    /// Never retried.
    pub fn book(&self, slot: AppointmentId, patient: PatientId) -> BookAppointment {
        BookAppointment::new(
            self.practice.client(),
            self.request(
                Method::PUT,
                "/v1/{practiceid}/appointments/{appointmentid}",
                slot,
            )
            .retry_safety(RetrySafety::NotIdempotent)
            .form("patientid", patient),
        )
    }

    /// `PUT /v1/{practiceid}/appointments/{appointmentid}/cancel`.
    pub fn cancel(&self, id: AppointmentId, patient: PatientId) -> CancelAppointment {
        CancelAppointment::new(
            self.practice.client(),
            self.request(
                Method::PUT,
                "/v1/{practiceid}/appointments/{appointmentid}/cancel",
                id,
            )
            .retry_safety(RetrySafety::Idempotent)
            .form("patientid", patient),
        )
    }

    /// `PUT /v1/{practiceid}/appointments/{appointmentid}/reschedule` to `new_slot`; the answer is the NEW
    /// appointment. Never retried.
    pub fn reschedule(
        &self,
        id: AppointmentId,
        new_slot: AppointmentId,
        patient: PatientId,
    ) -> RescheduleAppointment {
        RescheduleAppointment::new(
            self.practice.client(),
            self.request(
                Method::PUT,
                "/v1/{practiceid}/appointments/{appointmentid}/reschedule",
                id,
            )
            .retry_safety(RetrySafety::NotIdempotent)
            .form("newappointmentid", new_slot)
            .form("patientid", patient),
        )
    }

    /// `PUT /v1/{practiceid}/appointments/booked/{appointmentid}`: changes type, department or provider of a
    /// booked appointment. athena answers a bare `1` or an error string.
    pub fn update_booked(&self, id: AppointmentId) -> UpdateBookedAppointment {
        UpdateBookedAppointment::new(
            self.practice.client(),
            self.request(
                Method::PUT,
                "/v1/{practiceid}/appointments/booked/{appointmentid}",
                id,
            )
            .retry_safety(RetrySafety::Idempotent),
        )
    }

    /// `GET /v1/{practiceid}/appointments/{appointmentid}/checkin`: what check-in still
    /// needs (a bare array: one page).
    pub fn checkin_requirements(&self, id: AppointmentId) -> ListCheckInRequirements {
        ListCheckInRequirements::new(
            self.practice.client(),
            self.request(
                Method::GET,
                "/v1/{practiceid}/appointments/{appointmentid}/checkin",
                id,
            ),
        )
    }

    /// `POST /v1/{practiceid}/appointments/{appointmentid}/startcheckin`.
    pub fn start_checkin(&self, id: AppointmentId) -> AppointmentAction {
        self.action(
            "/v1/{practiceid}/appointments/{appointmentid}/startcheckin",
            id,
        )
    }

    /// `POST /v1/{practiceid}/appointments/{appointmentid}/checkin`: completes check-in.
    pub fn checkin(&self, id: AppointmentId) -> AppointmentAction {
        self.action("/v1/{practiceid}/appointments/{appointmentid}/checkin", id)
    }

    /// `POST /v1/{practiceid}/appointments/{appointmentid}/cancelcheckin`.
    pub fn cancel_checkin(&self, id: AppointmentId) -> AppointmentAction {
        self.action(
            "/v1/{practiceid}/appointments/{appointmentid}/cancelcheckin",
            id,
        )
    }

    /// `POST /v1/{practiceid}/appointments/{appointmentid}/checkout`.
    pub fn checkout(&self, id: AppointmentId) -> AppointmentAction {
        self.action("/v1/{practiceid}/appointments/{appointmentid}/checkout", id)
    }

    fn action(&self, route: &'static str, id: AppointmentId) -> AppointmentAction {
        // A state transition: replaying it is harmless, athena reports the state.
        AppointmentAction::new(
            self.practice.client(),
            self.request(Method::POST, route, id)
                .retry_safety(RetrySafety::Idempotent),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/appointments/{appointmentid}`: one appointment. See
    /// [`Appointments::get`].
    GetAppointment
);
pure_build!(GetAppointment);

impl GetAppointment {
    param!(/// Embed the patient.
        query showpatientdetail(bool) => "showpatientdetail");
    param!(/// Include insurance.
        query showinsurance(bool) => "showinsurance");
}

send::get_one!(GetAppointment => Appointment);

builder!(
    /// `PUT /v1/{practiceid}/appointments/{appointmentid}`: books a slot. See
    /// [`Appointments::book`].
    BookAppointment
);
pure_build!(BookAppointment);

impl BookAppointment {
    param!(/// Appointment type to book as.
        form appointmenttypeid(AppointmentTypeId) => "appointmenttypeid");
    param!(/// Reason.
        form reasonid(ReasonId) => "reasonid");
    param!(/// Department (checks the slot's).
        form departmentid(DepartmentId) => "departmentid");
    param!(/// Booking note.
        form_str bookingnote => "bookingnote");
    param!(/// Ignore schedulable permissions.
        form ignoreschedulablepermission(bool) => "ignoreschedulablepermission");
    param!(/// Do not open a patient case.
        form nopatientcase(bool) => "nopatientcase");
    param!(/// Do not e-mail a confirmation.
        form donotsendconfirmationemail(bool) => "donotsendconfirmationemail");
    param!(/// Urgent.
        form urgent(bool) => "urgent");

    /// Sends; a taken slot is [`ErrorKind::Conflict`].
    pub async fn send(self) -> Result<Appointment> {
        let req = self.build()?;
        send::one(&self.client, &req).await
    }

    /// Sends; a taken slot is `Ok(Booking::SlotTaken)`.
    pub async fn send_or_taken(self) -> Result<Booking> {
        match self.send().await {
            Ok(a) => Ok(Booking::Booked(Box::new(a))),
            Err(e) if e.is_slot_taken() => Ok(Booking::SlotTaken),
            Err(e) => Err(e),
        }
    }
}

builder!(
    /// `PUT /v1/{practiceid}/appointments/{appointmentid}/cancel`: cancels an appointment.
    /// See [`Appointments::cancel`].
    CancelAppointment
);
pure_build!(CancelAppointment);

impl CancelAppointment {
    param!(/// Cancel reason id.
        form appointmentcancelreasonid(u64) => "appointmentcancelreasonid");
    param!(/// Free-text reason.
        form_str cancellationreason => "cancellationreason");
    param!(/// Ignore schedulable permissions.
        form ignoreschedulablepermission(bool) => "ignoreschedulablepermission");
    param!(/// Do not open a patient case.
        form nopatientcase(bool) => "nopatientcase");
}

send::send_as!(CancelAppointment => CancelledAppointment, json);

builder!(
    /// `PUT /v1/{practiceid}/appointments/{appointmentid}/reschedule`: moves an appointment.
    /// See [`Appointments::reschedule`].
    RescheduleAppointment
);
pure_build!(RescheduleAppointment);

impl RescheduleAppointment {
    param!(/// Cancel reason id for the old appointment.
        form appointmentcancelreasonid(u64) => "appointmentcancelreasonid");
    param!(/// Reason for the new appointment.
        form reasonid(ReasonId) => "reasonid");
    param!(/// Free-text reschedule reason.
        form_str reschedulereason => "reschedulereason");
    param!(/// Ignore schedulable permissions.
        form ignoreschedulablepermission(bool) => "ignoreschedulablepermission");
    param!(/// Do not open a patient case.
        form nopatientcase(bool) => "nopatientcase");

    /// Sends; the new appointment (a taken slot is [`ErrorKind::Conflict`]).
    pub async fn send(self) -> Result<Appointment> {
        let req = self.build()?;
        send::one(&self.client, &req).await
    }
}

builder!(
    /// `PUT /v1/{practiceid}/appointments/booked/{appointmentid}`: changes a booked
    /// appointment. See [`Appointments::update_booked`].
    UpdateBookedAppointment
);
pure_build!(UpdateBookedAppointment);

impl UpdateBookedAppointment {
    param!(/// New appointment type.
        form appointmenttypeid(AppointmentTypeId) => "appointmenttypeid");
    param!(/// New department.
        form departmentid(DepartmentId) => "departmentid");
    param!(/// New provider.
        form providerid(ProviderId) => "providerid");
    param!(/// New supervising provider.
        form supervisingproviderid(ProviderId) => "supervisingproviderid");

    /// Sends; athena's bare error string becomes [`ErrorKind::Unsuccessful`].
    pub async fn send(self) -> Result<()> {
        let req = self.build()?;
        self.client.send_bare_outcome(&req).await
    }
}

builder!(
    /// `GET /v1/{practiceid}/appointments/{appointmentid}/checkin`: what check-in still
    /// needs, one [`CheckInRequirements`] per section. See [`Appointments::checkin_requirements`].
    ListCheckInRequirements
);
pure_build!(ListCheckInRequirements);
send::list!(ListCheckInRequirements => CheckInRequirements, bare Vec<CheckInRequirements>);

builder!(
    /// `POST /v1/{practiceid}/appointments/{appointmentid}/{startcheckin|checkin|cancelcheckin|checkout}`:
    /// a check-in/out transition. See [`Appointments::checkin`].
    AppointmentAction
);
pure_build!(AppointmentAction);
send::send_as!(AppointmentAction => Success, json);

/// Appointment types and reasons (`practice.appointment_catalog()`).
#[derive(Debug, Clone)]
pub struct AppointmentCatalog {
    practice: Practice,
}

impl AppointmentCatalog {
    pub(crate) fn new(practice: Practice) -> Self {
        AppointmentCatalog { practice }
    }
    /// `GET /v1/{practiceid}/appointmenttypes`.
    pub fn types(&self) -> ListAppointmentTypes {
        ListAppointmentTypes::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/appointmenttypes"),
        )
    }
    /// `GET /v1/{practiceid}/patientappointmentreasons` for a department and provider (both
    /// required).
    pub fn reasons(
        &self,
        department: DepartmentId,
        provider: ProviderId,
    ) -> ListAppointmentReasons {
        ListAppointmentReasons::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/patientappointmentreasons")
                .query("departmentid", department)
                .query("providerid", provider),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/appointmenttypes`: the practice's appointment types. See
    /// [`AppointmentCatalog::types`].
    ListAppointmentTypes
);
pure_build!(ListAppointmentTypes);

impl ListAppointmentTypes {
    param!(/// Hide generic types.
        query hidegeneric(bool) => "hidegeneric");
    param!(/// Hide non-patient types.
        query hidenonpatient(bool) => "hidenonpatient");
    param!(/// Hide template-only types.
        query hidetemplatetypes(bool) => "hidetemplatetypes");
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(ListAppointmentTypes => AppointmentType, "appointmenttypes");

builder!(
    /// `GET /v1/{practiceid}/patientappointmentreasons`: appointment reasons of a department
    /// and provider. See [`AppointmentCatalog::reasons`].
    ListAppointmentReasons
);
pure_build!(ListAppointmentReasons);

impl ListAppointmentReasons {
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(ListAppointmentReasons => AppointmentReason, "patientappointmentreasons");
