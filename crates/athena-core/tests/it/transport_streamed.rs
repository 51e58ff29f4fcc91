//! The streamed GET: its head goes through the same loop as every call (retries,
//! `Retry-After`, 401 refresh and replay, span), its body comes as a stream that is never
//! retried once handed out, and the bearer token goes only to the client's origin — whether
//! the URL is elsewhere or a redirect leads away.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, ErrorKind, Request, StreamOptions};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request as WmRequest, Respond, ResponseTemplate};

const TOKEN: &str = "tok-streamed-secret";
const FILE: &str = "/files/a-195900.E-1/Patient.ndjson";
const ROUTE: &str = "/files/{file}";

fn client(origin: &str, clock: &ManualClock) -> Client {
    Client::builder()
        .base_url(origin)
        .client_credentials("id", "secret")
        .runtime(Runtime::manual(clock, 0.5))
        .build()
        .unwrap()
}

async fn mount_tokens(server: &MockServer) -> Arc<AtomicUsize> {
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(move |_: &WmRequest| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"access_token": format!("{TOKEN}-{n}"), "expires_in": 3600}),
            )
        })
        .mount(server)
        .await;
    issued
}

/// Answers with the scripted responses in order, the last one forever, and records whether
/// each request carried a token.
#[derive(Clone)]
struct Script {
    steps: Vec<ResponseTemplate>,
    seen: Arc<std::sync::Mutex<Vec<Option<String>>>>,
}

impl Script {
    fn new(steps: Vec<ResponseTemplate>) -> Self {
        Script {
            steps,
            seen: Arc::default(),
        }
    }
    fn authorizations(&self) -> Vec<Option<String>> {
        self.seen.lock().unwrap().clone()
    }
}

impl Respond for Script {
    fn respond(&self, req: &WmRequest) -> ResponseTemplate {
        let mut seen = self.seen.lock().unwrap();
        seen.push(
            req.headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        );
        let n = (seen.len() - 1).min(self.steps.len() - 1);
        self.steps[n].clone()
    }
}

async fn body_of(response: athena_core::StreamedResponse) -> Vec<u8> {
    let mut body = Vec::new();
    let mut stream = response.into_body();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.expect("a chunk"));
    }
    body
}

fn link(origin: &str) -> url::Url {
    url::Url::parse(&format!("{origin}{FILE}")).unwrap()
}

#[tokio::test]
async fn the_head_is_retried_with_retry_after_and_the_body_streams() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    let content = "{\"a\":1}\n".repeat(10_000);
    let script = Script::new(vec![
        ResponseTemplate::new(503).insert_header("retry-after", "7"),
        ResponseTemplate::new(200).set_body_string(content.clone()),
    ]);
    Mock::given(method("GET"))
        .and(path(FILE))
        .respond_with(script.clone())
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let c = client(&server.uri(), &clock);
    let request = Request::to_link(http::Method::GET, ROUTE, link(&server.uri()));
    let response = c
        .execute_streamed(&request, &StreamOptions::new())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 2);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(7)]);
    assert_eq!(body_of(response).await, content.as_bytes());
    let auth = script.authorizations();
    assert_eq!(auth.len(), 2);
    assert!(
        auth.iter()
            .all(|a| a.as_deref() == Some(&*format!("Bearer {TOKEN}-1")))
    );
}

#[tokio::test]
async fn a_401_refreshes_once_and_replays_and_a_final_status_is_typed_or_handed_over() {
    let server = MockServer::start().await;
    let issued = mount_tokens(&server).await;
    let script = Script::new(vec![
        ResponseTemplate::new(401),
        ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": "no such file"})),
    ]);
    Mock::given(method("GET"))
        .and(path(FILE))
        .respond_with(script.clone())
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let c = client(&server.uri(), &clock);
    let request = Request::to_link(http::Method::GET, ROUTE, link(&server.uri()));
    let e = c
        .execute_streamed(&request, &StreamOptions::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.route(), Some(ROUTE));
    assert_eq!(issued.load(Ordering::SeqCst), 2, "one refresh");
    let auth = script.authorizations();
    assert_eq!(auth[0].as_deref(), Some(&*format!("Bearer {TOKEN}-1")));
    assert_eq!(auth[1].as_deref(), Some(&*format!("Bearer {TOKEN}-2")));
    // Asked for, the final answer comes back with its (short) body as the stream.
    let handed = c
        .execute_streamed(&request, &StreamOptions::new().any_status())
        .await
        .unwrap();
    assert_eq!(handed.status(), 404);
    assert_eq!(
        body_of(handed).await,
        br#"{"error":"no such file"}"#.to_vec()
    );
    assert!(clock.sleeps().is_empty(), "a 404 is not retried");
}

