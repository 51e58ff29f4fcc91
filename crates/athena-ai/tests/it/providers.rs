//! Provider HTTP layers against wiremock, replaying each vendor's response shapes.

use std::time::Duration;

use athena_ai::model::FinishReason;
use athena_ai::phi::PhiGuard;
use athena_ai::providers::ModelConfig;
use athena_ai::providers::anthropic::Anthropic;
use athena_ai::providers::openai::OpenAiCompatible;
use athena_ai::{AiErrorKind, LanguageModel, ModelRequest, Prompt};
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request(schema: bool) -> ModelRequest {
    let mut p = Prompt::user("Say hello.")
        .with_system("Be brief.")
        .with_max_tokens(64);
    if schema {
        p = p.with_json_schema(
            "greeting",
            json!({"type": "object", "properties": {"text": {"type": "string"}}}),
        );
    }
    ModelRequest::from(PhiGuard::default().deidentify(p).unwrap().0)
}

fn config(server: &MockServer, base_suffix: &str) -> ModelConfig {
    ModelConfig {
        base_url: format!("{}{base_suffix}", server.uri()),
        model: "test-model".into(),
        api_key: Some("sk-test".into()),
        timeout: Duration::from_secs(5),
    }
}

fn openai_completion(
    content: serde_json::Value,
    finish: &str,
    refusal: serde_json::Value,
) -> serde_json::Value {
    json!({
        "id": "chatcmpl-123", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": refusal}, "logprobs": null, "finish_reason": finish}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
    })
}

#[tokio::test]
async fn openai_success_sends_schema_and_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-test"))
        .and(body_partial_json(json!({"model": "test-model", "response_format": {"type": "json_schema"}, "messages": [{"role": "system"}, {"role": "user", "content": "Say hello."}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_completion(json!("{\"text\":\"hi\"}"), "stop", json!(null))))
        .expect(1)
        .mount(&server)
        .await;
    let model = OpenAiCompatible::new(&config(&server, "/v1")).unwrap();
    let r = model.generate(&request(true)).await.unwrap();
    assert_eq!(r.text, "{\"text\":\"hi\"}");
    assert_eq!(r.finish, FinishReason::Stop);
    assert_eq!(r.usage.unwrap().output_tokens, 5);
}

#[tokio::test]
async fn openai_length_refusal_and_errors() {
    let server = MockServer::start().await;
    let model = OpenAiCompatible::new(&config(&server, "/v1")).unwrap();

    Mock::given(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_completion(
            json!("{\"text\":\"hel"),
            "length",
            json!(null),
        )))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let r = model.generate(&request(true)).await.unwrap();
    assert_eq!(r.finish, FinishReason::Length);

    Mock::given(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_completion(
            json!(null),
            "stop",
            json!("I can't help with that."),
        )))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    assert_eq!(
        model.generate(&request(false)).await.unwrap_err().kind(),
        AiErrorKind::Refusal
    );

    Mock::given(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"message": "patient Jane Roe is bad", "type": "invalid_request_error", "param": null, "code": null}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let err = model.generate(&request(false)).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.status(), err.vendor_code()),
        (
            AiErrorKind::BadRequest,
            Some(400),
            Some("invalid_request_error")
        )
    );
    assert!(
        !format!("{err} {err:?}").contains("Jane"),
        "error carries the body: {err}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn openai_429_is_retried_by_core() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_json(json!({"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_completion(
            json!("hello"),
            "stop",
            json!(null),
        )))
        .mount(&server)
        .await;
    let model = OpenAiCompatible::new(&config(&server, "/v1")).unwrap();
    assert_eq!(model.generate(&request(false)).await.unwrap().text, "hello");
}

#[tokio::test]
async fn openai_persistent_5xx_is_retryable_error() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let model = OpenAiCompatible::new(&ModelConfig {
        timeout: Duration::from_secs(2),
        ..config(&server, "/v1")
    })
    .unwrap();
    let err = model.generate(&request(false)).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
}

fn anthropic_message(text: &str, stop: &str) -> serde_json::Value {
    json!({
        "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": text}], "stop_reason": stop, "stop_sequence": null,
        "usage": {"input_tokens": 20, "output_tokens": 7}
    })
}

