//! US Core resources built from the same generated data the REST API serves.

use serde_json::{Value, json};

use super::reference;
use crate::data::clinical::Chart;
use crate::data::patients::Patient;
use crate::data::tables::PAYERS;
use crate::http::{Reply, Req};
use crate::rest::practice::provider_name;
use crate::state::Practice;

/// An OperationOutcome.
pub(crate) fn outcome(code: &str, text: &str) -> Value {
    json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": code, "details": {"text": text}}]})
}

/// The practice id inside a FHIR id (`a-195900.E-1` → 195900; `a-1.Practice-195900` → 195900).
pub(crate) fn practice_in_id(id: &str) -> Option<u64> {
    if let Some(p) = id
        .strip_prefix("a-1.Practice-")
        .or_else(|| id.strip_prefix("a-1.c-"))
    {
        return p.parse().ok();
    }
    let rest = id.strip_prefix("a-")?;
    rest.split('.').next()?.parse().ok().filter(|p| *p != 1)
}

const TYPES: &[&str] = &[
    "Patient",
    "Condition",
    "Observation",
    "AllergyIntolerance",
    "MedicationRequest",
    "Encounter",
    "Coverage",
    "Practitioner",
    "Organization",
    "Location",
];

/// The server's CapabilityStatement (abridged).
pub(crate) fn capability_statement(base: &str) -> Value {
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2024-01-01",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "implementation": {"description": "athena-testkit FHIR R4 sandbox", "url": format!("{base}/fhir/r4")},
        "instantiates": ["http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server"],
        "rest": [{"mode": "server", "resource": TYPES.iter().map(|t| json!({"type": t, "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": "ah-practice", "type": "reference"}, {"name": "patient", "type": "reference"}, {"name": "_id", "type": "token"}, {"name": "cursor", "type": "string"}, {"name": "_count", "type": "number"}]})).collect::<Vec<_>>()}],
    })
}

pub(crate) fn patient_id(practice: u64, pid: u64) -> String {
    format!("a-{practice}.E-{pid}")
}

/// US Core Patient.
pub(crate) fn patient(practice: u64, p: &Patient) -> Value {
    let gender = match p.sex.as_str() {
        "F" => "female",
        "M" => "male",
        _ => "unknown",
    };
    json!({
        "resourceType": "Patient",
        "id": patient_id(practice, p.id),
        "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
        "extension": [
            {"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex", "valueCode": if gender == "female" { "F" } else if gender == "male" { "M" } else { "UNK" }},
        ],
        "identifier": [{"system": format!("urn:athenahealth:athenanet:patient:{practice}"), "value": p.id.to_string()}],
        "active": p.status == "active",
        "name": [{"use": "official", "family": p.lastname, "given": [p.firstname]}],
        "telecom": [
            {"system": "phone", "value": p.homephone, "use": "home"},
            {"system": "phone", "value": p.mobilephone, "use": "mobile"},
            {"system": "email", "value": p.email},
        ],
        "gender": gender,
        "birthDate": p.dob.format("%Y-%m-%d").to_string(),
        "address": [{"line": [p.address1], "city": p.city, "state": p.state, "postalCode": p.zip, "country": "US"}],
        "managingOrganization": reference(&format!("Organization/a-1.Practice-{practice}")),
    })
}

