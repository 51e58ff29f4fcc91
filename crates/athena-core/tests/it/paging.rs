//! Walking athena list endpoints: `next` offsets, prefetch, flat memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use athena_core::{Client, Request};
use futures::StreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request as WmRequest, Respond, ResponseTemplate};

/// A list of `total` generated items served like athena: upper-cased echoes in `next`,
/// `next` absent on the last page, `totalcount` as a string.
struct Lister {
    total: usize,
    default_limit: usize,
    padding: usize,
    served: Arc<AtomicUsize>,
}

impl Respond for Lister {
    fn respond(&self, req: &WmRequest) -> ResponseTemplate {
        self.served.fetch_add(1, Ordering::SeqCst);
        let q: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
        let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let offset: usize = get("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
        let limit: usize = get("limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(self.default_limit);
        let end = (offset + limit).min(self.total);
        let pad = "x".repeat(self.padding);
        let items: Vec<serde_json::Value> = (offset..end)
            .map(|i| serde_json::json!({"patientid": i.to_string(), "note": pad}))
            .collect();
        let mut body = serde_json::json!({
            "patients": items,
            "totalcount": self.total.to_string(),
        });
        if end < self.total {
            body["next"] = format!(
                "/v1/195900/patients?DEPARTMENTID=1&OMITBALANCES=False&limit={limit}&offset={end}"
            )
            .into();
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

#[derive(Debug, serde::Deserialize)]
struct Item {
    patientid: String,
    #[allow(dead_code)]
    note: String,
}

async fn setup(total: usize, padding: usize) -> (MockServer, Client, Arc<AtomicUsize>) {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    let served = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path("/v1/195900/patients"))
        .respond_with(Lister {
            total,
            default_limit: 10,
            padding,
            served: served.clone(),
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .anonymous()
        .build()
        .unwrap();
    (server, client, served)
}

fn list() -> Request {
    Request::get("/v1/{practiceid}/patients")
        .path_param("practiceid", 195900)
        .query("departmentid", 1)
}

#[tokio::test]
async fn items_stream_follows_next_offsets_until_next_is_absent() {
    let (_server, client, served) = setup(95, 0).await;
    let ids: Vec<String> = client
        .paginate::<Item>(list(), "patients")
        .items()
        .map(|r| r.unwrap().patientid)
        .collect()
        .await;
    assert_eq!(ids.len(), 95);
    assert!(ids.iter().enumerate().all(|(i, id)| *id == i.to_string()));
    // Default athena page of 10: 10 requests, the last one without `next`.
    assert_eq!(served.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn page_stream_and_first_page() {
    let (_server, client, _) = setup(25, 0).await;
    let p = client.paginate::<Item>(list(), "patients").limit(10);
    let first = p.first_page().await.unwrap();
    assert_eq!(first.items().len(), 10);
    assert_eq!(first.total_count(), Some(25));
    assert_eq!(first.next().unwrap().offset, 10);
    let sizes: Vec<usize> = p.pages().map(|p| p.unwrap().items().len()).collect().await;
    assert_eq!(sizes, vec![10, 10, 5]);
}

#[tokio::test]
async fn prefetch_keeps_order_and_fetches_each_page_once() {
    let (_server, client, served) = setup(1_003, 0).await;
    let ids: Vec<String> = client
        .paginate::<Item>(list(), "patients")
        .limit(100)
        .prefetch(4)
        .items()
        .map(|r| r.unwrap().patientid)
        .collect()
        .await;
    assert_eq!(ids.len(), 1_003);
    assert!(ids.iter().enumerate().all(|(i, id)| *id == i.to_string()));
    assert_eq!(served.load(Ordering::SeqCst), 11);
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// 100,000 items of ~1 KiB (≈100 MiB if anything kept them) stream through with flat memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_items_stream_in_flat_memory() {
    let (_server, client, served) = setup(100_000, 1_000).await;
    let mut stream = client
        .paginate::<Item>(list(), "patients")
        .limit(1_000)
        .prefetch(2)
        .items();
    let mut count = 0usize;
    let mut after_warmup = None;
    let mut peak = 0u64;
    while let Some(item) = stream.next().await {
        let item = item.unwrap();
        assert_eq!(item.patientid, count.to_string());
        count += 1;
        if count == 10_000 {
            after_warmup = rss_kib();
        }
        if count.is_multiple_of(5_000)
            && let Some(r) = rss_kib()
        {
            peak = peak.max(r);
        }
    }
    assert_eq!(count, 100_000);
    assert_eq!(served.load(Ordering::SeqCst), 100);
    match after_warmup {
        Some(base) => {
            let growth_mib = peak.saturating_sub(base) / 1024;
            println!(
                "RSS after 10k items: {} MiB, peak: {} MiB, growth: {growth_mib} MiB",
                base / 1024,
                peak / 1024
            );
            assert!(
                growth_mib < 40,
                "memory grew by {growth_mib} MiB while streaming"
            );
        }
        None => println!("notice: /proc/self/status unavailable; memory not measured"),
    }
}

/// Answers every page with the same fixed envelope.
struct Fixed(serde_json::Value, Arc<AtomicUsize>);

impl Respond for Fixed {
    fn respond(&self, _: &WmRequest) -> ResponseTemplate {
        self.1.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(self.0.clone())
    }
}

async fn fixed(body: serde_json::Value) -> (MockServer, Client, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let served = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path("/v1/195900/patients"))
        .respond_with(Fixed(body, served.clone()))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .anonymous()
        .build()
        .unwrap();
    (server, client, served)
}

/// A `next` link that points back at the page just read would repeat it forever: the
/// stream ends with a typed error instead. Before the fix `collect()` never returned.
#[tokio::test]
async fn a_next_link_that_does_not_advance_ends_with_an_error() {
    for next in [
        "/v1/195900/patients?offset=0",
        "/v1/195900/patients?offset=5&limit=5",
    ] {
        let (_server, client, served) = fixed(serde_json::json!({
            "patients": [{"patientid": "1", "note": ""}],
            "totalcount": "100",
            "next": next,
        }))
        .await;
        let mut stream = client
            .paginate::<Item>(list().query("offset", 5), "patients")
            .pages();
        // Bounded: a looping walk is cut off by `take`, and then the assertions fail.
        let mut results = Vec::new();
        while let Some(r) = stream.next().await {
            results.push(r);
            if results.len() > 10 {
                break;
            }
        }
        assert_eq!(results.len(), 2, "{next}");
        assert!(results[0].is_ok());
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(err.kind(), athena_core::ErrorKind::Decode, "{err}");
        assert!(err.to_string().contains("next"), "{err}");
        assert_eq!(served.load(Ordering::SeqCst), 1, "{next}");
    }
}

/// A server-given `totalcount` near `u64::MAX` with prefetch: the plan computed
/// `offset + i * step` for every remaining page up front, which overflowed (a panic) for a
/// step of 2^63 and, for a small step, tried to allocate billions of offsets. The plan is
/// now lazy and overflow-checked; the fixed server's repeated `next` then ends the walk.
#[tokio::test]
async fn a_huge_totalcount_with_prefetch_neither_allocates_nor_overflows() {
    let half = 1u64 << 63;
    let (_server, client, served) = fixed(serde_json::json!({
        "patients": [{"patientid": "1", "note": ""}],
        "totalcount": u64::MAX.to_string(),
        "next": format!("/v1/195900/patients?offset={half}"),
    }))
    .await;
    let pages: Vec<_> = client
        .paginate::<Item>(list(), "patients")
        .prefetch(4)
        .pages()
        .take(10)
        .collect()
        .await;
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[0].is_ok() && pages[1].is_ok());
    assert_eq!(
        pages[2].as_ref().unwrap_err().kind(),
        athena_core::ErrorKind::Decode
    );
    assert_eq!(served.load(Ordering::SeqCst), 2);

    // A small step and the same total: pages come lazily, as many as asked for.
    let (_server, client, served) = fixed(serde_json::json!({
        "patients": [{"patientid": "1", "note": ""}],
        "totalcount": u64::MAX.to_string(),
        "next": "/v1/195900/patients?offset=10",
    }))
    .await;
    let pages: Vec<_> = client
        .paginate::<Item>(list(), "patients")
        .prefetch(4)
        .pages()
        .take(6)
        .collect()
        .await;
    assert_eq!(pages.len(), 6);
    assert!(pages.iter().all(|p| p.is_ok()));
    assert!(served.load(Ordering::SeqCst) <= 1 + 6 + 4);
}

/// A page size of 0 never advances (athena answers nothing, or its default page, and the
/// walk would not move): it is refused before anything is sent.
#[tokio::test]
async fn a_zero_limit_is_refused_before_sending() {
    let (_server, client, served) = setup(25, 0).await;
    let err = client
        .paginate::<Item>(list(), "patients")
        .limit(0)
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), athena_core::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("limit"), "{err}");
    let first: Vec<_> = client
        .paginate::<Item>(list().query("LIMIT", 0), "patients")
        .pages()
        .collect()
        .await;
    assert_eq!(first.len(), 1);
    assert!(first[0].is_err());
    assert_eq!(served.load(Ordering::SeqCst), 0);
}
