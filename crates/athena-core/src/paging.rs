//! athena's list envelope and lazy pagination.
//!
//! List endpoints answer `{"<key>": [...], "totalcount": N, "next": "/v1/…&offset=K"}`; the key
//! differs per endpoint, `next` is absent on the last page, and its echoed parameters are
//! upper-cased. We therefore never follow `next` raw: we take its `offset` (and `limit`) and
//! re-issue our own query. [`Page`] is one envelope; [`Paginator`] walks them as a stream of
//! pages or of items, optionally fetching a bounded number of pages ahead when `totalcount`
//! is known. At most `prefetch` pages are held at once, so memory stays flat however long the
//! list is.
//!
//! A field some item carries in an unexpected shape does not fail the page when the item type
//! decodes leniently (athena-rest's models do): the page is returned with every item, and
//! [`Page::warnings`] lists the JSON path of each such field (`appointments[3].patient.dob`)
//! with the kind that was expected; each is also logged as a `tracing` warn event with the
//! route template. See [`crate::decode::warnings`].

use std::fmt;
use std::marker::PhantomData;

use futures::future::BoxFuture;
use futures::stream::{BoxStream, FuturesOrdered, StreamExt, TryStreamExt};
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::client::Client;
use crate::decode::warnings::{self, DecodeWarning, Segment};
use crate::decode::{Endpoint, describe_serde_error, failure_in_body};
use crate::error::{Error, ErrorKind, Result};
use crate::request::Request;

/// Where a `next`/`previous` link points, parsed out of athena's link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLink {
    /// The `offset` of that page.
    pub offset: u64,
    /// The `limit` athena put in the link, when it did (it may be the remaining count). The
    /// same `u32` as every `limit(u32)` builder method of the SDK.
    pub limit: Option<u32>,
}

impl PageLink {
    /// Parses `offset`/`limit` from a link such as
    /// `/v1/195900/patients?DEPARTMENTID=1&offset=10` (keys compared case-insensitively).
    pub fn parse(link: &str) -> Option<PageLink> {
        let query = link.split_once('?')?.1;
        let mut offset = None;
        let mut limit = None;
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            if k.eq_ignore_ascii_case("offset") {
                offset = v.trim().parse().ok();
            } else if k.eq_ignore_ascii_case("limit") {
                limit = v.trim().parse().ok();
            }
        }
        Some(PageLink {
            offset: offset?,
            limit,
        })
    }
}

/// One page of a list endpoint.
#[derive(Clone, PartialEq)]
pub struct Page<T> {
    items: Vec<T>,
    total_count: Option<u64>,
    next: Option<PageLink>,
    previous: Option<PageLink>,
    extra: serde_json::Map<String, serde_json::Value>,
    warnings: Vec<DecodeWarning>,
}

impl<T: fmt::Debug> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("items", &self.items)
            .field("total_count", &self.total_count)
            .field("next", &self.next)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl<T> Page<T> {
    /// A page from parts (tests, other envelopes).
    pub fn new(items: Vec<T>, total_count: Option<u64>, next: Option<PageLink>) -> Self {
        Page {
            items,
            total_count,
            next,
            previous: None,
            extra: serde_json::Map::new(),
            warnings: Vec::new(),
        }
    }
    /// The items.
    pub fn items(&self) -> &[T] {
        &self.items
    }
    /// The items, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
    /// `totalcount`, when athena sent it.
    pub fn total_count(&self) -> Option<u64> {
        self.total_count
    }
    /// The next page, when there is one.
    pub fn next(&self) -> Option<PageLink> {
        self.next
    }
    /// The previous page, when there is one.
    pub fn previous(&self) -> Option<PageLink> {
        self.previous
    }
    /// True when athena said there is a next page.
    pub fn has_next(&self) -> bool {
        self.next.is_some()
    }
    /// Other top-level keys of the envelope (e.g. `lastupdated`, `nkda`, `sectionnote`).
    pub fn extra(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.extra
    }
    /// Fields of this page that athena sent in an unexpected shape and that were kept raw
    /// (in the item's unknown-field map) instead of failing the page: the JSON path from the
    /// body's root (`appointments[3].patient.dob`) and the kind expected. Never the value.
    pub fn warnings(&self) -> &[DecodeWarning] {
        &self.warnings
    }
    /// Maps the items.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total_count: self.total_count,
            next: self.next,
            previous: self.previous,
            extra: self.extra,
            warnings: self.warnings,
        }
    }
}

