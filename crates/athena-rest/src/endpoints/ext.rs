//! Extension traits that hang endpoint groups off core's handles.

use athena_core::ids::{AppointmentId, ClaimId, EncounterId, PatientId, ProviderId};
use athena_core::{Department, Practice};

use super::appointment_extras::{AppointmentNotes, DepartmentSlots, DepartmentWaitlist};
use super::billing_history::{ClaimTransactions, PatientPayments};
use super::chart::{Chart, Encounters};
use super::claims::{Claims, DepartmentPayments};
use super::clinical_documents::{EncounterDocuments, LabResultDocuments, Prescriptions};
use super::documents::{DepartmentDocuments, PatientCases, ProviderInbox};
use super::encounter_orders::EncounterOrders;
use super::insurances::PatientInsurances;
use super::patients::{CustomFields, Patients};
use super::practice::{Departments, ListPracticeInfo, Ping, Providers};
use super::reference::Reference;
use super::scheduling::{AppointmentCatalog, Appointments, DepartmentAppointments};

/// Endpoint groups of a practice.
pub trait PracticeExt {
    /// Patients: search, get, create, update, best match, custom field values.
    fn patients(&self) -> Patients;
    /// A patient's insurances and eligibility.
    fn insurances(&self, patient: PatientId) -> PatientInsurances;
    /// Custom field definitions of the practice.
    fn custom_fields(&self) -> CustomFields;
    /// Departments.
    fn departments(&self) -> Departments;
    /// Providers.
    fn providers(&self) -> Providers;
    /// A provider's inbox.
    fn inbox(&self, provider: ProviderId) -> ProviderInbox;
    /// Practice information.
    fn practice_info(&self) -> ListPracticeInfo;
    /// `GET /ping`.
    fn ping(&self) -> Ping;
    /// Appointments by id: get, book, cancel, reschedule, check-in, check-out.
    fn appointments(&self) -> Appointments;
    /// Appointment types and reasons.
    fn appointment_catalog(&self) -> AppointmentCatalog;
    /// Encounters by id: detail and summary.
    fn encounters(&self) -> Encounters;
    /// A patient's cases: list, get, add a note, close.
    fn patient_cases(&self, patient: PatientId) -> PatientCases;
    /// Claims: search, get, create, patient outstanding.
    fn claims(&self) -> Claims;
    /// Reference lists: allergens and medications by name, gender-identity choices.
    fn reference(&self) -> Reference;
    /// The notes of one appointment: list, add.
    fn appointment_notes(&self, appointment: AppointmentId) -> AppointmentNotes;
    /// One encounter's diagnoses and orders: list, add a diagnosis, order a lab test.
    fn encounter_orders(&self, encounter: EncounterId) -> EncounterOrders;
    /// One claim's transactions: charges, payments, adjustments, transfers.
    fn claim_transactions(&self, claim: ClaimId) -> ClaimTransactions;
    /// Patient payments: payment history, e-payment receipts.
    fn patient_payments(&self) -> PatientPayments;
}

impl PracticeExt for Practice {
    fn patients(&self) -> Patients {
        Patients::new(self.clone())
    }
    fn insurances(&self, patient: PatientId) -> PatientInsurances {
        PatientInsurances::new(self.clone(), patient)
    }
    fn custom_fields(&self) -> CustomFields {
        CustomFields::new(self.clone())
    }
    fn departments(&self) -> Departments {
        Departments::new(self.clone())
    }
    fn providers(&self) -> Providers {
        Providers::new(self.clone())
    }
    fn inbox(&self, provider: ProviderId) -> ProviderInbox {
        ProviderInbox::new(self.clone(), provider)
    }
    fn practice_info(&self) -> ListPracticeInfo {
        ListPracticeInfo::for_practice(self)
    }
    fn ping(&self) -> Ping {
        Ping::for_practice(self)
    }
    fn appointments(&self) -> Appointments {
        Appointments::new(self.clone())
    }
    fn appointment_catalog(&self) -> AppointmentCatalog {
        AppointmentCatalog::new(self.clone())
    }
    fn encounters(&self) -> Encounters {
        Encounters::new(self.clone())
    }
    fn patient_cases(&self, patient: PatientId) -> PatientCases {
        PatientCases::new(self.clone(), patient)
    }
    fn claims(&self) -> Claims {
        Claims::new(self.clone())
    }
    fn reference(&self) -> Reference {
        Reference::new(self.clone())
    }
    fn appointment_notes(&self, appointment: AppointmentId) -> AppointmentNotes {
        AppointmentNotes::new(self.clone(), appointment)
    }
    fn encounter_orders(&self, encounter: EncounterId) -> EncounterOrders {
        EncounterOrders::new(self.clone(), encounter)
    }
    fn claim_transactions(&self, claim: ClaimId) -> ClaimTransactions {
        ClaimTransactions::new(self.clone(), claim)
    }
    fn patient_payments(&self) -> PatientPayments {
        PatientPayments::new(self.clone())
    }
}

/// Endpoint groups that need a department.
pub trait DepartmentExt {
    /// A patient's chart in this department.
    fn chart(&self, patient: PatientId) -> Chart;
    /// Open slots and booked appointments of this department.
    fn appointments(&self) -> DepartmentAppointments;
    /// A patient's documents and cases created in this department.
    fn documents(&self, patient: PatientId) -> DepartmentDocuments;
    /// Payments posted in this department.
    fn payments(&self, patient: PatientId) -> DepartmentPayments;
    /// Creating open slots in this department.
    fn slots(&self) -> DepartmentSlots;
    /// This department's appointment waitlist.
    fn waitlist(&self) -> DepartmentWaitlist;
    /// A patient's encounter documents in this department.
    fn encounter_documents(&self, patient: PatientId) -> EncounterDocuments;
    /// A patient's lab result documents in this department.
    fn lab_result_documents(&self, patient: PatientId) -> LabResultDocuments;
    /// A patient's prescriptions in this department.
    fn prescriptions(&self, patient: PatientId) -> Prescriptions;
}

impl DepartmentExt for Department {
    fn chart(&self, patient: PatientId) -> Chart {
        Chart::new(self.clone(), patient)
    }
    fn appointments(&self) -> DepartmentAppointments {
        DepartmentAppointments::new(self.clone())
    }
    fn documents(&self, patient: PatientId) -> DepartmentDocuments {
        DepartmentDocuments::new(self.clone(), patient)
    }
    fn payments(&self, patient: PatientId) -> DepartmentPayments {
        DepartmentPayments::new(self.clone(), patient)
    }
    fn slots(&self) -> DepartmentSlots {
        DepartmentSlots::new(self.clone())
    }
    fn waitlist(&self) -> DepartmentWaitlist {
        DepartmentWaitlist::new(self.clone())
    }
    fn encounter_documents(&self, patient: PatientId) -> EncounterDocuments {
        EncounterDocuments::new(self.clone(), patient)
    }
    fn lab_result_documents(&self, patient: PatientId) -> LabResultDocuments {
        LabResultDocuments::new(self.clone(), patient)
    }
    fn prescriptions(&self, patient: PatientId) -> Prescriptions {
        Prescriptions::new(self.clone(), patient)
    }
}
