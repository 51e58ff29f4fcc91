//! athena-ai's integration tests, one binary: each module is one former test file and says
//! in its first line what it tests. Data sets live in `tests/data/`; the ACI-Bench modules
//! read the shared fixtures at run time and skip when they are absent.

mod common;

mod aci_bench;
mod deid_blind;
mod deid_set;
mod denial;
mod engine;
mod pdf_round_trip;
mod pipeline_providers;
mod providers;
mod soap;
mod soap_aci_bench;
mod soap_blind;
mod soap_context;
mod soap_validate;
mod triage;
mod triage_eval;