/// Decodes an envelope whose items live under `item_key`.
pub fn decode_page<T: DeserializeOwned>(
    body: &[u8],
    item_key: &str,
    endpoint: Endpoint,
) -> Result<Page<T>> {
    let body = body.trim_ascii();
    let seed = PageSeed::<T> {
        item_key,
        _t: PhantomData,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let (decoded, found) =
        warnings::collect(|| seed.deserialize(&mut de).and_then(|p| de.end().map(|()| p)));
    let first = match decoded {
        Ok(mut page) => {
            warnings::log(endpoint, &found);
            page.warnings = found;
            return Ok(page);
        }
        Err(e) => e,
    };
    if let Some(err) = failure_in_body(body) {
        return Err(err.with_endpoint(endpoint.method, endpoint.route));
    }
    // Again with path tracking, for an error that names where it went wrong.
    let mut track = serde_path_to_error::Track::new();
    let mut de = serde_json::Deserializer::from_slice(body);
    let seed = PageSeed::<T> {
        item_key,
        _t: PhantomData,
    };
    let inner = match seed.deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
    {
        Err(e) => describe_serde_error(&e),
        Ok(_) => describe_serde_error(&first),
    };
    let path = track.path().to_string();
    Err(
        Error::new(ErrorKind::Decode, format!("at `{path}`: {inner}"))
            .with_endpoint(endpoint.method, endpoint.route),
    )
}

struct PageSeed<'k, T> {
    item_key: &'k str,
    _t: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<'_, T> {
    type Value = Page<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Page<T>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<'_, T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an athena list envelope with `{}`", self.item_key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Page<T>, A::Error> {
        use serde::de::Error as _;
        let mut items: Option<Vec<T>> = None;
        let mut total_count = None;
        let mut next = None;
        let mut previous = None;
        let mut extra = serde_json::Map::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.item_key {
                let mark = warnings::mark();
                items = Some(map.next_value_seed(ItemsSeed::<T>(PhantomData))?);
                warnings::prefix_since(mark, Segment::Field(self.item_key));
            } else if key == "totalcount" {
                total_count = map.next_value::<LenientCount>()?.0;
            } else if key == "next" {
                next = map
                    .next_value::<Option<String>>()?
                    .as_deref()
                    .and_then(PageLink::parse);
            } else if key == "previous" {
                previous = map
                    .next_value::<Option<String>>()?
                    .as_deref()
                    .and_then(PageLink::parse);
            } else if extra.len() < 64 {
                extra.insert(key.into_owned(), map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let items = match items {
            Some(items) => items,
            // athena omits the key on some empty answers.
            None if total_count == Some(0) => Vec::new(),
            None => {
                return Err(A::Error::custom(format_args!(
                    "missing field `{}`",
                    self.item_key
                )));
            }
        };
        Ok(Page {
            items,
            total_count,
            next,
            previous,
            extra,
            warnings: Vec::new(),
        })
    }
}

/// The item array (or `null`), with each item's warnings prefixed by its index.
struct ItemsSeed<T>(PhantomData<fn() -> T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ItemsSeed<T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Vec<T>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ItemsSeed<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_none<E: serde::de::Error>(self) -> std::result::Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Vec<T>, A::Error> {
        // The size hint is untrusted (a server-given value): cap the pre-allocation.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let mark = warnings::mark();
            let Some(item) = seq.next_element::<T>()? else {
                break;
            };
            warnings::prefix_since(mark, Segment::Index(items.len()));
            items.push(item);
        }
        Ok(items)
    }
}

/// `totalcount` as a number or a numeric string.
struct LenientCount(Option<u64>);