#[tokio::test]
async fn only_a_get_is_streamed() {
    let clock = ManualClock::new();
    let c = client("http://127.0.0.1:9", &clock);
    let e = c
        .execute_streamed(
            &Request::post("/v1/{practiceid}/x").path_param("practiceid", 1),
            &StreamOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(c.token_requests_sent(), 0, "nothing was sent");
}

#[tokio::test]
async fn the_token_never_leaves_the_client_origin() {
    let api = MockServer::start().await;
    mount_tokens(&api).await;
    let storage = MockServer::start().await;
    let foreign = Script::new(vec![ResponseTemplate::new(200).set_body_string("{}\n")]);
    Mock::given(method("GET"))
        .and(path(FILE))
        .respond_with(foreign.clone())
        .mount(&storage)
        .await;
    let clock = ManualClock::new();
    let c = client(&api.uri(), &clock);

    // A link on another origin is refused before anything leaves…
    let refused = Request::to_link(http::Method::GET, ROUTE, link(&storage.uri()));
    let e = c
        .execute_streamed(&refused, &StreamOptions::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    // …an external one is sent, without the token.
    let external = Request::to_external(http::Method::GET, ROUTE, link(&storage.uri()));
    let response = c
        .execute_streamed(&external, &StreamOptions::new())
        .await
        .unwrap();
    assert_eq!(body_of(response).await, b"{}\n".to_vec());
    assert_eq!(foreign.authorizations(), vec![None]);
    assert_eq!(
        c.token_requests_sent(),
        0,
        "no token fetched for another origin"
    );

    // A redirect from the API origin to the storage host: not followed by default (a 3xx is
    // final), followed when asked, and the hop never carries the token.
    let own =
        Script::new(vec![ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}{FILE}", storage.uri()).as_str(),
        )]);
    Mock::given(method("GET"))
        .and(path("/fhir/r4/files/1"))
        .respond_with(own.clone())
        .mount(&api)
        .await;
    let on_api = Request::to_link(
        http::Method::GET,
        ROUTE,
        url::Url::parse(&format!("{}/fhir/r4/files/1", api.uri())).unwrap(),
    );
    let e = c
        .execute_streamed(&on_api, &StreamOptions::new())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(302));
    assert_eq!(foreign.authorizations().len(), 1, "not followed");
    let followed = c
        .execute_streamed(&on_api, &StreamOptions::new().follow_redirects(3))
        .await
        .unwrap();
    assert_eq!(followed.status(), 200);
    assert_eq!(body_of(followed).await, b"{}\n".to_vec());
    assert_eq!(foreign.authorizations(), vec![None, None]);
    assert!(
        own.authorizations()
            .iter()
            .all(|a| a.as_deref() == Some(&*format!("Bearer {TOKEN}-1"))),
        "the API origin got the token"
    );
    let text = format!("{e} {e:?}");
    assert!(
        !text.contains(TOKEN) && !text.contains("a-195900"),
        "{text}"
    );
}

/// A server that announces `total` bytes, sends `sent` of them, then holds the connection
/// for `hold` (or closes it), counting requests.
async fn cut_server(total: usize, sent: usize, hold: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    if buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {total}\r\nconnection: close\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&vec![b'x'; sent]).await;
                let _ = stream.flush().await;
                tokio::time::sleep(hold).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (origin, requests)
}

#[tokio::test]
async fn a_broken_or_stalled_body_ends_the_stream_and_is_not_retried() {
    for (hold, kind) in [
        (Duration::from_millis(10), ErrorKind::Transport),
        (Duration::from_secs(5), ErrorKind::Timeout),
    ] {
        let (origin, requests) = cut_server(1000, 400, hold).await;
        let clock = ManualClock::new();
        let c = Client::builder()
            .base_url(&origin)
            .anonymous()
            .runtime(Runtime::manual(&clock, 0.5))
            .build()
            .unwrap();
        let request = Request::to_link(http::Method::GET, ROUTE, link(&origin));
        let options = StreamOptions::new().idle_timeout(Duration::from_millis(200));
        let response = c.execute_streamed(&request, &options).await.unwrap();
        let mut stream = response.into_body();
        let mut got = 0;
        let mut error = None;
        while let Some(item) = stream.next().await {
            match item {
                Ok(chunk) => got += chunk.len(),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        assert_eq!(got, 400, "{kind:?}");
        let e = error.expect("the stream ends with an error");
        assert_eq!(e.kind(), kind);
        assert_eq!(e.route(), Some(ROUTE));
        assert!(stream.next().await.is_none(), "nothing after the error");
        assert_eq!(
            requests.load(Ordering::SeqCst),
            1,
            "the body is not retried"
        );
        let text = format!("{e} {e:?}");
        assert!(
            !text.contains("a-195900") && !text.contains("127.0.0.1"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_401_from_another_origin_does_not_refresh_our_token() {
    let api = MockServer::start().await;
    let issued = mount_tokens(&api).await;
    let storage = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(FILE))
        .respond_with(ResponseTemplate::new(401))
        .mount(&storage)
        .await;
    Mock::given(method("GET"))
        .and(path("/fhir/r4/files/2"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}{FILE}", storage.uri()).as_str()),
        )
        .mount(&api)
        .await;
    let clock = ManualClock::new();
    let c = client(&api.uri(), &clock);
    let request = Request::to_link(
        http::Method::GET,
        ROUTE,
        url::Url::parse(&format!("{}/fhir/r4/files/2", api.uri())).unwrap(),
    );
    let e = c
        .execute_streamed(&request, &StreamOptions::new().follow_redirects(1))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(e.attempts(), 1, "not replayed");
    assert_eq!(issued.load(Ordering::SeqCst), 1, "no refresh");
}
