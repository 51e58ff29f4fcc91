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

use crate::de::model;

model! {
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
    pub struct ClaimTransactionEntry {
        /// Transaction id (the charge's id on `GET /claims/{claimid}`'s `transactiondetails`).
        transactionid: String,
        /// The charge this transaction applies to (a charge's own id for a charge).
        chargeid: String,
        /// `CHARGE`, `PAYMENT`, `ADJUSTMENT`, `TRANSFERIN`, `TRANSFEROUT`, … (open set).
        transactiontype: String,
        /// Why an adjustment or transfer was made, in words.
        transactionreason: String,
        /// CPT/HCPCS code of the charge.
        procedurecode: String,
        /// Amount; negative for payments and adjustments that reduce the balance.
        amount: Money,
        /// Posting date.
        postdate: AthenaDate,
        /// Date of service of the charge.
        servicedate: AthenaDate,
        /// The payment batch a payment was posted in.
        paymentbatchid: PaymentBatchId,
        /// Who the amount is with: `PRIMARY`, `SECONDARY`, `PATIENT` (open set).
        payer: String,
        /// The patient insurance the transaction is with, when it is with a payer.
        patientinsuranceid: InsuranceId,
        /// Claim adjustment reason code (CARC) of an adjustment or denial.
        reasoncode: String,
        /// Remittance remark codes (RARC).
        remarkcodes: Vec<String>,
        /// Whether the transaction was voided.
        voided: bool,
    }
}

model! {
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
    pub struct PaymentHistoryEntry {
        /// The patient who paid (several patients can be asked for at once).
        patientid: PatientId,
        /// Payment id.
        paymentid: String,
        /// Posting date.
        postdate: AthenaDate,
        /// Amount paid.
        amount: Money,
        /// `CASH`, `CHECK`, `CREDITCARD`, … (open set).
        paymentmethod: String,
        /// Why the patient paid (`COPAY`, `PAYMENT`, `PREPAYMENT`, …).
        paymentreason: String,
        /// The batch the payment was posted in.
        paymentbatchid: PaymentBatchId,
        /// Department where it was collected.
        departmentid: DepartmentId,
        /// The claim it was applied to, when it was applied.
        claimid: ClaimId,
        /// Amount not applied to any charge.
        unappliedamount: Money,
        /// Check number (an account identifier: PHI).
        checknumber: Phi<String>,
        /// Last four digits of the card (part of an account number: PHI).
        cardnumberlast4: Phi<String>,
        /// With `additionalpaymentinfo`: date of service of the charge paid.
        servicedate: AthenaDate,
        /// With `additionalpaymentinfo`: CPT/HCPCS code of the charge paid.
        procedurecode: String,
        /// With `additionalpaymentinfo`: the charge's original plan (insurance package name).
        originalplan: String,
        /// With `additionalpaymentinfo`: the charge's supervising provider.
        supervisingproviderid: ProviderId,
    }
}

model! {
    /// One e-payment receipt of a patient (`GET /patients/{patientid}/receipts`, item key
    /// `receipts`).
    ///
    /// Source: <https://docs.athenahealth.com/api/api-ref/receipt> (output parameters of "Get
    /// list of payment-receipts"): every field below is documented there with type
    /// `string`; none has been seen in a recording. `requestdate` is documented as "the
    /// timestamp (Eastern) when the payment was initiated".
    pub struct PaymentReceipt {
        /// The e-payment id, which fetches the receipt itself.
        epaymentid: String,
        /// Amount of the payment.
        amount: Money,
        /// Last four digits of the card (part of an account number: PHI).
        cardnumberlast4digits: Phi<String>,
        /// Card type, short (`VI`, `MC`).
        cardtypeabbreviation: String,
        /// Card type, long (`Visa`).
        cardtypename: String,
        /// The payment contract it belongs to, if any.
        contractid: String,
        /// The contract's balance, if any.
        epaymentcontractbalance: Money,
        /// The contract's maximum amount, if any.
        epaymentcontractmaxamount: Money,
        /// When the payment was initiated (US/Eastern, no zone on the wire).
        requestdate: AthenaDateTime,
        /// Type of transaction (`PAYMENT`, `REFUND`, …).
        kind as "type": String,
    }
}
