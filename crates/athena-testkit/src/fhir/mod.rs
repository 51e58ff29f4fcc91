//! FHIR R4 under `/fhir/r4`: US Core resources for the same patients, athena's tenant
//! parameter (`ah-practice`), required-parameter rules, `cursor` paging, Bulk `$export`, and the
//! SMART configuration.

use serde_json::{Value, json};

use crate::http::{Reply, Req};
use crate::server::Shared;

mod export;
mod large;
pub(crate) mod resources;

pub(crate) use export::ExportJobs;
pub use large::LargeExport;

/// Patients included in an export.
pub(crate) const EXPORT_CAP: u64 = export::EXPORT_PATIENT_CAP;

/// `.well-known/smart-configuration` and `metadata`, served without a token.
pub(crate) fn anonymous(shared: &Shared, _req: &Req, segs: &[&str]) -> Reply {
    let base = shared.base_url();
    match segs {
        [".well-known", "smart-configuration"] => Reply::ok(json!({
            "issuer": format!("{base}/oauth2"),
            "token_endpoint": format!("{base}/oauth2/v1/token"),
            "authorization_endpoint": format!("{base}/oauth2/v1/authorize"),
            "introspection_endpoint": format!("{base}/oauth2/v1/introspect"),
            "revocation_endpoint": format!("{base}/oauth2/v1/revoke"),
            "jwks_uri": format!("{base}/oauth2/v1/keys"),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "scopes_supported": ["openid", "fhirUser", "launch", "offline_access", "system/Patient.read", "system/Patient.rs", "system/*.read"],
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "capabilities": ["launch-ehr", "launch-standalone", "client-public", "client-confidential-symmetric", "client-confidential-asymmetric", "context-ehr-patient", "sso-openid-connect", "permission-v1", "permission-v2"],
        })),
        _ => Reply::json(200, resources::capability_statement(base))
            .header("Content-Type", "application/fhir+json"),
    }
}

fn no_practice() -> Reply {
    Reply::json(
        400,
        json!({"details": "Could not determine what practice the request was for. Add the `ah-practice` search parameter to your request."}),
    )
}

/// The practice named by `ah-practice=Organization/a-1.Practice-{id}`.
pub(crate) fn practice_of(req: &Req) -> Option<u64> {
    let v = req.param("ah-practice")?;
    v.strip_prefix("Organization/a-1.Practice-")?.parse().ok()
}

/// Route an authenticated `/fhir/r4/…` call (`segs` after `r4`).
pub(crate) fn dispatch(shared: &Shared, req: &Req, segs: &[&str]) -> Reply {
    // Bulk export and its status/file URLs carry the practice in the path.
    if let Some(r) = export::route(shared, req, segs) {
        return r;
    }
    if req.method != "GET" {
        return fhir_json(Reply::json(
            405,
            resources::outcome(
                "not-supported",
                "Only read and search interactions are supported.",
            ),
        ));
    }
    let practice_from_id = segs.get(1).and_then(|id| resources::practice_in_id(id));
    let Some(pid) = practice_of(req).or(practice_from_id) else {
        return no_practice();
    };
    let world = shared.world();
    let Some(p) = world.practices.get(&pid) else {
        return no_practice();
    };
    let base = format!("{}/fhir/r4", shared.base_url());
    let reply = resources::route(p, req, segs, &base);
    fhir_json(reply)
}

/// Mark a JSON reply as `application/fhir+json`.
pub(crate) fn fhir_json(r: Reply) -> Reply {
    if matches!(r.body, crate::http::Body::Json(_)) {
        r.header("Content-Type", "application/fhir+json")
    } else {
        r
    }
}

/// `Value` helper for a reference.
pub(crate) fn reference(r: &str) -> Value {
    json!({"reference": r})
}
