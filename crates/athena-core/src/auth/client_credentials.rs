//! athena's 2-legged client-credentials grant (reference §2.2).

use std::fmt;

use futures::future::BoxFuture;
use secrecy::SecretString;
use url::Url;

use super::{AccessToken, BasicAuthEncoding, TokenEndpoint, TokenSource};
use crate::Result;

/// `POST /oauth2/v1/token` with `grant_type=client_credentials&scope=…` and the client id and
/// secret in an HTTP Basic header, as athena documents. The scope is required by athena; it
/// defaults to [`DEFAULT_SCOPE`](super::DEFAULT_SCOPE).
///
/// The id and secret are form-urlencoded inside the Basic header (RFC 6749 §2.3.1) unless
/// [`with_basic_auth_encoding`](Self::with_basic_auth_encoding) says
/// [`BasicAuthEncoding::Raw`].
#[derive(Clone)]
pub struct ClientCredentials {
    client_id: String,
    client_secret: SecretString,
    token_url: Url,
    scope: String,
    encoding: BasicAuthEncoding,
}

impl ClientCredentials {
    /// Credentials for `token_url` with athena's default scope.
    pub fn new(client_id: impl Into<String>, client_secret: SecretString, token_url: Url) -> Self {
        ClientCredentials {
            client_id: client_id.into(),
            client_secret,
            token_url,
            scope: super::DEFAULT_SCOPE.to_owned(),
            encoding: BasicAuthEncoding::default(),
        }
    }

    /// How the id and secret are encoded in the Basic header (default
    /// [`BasicAuthEncoding::FormUrlEncoded`], as RFC 6749 §2.3.1 requires).
    pub fn with_basic_auth_encoding(mut self, encoding: BasicAuthEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The Basic header encoding in use.
    pub fn basic_auth_encoding(&self) -> BasicAuthEncoding {
        self.encoding
    }

    /// Replaces the scope (space-separated for several, e.g.
    /// `athena/service/Athenanet.MDP.* system/Patient.read`).
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The scope requested.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("token_url", &self.token_url.as_str())
            .field("scope", &self.scope)
            .field("encoding", &self.encoding)
            .finish()
    }
}

impl TokenSource for ClientCredentials {
    fn fetch_token<'a>(
        &'a self,
        endpoint: &'a TokenEndpoint,
    ) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            let form = [
                ("grant_type", "client_credentials"),
                ("scope", self.scope.as_str()),
            ];
            let (id, secret) = self.encoding.encode(&self.client_id, &self.client_secret);
            let response = endpoint
                .post_form(&self.token_url, &form, Some((id.as_str(), &secret)))
                .await?;
            Ok(response.into_access_token(endpoint.runtime().clock.system_now()))
        })
    }

    fn cache_key(&self) -> String {
        format!(
            "client_credentials|{}|{}|{}",
            self.token_url, self.client_id, self.scope
        )
    }
}