impl<'de> serde::Deserialize<'de> for LenientCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LenientCount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a count as a number or numeric string")
            }
            fn visit_u64<E: serde::de::Error>(
                self,
                v: u64,
            ) -> std::result::Result<LenientCount, E> {
                Ok(LenientCount(Some(v)))
            }
            fn visit_i64<E: serde::de::Error>(
                self,
                v: i64,
            ) -> std::result::Result<LenientCount, E> {
                u64::try_from(v)
                    .map(|v| LenientCount(Some(v)))
                    .map_err(|_| E::custom("a negative count"))
            }
            fn visit_str<E: serde::de::Error>(
                self,
                v: &str,
            ) -> std::result::Result<LenientCount, E> {
                if v.trim().is_empty() {
                    return Ok(LenientCount(None));
                }
                v.trim()
                    .parse()
                    .map(|v| LenientCount(Some(v)))
                    .map_err(|_| E::custom("expected a count as a number or numeric string"))
            }
            fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<LenientCount, E> {
                Ok(LenientCount(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl Client {
    /// Fetches one page of a list endpoint whose items live under `item_key`.
    pub async fn fetch_page<T: DeserializeOwned>(
        &self,
        request: &Request,
        item_key: &str,
    ) -> Result<Page<T>> {
        let response = self.execute(request).await?;
        decode_page(
            response.body(),
            item_key,
            Endpoint {
                method: request.method_str(),
                route: request.route(),
            },
        )
        .map_err(|e| {
            e.with_request_id(response.request_id().map(str::to_owned))
                .with_attempts(response.attempts())
        })
    }

    /// A [`Paginator`] over `request`.
    pub fn paginate<T>(&self, request: Request, item_key: &'static str) -> Paginator<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        Paginator::new(self.clone(), request, item_key)
    }
}

/// Walks a list endpoint lazily. See the [module docs](self).
pub struct Paginator<T> {
    client: Client,
    request: Request,
    item_key: &'static str,
    prefetch: usize,
    _t: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("route", &self.request.route())
            .field("item_key", &self.item_key)
            .field("prefetch", &self.prefetch)
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Paginator<T> {
    /// A paginator over `request` (its own `limit`/`offset` are the starting point).
    pub fn new(client: Client, request: Request, item_key: &'static str) -> Self {
        Paginator {
            client,
            request,
            item_key,
            prefetch: 1,
            _t: PhantomData,
        }
    }

    /// Fetch up to `pages` pages concurrently once `totalcount` is known (default 1: one page
    /// at a time). Pages still come out in order.
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.prefetch = pages.max(1);
        self
    }

    /// Sets the page size: athena's `limit` (at least 1; `0` is refused as
    /// [`ErrorKind::InvalidInput`] when the first page is requested). The same name and type
    /// as every list builder's `limit(u32)` in `athena-rest`.
    pub fn limit(mut self, limit: u32) -> Self {
        self.request = self.request.set_query("limit", limit);
        self
    }

    /// The first page only.
    pub async fn first_page(&self) -> Result<Page<T>> {
        self.client.fetch_page(&self.request, self.item_key).await
    }

    /// A stream of pages, in order.
    pub fn pages(self) -> BoxStream<'static, Result<Page<T>>> {
        let walk = Walk {
            client: self.client,
            base: self.request,
            item_key: self.item_key,
            prefetch: self.prefetch,
            queue: FuturesOrdered::new(),
            planned: Plan::default(),
            step: None,
            last_offset: 0,
            stalled: None,
            follow: None,
            started: false,
            done: false,
        };
        futures::stream::unfold(walk, |mut w| async move {
            let item = w.next_page().await?;
            Some((item, w))
        })
        .boxed()
    }

    /// A stream of items across all pages.
    pub fn items(self) -> BoxStream<'static, Result<T>> {
        self.pages()
            .map_ok(|p| futures::stream::iter(p.into_items().into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

struct Walk<T> {
    client: Client,
    base: Request,
    item_key: &'static str,
    prefetch: usize,
    queue: FuturesOrdered<BoxFuture<'static, Result<Page<T>>>>,
    /// Offsets still to fetch in prefetch mode, produced lazily from `totalcount` (a
    /// server-given number: a `totalcount` of 10^18 must not allocate a plan of 10^18
    /// offsets).
    planned: Plan,
    step: Option<u64>,
    /// The offset of the page most recently requested in sequential mode: a `next` that does
    /// not move past it would loop forever.
    last_offset: u64,
    /// Set when the server's `next` stopped advancing: the error the stream ends with.
    stalled: Option<Error>,
    /// The request for the page after the last one received (sequential mode).
    follow: Option<Request>,
    started: bool,
    done: bool,
}

impl<T: DeserializeOwned + Send + 'static> Walk<T> {
    fn fetch(&self, request: Request) -> BoxFuture<'static, Result<Page<T>>> {
        let client = self.client.clone();
        let key = self.item_key;
        Box::pin(async move { client.fetch_page(&request, key).await })
    }

    fn request_at(&self, offset: u64, limit: Option<u32>) -> Request {
        let r = self.base.clone().set_query("offset", offset);
        match limit {
            Some(l) => r.set_query("limit", l),
            None => r,
        }
    }

    async fn next_page(&mut self) -> Option<Result<Page<T>>> {
        if self.done {
            return None;
        }
        if let Some(e) = self.stalled.take() {
            self.done = true;
            return Some(Err(e));
        }
        if !self.started {
            self.started = true;
            self.last_offset = query_offset(&self.base).unwrap_or(0);
            let first = self.fetch(self.base.clone());
            self.queue.push_back(first);
        }
        while self.queue.len() < self.prefetch {
            let Some(offset) = self.planned.pop_front() else {
                break;
            };
            let req = self.request_at(offset, self.step.and_then(|s| u32::try_from(s).ok()));
            let fut = self.fetch(req);
            self.queue.push_back(fut);
        }
        if self.queue.is_empty() {
            if let Some(req) = self.follow.take() {
                let fut = self.fetch(req);
                self.queue.push_back(fut);
            } else {
                self.done = true;
                return None;
            }
        }
        let page = match self.queue.next().await? {
            Ok(p) => p,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let first = self.step.is_none() && self.planned.is_empty() && self.queue.is_empty();
        match page.next {
            Some(link) if link.offset <= self.last_offset && self.planned.is_empty() => {
                // A `next` that does not move forward would repeat pages forever: hand this
                // page out, then end with an error.
                self.queue = FuturesOrdered::new();
                self.stalled = Some(
                    Error::new(
                        ErrorKind::Decode,
                        "the `next` link does not advance past the page just read; stopped paging",
                    )
                    .with_endpoint(self.base.method_str(), self.base.route()),
                );
            }
            Some(link) if first && self.prefetch > 1 && page.total_count.is_some() => {
                // Plan the remaining offsets from the step between pages.
                let current = self.last_offset;
                let step = link.offset.saturating_sub(current).max(1);
                let total = page.total_count.unwrap_or(0);
                self.step = Some(step);
                self.planned = Plan {
                    next: link.offset,
                    step,
                    end: total,
                };
                self.last_offset = link.offset;
                if self.planned.is_empty() {
                    self.follow = Some(self.request_at(link.offset, link.limit));
                }
            }
            Some(link) if self.planned.is_empty() && self.queue.is_empty() => {
                // Sequential mode, or the end of the plan (the list grew): follow `next`.
                let limit = self.step.and_then(|s| u32::try_from(s).ok()).or(link.limit);
                self.last_offset = link.offset;
                self.follow = Some(self.request_at(link.offset, limit));
            }
            _ => {}
        }
        Some(Ok(page))
    }
}

/// The offsets `next, next + step, …` below `end`, produced one at a time (no allocation
/// however large the server's `totalcount`; no overflow near `u64::MAX`).
#[derive(Debug, Default, Clone, Copy)]
struct Plan {
    next: u64,
    step: u64,
    end: u64,
}

impl Plan {
    fn is_empty(&self) -> bool {
        self.next >= self.end
    }

    fn pop_front(&mut self) -> Option<u64> {
        if self.is_empty() {
            return None;
        }
        let offset = self.next;
        // On overflow the plan ends.
        self.next = offset.saturating_add(self.step.max(1));
        Some(offset)
    }
}

fn query_offset(r: &Request) -> Option<u64> {
    r.query_pairs()
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("offset"))
        .and_then(|(_, v)| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EP: Endpoint = Endpoint {
        method: "GET",
        route: "/v1/{practiceid}/patients",
    };

    #[test]
    fn envelope_with_upper_cased_next() {
        let body = br#"{"patients":[{"a":1},{"a":2}],"totalcount":"111",
            "next":"/v1/195900/patients?DEPARTMENTID=1&FIRSTNAME=Michael&OMITBALANCES=False&offset=10",
            "lastupdated":"01/01/2020"}"#;
        let page: Page<serde_json::Value> = decode_page(body, "patients", EP).unwrap();
        assert_eq!(page.items().len(), 2);
        assert_eq!(page.total_count(), Some(111));
        assert_eq!(
            page.next(),
            Some(PageLink {
                offset: 10,
                limit: None
            })
        );
        assert_eq!(page.extra()["lastupdated"], "01/01/2020");
    }

    #[test]
    fn last_page_and_empty_pages() {
        let page: Page<u8> =
            decode_page(br#"{"totalcount":0,"appointments":[]}"#, "appointments", EP).unwrap();
        assert!(page.items().is_empty() && !page.has_next());
        let page: Page<u8> = decode_page(br#"{"totalcount":0}"#, "appointments", EP).unwrap();
        assert!(page.items().is_empty());
        let err = decode_page::<u8>(br#"{"totalcount":5}"#, "appointments", EP).unwrap_err();
        assert!(err.to_string().contains("appointments"), "{err}");
    }

    #[test]
    fn item_errors_name_the_index() {
        let body = br#"{"patients":[1,2,"Smithson"],"totalcount":3}"#;
        let err = decode_page::<u32>(body, "patients", EP).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("patients[2]"), "{text}");
        assert!(!text.contains("Smithson"), "{text}");
    }

    #[test]
    fn failure_bodies() {
        let err = decode_page::<u32>(br#"{"success":"false","errormessage":"x"}"#, "patients", EP)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsuccessful);
    }

    #[test]
    fn link_parsing() {
        assert_eq!(
            PageLink::parse("/v1/1/patients/1/documents?DEPARTMENTID=1&limit=271&offset=1000"),
            Some(PageLink {
                offset: 1000,
                limit: Some(271)
            })
        );
        assert_eq!(
            PageLink::parse("/v1/1/x?OFFSET=5"),
            Some(PageLink {
                offset: 5,
                limit: None
            })
        );
        assert_eq!(PageLink::parse("/v1/1/x"), None);
    }
}
