//! SMART Backend Services: the `client_credentials` grant authenticated by a signed JWT
//! (`private_key_jwt`, RS384 or ES384) instead of a client secret.
//!
//! The token request is a plain form POST through [`TokenEndpoint::post_form`] (limiter and
//! retries included); the `oauth2` crate has no `private_key_jwt` support and buys nothing here.
//! The assertion is built by a pure function, [`SmartBackendServices::assertion`], so it can be
//! checked without a network.
//!
//! Keys come as a PKCS#8 PEM ([`SigningKey::from_pkcs8_pem`]) or as a private JWK
//! ([`SigningKey::from_jwk`]), the form a SMART JWKS is usually kept in. `jsonwebtoken` has no
//! private-JWK constructor, so the JWK is re-encoded as PKCS#8 DER here by a small DER writer.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use futures::future::BoxFuture;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use url::Url;

use super::{AccessToken, TokenEndpoint, TokenSource};
use crate::error::{Error, ErrorKind, Result};

/// `client_assertion_type` for a JWT client assertion (RFC 7523).
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The longest assertion lifetime SMART allows: `exp` "no more than 5 minutes in the future".
pub const MAX_ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

/// The default assertion lifetime. A minute under the maximum, so a server whose clock runs a
/// little behind ours still sees `exp` within its five-minute window.
pub const DEFAULT_ASSERTION_LIFETIME: Duration = Duration::from_secs(240);

/// The two signature algorithms SMART clients must support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-384 (an RSA key of at least 2048 bits).
    Rs384,
    /// ECDSA on P-384 with SHA-384.
    Es384,
}

