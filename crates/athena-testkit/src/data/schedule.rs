//! Schedule (slots and booked appointments), claims with planted denial causes, and inbox
//! patient cases. These are generated eagerly at start-up: their size depends on providers and
//! days, not on the number of patients.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use super::patients::former_policy_id;
use super::rng::Rng;
use super::tables::{APPOINTMENT_TYPES, MESSAGES, PROBLEMS, PROCEDURES};
use crate::truth::DenialCause;

/// One appointment slot (open or booked).
#[derive(Debug, Clone)]
pub(crate) struct Appointment {
    pub(crate) id: u64,
    pub(crate) date: NaiveDate,
    pub(crate) start: NaiveTime,
    pub(crate) duration: u64,
    pub(crate) departmentid: u64,
    pub(crate) providerid: u64,
    pub(crate) appttype: usize,
    /// `o` open, `f` future, `2` checked in, `3` checked out, `4` charge entered, `x` cancelled.
    pub(crate) status: String,
    pub(crate) patientid: Option<u64>,
    pub(crate) scheduled: Option<NaiveDateTime>,
    pub(crate) lastmodified: NaiveDateTime,
    pub(crate) cancelreason: Option<String>,
    pub(crate) cancelled: Option<NaiveDateTime>,
    pub(crate) startcheckin: Option<NaiveDateTime>,
    pub(crate) checkin: Option<NaiveDateTime>,
    pub(crate) checkout: Option<NaiveDateTime>,
    pub(crate) bookingnote: String,
    pub(crate) rescheduled_from: Option<u64>,
    pub(crate) frozen: bool,
    pub(crate) copay: u64,
}

impl Appointment {
    pub(crate) fn type_name(&self) -> &'static str {
        APPOINTMENT_TYPES[self.appttype].name
    }
    pub(crate) fn type_id(&self) -> u64 {
        APPOINTMENT_TYPES[self.appttype].id
    }
    pub(crate) fn patient_type_name(&self) -> &'static str {
        APPOINTMENT_TYPES[self.appttype].patient_name
    }
}

/// One service line of a claim.
#[derive(Debug, Clone)]
pub(crate) struct ClaimLine {
    pub(crate) transactionid: u64,
    pub(crate) cpt: String,
    pub(crate) description: String,
    pub(crate) category: String,
    pub(crate) amount: String,
    /// Units and modifier are kept as athena keeps what a claim was billed with, but
    /// `GET /claims` does not show them (athena documents no such output field), so no
    /// answer reads them.
    #[allow(dead_code)]
    pub(crate) units: u64,
    #[allow(dead_code)]
    pub(crate) modifier: Option<String>,
}

/// A denial on a claim.
#[derive(Debug, Clone)]
pub(crate) struct Denial {
    pub(crate) group: &'static str,
    pub(crate) carc: &'static str,
    pub(crate) rarc: &'static str,
    pub(crate) description: &'static str,
    pub(crate) cause: DenialCause,
}

/// A claim.
#[derive(Debug, Clone)]
pub(crate) struct Claim {
    pub(crate) id: u64,
    pub(crate) patientid: u64,
    pub(crate) departmentid: u64,
    pub(crate) providerid: u64,
    pub(crate) appointmentid: Option<u64>,
    pub(crate) service: NaiveDate,
    pub(crate) created: NaiveDate,
    pub(crate) lines: Vec<ClaimLine>,
    pub(crate) diagnoses: Vec<(String, String)>,
    pub(crate) primary_insurance: u64,
    /// Prior authorization / referral number on the claim (`referralauthid`), if any.
    pub(crate) authorization: Option<String>,
    pub(crate) status: String,
    pub(crate) denial: Option<Denial>,
    /// Patient responsibility (PR-1 deductible), if any.
    pub(crate) deductible: Option<String>,
    pub(crate) outstanding: String,
}

