//! One encounter's diagnoses and orders: list them, add a diagnosis, place a lab order.

use std::fmt;

use athena_core::ids::EncounterId;
use athena_core::{Practice, Request, RetrySafety};
use http::Method;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::values::Laterality;
use crate::models::{EncounterDiagnosis, EncounterOrderGroup, OrderCreated};
use crate::send::{self, builder, param, pure_build};

/// Diagnoses and orders of one encounter (`practice.encounter_orders(encounter)`). The
/// encounter already belongs to a department, so no `departmentid` is sent.
#[derive(Debug, Clone)]
pub struct EncounterOrders {
    practice: Practice,
    encounter: EncounterId,
}

impl EncounterOrders {
    pub(crate) fn new(practice: Practice, encounter: EncounterId) -> Self {
        EncounterOrders {
            practice,
            encounter,
        }
    }

    fn request(&self, method: Method, route: &'static str) -> Request {
        self.practice
            .request(method, route)
            .path_param("encounterid", self.encounter)
    }

    /// `GET /v1/{practiceid}/chart/encounter/{encounterid}/diagnoses`.
    pub fn diagnoses(&self) -> ListEncounterDiagnoses {
        ListEncounterDiagnoses::new(
            self.practice.client(),
            self.request(
                Method::GET,
                "/v1/{practiceid}/chart/encounter/{encounterid}/diagnoses",
            ),
        )
    }

    /// `POST /v1/{practiceid}/chart/encounter/{encounterid}/diagnoses`: adds a diagnosis by SNOMED CT code
    /// (an unknown code is a 400). Never retried once the request may have reached athena.
    pub fn add_diagnosis(&self, snomedcode: u64) -> AddEncounterDiagnosis {
        AddEncounterDiagnosis::new(
            self.practice.client(),
            self.request(
                Method::POST,
                "/v1/{practiceid}/chart/encounter/{encounterid}/diagnoses",
            )
            .retry_safety(RetrySafety::NotIdempotent)
            .form("snomedcode", snomedcode),
        )
    }

    /// `GET /v1/{practiceid}/chart/encounter/{encounterid}/orders`: orders grouped by diagnosis.
    pub fn orders(&self) -> ListEncounterOrders {
        ListEncounterOrders::new(
            self.practice.client(),
            self.request(
                Method::GET,
                "/v1/{practiceid}/chart/encounter/{encounterid}/orders",
            ),
        )
    }

    /// `POST /v1/{practiceid}/chart/encounter/{encounterid}/orders/lab`: orders a lab test (`ordertypeid`
    /// from `GET /reference/order/lab`) for a diagnosis of the encounter. Never retried once
    /// the request may have reached athena (a replay would order the test twice).
    pub fn add_lab_order(&self, ordertypeid: u64, diagnosissnomedcode: u64) -> AddLabOrder {
        AddLabOrder::new(
            self.practice.client(),
            self.request(
                Method::POST,
                "/v1/{practiceid}/chart/encounter/{encounterid}/orders/lab",
            )
            .retry_safety(RetrySafety::NotIdempotent)
            .form("ordertypeid", ordertypeid)
            .form("diagnosissnomedcode", diagnosissnomedcode),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/chart/encounter/{encounterid}/diagnoses`. See [`EncounterOrders::diagnoses`].
    ListEncounterDiagnoses
);
pure_build!(ListEncounterDiagnoses);

// Accepts a bare array and a `{"diagnoses": […]}` envelope alike (no recording of this
// answer was available to pin one down); one page.
send::list!(ListEncounterDiagnoses => EncounterDiagnosis, bare DiagnosisList);

/// A diagnosis list: a bare array, or an object whose `diagnoses` key holds one.
struct DiagnosisList(Vec<EncounterDiagnosis>);

impl From<DiagnosisList> for Vec<EncounterDiagnosis> {
    fn from(l: DiagnosisList) -> Self {
        l.0
    }
}

impl<'de> serde::Deserialize<'de> for DiagnosisList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DiagnosisList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of diagnoses or an object with `diagnoses`")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<DiagnosisList, A::Error> {
                let mut out = Vec::new();
                while let Some(d) = seq.next_element::<EncounterDiagnosis>()? {
                    out.push(d);
                }
                Ok(DiagnosisList(out))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<DiagnosisList, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "diagnoses" {
                        found = Some(map.next_value::<Vec<EncounterDiagnosis>>()?);
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                found
                    .map(DiagnosisList)
                    .ok_or_else(|| de::Error::missing_field("diagnoses"))
            }
        }
        d.deserialize_any(V)
    }
}

builder!(
    /// `POST /v1/{practiceid}/chart/encounter/{encounterid}/diagnoses`. See [`EncounterOrders::add_diagnosis`].
    AddEncounterDiagnosis
);
pure_build!(AddEncounterDiagnosis);

impl AddEncounterDiagnosis {
    param!(/// ICD-10 codes to attach (comma-separated); athena picks when left out.
        form_str icd10codes => "icd10codes");
    param!(/// Laterality.
        form laterality(Laterality) => "laterality");
    param!(/// Note.
        form_str note => "note");
}

send::send_as!(AddEncounterDiagnosis => EncounterDiagnosis, json);

builder!(
    /// `GET /v1/{practiceid}/chart/encounter/{encounterid}/orders`. See [`EncounterOrders::orders`].
    ListEncounterOrders
);
pure_build!(ListEncounterOrders);

// athena answers a bare array of diagnosis groups: one page.
send::list!(ListEncounterOrders => EncounterOrderGroup, bare Vec<EncounterOrderGroup>);

builder!(
    /// `POST /v1/{practiceid}/chart/encounter/{encounterid}/orders/lab`. See [`EncounterOrders::add_lab_order`].
    AddLabOrder
);
pure_build!(AddLabOrder);

impl AddLabOrder {
    param!(/// Note from the provider.
        form_str providernote => "providernote");
    param!(/// Performing lab (clinical provider id).
        form facilityid(u64) => "facilityid");
}

send::send_as!(AddLabOrder => OrderCreated, json);
