//! Patients, generated lazily from `(seed, practice, patient id)`.

use chrono::{Datelike, Duration, NaiveDate};

use super::rng::Rng;
use super::schedule::OLDEST_SERVICE_DAYS;
use super::tables::{CITIES, FEMALE_NAMES, LAST_NAMES, MALE_NAMES, PAYERS, STREETS};

/// A patient record as the sandbox stores it (generated, or overlaid after a write).
#[derive(Debug, Clone)]
pub(crate) struct Patient {
    pub(crate) id: u64,
    pub(crate) firstname: String,
    pub(crate) lastname: String,
    pub(crate) sex: String,
    pub(crate) dob: NaiveDate,
    pub(crate) departmentid: u64,
    pub(crate) address1: String,
    pub(crate) city: String,
    pub(crate) state: String,
    pub(crate) zip: String,
    pub(crate) homephone: String,
    pub(crate) mobilephone: String,
    pub(crate) email: String,
    pub(crate) status: String,
    pub(crate) ssn4: String,
    pub(crate) registrationdate: NaiveDate,
    pub(crate) maritalstatus: String,
    pub(crate) primaryproviderid: u64,
    /// Extra simple fields written through `PUT /patients/{id}` or `POST /patients`.
    pub(crate) extra: Vec<(String, String)>,
}

/// The cheap part of a generated patient, computed without allocation (for scans).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PatientKey {
    pub(crate) female: bool,
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) dob: NaiveDate,
    pub(crate) departmentid: u64,
}

impl PatientKey {
    pub(crate) fn firstname(&self) -> &'static str {
        if self.female {
            FEMALE_NAMES[self.first]
        } else {
            MALE_NAMES[self.first]
        }
    }
    pub(crate) fn lastname(&self) -> &'static str {
        LAST_NAMES[self.last]
    }
}

/// Compute the key of generated patient `id`.
pub(crate) fn patient_key(
    seed: u64,
    practice: u64,
    id: u64,
    departments: u64,
    today: NaiveDate,
) -> PatientKey {
    let mut r = Rng::new(seed, &[1, practice, id]);
    let female = r.chance(52);
    let first = if female {
        r.below(FEMALE_NAMES.len() as u64)
    } else {
        r.below(MALE_NAMES.len() as u64)
    } as usize;
    let last = r.below(LAST_NAMES.len() as u64) as usize;
    // Ages 0..95, skewed to adults.
    let age_days = if r.chance(15) {
        r.range(30, 17 * 365)
    } else {
        r.range(18 * 365, 92 * 365)
    };
    let dob = today - Duration::days(age_days);
    let departmentid = 1 + (id % departments.max(1));
    PatientKey {
        female,
        first,
        last,
        dob,
        departmentid,
    }
}

/// Generate the full record of patient `id`.
pub(crate) fn gen_patient(
    seed: u64,
    practice: u64,
    id: u64,
    departments: u64,
    providers: u64,
    today: NaiveDate,
) -> Patient {
    let key = patient_key(seed, practice, id, departments, today);
    let mut r = Rng::new(seed, &[2, practice, id]);
    let super::tables::City {
        name: city,
        state,
        zip3,
    } = *r.pick(CITIES);
    let street = r.pick(STREETS);
    let number = r.range(1, 2999);
    let first = key.firstname().to_string();
    let last = key.lastname().to_string();
    let email = format!(
        "{}.{}{}@example.com",
        first.to_lowercase(),
        last.to_lowercase(),
        id % 1000
    );
    let phone = |r: &mut Rng| format!("{}555{:04}", r.range(201, 989), 100 + r.below(100));
    let homephone = phone(&mut r);
    let mobilephone = phone(&mut r);
    let ms = *r.pick(&["S", "M", "M", "D", "W"]);
    let reg_days = r.range(30, 3650);
    let registrationdate = today - Duration::days(reg_days);
    let status = if r.chance(3) { "inactive" } else { "active" };
    Patient {
        id,
        firstname: first,
        lastname: last,
        sex: if key.female { "F".into() } else { "M".into() },
        dob: key.dob,
        departmentid: key.departmentid,
        address1: format!("{number} {street}"),
        city: city.into(),
        state: state.into(),
        zip: format!("{zip3}{:02}", r.below(100)),
        homephone,
        mobilephone,
        email,
        status: status.into(),
        ssn4: format!("{:04}", r.below(10000)),
        registrationdate,
        maritalstatus: ms.into(),
        primaryproviderid: 1 + (id % providers.max(1)),
        extra: Vec::new(),
    }
}