impl SigningAlgorithm {
    /// The JOSE name: `RS384` or `ES384`.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlgorithm::Rs384 => "RS384",
            SigningAlgorithm::Es384 => "ES384",
        }
    }

    fn jwt(self) -> Algorithm {
        match self {
            SigningAlgorithm::Rs384 => Algorithm::RS384,
            SigningAlgorithm::Es384 => Algorithm::ES384,
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A private key with its `kid` and algorithm, ready to sign client assertions.
/// `Debug` shows the algorithm and `kid`, never key material.
#[derive(Clone)]
pub struct SigningKey {
    alg: SigningAlgorithm,
    kid: String,
    key: EncodingKey,
}

impl SigningKey {
    /// A key from a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). RSA keys may also be PKCS#1
    /// (`-----BEGIN RSA PRIVATE KEY-----`). EC keys must be P-384 in PKCS#8; a SEC1 file
    /// (`-----BEGIN EC PRIVATE KEY-----`) is refused with a note on how to convert it
    /// (`openssl pkcs8 -topk8 -nocrypt -in ec.pem -out ec-pkcs8.pem`).
    ///
    /// The key is checked by signing a probe, so a wrong or mismatched key fails here, with a
    /// [`ErrorKind::Config`] error that names no key material, rather than at the first token
    /// request.
    pub fn from_pkcs8_pem(
        alg: SigningAlgorithm,
        kid: impl Into<String>,
        pem: &str,
    ) -> Result<Self> {
        let kid = kid.into();
        if kid.trim().is_empty() {
            return Err(config("a SMART signing key needs a non-empty `kid`"));
        }
        if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
            return Err(config(
                "EC private key is in SEC1 form (BEGIN EC PRIVATE KEY); convert it to PKCS#8 with \
                 `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem`",
            ));
        }
        if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            return Err(config(
                "private key is encrypted; decrypt it to an unencrypted PKCS#8 PEM first \
                 (`openssl pkcs8 -topk8 -nocrypt`)",
            ));
        }
        let key = match alg {
            SigningAlgorithm::Rs384 => EncodingKey::from_rsa_pem(pem.as_bytes())
                .map_err(|_| config("private key is not a PEM-encoded RSA private key (PKCS#8)"))?,
            SigningAlgorithm::Es384 => EncodingKey::from_ec_pem(pem.as_bytes())
                .map_err(|_| config("private key is not a PEM-encoded EC private key (PKCS#8)"))?,
        };
        let signing = SigningKey { alg, kid, key };
        signing.probe()?;
        Ok(signing)
    }

    /// A key from a private JWK (`kty` `RSA` with `n e d p q dp dq qi`, or `kty` `EC` with
    /// `crv` `P-384` and `x y d`), or from a JWK Set (`{"keys": [...]}`) holding exactly one
    /// private key (the SMART example sets hold a public and a private entry with the same
    /// `kid`). The JWK must carry a `kid`; its `alg`, when present, must be `RS384` or
    /// `ES384`, and otherwise is inferred from `kty`.
    pub fn from_jwk(jwk: &serde_json::Value) -> Result<Self> {
        if let Some(keys) = jwk.get("keys") {
            let keys = keys
                .as_array()
                .ok_or_else(|| config("JWK Set `keys` is not an array"))?;
            let mut private = keys.iter().filter(|k| k.get("d").is_some());
            let (Some(only), None) = (private.next(), private.next()) else {
                return Err(config(
                    "JWK Set must hold exactly one private key (an entry with `d`); pass that JWK",
                ));
            };
            return Self::from_jwk(only);
        }
        let obj = jwk
            .as_object()
            .ok_or_else(|| config("JWK is not a JSON object"))?;
        let kid = match obj.get("kid") {
            Some(serde_json::Value::String(k)) if !k.trim().is_empty() => k.clone(),
            _ => return Err(config("JWK has no `kid`; SMART requires one")),
        };
        if obj.get("d").is_none() {
            return Err(config(
                "JWK is a public key (no `d`); a private JWK is needed to sign",
            ));
        }
        let kty = obj.get("kty").and_then(|v| v.as_str()).unwrap_or_default();
        let inferred = match kty {
            "RSA" => SigningAlgorithm::Rs384,
            "EC" => {
                if obj.get("crv").and_then(|v| v.as_str()) != Some("P-384") {
                    return Err(config(
                        "EC JWK must use curve P-384 (SMART signs EC assertions with ES384)",
                    ));
                }
                SigningAlgorithm::Es384
            }
            _ => return Err(config("JWK `kty` must be RSA or EC (P-384)")),
        };
        match obj.get("alg").and_then(|v| v.as_str()) {
            None => {}
            Some(a) if a == inferred.as_str() => {}
            Some(_) => {
                return Err(config(
                    "JWK `alg` must be RS384 (kty RSA) or ES384 (kty EC, P-384) for SMART",
                ));
            }
        }
        let der = match inferred {
            SigningAlgorithm::Rs384 => der::rsa_pkcs8(obj)?,
            SigningAlgorithm::Es384 => der::ec_p384_pkcs8(obj)?,
        };
        let pem = der::pem(&der);
        Self::from_pkcs8_pem(inferred, kid, &pem)
            .map_err(|_| config("JWK does not describe a usable private key"))
    }

    /// [`SigningKey::from_jwk`] from JSON text.
    pub fn from_jwk_json(json: &str) -> Result<Self> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|_| config("JWK is not valid JSON"))?;
        Self::from_jwk(&value)
    }

    /// The signature algorithm.
    pub fn algorithm(&self) -> SigningAlgorithm {
        self.alg
    }

    /// The key id sent in the JWT header.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    fn header(&self) -> Header {
        let mut header = Header::new(self.alg.jwt());
        header.kid = Some(self.kid.clone());
        header
    }

    /// Signs a throw-away token so that a bad key fails at construction.
    fn probe(&self) -> Result<()> {
        jsonwebtoken::encode(
            &self.header(),
            &serde_json::json!({ "probe": true }),
            &self.key,
        )
        .map(drop)
        .map_err(|_| {
            config(match self.alg {
                SigningAlgorithm::Rs384 => {
                    "private key cannot sign RS384 (not an RSA key of at least 2048 bits?)"
                }
                SigningAlgorithm::Es384 => "private key cannot sign ES384 (not a P-384 key?)",
            })
        })
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// SMART Backend Services token source: `grant_type=client_credentials` with a signed JWT
/// client assertion (`iss` = `sub` = client id, `aud` = token URL, `exp` at most 5 minutes
/// ahead, a fresh random `jti`), header `alg`, `kid`, `typ: JWT` and optionally `jku`.
///
/// A scope is required (e.g. `system/Patient.rs system/Observation.rs`). Backend Services
/// issue no refresh tokens: every new token is a new assertion.
#[derive(Clone)]
pub struct SmartBackendServices {
    client_id: String,
    token_url: Url,
    key: SigningKey,
    scope: Option<String>,
    jku: Option<Url>,
    lifetime: Duration,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: u64,
    iat: u64,
    jti: String,
}

impl SmartBackendServices {
    /// A source for `client_id` at `token_url`, signing with `key`. Set the scope with
    /// [`with_scope`](Self::with_scope) before use.
    pub fn new(client_id: impl Into<String>, token_url: Url, key: SigningKey) -> Self {
        SmartBackendServices {
            client_id: client_id.into(),
            token_url,
            key,
            scope: None,
            jku: None,
            lifetime: DEFAULT_ASSERTION_LIFETIME,
        }
    }

    /// The scopes to request, space-separated (`system/Patient.rs system/Observation.rs`).
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Adds a `jku` header: the URL of the JWK Set holding the public key, for servers that
    /// fetch keys by URL.
    pub fn with_jku(mut self, jku: Url) -> Self {
        self.jku = Some(jku);
        self
    }

    /// How far ahead `exp` is set: clamped to 1 s..=[`MAX_ASSERTION_LIFETIME`]; the default is
    /// [`DEFAULT_ASSERTION_LIFETIME`].
    pub fn with_assertion_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime.clamp(Duration::from_secs(1), MAX_ASSERTION_LIFETIME);
        self
    }

    /// The client id (`iss` and `sub`).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The token endpoint (`aud`).
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// The scope requested, once set.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The signing key (algorithm and `kid`).
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// Builds and signs a client assertion as of `now`: pure apart from the random `jti`, so
    /// it can be tested without a network. `iat` is `now` (whole seconds), `exp` is `iat`
    /// plus the assertion lifetime (never more than 300 s).
    pub fn assertion(&self, now: SystemTime) -> Result<String> {
        let iat = now
            .duration_since(UNIX_EPOCH)
            .map_err(|_| config("clock is before 1970; cannot date a client assertion"))?
            .as_secs();
        let claims = Claims {
            iss: &self.client_id,
            sub: &self.client_id,
            aud: self.token_url.as_str(),
            iat,
            exp: iat + self.lifetime.as_secs(),
            jti: new_jti(),
        };
        let mut header = self.key.header();
        header.jku = self.jku.as_ref().map(|u| u.as_str().to_owned());
        jsonwebtoken::encode(&header, &claims, &self.key.key)
            .map_err(|_| config("could not sign the client assertion"))
    }

    fn required_scope(&self) -> Result<&str> {
        match self.scope.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(config(
                "SMART Backend Services needs a scope (e.g. `system/Patient.rs`); call with_scope",
            )),
        }
    }
}