fn subject(practice: u64, pid: u64) -> Value {
    reference(&format!("Patient/{}", patient_id(practice, pid)))
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn instant(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S-05:00").to_string()
}

/// Every clinical resource of one patient, of the given type (or all when `None`).
pub(crate) fn clinical(p: &Practice, pat: &Patient, chart: &Chart, ty: Option<&str>) -> Vec<Value> {
    let pr = p.id;
    let mut out = Vec::new();
    let want = |t: &str| ty.is_none_or(|x| x == t);
    if want("Condition") {
        for c in &chart.problems {
            out.push(json!({
                "resourceType": "Condition",
                "id": format!("a-{pr}.problem-{}", c.id),
                "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition"]},
                "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item"}]}],
                "code": {"coding": [
                    {"system": "http://snomed.info/sct", "code": c.snomed, "display": c.name},
                    {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": c.icd10},
                ], "text": c.name},
                "subject": subject(pr, pat.id),
                "onsetDateTime": date(c.onset),
            }));
        }
    }
    if want("Observation") {
        for r in &chart.vitals {
            let value: f64 = r.value.parse().unwrap_or(0.0);
            out.push(json!({
                "resourceType": "Observation",
                "id": format!("a-{pr}.vital-{}", r.id),
                "status": "final",
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
                "code": {"coding": [{"system": "http://loinc.org", "code": r.loinc, "display": r.name}], "text": r.name},
                "subject": subject(pr, pat.id),
                "effectiveDateTime": instant(r.at),
                "valueQuantity": {"value": value, "unit": r.unit, "system": "http://unitsofmeasure.org", "code": r.unit},
            }));
        }
        for l in &chart.labs {
            for a in &l.analytes {
                let range: Vec<f64> = a.range.split('-').filter_map(|x| x.parse().ok()).collect();
                out.push(json!({
                    "resourceType": "Observation",
                    "id": format!("a-{pr}.lab-{}", a.id),
                    "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab"]},
                    "status": "final",
                    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
                    "code": {"coding": [{"system": "http://loinc.org", "code": a.loinc, "display": a.name}], "text": a.name},
                    "subject": subject(pr, pat.id),
                    "effectiveDateTime": instant(l.at),
                    "valueQuantity": {"value": a.value.parse::<f64>().unwrap_or(0.0), "unit": a.unit, "system": "http://unitsofmeasure.org", "code": a.unit},
                    "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": if a.abnormal { "A" } else { "N" }}]}],
                    "referenceRange": [{"low": {"value": range.first().copied().unwrap_or(0.0), "unit": a.unit}, "high": {"value": range.get(1).copied().unwrap_or(0.0), "unit": a.unit}}],
                }));
            }
        }
    }
    if want("AllergyIntolerance") {
        for a in &chart.allergies {
            out.push(json!({
                "resourceType": "AllergyIntolerance",
                "id": format!("a-{pr}.allergy-{}-{}", pat.id, a.allergenid),
                "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
                "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed"}]},
                "code": {"text": a.name},
                "patient": subject(pr, pat.id),
                "onsetDateTime": date(a.onset),
                "reaction": [{"manifestation": [{"coding": [{"system": "http://snomed.info/sct", "code": a.reaction_snomed, "display": a.reaction}]}], "severity": a.severity}],
            }));
        }
    }
    if want("MedicationRequest") {
        for m in &chart.medications {
            out.push(json!({
                "resourceType": "MedicationRequest",
                "id": format!("a-{pr}.medication-{}", m.id),
                "status": if m.discontinued { "stopped" } else { "active" },
                "intent": "order",
                "reportedBoolean": true,
                "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": m.rxnorm, "display": m.name}], "text": m.name},
                "subject": subject(pr, pat.id),
                "authoredOn": date(m.start),
                "dosageInstruction": [{"text": m.sig}],
            }));
        }
    }
    if want("Encounter") {
        for e in &chart.encounters {
            out.push(json!({
                "resourceType": "Encounter",
                "id": format!("a-{pr}.Enc-{}", e.id),
                "status": "finished",
                "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory"},
                "type": [{"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "99213"}], "text": "Office Visit"}],
                "subject": subject(pr, pat.id),
                "participant": [{"individual": reference(&format!("Practitioner/a-{pr}.Provider-{}", e.providerid))}],
                "period": {"start": date(e.date), "end": date(e.date)},
                "reasonCode": [{"text": e.complaint}],
                "location": [{"location": reference(&format!("Location/a-{pr}.Department-{}", e.departmentid))}],
            }));
        }
    }
    if want("Coverage") {
        for i in p.insurances(pat) {
            let payer = PAYERS[i.payer % PAYERS.len()];
            out.push(json!({
                "resourceType": "Coverage",
                "id": format!("a-{pr}.coverage-{}", i.insuranceid),
                "status": if i.cancelled || i.eligibility == "Ineligible" { "cancelled" } else { "active" },
                "subscriberId": i.memberid,
                "beneficiary": subject(pr, pat.id),
                "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "self"}]},
                "payor": [{"display": payer.name}],
                "class": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]}, "value": payer.package_id.to_string(), "name": payer.plan}],
                "order": i.sequence,
            }));
        }
    }
    out
}

