//! The builder rule's shared parts: how a builder is declared, how its `build()` and
//! `send()` family are generated, and the few ways an answer is turned into a value.

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

/// Turns a 404 into `Ok(None)`: the one way to get "or none" (`send_optional`).
pub(crate) fn optional<T>(r: Result<T>) -> Result<Option<T>> {
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

/// The one page of a list athena answers in one piece (a bare array, or `L`'s shape).
pub(crate) async fn bare_page<T, L>(client: &Client, req: &Request) -> Result<Page<T>>
where
    L: DeserializeOwned + Into<Vec<T>>,
{
    let list: L = client.send_json(req).await?;
    Ok(Page::new(list.into(), None, None))
}

/// [`bare_page`] as a stream of one page.
pub(crate) fn bare_pages<T, L>(
    client: Client,
    req: Result<Request>,
) -> BoxStream<'static, Result<Page<T>>>
where
    T: Send + 'static,
    L: DeserializeOwned + Into<Vec<T>> + 'static,
{
    futures::stream::once(async move { bare_page::<T, L>(&client, &req?).await }).boxed()
}

/// The items of a stream of pages.
pub(crate) fn items_of<T: Send + 'static>(
    pages: BoxStream<'static, Result<Page<T>>>,
) -> BoxStream<'static, Result<T>> {
    pages
        .flat_map(|page| {
            futures::stream::iter(match page {
                Ok(page) => page.into_items().into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            })
        })
        .boxed()
}

/// A stream that yields one error (a request that could not be built).
pub(crate) fn failed_stream<T: Send + 'static>(e: Error) -> BoxStream<'static, Result<T>> {
    futures::stream::once(async move { Err(e) }).boxed()
}

/// An `InvalidInput` error for a request that cannot be built. `message` names the
/// parameter (athena's wire name) and what is wrong with it, never its value.
pub(crate) fn invalid(req: &Request, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidInput, message).with_endpoint(req.method_str(), req.route())
}

/// An `InvalidInput` error for a required parameter that was not set.
pub(crate) fn missing(req: &Request, parameter: &str) -> Error {
    invalid(req, format!("`{parameter}` is required"))
}

/// Declares a builder: a client and the request being assembled.
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

/// Implements `build()` for a builder whose every parameter is checked by its type: it
/// cannot fail, but returns `Result` like every other builder's.
macro_rules! pure_build {
    ($name:ident) => {
        impl $name {
            /// The request this builder sends (pure: no I/O). Never fails for this builder;
            /// a `Result` like every builder's `build()`.
            pub fn build(&self) -> athena_core::Result<athena_core::Request> {
                Ok(self.req.clone())
            }
        }
    };
}
pub(crate) use pure_build;

/// `send()` and `send_optional()` of a "get one" builder: athena answers a one-element
/// array or an object (`one`), or an object (`json`).
macro_rules! get_one {
    ($name:ident => $item:ty) => {
        $crate::send::get_one!(@impl $name => $item, one);
    };
    ($name:ident => $item:ty, json) => {
        $crate::send::get_one!(@impl $name => $item, json);
    };
    (@impl $name:ident => $item:ty, $how:ident) => {
        impl $name {
            /// Sends; a 404 is an error of kind
            /// [`ErrorKind::NotFound`](athena_core::ErrorKind::NotFound).
            pub async fn send(self) -> athena_core::Result<$item> {
                let req = self.build()?;
                $crate::send::$how(&self.client, &req).await
            }
            /// Sends; a 404 is `Ok(None)`.
            pub async fn send_optional(self) -> athena_core::Result<Option<$item>> {
                $crate::send::optional(self.send().await)
            }
        }
    };
}
pub(crate) use get_one;

