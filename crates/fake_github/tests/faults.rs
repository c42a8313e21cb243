//! Every fault kind of the fake, seen by a plain reqwest client or a raw TCP socket: error
//! statuses, rate limits (`retry-after`, `x-ratelimit-reset`), connection reset mid-body, no
//! answer, truncated body, not JSON, wrong shape, HTML with 200, huge streamed body, redirects to
//! the second listener; selection per path / method / count; the request log keeps every
//! request and no credential that is not a fixture token.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fake_github::{spawn, spawn_blocking_server, Fault, FaultKind, RunningServer, HUGE_BODY_DEFAULT};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const ADMIN: &str = "test-admin-token";
const ORG_SUB: &str = "/orgs/custom-org/actions/oidc/customization/sub";
const REPO_SUB: &str = "/repos/octo-org/octo-repo/actions/oidc/customization/sub";
const DISCOVERY: &str = "/.well-known/openid-configuration";

fn client() -> Client {
    Client::builder().no_proxy().build().unwrap()
}

async fn get(server: &RunningServer, path: &str) -> reqwest::Response {
    get_with(&client(), server, path).await.unwrap()
}

async fn get_with(client: &Client, server: &RunningServer, path: &str) -> reqwest::Result<reqwest::Response> {
    client
        .get(server.url(path))
        .header("User-Agent", "fault-tests")
        .header("Authorization", format!("Bearer {ADMIN}"))
        .send()
        .await
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A raw HTTP/1.1 GET; returns the socket with the request sent.
fn raw_get(addr: SocketAddr, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: raw\r\nAuthorization: Bearer {ADMIN}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    stream
}

/// Reads until EOF or an error: (bytes read, the error if any).
fn read_all(stream: &mut TcpStream) -> (Vec<u8>, Option<std::io::Error>) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (out, None),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => return (out, Some(e)),
        }
    }
}

/// Splits a raw response into (head, body) and the head's Content-Length.
fn split_response(raw: &[u8]) -> (String, Vec<u8>, Option<usize>) {
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a full response head");
    let head = String::from_utf8_lossy(&raw[..at]).into_owned();
    let length = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().unwrap())
    });
    (head, raw[at + 4..].to_vec(), length)
}

#[tokio::test]
async fn server_errors_per_path_and_count() {
    let server = spawn(None).await.unwrap();
    for status in [500u16, 502, 503] {
        server.push_fault(Fault::new(status).path_prefix("/orgs/").times(2));
        // Another path is not affected.
        assert_eq!(get(&server, REPO_SUB).await.status(), 200);
        for _ in 0..2 {
            let resp = get(&server, ORG_SUB).await;
            assert_eq!(resp.status().as_u16(), status);
            assert!(resp.headers().contains_key("x-github-request-id"));
            let body: Value = resp.json().await.unwrap();
            assert_eq!(body["status"], status.to_string());
        }
        assert_eq!(get(&server, ORG_SUB).await.status(), 200, "fault used up");
    }
    assert!(server.faults().is_empty());
    assert_eq!(server.requests().len(), 12, "every request is logged");
}

