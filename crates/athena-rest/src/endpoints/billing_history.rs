//! A claim's transactions, a patient's payment history and e-payment receipts; and the
//! decoding of list answers whose item key no recording has pinned down.

use athena_core::codec::AthenaDate;
use athena_core::decode::Endpoint;
use athena_core::ids::{ClaimId, DepartmentId, PatientId};
use athena_core::paging::decode_page;
use athena_core::{Client, Error, ErrorKind, Page, PageLink, Practice, Request, Result};
use futures::stream::{self, BoxStream, StreamExt};
use http::Method;
use serde::de::DeserializeOwned;

use crate::models::{ClaimTransactionEntry, PaymentHistoryEntry, PaymentReceipt};
use crate::send::{self, builder, param, pure_build};

/// Item keys tried for `GET /claims/{claimid}/claimtransactions`.
const CLAIM_TRANSACTION_KEYS: &[&str] = &["claimtransactions", "transactions"];
/// Item keys tried for `GET /patients/paymenthistory`.
const PAYMENT_HISTORY_KEYS: &[&str] = &["payments", "paymenthistory", "patients"];

/// Decodes one page of a list whose item key is not known for certain: a bare array, an
/// envelope whose items sit under the first of `keys` present, or, failing that, under the
/// envelope's only array-valued key. `totalcount` and `next` are read as on every list.
/// A decode error names the JSON path and the endpoint, never a value.
pub(crate) fn decode_loose_page<T: DeserializeOwned>(
    body: &serde_json::Value,
    keys: &[&str],
    req: &Request,
) -> Result<Page<T>> {
    let endpoint = Endpoint {
        method: req.method_str(),
        route: req.route(),
    };
    let no_list = || {
        Error::new(
            ErrorKind::Decode,
            "the answer holds no list of items under any known key",
        )
        .with_endpoint(endpoint.method, endpoint.route)
    };
    let (key, envelope) = match body {
        serde_json::Value::Array(items) => {
            let mut m = serde_json::Map::new();
            m.insert("items".into(), serde_json::Value::Array(items.clone()));
            ("items".to_owned(), serde_json::Value::Object(m))
        }
        serde_json::Value::Object(m) => {
            let known = keys
                .iter()
                .find(|k| m.get(**k).is_some_and(serde_json::Value::is_array))
                .map(|k| (*k).to_owned());
            let key = match known {
                Some(k) => k,
                None => {
                    let mut arrays = m.iter().filter(|(_, v)| v.is_array()).map(|(k, _)| k);
                    match (arrays.next(), arrays.next()) {
                        (Some(k), None) => k.clone(),
                        _ if m.get("totalcount").is_some() && m.len() == 1 => {
                            // `{"totalcount": 0}`: an empty list.
                            return Ok(Page::new(Vec::new(), Some(0), None));
                        }
                        _ => return Err(no_list()),
                    }
                }
            };
            (key, body.clone())
        }
        _ => return Err(no_list()),
    };
    let bytes = serde_json::to_vec(&envelope).map_err(|_| no_list())?;
    decode_page(&bytes, &key, endpoint)
}

/// One page of a list with an uncertain item key (see [`decode_loose_page`]).
pub(crate) async fn loose_page<T: DeserializeOwned>(
    client: &Client,
    req: &Request,
    keys: &'static [&'static str],
) -> Result<Page<T>> {
    let body: serde_json::Value = send::json(client, req).await?;
    decode_loose_page(&body, keys, req)
}

/// The pages of a list with an uncertain item key, lazily; one page is held at a time.
/// Stops when `next` is absent, or when it does not move forward (a server-given link never
/// makes the stream loop).
pub(crate) fn loose_pages<T: DeserializeOwned + Send + 'static>(
    client: Client,
    req: Request,
    keys: &'static [&'static str],
) -> BoxStream<'static, Result<Page<T>>> {
    let start = offset_of(&req);
    stream::unfold(Some((req, start)), move |state| {
        let client = client.clone();
        async move {
            let (req, offset) = state?;
            match loose_page::<T>(&client, &req, keys).await {
                Err(e) => Some((Err(e), None)),
                Ok(page) => {
                    let next = page
                        .next()
                        .filter(|l| l.offset > offset)
                        .map(|l| (next_request(&req, l), l.offset));
                    Some((Ok(page), next))
                }
            }
        }
    })
    .boxed()
}

/// Every item of a list with an uncertain item key, page after page, lazily (see
/// [`loose_pages`]).
pub(crate) fn loose_stream<T: DeserializeOwned + Send + 'static>(
    client: Client,
    req: Request,
    keys: &'static [&'static str],
) -> BoxStream<'static, Result<T>> {
    loose_pages::<T>(client, req, keys)
        .flat_map(|page| {
            stream::iter(match page {
                Ok(page) => page.into_items().into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            })
        })
        .boxed()
}