/// `send()`, `stream()` and `pages()` of a list builder.
///
/// - `$name => $item, "key"`: athena's list envelope with items under `key`, paged with
///   `offset`/`limit` taken from `next`;
/// - `$name => $item, loose KEYS`: items under the first of `KEYS` present, under the
///   envelope's only array, or a bare array (see
///   [`decode_loose_page`](crate::endpoints::billing_history::decode_loose_page)); a bare
///   array is one page.
macro_rules! list {
    ($name:ident => $item:ty, $key:literal) => {
        impl $name {
            /// One page of the list.
            pub async fn send(self) -> athena_core::Result<athena_core::Page<$item>> {
                let req = self.build()?;
                $crate::send::page(&self.client, &req, $key).await
            }
            /// Every item, page after page, lazily; a request that cannot be built yields
            /// its error once.
            pub fn stream(
                self,
            ) -> impl futures::Stream<Item = athena_core::Result<$item>> + Send + 'static {
                match self.build() {
                    Ok(req) => $crate::send::stream(&self.client, req, $key),
                    Err(e) => $crate::send::failed_stream(e),
                }
            }
            /// Page after page, lazily (each with `totalcount` and the envelope's extra
            /// keys); a request that cannot be built yields its error once.
            pub fn pages(
                self,
            ) -> impl futures::Stream<Item = athena_core::Result<athena_core::Page<$item>>>
            + Send
            + 'static {
                match self.build() {
                    Ok(req) => $crate::send::pages(&self.client, req, $key),
                    Err(e) => $crate::send::failed_stream(e),
                }
            }
        }
    };
    ($name:ident => $item:ty, bare $list:ty) => {
        impl $name {
            /// The whole list: athena answers it in one piece (no paging), returned as one
            /// page without `next`.
            pub async fn send(self) -> athena_core::Result<athena_core::Page<$item>> {
                let req = self.build()?;
                $crate::send::bare_page::<$item, $list>(&self.client, &req).await
            }
            /// Every item, lazily; a request that cannot be built yields its error once.
            pub fn stream(
                self,
            ) -> impl futures::Stream<Item = athena_core::Result<$item>> + Send + 'static {
                let req = self.build();
                $crate::send::items_of($crate::send::bare_pages::<$item, $list>(self.client, req))
            }
            /// The one page, as a stream; a request that cannot be built yields its error
            /// once.
            pub fn pages(
                self,
            ) -> impl futures::Stream<Item = athena_core::Result<athena_core::Page<$item>>>
            + Send
            + 'static {
                let req = self.build();
                $crate::send::bare_pages::<$item, $list>(self.client, req)
            }
        }
    };
    ($name:ident => $item:ty, loose $keys:expr) => {
        impl $name {
            /// One page of the list (a bare array is one page with no `next`).
            pub async fn send(self) -> athena_core::Result<athena_core::Page<$item>> {
                let req = self.build()?;
                $crate::endpoints::billing_history::loose_page(&self.client, &req, $keys).await
            }
            /// Every item, page after page, lazily; a request that cannot be built yields
            /// its error once.
            pub fn stream(
                self,
            ) -> impl futures::Stream<Item = athena_core::Result<$item>> + Send + 'static {
                match self.build() {
                    Ok(req) => {
                        $crate::endpoints::billing_history::loose_stream(self.client, req, $keys)
                    }
                    Err(e) => $crate::send::failed_stream(e),
                }
            }
            /// Page after page, lazily; a request that cannot be built yields its error
            /// once.
            pub fn pages(
                self,
            ) -> impl futures::Stream<Item = athena_core::Result<athena_core::Page<$item>>>
            + Send
            + 'static {
                match self.build() {
                    Ok(req) => {
                        $crate::endpoints::billing_history::loose_pages(self.client, req, $keys)
                    }
                    Err(e) => $crate::send::failed_stream(e),
                }
            }
        }
    };
}
pub(crate) use list;

/// `send()` of a write (or a one-shot read) builder: checks `build()`, then decodes the
/// answer with `$how` (`json`: the whole body; `one`: a one-element array or an object).
macro_rules! send_as {
    ($name:ident => $out:ty, $how:ident) => {
        impl $name {
            /// Sends (after `build()`'s checks); `success:false` in a 200 is an error of kind
            /// [`ErrorKind::Unsuccessful`](athena_core::ErrorKind::Unsuccessful).
            pub async fn send(self) -> athena_core::Result<$out> {
                let req = self.build()?;
                $crate::send::$how(&self.client, &req).await
            }
        }
    };
}
pub(crate) use send_as;

/// Optional query/form parameter setters, named like athena's parameter.
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
            self.req = self.req.set_form($key, value);
            self
        }
    };
    ($(#[$meta:meta])* form_str $fn:ident => $key:literal) => {
        $(#[$meta])*
        pub fn $fn(mut self, value: impl Into<String>) -> Self {
            self.req = self.req.set_form($key, value.into());
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

/// The value of a form field of `req`, when set.
pub(crate) fn form_value<'r>(req: &'r Request, key: &str) -> Option<&'r str> {
    match req.body() {
        athena_core::Body::Form(pairs) => pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str()),
        _ => None,
    }
}

/// `InvalidInput` when the base64 `attachmentcontents` of `req` is absent or empty (athena
/// would store an empty document).
pub(crate) fn check_attachment(req: &Request) -> Result<()> {
    match form_value(req, "attachmentcontents") {
        Some(v) if !v.is_empty() => Ok(()),
        _ => Err(invalid(req, "`attachmentcontents` is empty")),
    }
}