/// A patient case (an inbox item), usually a patient message.
#[derive(Debug, Clone)]
pub(crate) struct PatientCase {
    pub(crate) id: u64,
    pub(crate) patientid: u64,
    pub(crate) departmentid: u64,
    pub(crate) providerid: u64,
    pub(crate) subject: String,
    pub(crate) message: String,
    pub(crate) urgent: bool,
    pub(crate) priority: u64,
    pub(crate) status: String,
    pub(crate) source: String,
    pub(crate) subclass: String,
    pub(crate) created: NaiveDateTime,
    pub(crate) actions: Vec<(NaiveDateTime, String, String)>,
}

/// Everything the schedule generator produces.
pub(crate) struct Generated {
    pub(crate) appointments: Vec<Appointment>,
    pub(crate) claims: Vec<Claim>,
    pub(crate) cases: Vec<PatientCase>,
}

/// First appointment id.
pub(crate) const FIRST_APPOINTMENT_ID: u64 = 1_000_001;
/// First claim id.
pub(crate) const FIRST_CLAIM_ID: u64 = 50_001;
/// First patient case id.
pub(crate) const FIRST_CASE_ID: u64 = 170_001;

/// Days of schedule generated before and after today.
const SCHEDULE_DAYS: i64 = 21;
/// How far back a planted timely-filing claim's date of service is moved.
const LATE_FILING_SHIFT_DAYS: i64 = 420;
/// The oldest date of service of a generated claim, in days before today.
pub(crate) const OLDEST_SERVICE_DAYS: i64 = SCHEDULE_DAYS + LATE_FILING_SHIFT_DAYS;

fn home_department(provider: u64, departments: u64) -> u64 {
    1 + (provider - 1) % departments.max(1)
}

/// The department a provider works in.
pub(crate) fn provider_department(provider: u64, departments: u64) -> u64 {
    home_department(provider, departments)
}

fn line(r: &mut Rng, idx: usize, txn: u64, modifier: Option<&str>) -> ClaimLine {
    let super::tables::Procedure {
        cpt,
        description: desc,
        category: cat,
        charge: amt,
    } = PROCEDURES[idx];
    let _ = r;
    ClaimLine {
        transactionid: txn,
        cpt: cpt.into(),
        description: desc.into(),
        category: cat.into(),
        amount: amt.into(),
        units: 1,
        modifier: modifier.map(Into::into),
    }
}