#[tokio::test]
async fn rate_limits_with_retry_after() {
    let server = spawn(None).await.unwrap();
    for status in [429u16, 403] {
        server.push_fault(Fault::new(status).retry_after(7));
        let resp = get(&server, ORG_SUB).await;
        assert_eq!(resp.status().as_u16(), status);
        assert_eq!(resp.headers()["retry-after"], "7");
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["message"].as_str().unwrap().contains("secondary rate limit"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn rate_limits_with_ratelimit_reset() {
    let server = spawn(None).await.unwrap();
    for status in [403u16, 429] {
        server.push_fault(Fault::new(status).ratelimit_reset_in(5).path_prefix("/repos/"));
        let before = now();
        let resp = get(&server, REPO_SUB).await;
        assert_eq!(resp.status().as_u16(), status);
        let h = resp.headers();
        assert_eq!(h["x-ratelimit-remaining"], "0");
        assert_eq!(h["x-ratelimit-used"], h["x-ratelimit-limit"]);
        assert!(!h.contains_key("retry-after"));
        let reset: u64 = h["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
        assert!((before + 5..=now() + 5).contains(&reset), "{reset} vs {before}");
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("API rate limit exceeded"),
            "{body}"
        );
    }
    // Both headers together (over the control API's JSON).
    let resp = client()
        .post(server.url("/_fake/faults"))
        .json(&json!({"status": 429, "retry_after": 2, "ratelimit_reset_in": 60}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let resp = get(&server, REPO_SUB).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "2");
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
}

#[tokio::test]
async fn connection_reset_mid_body() {
    let server = spawn(None).await.unwrap();
    server.push_fault(Fault::reset().path_prefix(ORG_SUB));
    let addr = server.addr;
    let (raw, err) = tokio::task::spawn_blocking(move || read_all(&mut raw_get(addr, ORG_SUB)))
        .await
        .unwrap();
    let (head, body, length) = split_response(&raw);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length = length.expect("a Content-Length");
    assert!(
        !body.is_empty() && body.len() < length,
        "{} of {length}",
        body.len()
    );
    // The real answer, cut: it starts like the org template JSON.
    assert!(body.starts_with(b"{\"include_claim_keys\""), "{body:?}");
    let err = err.expect("the connection ends with an error, not EOF");
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");

    // reqwest sees the status, then fails reading the body.
    server.push_fault(Fault::reset().path_prefix(ORG_SUB));
    let resp = get(&server, ORG_SUB).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.bytes().await.is_err());
    assert_eq!(get(&server, ORG_SUB).await.status(), 200, "fault used up");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn truncated_body_then_close() {
    let server = spawn(None).await.unwrap();
    server.push_fault(Fault::truncate().path_prefix(DISCOVERY));
    let addr = server.addr;
    let (raw, err) = tokio::task::spawn_blocking(move || read_all(&mut raw_get(addr, DISCOVERY)))
        .await
        .unwrap();
    assert!(err.is_none(), "closed normally (FIN), not reset: {err:?}");
    let (head, body, length) = split_response(&raw);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length = length.unwrap();
    assert_eq!(body.len(), length / 2, "half of {length}");
    assert!(body.starts_with(b"{\"issuer\""));

    // A fault body of its own is cut the same way.
    server.push_fault(Fault::truncate().body(r#"{"include_claim_keys":["repo","context"]}"#));
    let resp = get(&server, ORG_SUB).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.content_length(), Some(41));
    assert!(resp.bytes().await.is_err());
}

#[tokio::test]
async fn hang_until_the_client_gives_up() {
    let server = spawn(None).await.unwrap();
    server.push_fault(Fault::hang().method("PUT"));
    // A GET is not affected.
    assert_eq!(get(&server, ORG_SUB).await.status(), 200);
    let started = Instant::now();
    let err = client()
        .put(server.url(ORG_SUB))
        .header("User-Agent", "fault-tests")
        .header("Authorization", format!("Bearer {ADMIN}"))
        .json(&json!({"include_claim_keys": ["repo"]}))
        .timeout(Duration::from_millis(400))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(400));
    let log = server.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].method, "PUT");
    assert_eq!(log[1].body, Some(json!({"include_claim_keys": ["repo"]})));
    // The hanging request was not applied.
    assert!(
        get(&server, ORG_SUB).await.json::<Value>().await.unwrap()["include_claim_keys"]
            .as_array()
            .unwrap()
            .len()
            > 1
    );
    // A stopping server does not wait for the hung request.
    let hung = server.url(DISCOVERY);
    server.push_fault(Fault::hang());
    let pending = tokio::spawn(async move { client().get(hung).send().await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    server.stop().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    let _ = pending.await;
}

#[tokio::test]
async fn bodies_that_are_not_what_the_client_expects() {
    let server = spawn(None).await.unwrap();

    server.push_fault(Fault::not_json());
    let resp = get(&server, REPO_SUB).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(resp.headers().contains_key("x-github-request-id"));
    let text = resp.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    server.push_fault(Fault::wrong_shape());
    let resp = get(&server, REPO_SUB).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert!(body.is_object());
    assert!(!body["include_claim_keys"].is_array());
    assert!(!body["use_default"].is_boolean());
    assert!(!body["keys"].is_array());

    server.push_fault(Fault::html().path_prefix("/.well-known/"));
    let resp = get(&server, "/.well-known/jwks").await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(
        !resp.headers().contains_key("x-github-request-id"),
        "issuer paths have no API headers"
    );
    assert!(resp.text().await.unwrap().starts_with("<!DOCTYPE html>"));

    // Kinds take a status and a body of their own.
    server.push_fault(Fault::html().status(502).body("<html>bad gateway</html>"));
    let resp = get(&server, REPO_SUB).await;
    assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(resp.text().await.unwrap(), "<html>bad gateway</html>");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn huge_body_is_streamed() {
    let server = spawn(None).await.unwrap();
    // The default 50 MiB, read chunk by chunk (never held whole here either).
    server.push_fault(Fault::of(FaultKind::Huge).path_prefix(ORG_SUB));
    let mut resp = get(&server, ORG_SUB).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.content_length(), Some(HUGE_BODY_DEFAULT));
    let (mut total, mut first, mut last) = (0u64, Vec::new(), Vec::new());
    while let Some(chunk) = resp.chunk().await.unwrap() {
        if first.is_empty() {
            first = chunk.to_vec();
        }
        total += chunk.len() as u64;
        last = chunk.to_vec();
    }
    assert_eq!(total, 50 * 1024 * 1024);
    assert!(first.starts_with(b"{\"padding\":\"aaa"));
    assert!(last.ends_with(b"aa\"}"));

    // Small sizes are valid JSON of exactly that size; `chunked` drops the Content-Length.
    server.push_fault(Fault::huge(1000).chunked());
    let resp = get(&server, ORG_SUB).await;
    assert_eq!(resp.content_length(), None);
    assert_eq!(resp.headers()["transfer-encoding"], "chunked");
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(bytes.len(), 1000);
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["padding"].as_str().unwrap().len(), 1000 - 14);

    // A client that stops reading early does not block the server.
    server.push_fault(Fault::huge(HUGE_BODY_DEFAULT));
    let mut resp = get(&server, ORG_SUB).await;
    assert!(resp.chunk().await.unwrap().is_some());
    drop(resp);
    assert_eq!(get(&server, ORG_SUB).await.status(), 200);
}

#[tokio::test]
async fn redirect_to_the_second_listener() {
    let server = spawn(None).await.unwrap();
    let target = server.redirect_target().unwrap();
    assert!(target.starts_with("http://127.0.0.1:") && target != server.base_url);
    let over_http: Value = client()
        .get(server.url("/_fake/redirect-target"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http, json!({ "base_url": target }));

    // Not followed: the Location is the same path and query on the second listener.
    let manual = Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .build()
        .unwrap();
    for status in [301u16, 302, 307, 308] {
        server.push_fault(Fault::redirect(status).path_prefix("/repos/"));
        let resp = get_with(&manual, &server, &format!("{REPO_SUB}?x=1"))
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), status);
        assert_eq!(resp.headers()["location"], format!("{target}{REPO_SUB}?x=1"));
    }

    // Followed by reqwest: the second listener serves the same API and logs the request; the
    // client dropped Authorization for the other origin, so the fake answered 401.
    server.clear_requests();
    server.push_fault(Fault::redirect(302));
    let resp = get(&server, REPO_SUB).await;
    assert_eq!(resp.status(), 401);
    let log = server.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].listener, "main");
    assert_eq!(log[0].header("authorization"), Some("Bearer test-admin-token"));
    assert_eq!(log[1].listener, "redirect");
    assert_eq!(log[1].path, REPO_SUB);
    assert_eq!(
        log[1].header("authorization"),
        None,
        "token not sent to the other origin"
    );

    // A client that does send it is seen doing so.
    server.clear_requests();
    let resp = manual
        .get(format!("{target}{REPO_SUB}"))
        .header("User-Agent", "fault-tests")
        .header("Authorization", format!("Bearer {ADMIN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let log = server.requests();
    assert_eq!(log[0].listener, "redirect");
    assert!(log[0].header("authorization").is_some());

    // An explicit location, e.g. another host name.
    server.push_fault(Fault::redirect(307).location("http://elsewhere.invalid/x"));
    let resp = get_with(&manual, &server, REPO_SUB).await.unwrap();
    assert_eq!(resp.headers()["location"], "http://elsewhere.invalid/x");
}

#[test]
fn blocking_server_has_a_redirect_target_too() {
    let server = spawn_blocking_server(None).unwrap();
    let target = server.redirect_target().unwrap();
    assert_eq!(server.redirect_target().unwrap(), target, "started once");
    let addr: SocketAddr = target.trim_start_matches("http://").parse().unwrap();
    let (raw, _) = read_all(&mut raw_get(addr, DISCOVERY));
    let (head, _, _) = split_response(&raw);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(server.requests()[0].listener, "redirect");
    drop(server);
    assert!(
        TcpStream::connect(addr).is_err(),
        "the second listener stops with the server"
    );
}

#[tokio::test]
async fn credentials_that_are_not_fixtures_are_redacted() {
    let server = spawn(None).await.unwrap();
    let secret = "not-a-fixture-credential-0001";
    for value in [
        format!("Bearer {secret}"),
        format!("token {secret}"),
        secret.to_string(),
        format!("Bearer {ADMIN}"),
    ] {
        client()
            .get(server.url(ORG_SUB))
            .header("User-Agent", "fault-tests")
            .header("Authorization", value)
            .send()
            .await
            .unwrap();
    }
    let log = server.requests();
    let auth: Vec<_> = log.iter().map(|r| r.header("authorization").unwrap()).collect();
    assert_eq!(
        auth,
        [
            "Bearer [REDACTED]",
            "token [REDACTED]",
            "[REDACTED]",
            "Bearer test-admin-token"
        ]
    );
    let over_http = client()
        .get(server.url("/_fake/requests"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!over_http.contains(secret));
    assert!(over_http.contains("Bearer [REDACTED]"));
}

#[tokio::test]
async fn control_api_faults_json() {
    let server = spawn(None).await.unwrap();
    let faults = json!([
        {"kind": "reset", "path_prefix": "/orgs/"},
        {"kind": "hang", "method": "PUT", "times": 3},
        {"kind": "truncate"},
        {"kind": "not_json", "status": 500},
        {"kind": "wrong_shape"},
        {"kind": "html"},
        {"kind": "huge", "size": 10, "chunked": true},
        {"kind": "redirect"},
        {"kind": "redirect", "status": 307, "location": "http://localhost:1/"},
        {"status": 503, "retry_after": 1},
        {}
    ]);
    let resp = client()
        .post(server.url("/_fake/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let listed: Value = client()
        .get(server.url("/_fake/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let got: Vec<(String, u64, u64)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["status"].as_u64().unwrap(),
                f["times"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, u64, u64)> = [
        ("reset", 200, 1),
        ("hang", 200, 3),
        ("truncate", 200, 1),
        ("not_json", 500, 1),
        ("wrong_shape", 200, 1),
        ("html", 200, 1),
        ("huge", 200, 1),
        ("redirect", 302, 1),
        ("redirect", 307, 1),
        ("status", 503, 1),
        ("status", 500, 1),
    ]
    .iter()
    .map(|(k, s, t)| (k.to_string(), *s, *t))
    .collect();
    assert_eq!(got, expected);
    assert_eq!(listed[6]["size"], 10);
    assert_eq!(listed[8]["location"], "http://localhost:1/");
    // The listing round-trips through POST.
    let fault: Fault = serde_json::from_value(listed[1].clone()).unwrap();
    assert_eq!(fault, Fault::hang().method("PUT").times(3));

    let resp = client()
        .post(server.url("/_fake/faults"))
        .json(&json!({"kind": "explode"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

/// A raw HTTP/1.1 PUT with a JSON body.
fn raw_put(addr: SocketAddr, path: &str, body: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        stream,
        "PUT {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: raw\r\nAuthorization: Bearer {ADMIN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    stream
}

#[tokio::test]
async fn bodiless_answers_are_lost_whole() {
    // A 204 has no body to cut: the write is applied, then the connection ends before the
    // status line — reset (RST) or closed (FIN).
    let server = spawn(None).await.unwrap();
    const ISSUER: &str = "/enterprises/octocat-inc/actions/oidc/customization/issuer";
    for (fault, slug, want_reset) in [(Fault::reset(), true, true), (Fault::truncate(), false, false)] {
        server.push_fault(fault.method("PUT"));
        let addr = server.addr;
        let body = format!(r#"{{"include_enterprise_slug":{slug}}}"#);
        let (raw, err) = tokio::task::spawn_blocking(move || read_all(&mut raw_put(addr, ISSUER, &body)))
            .await
            .unwrap();
        assert!(raw.is_empty(), "{}", String::from_utf8_lossy(&raw));
        if want_reset {
            assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::ConnectionReset));
        } else {
            assert!(err.is_none(), "{err:?}");
        }
        let state = serde_json::to_value(server.state()).unwrap();
        assert_eq!(state["enterprise_issuer"]["octocat-inc"], slug, "{state}");
    }
    assert_eq!(server.requests().len(), 2);
}