impl fmt::Debug for SmartBackendServices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmartBackendServices")
            .field("client_id", &self.client_id)
            .field("token_url", &self.token_url.as_str())
            .field("key", &self.key)
            .field("scope", &self.scope)
            .field("jku", &self.jku.as_ref().map(Url::as_str))
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

impl TokenSource for SmartBackendServices {
    fn fetch_token<'a>(
        &'a self,
        endpoint: &'a TokenEndpoint,
    ) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            let scope = self.required_scope()?;
            // Lifetimes are counted from before the request: the conservative end.
            let clock = endpoint.runtime().clock.clone();
            let now = clock.system_now();
            // A fresh assertion (new `jti`, `iat`, `exp`) for every attempt: a server that
            // remembers `jti`s would refuse a replayed one.
            let make_form = || {
                let assertion = self.assertion(clock.system_now())?;
                Ok(vec![
                    ("grant_type".to_owned(), "client_credentials".to_owned()),
                    ("scope".to_owned(), scope.to_owned()),
                    (
                        "client_assertion_type".to_owned(),
                        CLIENT_ASSERTION_TYPE.to_owned(),
                    ),
                    ("client_assertion".to_owned(), assertion),
                ])
            };
            let response = endpoint
                .post_form_with(&self.token_url, make_form, None)
                .await?;
            Ok(response.into_access_token(now))
        })
    }

    fn cache_key(&self) -> String {
        format!(
            "smart_backend|{}|{}|{}|{}",
            self.token_url,
            self.client_id,
            self.key.kid,
            self.scope.as_deref().unwrap_or_default()
        )
    }
}

fn config(message: &'static str) -> Error {
    Error::new(ErrorKind::Config, message)
}

/// 128 bits from the operating system's CSPRNG (through `oauth2`'s generator), as hex.
fn new_jti() -> String {
    let token = oauth2::CsrfToken::new_random_len(16);
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.secret())
        .unwrap_or_else(|_| token.secret().as_bytes().to_vec());
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Just enough DER to re-encode a private JWK as PKCS#8.
mod der {
    use base64::Engine as _;
    use secrecy::zeroize::Zeroizing;
    use serde_json::{Map, Value};

