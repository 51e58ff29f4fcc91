//! A claim's transactions, a patient's payment history and e-payment receipts.
//!
//! **No recording of these answers exists** (none in the shared fixtures, none in the public
//! clients' fixtures that were searched). The models follow athenahealth's documentation and
//! the request definitions of other clients; every field is optional, decodes leniently
//! (numbers or strings, athena's boolean spellings) and every field this SDK does not model
//! is kept in `extra`, so an answer with a different shape still decodes. Each model says
//! which fields are documented and which are unverified.

use athena_core::codec::{AthenaDate, AthenaDateTime, Money};
use athena_core::ids::{ClaimId, DepartmentId, InsuranceId, PatientId, PaymentBatchId, ProviderId};
use athena_core::phi::Phi;

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// One transaction on a claim (`GET /claims/{claimid}/claimtransactions`): a charge, a
/// payment, an adjustment or a transfer of the balance between payers.
///
/// Sources: the endpoint is athena's "Retrieves a list of claims transactions for a
/// specific claim" (<https://docs.athenahealth.com/api/api-ref/claim>; request definition
/// `ListClaimTransactions.php` in chrisreedio/laravel-athena-sdk). Its output fields could
/// not be read from any stored copy of the documentation, so **every field here is
/// unverified**: the names follow the vocabulary athena uses for the same facts on
/// `GET /claims/{claimid}` (`transactionid`, `procedurecode`, `postdate`,
/// `paymentbatchid`, reason and remark codes). The item key is not documented either;
/// the endpoint accepts `claimtransactions`, `transactions` or a bare array.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct ClaimTransactionEntry {
    /// Transaction id (the charge's id on `GET /claims/{claimid}`'s `transactiondetails`).
    pub transactionid: Option<String>,
    /// The charge this transaction applies to (a charge's own id for a charge).
    pub chargeid: Option<String>,
    /// `CHARGE`, `PAYMENT`, `ADJUSTMENT`, `TRANSFERIN`, `TRANSFEROUT`, … (open set).
    pub transactiontype: Option<String>,
    /// Why an adjustment or transfer was made, in words.
    pub transactionreason: Option<String>,
    /// CPT/HCPCS code of the charge.
    pub procedurecode: Option<String>,
    /// Amount; negative for payments and adjustments that reduce the balance.
    pub amount: Option<Money>,
    /// Posting date.
    pub postdate: Option<AthenaDate>,
    /// Date of service of the charge.
    pub servicedate: Option<AthenaDate>,
    /// The payment batch a payment was posted in.
    pub paymentbatchid: Option<PaymentBatchId>,
    /// Who the amount is with: `PRIMARY`, `SECONDARY`, `PATIENT` (open set).
    pub payer: Option<String>,
    /// The patient insurance the transaction is with, when it is with a payer.
    pub patientinsuranceid: Option<InsuranceId>,
    /// Claim adjustment reason code (CARC) of an adjustment or denial.
    pub reasoncode: Option<String>,
    /// Remittance remark codes (RARC).
    pub remarkcodes: Option<Vec<String>>,
    /// Whether the transaction was voided.
    pub voided: Option<bool>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One patient payment (`GET /patients/paymenthistory`).
///
/// Sources: the endpoint "Retrieves payment history information for the list of
/// patients" and takes `patientidlist`, `startdate`, `enddate` and
/// `additionalpaymentinfo` ("date of service, original plan, supervising provider")
/// (request definition `ListPatientPaymentHistory.php` in chrisreedio/laravel-athena-sdk,
/// mirroring <https://docs.athenahealth.com/api/api-ref/payment>). The payment fields follow
/// athena's user guide for the same report ("Patient Payment Summary": post date, reason
/// for payment, method of payment, amount, procedure code, original plan, supervising
/// provider; <https://help.athenahealth.com/Ohelp/Content/Patient_Payment_Summary_PH.htm>)
/// and the form fields of `POST /patients/{patientid}/recordpayment`. **Every field is
/// unverified**; so is the item key (the endpoint accepts `payments`, `paymenthistory`,
/// `patients` or a bare array).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct PaymentHistoryEntry {
    /// The patient who paid (several patients can be asked for at once).
    pub patientid: Option<PatientId>,
    /// Payment id.
    pub paymentid: Option<String>,
    /// Posting date.
    pub postdate: Option<AthenaDate>,
    /// Amount paid.
    pub amount: Option<Money>,
    /// `CASH`, `CHECK`, `CREDITCARD`, … (open set).
    pub paymentmethod: Option<String>,
    /// Why the patient paid (`COPAY`, `PAYMENT`, `PREPAYMENT`, …).
    pub paymentreason: Option<String>,
    /// The batch the payment was posted in.
    pub paymentbatchid: Option<PaymentBatchId>,
    /// Department where it was collected.
    pub departmentid: Option<DepartmentId>,
    /// The claim it was applied to, when it was applied.
    pub claimid: Option<ClaimId>,
    /// Amount not applied to any charge.
    pub unappliedamount: Option<Money>,
    /// Check number (an account identifier: PHI).
    pub checknumber: Option<Phi<String>>,
    /// Last four digits of the card (part of an account number: PHI).
    pub cardnumberlast4: Option<Phi<String>>,
    /// With `additionalpaymentinfo`: date of service of the charge paid.
    pub servicedate: Option<AthenaDate>,
    /// With `additionalpaymentinfo`: CPT/HCPCS code of the charge paid.
    pub procedurecode: Option<String>,
    /// With `additionalpaymentinfo`: the charge's original plan (insurance package name).
    pub originalplan: Option<String>,
    /// With `additionalpaymentinfo`: the charge's supervising provider.
    pub supervisingproviderid: Option<ProviderId>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One e-payment receipt of a patient (`GET /patients/{patientid}/receipts`, item key
/// `receipts`).
///
/// Source: <https://docs.athenahealth.com/api/api-ref/receipt> (output parameters of "Get
/// list of payment-receipts"): every field below is documented there with type
/// `string`; none has been seen in a recording. `requestdate` is documented as "the
/// timestamp (Eastern) when the payment was initiated".
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct PaymentReceipt {
    /// The e-payment id, which fetches the receipt itself.
    pub epaymentid: Option<String>,
    /// Amount of the payment.
    pub amount: Option<Money>,
    /// Last four digits of the card (part of an account number: PHI).
    pub cardnumberlast4digits: Option<Phi<String>>,
    /// Card type, short (`VI`, `MC`).
    pub cardtypeabbreviation: Option<String>,
    /// Card type, long (`Visa`).
    pub cardtypename: Option<String>,
    /// The payment contract it belongs to, if any.
    pub contractid: Option<String>,
    /// The contract's balance, if any.
    pub epaymentcontractbalance: Option<Money>,
    /// The contract's maximum amount, if any.
    pub epaymentcontractmaxamount: Option<Money>,
    /// When the payment was initiated (US/Eastern, no zone on the wire).
    pub requestdate: Option<AthenaDateTime>,
    /// Type of transaction (`PAYMENT`, `REFUND`, …).
    #[athena(rename = "type")]
    pub kind: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