fn offset_of(req: &Request) -> u64 {
    req.query_pairs()
        .iter()
        .find(|(k, _)| k == "offset")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

fn next_request(req: &Request, link: PageLink) -> Request {
    let r = req.clone().set_query("offset", link.offset);
    match link.limit {
        Some(l) => r.set_query("limit", l),
        None => r,
    }
}

/// A claim's transactions (`practice.claim_transactions(claim)`).
#[derive(Debug, Clone)]
pub struct ClaimTransactions {
    practice: Practice,
    claim: ClaimId,
}

impl ClaimTransactions {
    pub(crate) fn new(practice: Practice, claim: ClaimId) -> Self {
        ClaimTransactions { practice, claim }
    }

    /// `GET /v1/{practiceid}/claims/{claimid}/claimtransactions`: charges, payments, adjustments and
    /// transfers on the claim. Models unverified: see [`ClaimTransactionEntry`].
    pub fn list(&self) -> ListClaimTransactions {
        ListClaimTransactions::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::GET,
                    "/v1/{practiceid}/claims/{claimid}/claimtransactions",
                )
                .path_param("claimid", self.claim),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/claims/{claimid}/claimtransactions`. See [`ClaimTransactions::list`].
    ListClaimTransactions
);
pure_build!(ListClaimTransactions);

impl ListClaimTransactions {
    param!(/// Page size.
        query limit(u32) => "limit");
    param!(/// Starting point (0-based).
        query offset(u64) => "offset");
}

send::list!(ListClaimTransactions => ClaimTransactionEntry, loose CLAIM_TRANSACTION_KEYS);

/// Patient payments and receipts (`practice.patient_payments()`).
#[derive(Debug, Clone)]
pub struct PatientPayments {
    practice: Practice,
}

impl PatientPayments {
    pub(crate) fn new(practice: Practice) -> Self {
        PatientPayments { practice }
    }

    /// `GET /v1/{practiceid}/patients/paymenthistory`: the payments of `patients` posted between `start`
    /// and `end` (both required by athena). `InvalidInput` at `build` without any patient
    /// or with `end` before `start`. Models unverified: see [`PaymentHistoryEntry`].
    pub fn history(
        &self,
        patients: &[PatientId],
        start: AthenaDate,
        end: AthenaDate,
    ) -> PaymentHistory {
        let list = patients
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        PaymentHistory {
            client: self.practice.client().clone(),
            req: self
                .practice
                .request(Method::GET, "/v1/{practiceid}/patients/paymenthistory")
                .query("patientidlist", list)
                .query("startdate", start)
                .query("enddate", end),
            no_patient: patients.is_empty(),
            reversed: start > end,
        }
    }

    /// `GET /v1/{practiceid}/patients/{patientid}/receipts`: a patient's e-payment receipts in a
    /// department (item key `receipts`, documented).
    pub fn receipts(&self, patient: PatientId, department: DepartmentId) -> ListReceipts {
        ListReceipts::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::GET,
                    "/v1/{practiceid}/patients/{patientid}/receipts",
                )
                .path_param("patientid", patient)
                .query("departmentid", department),
        )
    }
}

/// `GET /v1/{practiceid}/patients/paymenthistory`: patients' payments between two dates.
/// See [`PatientPayments::history`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct PaymentHistory {
    client: Client,
    req: Request,
    no_patient: bool,
    reversed: bool,
}

impl PaymentHistory {
    param!(/// Also return date of service, original plan and supervising provider.
        query additionalpaymentinfo(bool) => "additionalpaymentinfo");
    param!(/// Page size.
        query limit(u32) => "limit");
    param!(/// Starting point (0-based).
        query offset(u64) => "offset");

    /// The request; `InvalidInput` without a patient or with `enddate` before `startdate`.
    pub fn build(&self) -> Result<Request> {
        if self.no_patient {
            Err(send::missing(&self.req, "patientidlist"))
        } else if self.reversed {
            Err(send::invalid(&self.req, "`enddate` is before `startdate`"))
        } else {
            Ok(self.req.clone())
        }
    }
}

send::list!(PaymentHistory => PaymentHistoryEntry, loose PAYMENT_HISTORY_KEYS);

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/receipts`. See [`PatientPayments::receipts`].
    ListReceipts
);
pure_build!(ListReceipts);

impl ListReceipts {
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(ListReceipts => PaymentReceipt, "receipts");