    use super::config;
    use crate::error::Result;

    /// 1.2.840.113549.1.1.1
    const OID_RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
    /// 1.2.840.10045.2.1
    const OID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
    /// 1.3.132.0.34
    const OID_SECP384R1: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
    const P384_LEN: usize = 48;

    const INTEGER: u8 = 0x02;
    const BIT_STRING: u8 = 0x03;
    const OCTET_STRING: u8 = 0x04;
    const NULL: u8 = 0x05;
    const OID: u8 = 0x06;
    const SEQUENCE: u8 = 0x30;
    const CONTEXT_0: u8 = 0xA0;
    const CONTEXT_1: u8 = 0xA1;

    type Der = Zeroizing<Vec<u8>>;

    pub(super) fn tlv(tag: u8, content: &[u8]) -> Der {
        let mut out = Zeroizing::new(Vec::with_capacity(content.len() + 6));
        out.push(tag);
        let len = content.len();
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes = len.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            out.push(0x80 | (bytes.len() - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
        out.extend_from_slice(content);
        out
    }

    /// A non-negative INTEGER from big-endian magnitude bytes.
    pub(super) fn uint(magnitude: &[u8]) -> Der {
        let start = magnitude.iter().take_while(|b| **b == 0).count();
        let trimmed = &magnitude[start..];
        let mut content = Zeroizing::new(Vec::with_capacity(trimmed.len() + 1));
        if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
            content.push(0);
        }
        content.extend_from_slice(trimmed);
        tlv(INTEGER, &content)
    }

    fn sequence(parts: &[&[u8]]) -> Der {
        tlv(SEQUENCE, &parts.concat())
    }

    fn field(jwk: &Map<String, Value>, name: &'static str) -> Result<Der> {
        let text = jwk.get(name).and_then(Value::as_str).ok_or_else(|| {
            config("private JWK is missing a required member (RSA: n e d p q dp dq qi; EC: x y d)")
        })?;
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let bytes = engine
            .decode(text)
            .map_err(|_| config("private JWK has a member that is not base64url"))?;
        if bytes.is_empty() {
            return Err(config("private JWK has an empty member"));
        }
        Ok(Zeroizing::new(bytes))
    }

    /// PKCS#8 PrivateKeyInfo around an RSAPrivateKey (RFC 8017 A.1.2, two primes).
    pub(super) fn rsa_pkcs8(jwk: &Map<String, Value>) -> Result<Der> {
        if jwk.contains_key("oth") {
            return Err(config("multi-prime RSA JWKs (`oth`) are not supported"));
        }
        let mut parts: Vec<Der> = vec![uint(&[0])];
        for name in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
            parts.push(uint(&field(jwk, name)?));
        }
        let refs: Vec<&[u8]> = parts.iter().map(|p| p.as_slice()).collect();
        let rsa_private_key = sequence(&refs);
        let algorithm = sequence(&[&tlv(OID, OID_RSA_ENCRYPTION), &tlv(NULL, &[])]);
        Ok(sequence(&[
            &uint(&[0]),
            &algorithm,
            &tlv(OCTET_STRING, &rsa_private_key),
        ]))
    }

    /// PKCS#8 PrivateKeyInfo (id-ecPublicKey, secp384r1) around an ECPrivateKey (RFC 5915)
    /// carrying the curve and the public point.
    pub(super) fn ec_p384_pkcs8(jwk: &Map<String, Value>) -> Result<Der> {
        let d = field(jwk, "d")?;
        let x = field(jwk, "x")?;
        let y = field(jwk, "y")?;
        if d.len() > P384_LEN || x.len() != P384_LEN || y.len() != P384_LEN {
            return Err(config("EC JWK coordinates do not have the P-384 length"));
        }
        let mut scalar = Zeroizing::new(vec![0u8; P384_LEN - d.len()]);
        scalar.extend_from_slice(&d);
        let mut point = Vec::with_capacity(2 + 2 * P384_LEN);
        point.push(0x00); // no unused bits
        point.push(0x04); // uncompressed
        point.extend_from_slice(&x);
        point.extend_from_slice(&y);
        let ec_private_key = sequence(&[
            &uint(&[1]),
            &tlv(OCTET_STRING, &scalar),
            &tlv(CONTEXT_0, &tlv(OID, OID_SECP384R1)),
            &tlv(CONTEXT_1, &tlv(BIT_STRING, &point)),
        ]);
        let algorithm = sequence(&[&tlv(OID, OID_EC_PUBLIC_KEY), &tlv(OID, OID_SECP384R1)]);
        Ok(sequence(&[
            &uint(&[0]),
            &algorithm,
            &tlv(OCTET_STRING, &ec_private_key),
        ]))
    }

