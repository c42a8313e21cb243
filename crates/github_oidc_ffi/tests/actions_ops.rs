//! `ghoidc_actions_token` through the C ABI against the fake runner endpoint (issue 18): the
//! request (URL, query, bearer) on the fake's log, the token answered as bytes and verified,
//! and neither the request token nor a JWT in any answer's text.

use fake_github::{spawn_blocking_server, RUNNER_REQUEST_TOKEN};
use github_oidc::{ghoidc_actions_token, ghoidc_result_copy, ghoidc_result_len, GhoidcStatus};
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};
use serde_json::{json, Value};

fn call(req: &Value) -> (GhoidcStatus, Value, String) {
    let bytes = serde_json::to_vec(req).unwrap();
    let status = ghoidc_actions_token(FFISlice::from_slice(&bytes));
    let mut buf = vec![0u8; ghoidc_result_len() as usize];
    let n = ghoidc_result_copy(FFISliceMut::from_slice(&mut buf));
    assert_eq!(n as usize, buf.len());
    let text = String::from_utf8(buf).unwrap();
    (status, serde_json::from_str(&text).unwrap(), text)
}

fn context(base: &str) -> Value {
    json!({ "host_name": "github.com", "api_base_uri": base, "issuer_uri": base, "max_retries": 1, "max_retry_wait_sec": 1 })
}

#[test]
fn the_token_is_requested_with_the_audience_and_the_bearer_and_answered_verified_as_bytes() {
    let server = spawn_blocking_server(None).unwrap();
    let url = server.url("/_apis/pipelines/1/runs/7/idtoken?api-version=2.0");
    let (status, v, text) = call(&json!({
        "context": context(&server.base_url),
        "request_url": url,
        "request_token": RUNNER_REQUEST_TOKEN,
        "audience": "api://AzureADTokenExchange",
    }));
    assert_eq!(status, GhoidcStatus::Ok, "{v}");
    assert_eq!(v["verification"]["valid"], true, "{v}");
    assert_eq!(v["verification"]["claims"]["aud"], "api://AzureADTokenExchange");
    assert_eq!(
        v["request_url"],
        format!(
            "{}/_apis/pipelines/1/runs/7/idtoken?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange",
            server.base_url
        )
    );
    let jwt: Vec<u8> = v["token_utf8"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    let jwt = String::from_utf8(jwt).unwrap();
    assert_eq!(jwt.split('.').count(), 3);
    // The answer's text holds neither the request token nor the JWT as text.
    assert!(!text.contains(RUNNER_REQUEST_TOKEN));
    assert!(!text.contains(&jwt) && !text.contains("eyJ"), "{text}");
    let log: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/idtoken"))
        .collect();
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].query.as_deref(),
        Some("api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange")
    );
    assert_eq!(log[0].headers["authorization"], "Bearer [REDACTED]");
}

#[test]
fn a_refused_request_token_is_unauthorized_and_never_echoed() {
    let server = spawn_blocking_server(None).unwrap();
    let secret = "not-the-runner-token-but-a-secret-0123456789";
    let (status, v, text) = call(&json!({
        "context": context(&server.base_url),
        "request_url": server.url("/_apis/x/idtoken"),
        "request_token": secret,
    }));
    assert_eq!(status, GhoidcStatus::Unauthorized, "{v}");
    assert!(v["message"].as_str().unwrap().contains("id-token: write"), "{v}");
    assert!(!text.contains(secret), "{text}");
}

#[test]
fn missing_variables_are_refused_before_any_request() {
    let server = spawn_blocking_server(None).unwrap();
    let (status, v, _) = call(&json!({ "context": context(&server.base_url) }));
    assert_eq!(status, GhoidcStatus::InvalidArgument, "{v}");
    assert!(v["message"]
        .as_str()
        .unwrap()
        .contains("not running inside a GitHub Actions job"));
    let (status, v, _) = call(&json!({
        "context": context(&server.base_url),
        "request_url": server.url("/_apis/x/idtoken"),
    }));
    assert_eq!(status, GhoidcStatus::InvalidArgument, "{v}");
    assert!(v["message"].as_str().unwrap().contains("fork"));
    assert!(server.requests().is_empty());
}