/// Generate the schedule, claims and inbox of one practice.
pub(crate) fn generate(
    seed: u64,
    practice: u64,
    departments: u64,
    providers: u64,
    patients: u64,
    today: NaiveDate,
) -> Generated {
    let mut r = Rng::new(seed, &[10, practice]);
    let mut appointments = Vec::new();
    let mut id = FIRST_APPOINTMENT_ID;
    let patients = patients.max(1);
    for provider in 1..=providers {
        let dept = home_department(provider, departments);
        for offset in -SCHEDULE_DAYS..=SCHEDULE_DAYS {
            let date = today + Duration::days(offset);
            if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                continue;
            }
            // Patients booked with this provider on this day: a patient is seen once a day by
            // a provider (two same-day visits with the same codes would be a duplicate claim).
            let mut booked_today: Vec<u64> = Vec::new();
            for slot in 0..16u32 {
                let start =
                    NaiveTime::from_hms_opt(9 + slot / 2, (slot % 2) * 30, 0).unwrap_or_default();
                let appttype = ((provider as usize) + slot as usize) % APPOINTMENT_TYPES.len();
                let mut a = Appointment {
                    id,
                    date,
                    start,
                    duration: APPOINTMENT_TYPES[appttype].duration,
                    departmentid: dept,
                    providerid: provider,
                    appttype,
                    status: "o".into(),
                    patientid: None,
                    scheduled: None,
                    lastmodified: (date - Duration::days(30))
                        .and_hms_opt(8, 0, 0)
                        .unwrap_or_default(),
                    cancelreason: None,
                    cancelled: None,
                    startcheckin: None,
                    checkin: None,
                    checkout: None,
                    bookingnote: String::new(),
                    rescheduled_from: None,
                    frozen: false,
                    copay: [0, 20, 25, 40][r.below(4) as usize],
                };
                id += 1;
                let past = offset < 0;
                let book = if past { r.chance(65) } else { r.chance(30) };
                if book {
                    let mut pid = 1 + r.below(patients);
                    for _ in 1..patients {
                        if !booked_today.contains(&pid) {
                            break;
                        }
                        pid = pid % patients + 1;
                    }
                    booked_today.push(pid);
                    let booked_at = (date - Duration::days(r.range(1, 20)))
                        .and_hms_opt(10, 15, 0)
                        .unwrap_or_default();
                    a.patientid = Some(pid);
                    a.scheduled = Some(booked_at);
                    a.lastmodified = booked_at;
                    a.status = "f".into();
                    if past {
                        if r.chance(8) {
                            a.status = "x".into();
                            a.cancelreason = Some("PATIENT CANCELLED".into());
                            a.cancelled = Some(booked_at + Duration::days(1));
                        } else {
                            let cin = date.and_time(start) - Duration::minutes(10);
                            a.checkin = Some(cin);
                            a.checkout = Some(cin + Duration::minutes(45));
                            a.status = "4".into();
                        }
                    }
                }
                appointments.push(a);
            }
        }
    }

    // Claims for past, charge-entered appointments; plant denial causes.
    let mut claims = Vec::new();
    let mut cid = FIRST_CLAIM_ID;
    let mut txn = 90_001u64;
    let causes = [
        DenialCause::InactiveEligibility,
        DenialCause::MissingAuthorization,
        DenialCause::TimelyFiling,
        DenialCause::DiagnosisProcedureMismatch,
        DenialCause::DuplicateClaim,
        DenialCause::MissingModifier,
        DenialCause::MissingInformation,
        DenialCause::NotMedicallyNecessary,
    ];
    let charged: Vec<&Appointment> = appointments.iter().filter(|a| a.status == "4").collect();
    for (n, a) in charged.iter().enumerate() {
        let pid = a.patientid.unwrap_or(1);
        let dx = PROBLEMS[(pid as usize + n) % PROBLEMS.len()];
        let mut lines = vec![line(&mut r, if a.appttype == 1 { 2 } else { 1 }, txn, None)];
        txn += 1;
        if r.chance(40) {
            let idx = 4 + r.below(2) as usize;
            lines.push(line(&mut r, idx, txn, None));
            txn += 1;
        }
        let mut claim = Claim {
            id: cid,
            patientid: pid,
            departmentid: a.departmentid,
            providerid: a.providerid,
            appointmentid: Some(a.id),
            service: a.date,
            created: a.date + Duration::days(1),
            lines,
            diagnoses: vec![(dx.icd10.into(), dx.name.into())],
            primary_insurance: pid * 10 + 1,
            authorization: None,
            status: "CLOSED".into(),
            denial: None,
            deductible: None,
            outstanding: "0".into(),
        };
        cid += 1;
        // Every fourth claim is denied, cycling through the causes.
        if n % 4 == 1 {
            let cause = causes[(n / 4) % causes.len()];
            plant(&mut claim, cause, &mut txn);
            if cause == DenialCause::DuplicateClaim {
                // The original claim, paid; the planted one is its duplicate, submitted
                // again later (so it has the later id and creation date).
                let mut original = claim.clone();
                original.denial = None;
                original.status = "CLOSED".into();
                original.outstanding = "0".into();
                claim.id = cid;
                cid += 1;
                claim.created = (original.created + Duration::days(7)).min(today);
                claims.push(original);
            }
        } else if r.chance(30) {
            claim.deductible = Some("50.00".into());
            claim.outstanding = "50.00".into();
        }
        claims.push(claim);
    }

    // Inbox: patient messages, some urgent.
    let mut cases = Vec::new();
    let mut case_id = FIRST_CASE_ID;
    for provider in 1..=providers {
        for k in 0..4u64 {
            let super::tables::Message {
                subject,
                text: message,
                urgent,
            } = MESSAGES[((provider * 4 + k) as usize) % MESSAGES.len()];
            let created = (today - Duration::days(r.range(0, 3)))
                .and_hms_opt(7 + k as u32 * 2, 5, 0)
                .unwrap_or_default();
            cases.push(PatientCase {
                id: case_id,
                patientid: 1 + r.below(patients),
                departmentid: home_department(provider, departments),
                providerid: provider,
                subject: subject.into(),
                message: message.into(),
                urgent,
                priority: 2,
                status: "OPEN".into(),
                source: "PORTAL".into(),
                subclass: "PATIENTCASE_CLINICALQUESTION".into(),
                created,
                actions: Vec::new(),
            });
            case_id += 1;
        }
    }
    Generated {
        appointments,
        claims,
        cases,
    }
}

