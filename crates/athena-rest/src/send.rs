//! The few ways an endpoint's answer is turned into a value, shared by every builder.

use athena_core::codec::lenient::Single;
use athena_core::{Client, Error, ErrorKind, Page, Request, Result};
use futures::StreamExt;
use futures::stream::BoxStream;
use serde::de::DeserializeOwned;

/// Decodes the whole body as `T` (athena's `success:false` and bare-string failures become
/// [`ErrorKind::Unsuccessful`]).
pub(crate) async fn json<T: DeserializeOwned>(client: &Client, req: &Request) -> Result<T> {
    client.send_json(req).await
}

/// Decodes a "get one" answer: a one-element array, or a bare object.
pub(crate) async fn one<T: DeserializeOwned>(client: &Client, req: &Request) -> Result<T> {
    client
        .send_json::<Single<T>>(req)
        .await
        .map(Single::into_inner)
}

/// Turns a 404 into `Ok(None)`.
pub(crate) fn opt<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// One page of a list endpoint.
pub(crate) async fn page<T: DeserializeOwned>(
    client: &Client,
    req: &Request,
    key: &'static str,
) -> Result<Page<T>> {
    client.fetch_page(req, key).await
}

/// A lazy stream of every item across pages.
pub(crate) fn stream<T: DeserializeOwned + Send + 'static>(
    client: &Client,
    req: Request,
    key: &'static str,
) -> BoxStream<'static, Result<T>> {
    client.paginate(req, key).items()
}

/// A lazy stream of pages (each a [`Page`] with `totalcount` and the envelope's extra keys).
pub(crate) fn pages<T: DeserializeOwned + Send + 'static>(
    client: &Client,
    req: Request,
    key: &'static str,
) -> BoxStream<'static, Result<Page<T>>> {
    client.paginate(req, key).pages()
}

/// A stream that yields one error (a request that could not be built).
pub(crate) fn failed_stream<T: Send + 'static>(e: Error) -> BoxStream<'static, Result<T>> {
    futures::stream::once(async move { Err(e) }).boxed()
}

/// An `InvalidInput` error for a request that cannot be built.
pub(crate) fn invalid(req: &Request, message: &'static str) -> Error {
    Error::new(ErrorKind::InvalidInput, message).with_endpoint(req.method_str(), req.route())
}

/// Declares a builder: a client and the request being assembled; `build()` is pure.
macro_rules! builder {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[must_use = "a builder does nothing until `send`"]
        pub struct $name {
            client: athena_core::Client,
            req: athena_core::Request,
        }

        impl $name {
            #[allow(dead_code)]
            pub(crate) fn new(client: &athena_core::Client, req: athena_core::Request) -> Self {
                Self { client: client.clone(), req }
            }
        }
    };
}
pub(crate) use builder;

/// Implements the pure `build()` returning the request.
macro_rules! pure_build {
    ($name:ident) => {
        impl $name {
            /// The request this builder sends (pure: no I/O).
            pub fn build(&self) -> athena_core::Request {
                self.req.clone()
            }
        }
    };
}
pub(crate) use pure_build;

/// Optional query/form parameter setters.
macro_rules! param {
    ($(#[$meta:meta])* query $fn:ident($ty:ty) => $key:literal) => {
        $(#[$meta])*
        pub fn $fn(mut self, value: $ty) -> Self {
            self.req = self.req.set_query($key, value);
            self
        }
    };
    ($(#[$meta:meta])* query_str $fn:ident => $key:literal) => {
        $(#[$meta])*
        pub fn $fn(mut self, value: impl Into<String>) -> Self {
            self.req = self.req.set_query($key, value.into());
            self
        }
    };
    ($(#[$meta:meta])* form $fn:ident($ty:ty) => $key:literal) => {
        $(#[$meta])*
        pub fn $fn(mut self, value: $ty) -> Self {
            self.req = self.req.form($key, value);
            self
        }
    };
    ($(#[$meta:meta])* form_str $fn:ident => $key:literal) => {
        $(#[$meta])*
        pub fn $fn(mut self, value: impl Into<String>) -> Self {
            self.req = self.req.form($key, value.into());
            self
        }
    };
}
pub(crate) use param;

/// A `Decode` error for an answer that lacks a field the endpoint always sends.
pub(crate) fn decode_missing(req: &Request, field: &'static str) -> Error {
    Error::new(ErrorKind::Decode, format!("the answer has no `{field}`"))
        .with_endpoint(req.method_str(), req.route())
}