/// A patient insurance policy.
#[derive(Debug, Clone)]
pub(crate) struct Insurance {
    pub(crate) insuranceid: u64,
    pub(crate) payer: usize,
    pub(crate) memberid: String,
    pub(crate) sequence: u64,
    pub(crate) eligibility: String,
    pub(crate) policyholder_first: String,
    pub(crate) policyholder_last: String,
    pub(crate) policyholder_dob: NaiveDate,
    pub(crate) policyholder_sex: String,
    pub(crate) cancelled: bool,
    pub(crate) issue_date: NaiveDate,
    pub(crate) expiration_date: Option<NaiveDate>,
    /// When eligibility was last checked (`eligibilitylastchecked`).
    pub(crate) eligibility_checked: NaiveDate,
}

/// Generate the insurances of a patient (primary, sometimes secondary).
pub(crate) fn gen_insurances(
    seed: u64,
    practice: u64,
    p: &Patient,
    today: NaiveDate,
) -> Vec<Insurance> {
    let mut r = Rng::new(seed, &[3, practice, p.id]);
    let age = today.year() - p.dob.year();
    let mut out = Vec::new();
    let n = if r.chance(15) {
        2
    } else if r.chance(4) {
        0
    } else {
        1
    };
    for seq in 1..=n {
        let payer = if age >= 65 && seq == 1 {
            4
        } else {
            r.below(PAYERS.len() as u64) as usize
        };
        let prefix = &PAYERS[payer].name[..1];
        let memberid = format!("{prefix}{:09}", r.below(1_000_000_000));
        let eligibility = if r.chance(85) {
            "Eligible"
        } else {
            "Unverified"
        };
        // Issued before the oldest date of service a generated claim has, so every claim
        // billed to a current policy falls within its dates.
        let issue_date = today - Duration::days(r.range(OLDEST_SERVICE_DAYS + 10, 2000));
        out.push(Insurance {
            insuranceid: p.id * 10 + seq,
            payer,
            memberid,
            sequence: seq,
            eligibility: eligibility.into(),
            policyholder_first: p.firstname.to_uppercase(),
            policyholder_last: p.lastname.to_uppercase(),
            policyholder_dob: p.dob,
            policyholder_sex: p.sex.clone(),
            cancelled: false,
            issue_date,
            expiration_date: None,
            eligibility_checked: issue_date,
        });
    }
    out
}

/// The last digit of a former policy's id (`patient id × 10 + 9`); current policies end in
/// their sequence number.
const FORMER_POLICY_SLOT: u64 = 9;

/// The id of patient `patient`'s former, terminated policy (see [`gen_former_insurance`]).
pub(crate) fn former_policy_id(patient: u64) -> u64 {
    patient * 10 + FORMER_POLICY_SLOT
}

/// A policy patient `p` no longer has: it was terminated a week to three months before
/// `first_billed`, the earliest date of service a claim was (wrongly) billed to it, and the
/// eligibility check run after the termination says `Ineligible`. It is listed after the
/// `current` policies, with the next sequence number, and comes from a different payer when
/// there is one. The patient's other claims are billed to a current policy.
pub(crate) fn gen_former_insurance(
    seed: u64,
    practice: u64,
    p: &Patient,
    current: &[Insurance],
    first_billed: NaiveDate,
) -> Insurance {
    let mut r = Rng::new(seed, &[5, practice, p.id]);
    let mut payer = r.below(PAYERS.len() as u64) as usize;
    if current.iter().any(|i| i.payer == payer) {
        payer = (0..PAYERS.len())
            .map(|k| (payer + k) % PAYERS.len())
            .find(|c| current.iter().all(|i| i.payer != *c))
            .unwrap_or(payer);
    }
    let ended = first_billed - Duration::days(r.range(7, 90));
    let issue_date = ended - Duration::days(r.range(365, 1800));
    let prefix = &PAYERS[payer].name[..1];
    Insurance {
        insuranceid: former_policy_id(p.id),
        payer,
        memberid: format!("{prefix}{:09}", r.below(1_000_000_000)),
        sequence: current.len() as u64 + 1,
        eligibility: "Ineligible".into(),
        policyholder_first: p.firstname.to_uppercase(),
        policyholder_last: p.lastname.to_uppercase(),
        policyholder_dob: p.dob,
        policyholder_sex: p.sex.clone(),
        cancelled: false,
        issue_date,
        expiration_date: Some(ended),
        eligibility_checked: ended + Duration::days(r.range(1, 6)),
    }
}
