//! `POST /oauth2/v1/token` (client credentials, HTTP Basic or form credentials, or a SMART
//! `client_assertion`) and bearer-token checks on API calls.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::data::rng::hash;
use crate::http::{Reply, Req};
use crate::server::Shared;
use crate::stats::Counters;

/// An issued token: when it expires and the scopes it was granted.
#[derive(Debug)]
struct Grant {
    expires: Instant,
    scopes: Vec<String>,
}

/// Issued tokens and the token endpoint's per-minute window.
#[derive(Debug, Default)]
pub(crate) struct AuthState {
    tokens: HashMap<String, Grant>,
    window: Option<(Instant, u32)>,
    issued: u64,
}

impl AuthState {
    /// Forget every issued token.
    pub(crate) fn expire_all(&mut self) {
        self.tokens.clear();
    }
}

fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

/// Which client credentials a token request carried.
fn credentials(req: &Req) -> Option<(String, Option<String>)> {
    if let Some(h) = req.header("authorization")
        && let Some(b64) = h
            .strip_prefix("Basic ")
            .or_else(|| h.strip_prefix("basic "))
    {
        let raw = STANDARD.decode(b64.trim()).ok()?;
        let s = String::from_utf8(raw).ok()?;
        let (id, secret) = s.split_once(':')?;
        return Some((id.to_string(), Some(secret.to_string())));
    }
    let id = req.param("client_id")?;
    Some((
        id.to_string(),
        req.param("client_secret").map(str::to_string),
    ))
}

/// Check a SMART client assertion: three base64url parts, `iss` = `sub` = client id,
/// `aud` = the token URL, `exp` in the future when present. The signature is **not** verified.
fn check_assertion(jwt: &str, client_id: &str, token_url: &str) -> Result<String, &'static str> {
    let parts: Vec<&str> = jwt.split('.').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Err("The client_assertion is not a well-formed JWT.");
    }
    let header = URL_SAFE_NO_PAD
        .decode(parts[0])
        .map_err(|_| "The client_assertion header is not base64url.")?;
    let _: Value =
        serde_json::from_slice(&header).map_err(|_| "The client_assertion header is not JSON.")?;
    let payload = URL_SAFE_NO_PAD
        .decode(parts[1])
        .map_err(|_| "The client_assertion payload is not base64url.")?;
    let claims: Value = serde_json::from_slice(&payload)
        .map_err(|_| "The client_assertion payload is not JSON.")?;
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if iss != client_id || sub != client_id {
        return Err("The iss and sub claims must both be the client id.");
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(s)) => s == token_url,
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(token_url)),
        _ => false,
    };
    if !aud_ok {
        return Err("The aud claim must be the token endpoint URL.");
    }
    if let Some(exp) = claims.get("exp").and_then(Value::as_i64)
        && exp < chrono::Utc::now().timestamp()
    {
        return Err("The client_assertion has expired.");
    }
    Ok(iss.to_string())
}

/// Handle `POST /oauth2/v1/token`.
pub(crate) fn token(shared: &Shared, req: &Req) -> Reply {
    Counters::inc(&shared.stats.token_requests);
    if req.method != "POST" {
        return Reply::error(
            405,
            "Method not allowed.",
            "Use POST for the token endpoint.",
        );
    }
    let cfg = &shared.cfg;
    match req.param("grant_type") {
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            );
        }
        None => {
            return oauth_error(
                400,
                "invalid_request",
                "The token request must specify a 'grant_type'.",
            );
        }
    }
    let token_url = format!("{}/oauth2/v1/token", shared.base_url());
    let authenticated = if let Some(jwt) = req.param("client_assertion") {
        if req.param("client_assertion_type")
            != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return oauth_error(
                400,
                "invalid_request",
                "The client_assertion_type is missing or not supported.",
            );
        }
        match check_assertion(jwt, &cfg.client_id, &token_url) {
            Ok(_) => true,
            Err(msg) => return oauth_error(401, "invalid_client", msg),
        }
    } else {
        match credentials(req) {
            Some((id, Some(secret))) => id == cfg.client_id && secret == cfg.client_secret,
            _ => false,
        }
    };
    if !authenticated {
        return oauth_error(401, "invalid_client", "Client authentication failed.");
    }
    let Some(scope) = req.param("scope") else {
        return Reply::json(
            401,
            json!({"detailedmessage": "Policy evaluation failed for this request, please check the policy configurations.", "error": "access_denied"}),
        );
    };
    // Space-separated; the sandbox's app is granted whatever it asks for.
    let scopes: Vec<String> = scope.split_whitespace().map(str::to_string).collect();
    let mut auth = shared.auth.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let limit = cfg.token_rate_limit;
    let (start, count) = match auth.window {
        Some((s, c)) if now.duration_since(s) < Duration::from_secs(60) => (s, c),
        _ => (now, 0),
    };
    if count >= limit {
        auth.window = Some((start, count));
        Counters::inc(&shared.stats.rate_limited);
        return Reply::json(429, json!({"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."}))
            .header("X-RateLimit-Limit", limit.to_string())
            .header("X-RateLimit-Remaining", "0");
    }
    auth.window = Some((start, count + 1));
    auth.issued += 1;
    let n = auth.issued;
    let token = token_string(cfg.seed, n);
    auth.tokens.retain(|_, g| g.expires > now);
    auth.tokens.insert(
        token.clone(),
        Grant {
            expires: now + cfg.token_lifetime,
            scopes,
        },
    );
    Counters::inc(&shared.stats.tokens_issued);
    Reply::ok(
        json!({"access_token": token, "expires_in": cfg.token_lifetime.as_secs().to_string()}),
    )
    .header("X-RateLimit-Limit", limit.to_string())
    .header("X-RateLimit-Remaining", (limit - count - 1).to_string())
}

fn token_string(seed: u64, n: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut h = hash(seed, &[n, nanos]);
    let mut out = String::with_capacity(28);
    for i in 0..28u64 {
        if i % 8 == 0 {
            h = hash(h, &[i]);
        }
        out.push(ALPHABET[(h % ALPHABET.len() as u64) as usize] as char);
        h /= ALPHABET.len() as u64;
    }
    out
}

/// Check the bearer token of an API call (`segs`: its path segments): 401 without a valid
/// token, 403 when the token's scopes do not cover the call.
pub(crate) fn check(shared: &Shared, req: &Req, segs: &[&str]) -> Result<(), Reply> {
    let Some(h) = req.header("authorization") else {
        return Err(Reply::error(
            401,
            "Developer Inactive",
            "No access token was sent with the request.",
        ));
    };
    let token = h
        .strip_prefix("Bearer ")
        .or_else(|| h.strip_prefix("bearer "))
        .unwrap_or("")
        .trim();
    let auth = shared.auth.lock().unwrap_or_else(|e| e.into_inner());
    match auth.tokens.get(token) {
        Some(g) if g.expires > Instant::now() => crate::scopes::check(&g.scopes, req, segs),
        _ => Err(Reply::error(
            401,
            "Developer Inactive",
            "The access token is invalid or has expired.",
        )),
    }
}