fn practitioner(practice: u64, id: u64) -> Value {
    let (first, last) = provider_name(id);
    json!({"resourceType": "Practitioner", "id": format!("a-{practice}.Provider-{id}"), "active": true,
           "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": (1_000_000_000u64 + id * 7919 % 999_999_999).to_string()}],
           "name": [{"family": last, "given": [first], "prefix": ["Dr."]}]})
}

fn organization(practice: u64) -> Value {
    json!({"resourceType": "Organization", "id": format!("a-1.Practice-{practice}"), "active": true, "name": if practice == 195900 { "athenahealth MDP Sandbox".to_string() } else { format!("Sandbox Practice {practice}") }})
}

fn location(practice: u64, id: u64) -> Value {
    let d = crate::rest::practice::department(practice, id);
    json!({"resourceType": "Location", "id": format!("a-{practice}.Department-{id}"), "status": "active", "name": d["name"],
           "address": {"line": [d["address"]], "city": d["city"], "state": d["state"], "postalCode": d["zip"]},
           "managingOrganization": reference(&format!("Organization/a-1.Practice-{practice}"))})
}

fn required_combo(combos: &str) -> Reply {
    Reply::json(
        400,
        json!({"issue": [{"details": {"text": format!("The search query could not be performed because one of the required parameter combinations {combos} was not provided.")}, "severity": "fatal", "code": "forbidden"}]}),
    )
}

fn patient_from_ref(p: &Practice, v: &str) -> Option<Patient> {
    let id = v.strip_prefix("Patient/").unwrap_or(v);
    let n: u64 = id.strip_prefix(&format!("a-{}.E-", p.id))?.parse().ok()?;
    p.patient(n)
}

fn bundle(base: &str, ty: &str, req: &Req, all: Vec<Value>) -> Value {
    let count = req
        .param("_count")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 1000);
    let cursor = req
        .param("cursor")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(cursor).take(count).collect();
    let params: Vec<String> = req
        .query
        .iter()
        .filter(|(k, _)| k != "cursor")
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect();
    let q = params.join("&");
    let mut links = vec![json!({"relation": "self", "url": format!("{base}/{ty}?{q}")})];
    if cursor + page.len() < total {
        links.push(json!({"relation": "next", "url": format!("{base}/{ty}?{q}&cursor={}", cursor + count)}));
    }
    json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": page.into_iter().map(|r| {
            let url = format!("{base}/{}/{}", r["resourceType"].as_str().unwrap_or(ty), r["id"].as_str().unwrap_or(""));
            json!({"fullUrl": url, "resource": r, "search": {"mode": "match"}})
        }).collect::<Vec<_>>(),
    })
}

fn search_patients(p: &Practice, req: &Req) -> Result<Vec<Value>, Reply> {
    if let Some(id) = req.param("_id") {
        return Ok(id
            .split(',')
            .filter_map(|i| patient_from_ref(p, i))
            .map(|x| patient(p.id, &x))
            .collect());
    }
    if let Some(ident) = req.param("identifier") {
        let v = ident.rsplit('|').next().unwrap_or(ident);
        return Ok(v
            .parse::<u64>()
            .ok()
            .and_then(|n| p.patient(n))
            .map(|x| vec![patient(p.id, &x)])
            .unwrap_or_default());
    }
    let family = req.param("family").map(str::to_ascii_lowercase);
    let name = req.param("name").map(str::to_ascii_lowercase);
    let given = req.param("given").map(str::to_ascii_lowercase);
    let birth = req.param("birthdate").and_then(|b| {
        chrono::NaiveDate::parse_from_str(b.trim_start_matches("eq"), "%Y-%m-%d").ok()
    });
    let gender = req.param("gender").map(str::to_ascii_lowercase);
    let ok = name.is_some()
        || (family.is_some() && (birth.is_some() || gender.is_some() || given.is_some()));
    if !ok {
        return Err(required_combo(
            "[[_id],[identifier],[name],[family,birthdate],[family,gender],[family,given]]",
        ));
    }
    let matches = |first: &str, last: &str, dob: chrono::NaiveDate, female: bool| {
        name.as_deref()
            .is_none_or(|n| first.eq_ignore_ascii_case(n) || last.eq_ignore_ascii_case(n))
            && family
                .as_deref()
                .is_none_or(|f| last.eq_ignore_ascii_case(f))
            && given
                .as_deref()
                .is_none_or(|g| first.eq_ignore_ascii_case(g))
            && birth.is_none_or(|b| b == dob)
            && gender.as_deref().is_none_or(|g| (g == "female") == female)
    };
    let mut ids = Vec::new();
    for id in 1..=p.base_patients {
        if p.patients.contains_key(&id) {
            continue;
        }
        let k = p.key(id);
        if matches(k.firstname(), k.lastname(), k.dob, k.female) {
            ids.push(id);
        }
    }
    for (id, x) in &p.patients {
        if matches(&x.firstname, &x.lastname, x.dob, x.sex == "F") {
            ids.push(*id);
        }
    }
    ids.sort_unstable();
    Ok(ids
        .into_iter()
        .filter_map(|i| p.patient(i))
        .map(|x| patient(p.id, &x))
        .collect())
}