#[tokio::test]
async fn anthropic_success_headers_and_schema_in_system() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", "sk-test"))
        .and(header("anthropic-version", "2023-06-01"))
        .and(body_partial_json(json!({"model": "test-model", "max_tokens": 64, "messages": [{"role": "user", "content": "Say hello."}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(anthropic_message("{\"text\":\"hi\"}", "end_turn")))
        .expect(1)
        .mount(&server)
        .await;
    let model = Anthropic::new(&config(&server, "")).unwrap();
    let r = model.generate(&request(true)).await.unwrap();
    assert_eq!(r.text, "{\"text\":\"hi\"}");
    let sent = &server.received_requests().await.unwrap()[0];
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert!(body["system"].as_str().unwrap().contains("JSON schema"));
}

#[tokio::test]
async fn anthropic_max_tokens_refusal_overloaded_and_429() {
    let server = MockServer::start().await;
    let model = Anthropic::new(&config(&server, ""))
        .unwrap()
        .with_retry(3, Duration::from_millis(20))
        .unwrap();

    Mock::given(path("/v1/messages"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(anthropic_message("{\"text\": \"he", "max_tokens")),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    assert_eq!(
        model.generate(&request(true)).await.unwrap().finish,
        FinishReason::Length
    );

    Mock::given(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(anthropic_message("", "refusal")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    assert_eq!(
        model.generate(&request(false)).await.unwrap_err().kind(),
        AiErrorKind::Refusal
    );

    // 529 overloaded, then 429 with Retry-After, then success: retried.
    Mock::given(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(529).set_body_json(json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_json(json!({"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(anthropic_message("ok", "end_turn")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    assert_eq!(model.generate(&request(false)).await.unwrap().text, "ok");

    Mock::given(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"type": "error", "error": {"type": "invalid_request_error", "message": "messages: patient John Doe"}})))
        .mount(&server)
        .await;
    let err = model.generate(&request(false)).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.status(), err.vendor_code()),
        (
            AiErrorKind::BadRequest,
            Some(400),
            Some("invalid_request_error")
        )
    );
    assert!(!err.to_string().contains("John"));
}

#[tokio::test]
async fn anthropic_529_overloaded_then_success_is_retried_by_core() {
    let server = MockServer::start().await;
    let overloaded = ResponseTemplate::new(529).set_body_json(
        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    );
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(overloaded.clone())
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", "sk-test"))
        .and(header("anthropic-version", "2023-06-01"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(anthropic_message("recovered", "end_turn")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let model = Anthropic::new(&config(&server, ""))
        .unwrap()
        .with_retry(3, Duration::from_millis(20))
        .unwrap();
    let r = model.generate(&request(false)).await.unwrap();
    assert_eq!(r.text, "recovered");
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2, "one 529, one retry");
    // The replay carries the same headers and body.
    assert_eq!(sent[0].body, sent[1].body);
    assert!(
        sent.iter()
            .all(|r| r.headers.get("authorization").is_none())
    );

    // Overloaded on every attempt: a retryable server error after exactly 3 attempts, no body.
    let server = MockServer::start().await;
    Mock::given(path("/v1/messages"))
        .respond_with(overloaded)
        .expect(3)
        .mount(&server)
        .await;
    let model = Anthropic::new(&config(&server, ""))
        .unwrap()
        .with_retry(3, Duration::from_millis(20))
        .unwrap();
    let err = model.generate(&request(false)).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (AiErrorKind::Server, Some(529)));
    assert!(err.is_retryable());
    assert!(!err.to_string().contains("Overloaded"), "{err}");
}

#[tokio::test]
async fn anthropic_long_retry_after_is_returned_not_slept() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "30").set_body_json(json!({"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}})))
        .expect(1)
        .mount(&server)
        .await;
    let model = Anthropic::new(&config(&server, ""))
        .unwrap()
        .with_retry(3, Duration::from_millis(20))
        .unwrap();
    let err = model.generate(&request(false)).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.retry_after()),
        (AiErrorKind::RateLimited, Some(Duration::from_secs(30)))
    );
}