fn plant(c: &mut Claim, cause: DenialCause, txn: &mut u64) {
    let (group, carc, rarc, description) = cause.codes();
    match cause {
        DenialCause::InactiveEligibility => {
            // Billed to a policy that had ended before the date of service (the patient's
            // former plan, see `gen_former_insurance`); the patient's other claims are billed
            // to a current policy.
            c.primary_insurance = former_policy_id(c.patientid);
        }
        DenialCause::TimelyFiling => {
            c.service -= Duration::days(LATE_FILING_SHIFT_DAYS);
            c.created = c.service + Duration::days(LATE_FILING_SHIFT_DAYS - 20);
        }
        DenialCause::DiagnosisProcedureMismatch => {
            // A knee MRI billed with a depression diagnosis.
            c.lines = vec![ClaimLine {
                transactionid: *txn,
                cpt: "73721".into(),
                description: "MRI JNT OF LWR EXTRE W/O DYE".into(),
                category: "Radiology".into(),
                amount: "900".into(),
                units: 1,
                modifier: None,
            }];
            *txn += 1;
            c.diagnoses = vec![("F32.9".into(), "Major depressive disorder".into())];
            // Authorized, but for a diagnosis that does not support the procedure.
            c.authorization = Some(format!("PA{:07}", c.id));
        }
        DenialCause::MissingModifier => {
            // E/M and an injection on the same day without modifier 25.
            c.lines = vec![
                ClaimLine {
                    transactionid: *txn,
                    cpt: "99214".into(),
                    description: "OFFICE O/P EST MOD 30 MIN".into(),
                    category: "Evaluation and Management".into(),
                    amount: "185".into(),
                    units: 1,
                    modifier: None,
                },
                ClaimLine {
                    transactionid: *txn + 1,
                    cpt: "96372".into(),
                    description: "THER/PROPH/DIAG INJ SC/IM".into(),
                    category: "Injections".into(),
                    amount: "40".into(),
                    units: 1,
                    modifier: None,
                },
            ];
            *txn += 2;
        }
        DenialCause::MissingAuthorization => {
            c.lines = vec![ClaimLine {
                transactionid: *txn,
                cpt: "73721".into(),
                description: "MRI JNT OF LWR EXTRE W/O DYE".into(),
                category: "Radiology".into(),
                amount: "900".into(),
                units: 1,
                modifier: None,
            }];
            *txn += 1;
            c.diagnoses = vec![("M17.9".into(), "Osteoarthritis of knee".into())];
        }
        _ => {}
    }
    c.status = "HOLD".into();
    c.outstanding = c
        .lines
        .iter()
        .map(|l| l.amount.parse::<u64>().unwrap_or(0))
        .sum::<u64>()
        .to_string();
    c.denial = Some(Denial {
        group,
        carc,
        rarc,
        description,
        cause,
    });
}