    /// `-----BEGIN PRIVATE KEY-----` armour.
    pub(super) fn pem(der: &[u8]) -> Zeroizing<String> {
        let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(der));
        let mut out = Zeroizing::new(String::with_capacity(b64.len() + 80));
        out.push_str("-----BEGIN PRIVATE KEY-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            out.push('\n');
        }
        out.push_str("-----END PRIVATE KEY-----\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_integers_are_minimal_and_non_negative() {
        assert_eq!(der::uint(&[0]).as_slice(), [0x02, 0x01, 0x00]);
        assert_eq!(der::uint(&[]).as_slice(), [0x02, 0x01, 0x00]);
        assert_eq!(der::uint(&[0, 0, 1]).as_slice(), [0x02, 0x01, 0x01]);
        // A set high bit gets a leading zero so the value stays positive.
        assert_eq!(der::uint(&[0x80]).as_slice(), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(
            der::uint(&[0x01, 0x00, 0x01]).as_slice(),
            [0x02, 0x03, 0x01, 0x00, 0x01]
        );
    }

    #[test]
    fn der_lengths_use_the_long_form_above_127() {
        assert_eq!(der::tlv(0x04, &[7; 127])[..2], [0x04, 0x7F]);
        assert_eq!(der::tlv(0x04, &[7; 128])[..3], [0x04, 0x81, 0x80]);
        assert_eq!(der::tlv(0x04, &[7; 256])[..4], [0x04, 0x82, 0x01, 0x00]);
        assert_eq!(der::tlv(0x04, &[7; 256]).len(), 4 + 256);
    }

    #[test]
    fn pem_armour_wraps_at_64_columns() {
        let pem = der::pem(&[0xAB; 100]);
        let lines: Vec<&str> = pem.lines().collect();
        assert_eq!(lines.first(), Some(&"-----BEGIN PRIVATE KEY-----"));
        assert_eq!(lines.last(), Some(&"-----END PRIVATE KEY-----"));
        assert!(lines[1..lines.len() - 1].iter().all(|l| l.len() <= 64));
        assert_eq!(lines[1].len(), 64);
    }

    #[test]
    fn jti_is_128_random_bits_in_hex() {
        let a = new_jti();
        let b = new_jti();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    /// The PKCS#8 documents built from the SMART example JWKs load through the PEM
    /// constructor, and the wrong algorithm for a key is refused.
    #[test]
    fn jwk_to_pkcs8_round_trips_through_the_pem_constructor() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures/smart-jwks");
        for (file, alg, wrong) in [
            (
                "RS384.private.json",
                SigningAlgorithm::Rs384,
                SigningAlgorithm::Es384,
            ),
            (
                "ES384.private.json",
                SigningAlgorithm::Es384,
                SigningAlgorithm::Rs384,
            ),
        ] {
            let Ok(text) = std::fs::read_to_string(dir.join(file)) else {
                eprintln!(
                    "skipping: SMART example keys not found in {}",
                    dir.display()
                );
                return;
            };
            let set: serde_json::Value = serde_json::from_str(&text).unwrap();
            let jwk = set["keys"]
                .as_array()
                .unwrap()
                .iter()
                .find(|k| k.get("d").is_some())
                .unwrap();
            let obj = jwk.as_object().unwrap();
            let der = match alg {
                SigningAlgorithm::Rs384 => der::rsa_pkcs8(obj).unwrap(),
                SigningAlgorithm::Es384 => der::ec_p384_pkcs8(obj).unwrap(),
            };
            assert_eq!(der[0], 0x30, "a SEQUENCE");
            let pem = der::pem(&der);
            let key = SigningKey::from_pkcs8_pem(alg, "kid-1", &pem).unwrap();
            assert_eq!(key.kid(), "kid-1");
            let err = SigningKey::from_pkcs8_pem(wrong, "kid-1", &pem).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
        }
    }
}