fn read(p: &Practice, ty: &str, id: &str) -> Option<Value> {
    let pr = p.id;
    match ty {
        "Patient" => patient_from_ref(p, id).map(|x| patient(pr, &x)),
        "Organization" => (id == format!("a-1.Practice-{pr}")).then(|| organization(pr)),
        "Practitioner" => id
            .strip_prefix(&format!("a-{pr}.Provider-"))?
            .parse()
            .ok()
            .filter(|i| p.has_provider(*i))
            .map(|i| practitioner(pr, i)),
        "Location" => id
            .strip_prefix(&format!("a-{pr}.Department-"))?
            .parse()
            .ok()
            .filter(|i| p.has_department(*i))
            .map(|i| location(pr, i)),
        _ => {
            // Clinical ids embed a number from which the patient can be derived.
            let tail = id.strip_prefix(&format!("a-{pr}."))?;
            let (kind, num) = tail.split_once('-')?;
            let first: u64 = num.split('-').next()?.parse().ok()?;
            let pid = match kind {
                "problem" | "medication" | "Enc" => first / 100,
                "vital" | "lab" => first / 1000,
                "allergy" => first,
                "coverage" => first / 10,
                _ => return None,
            };
            let pat = p.patient(pid)?;
            let chart = p.chart(&pat);
            clinical(p, &pat, &chart, Some(ty))
                .into_iter()
                .find(|r| r["id"] == id)
        }
    }
}

/// Route a FHIR read or search for practice `p`.
pub(crate) fn route(p: &Practice, req: &Req, segs: &[&str], base: &str) -> Reply {
    match segs {
        [ty, id] if TYPES.contains(ty) => match read(p, ty, id) {
            Some(r) => Reply::ok(r),
            None => Reply::json(
                404,
                outcome("not-found", &format!("Resource {ty}/{id} is not known.")),
            ),
        },
        [ty] if TYPES.contains(ty) => {
            let all = match *ty {
                "Patient" => match search_patients(p, req) {
                    Ok(v) => v,
                    Err(e) => return e,
                },
                "Organization" => vec![organization(p.id)],
                "Practitioner" => (1..=p.providers).map(|i| practitioner(p.id, i)).collect(),
                "Location" => (1..=p.departments).map(|i| location(p.id, i)).collect(),
                _ => {
                    let pat_ref = req
                        .param("patient")
                        .or(req.param("subject"))
                        .or(req.param("beneficiary"));
                    match (pat_ref, req.param("_id")) {
                        (Some(r), _) => match patient_from_ref(p, r) {
                            Some(pat) => {
                                let chart = p.chart(&pat);
                                let mut v = clinical(p, &pat, &chart, Some(ty));
                                if let Some(cat) = req.param("category") {
                                    v.retain(|r| r["category"].to_string().contains(cat));
                                }
                                if let Some(code) = req.param("code") {
                                    let c = code.rsplit('|').next().unwrap_or(code);
                                    v.retain(|r| {
                                        r["code"].to_string().contains(&format!("\"{c}\""))
                                    });
                                }
                                v
                            }
                            None => Vec::new(),
                        },
                        (None, Some(id)) => id.split(',').filter_map(|i| read(p, ty, i)).collect(),
                        (None, None) => return required_combo("[[patient],[_id]]"),
                    }
                }
            };
            Reply::ok(bundle(base, ty, req, all))
        }
        _ => Reply::json(404, outcome("not-supported", "Unknown resource type.")),
    }
}
