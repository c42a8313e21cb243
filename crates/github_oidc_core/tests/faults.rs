//! The client under the fake server's faults: answers above the size cap are refused without
//! being read whole, redirects are not followed (the token never reaches the other listener),
//! a server that never answers costs at most `timeout × (max_retries + 1)`, writes are resent
//! only when that is safe, and odd 200 answers are `UnexpectedResponse` errors naming the URL.

mod common;

use common::{server, TOKEN};
use fake_github::{BlockingServer, Fault, RecordedRequest};
use github_oidc_core::properties::{self, Scope};
use github_oidc_core::template::{self, Update};
use github_oidc_core::{discovery, http, issuer, Context, ContextOptions, Error, ErrorKind};
use std::time::{Duration, Instant};

const REPO_SUB: &str = "/repos/octo-org/octo-repo/actions/oidc/customization/sub";
const PROPS: &str = "/orgs/custom-org/actions/oidc/customization/properties/repo";

fn ctx_with(server: &BlockingServer, retries: u32, timeout: f64) -> Context {
    common::context(server, |o| {
        o.max_retries = Some(retries);
        o.timeout_sec = Some(timeout);
        o.max_retry_wait_sec = Some(2.0);
    })
}

fn ctx(server: &BlockingServer) -> Context {
    ctx_with(server, 2, 5.0)
}

fn sent(s: &BlockingServer, method: &str, path: &str) -> Vec<RecordedRequest> {
    s.requests()
        .into_iter()
        .filter(|r| r.method == method && r.path == path)
        .collect()
}

fn repo_update() -> Update {
    Update {
        use_default: Some(false),
        include_claim_keys: Some(vec!["repo".into(), "context".into()]),
        allow_unknown_keys: true,
        ..Default::default()
    }
}

fn unexpected(e: &Error) -> (&str, &str) {
    match e {
        Error::UnexpectedResponse { url, message } => (url, message),
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[test]
fn a_huge_answer_with_content_length_is_refused_unread() {
    let s = server();
    s.push_fault(Fault::huge(50 * 1024 * 1024).path_prefix(REPO_SUB));
    let started = Instant::now();
    let e = template::get_repo(&ctx(&s), "octo-org", "octo-repo").unwrap_err();
    let (url, message) = unexpected(&e);
    assert!(url.ends_with(REPO_SUB), "{url}");
    assert!(message.contains("52428800 bytes"), "{message}");
    assert!(message.contains("8 MiB"), "{message}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        sent(&s, "GET", REPO_SUB).len(),
        1,
        "a refused answer is not asked again"
    );
}

#[test]
fn a_huge_chunked_answer_is_counted_and_refused() {
    let s = server();
    s.push_fault(
        Fault::huge(50 * 1024 * 1024)
            .chunked()
            .path_prefix("/.well-known/"),
    );
    let e = discovery::discover(&ctx(&s), None).unwrap_err();
    let (url, message) = unexpected(&e);
    assert!(url.ends_with("/.well-known/openid-configuration"), "{url}");
    assert!(message.contains("more than"), "{message}");
    assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
}

#[test]
fn an_answer_under_the_cap_is_read() {
    let s = server();
    // 4 MiB of padding (a JSON object whose fields are all unknown) is read and parsed whole.
    s.push_fault(Fault::huge(4 * 1024 * 1024).chunked().path_prefix(REPO_SUB));
    let t = template::get_repo(&ctx(&s), "octo-org", "octo-repo").unwrap();
    assert_eq!(t.use_default, None);
    const { assert!(http::MAX_RESPONSE_BYTES > 4 * 1024 * 1024) };
}

#[test]
fn redirects_are_not_followed_and_the_token_stays_home() {
    let s = server();
    let target = s.redirect_target().unwrap();
    let host = target.trim_start_matches("http://").to_string();
    for status in [301, 302, 307, 308] {
        s.push_fault(Fault::redirect(status).path_prefix(REPO_SUB));
        let e = template::get_repo(&ctx(&s), "octo-org", "octo-repo").unwrap_err();
        let (url, message) = unexpected(&e);
        assert!(url.ends_with(REPO_SUB), "{url}");
        assert!(message.contains(&host), "{status}: {message}");
        s.push_fault(Fault::redirect(status).path_prefix(REPO_SUB));
        let e = template::set_repo(&ctx(&s), "octo-org", "octo-repo", &repo_update(), false).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnexpectedResponse, "{e}");
    }
    let log = s.requests();
    assert!(
        log.iter().all(|r| r.listener == "main"),
        "a request reached the redirect listener: {:?}",
        log.iter().filter(|r| r.listener != "main").collect::<Vec<_>>()
    );
    assert!(
        !format!("{log:?}").contains("redirect\""),
        "no request on the other listener"
    );
}

#[test]
fn a_server_that_never_answers_costs_timeout_times_attempts() {
    let s = server();
    s.push_fault(Fault::hang().path_prefix(REPO_SUB).times(10));
    let c = ctx_with(&s, 1, 1.0);
    let started = Instant::now();
    let e = template::get_repo(&c, "octo-org", "octo-repo").unwrap_err();
    let took = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(e.to_string().contains("timed out"), "{e}");
    // 2 attempts of 1 s plus one 250 ms backoff.
    assert!(took >= Duration::from_secs(2), "{took:?}");
    assert!(took < Duration::from_millis(2900), "{took:?}");
    assert_eq!(sent(&s, "GET", REPO_SUB).len(), 2);
}

#[test]
fn a_put_is_resent_after_a_timeout_but_a_post_and_delete_are_not() {
    let s = server();
    let c = ctx_with(&s, 1, 1.0);
    s.push_fault(Fault::hang().method("PUT").path_prefix(REPO_SUB));
    template::set_repo(&c, "octo-org", "octo-repo", &repo_update(), false).unwrap();
    assert_eq!(
        sent(&s, "PUT", REPO_SUB).len(),
        2,
        "PUT retried after its timeout"
    );

    s.push_fault(Fault::hang().method("POST").path_prefix(PROPS).times(5));
    let e = properties::add(&c, Scope::Organization("custom-org"), "team", false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert_eq!(
        sent(&s, "POST", PROPS).len(),
        1,
        "a POST is not resent after a timeout"
    );

    let delete = format!("{PROPS}/workspace_id");
    s.push_fault(Fault::hang().method("DELETE").path_prefix(&delete).times(5));
    let e = properties::remove(&c, Scope::Organization("custom-org"), "workspace_id", false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert_eq!(
        sent(&s, "DELETE", &delete).len(),
        1,
        "a DELETE is not resent after a timeout"
    );
}

#[test]
fn a_write_answered_2xx_is_never_sent_again() {
    for fault in [
        Fault::html(),
        Fault::not_json(),
        Fault::wrong_shape(),
        Fault::truncate(),
        Fault::reset(),
        Fault::huge(20 * 1024 * 1024),
    ] {
        let s = server();
        let name = format!("{:?}", fault.kind);
        s.push_fault(fault.method("PUT").path_prefix(REPO_SUB).times(5));
        let e = template::set_repo(&ctx(&s), "octo-org", "octo-repo", &repo_update(), false).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::UnexpectedResponse | ErrorKind::Network),
            "{name}: {e:?}"
        );
        assert!(e.to_string().contains("applied"), "{name}: {e}");
        assert_eq!(
            sent(&s, "PUT", REPO_SUB).len(),
            1,
            "{name}: the PUT was sent again"
        );
    }
}

#[test]
fn a_post_is_resent_only_when_the_answer_proves_it_was_not_applied() {
    let s = server();
    let c = ctx(&s);
    let scope = Scope::Organization("custom-org");
    // 500 and 502 do not say whether the inclusion was created: not resent.
    for status in [500, 502] {
        s.clear_requests();
        s.push_fault(Fault::new(status).method("POST").path_prefix(PROPS));
        let e = properties::add(&c, scope, "team", false).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ServerError, "{e}");
        assert_eq!(sent(&s, "POST", PROPS).len(), 1, "{status}");
    }
    // A 503 without retry-after either.
    s.clear_requests();
    s.push_fault(Fault::new(503).method("POST").path_prefix(PROPS));
    properties::add(&c, scope, "team", false).unwrap_err();
    assert_eq!(sent(&s, "POST", PROPS).len(), 1);
    // A rate limit or a 503 with retry-after refused it: resent, and it succeeds.
    for (i, fault) in [
        Fault::new(429).retry_after(0),
        Fault::new(503).retry_after(0),
        Fault::new(403).ratelimit_reset_in(0),
    ]
    .into_iter()
    .enumerate()
    {
        s.clear_requests();
        s.push_fault(fault.method("POST").path_prefix(PROPS));
        let name = format!("prop{i}");
        properties::add(&c, scope, &name, false).unwrap();
        assert_eq!(sent(&s, "POST", PROPS).len(), 2, "fault {i}");
    }
}

#[test]
fn a_delete_is_resent_only_after_a_refused_connection_or_a_rate_limit() {
    let s = server();
    let c = ctx(&s);
    let scope = Scope::Organization("custom-org");
    let path = format!("{PROPS}/workspace_id");
    // Reset before the status line (a 204 has no body): it may have been applied.
    s.push_fault(Fault::reset().method("DELETE").path_prefix(&path));
    let e = properties::remove(&c, scope, "workspace_id", false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert_eq!(sent(&s, "DELETE", &path).len(), 1);

    s.update_state(|st| *st = fake_github::State::seed());
    s.clear_requests();
    s.push_fault(Fault::new(429).retry_after(0).method("DELETE").path_prefix(&path));
    properties::remove(&c, scope, "workspace_id", false).unwrap();
    assert_eq!(sent(&s, "DELETE", &path).len(), 2);
}

#[test]
fn a_put_answered_without_a_status_line_may_be_resent() {
    let s = server();
    // The issuer PUT answers 204: a reset ends the connection before the status line.
    let path = "/enterprises/octocat-inc/actions/oidc/customization/issuer";
    s.push_fault(Fault::reset().method("PUT").path_prefix(path));
    let w = issuer::set_enterprise_issuer(&ctx(&s), "octocat-inc", true, false).unwrap();
    assert!(w.applied);
    assert_eq!(sent(&s, "PUT", path).len(), 2);
}

#[test]
fn connection_refused_is_retried_for_every_method() {
    // Nothing listens on a port the fake held and released.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Context::resolve(&ContextOptions {
        host_name: Some("github.com".into()),
        api_base_uri: Some(format!("http://127.0.0.1:{port}")),
        issuer_uri: Some(format!("http://127.0.0.1:{port}")),
        token: Some(TOKEN.into()),
        max_retries: Some(2),
        timeout_sec: Some(2.0),
        ..Default::default()
    })
    .unwrap();
    let started = Instant::now();
    let e = properties::add(&c, Scope::Organization("custom-org"), "team", false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    // Backoffs of 250 ms and 500 ms prove it was tried three times.
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_read_cut_mid_body_is_retried() {
    let s = server();
    s.push_fault(Fault::reset().method("GET").path_prefix(REPO_SUB));
    s.push_fault(Fault::truncate().method("GET").path_prefix(REPO_SUB));
    let t = template::get_repo(&ctx(&s), "octo-org", "octo-repo").unwrap();
    assert_eq!(t.use_default, Some(true));
    assert_eq!(sent(&s, "GET", REPO_SUB).len(), 3);
}

#[test]
fn odd_200_answers_name_the_url() {
    for (fault, expected) in [
        (Fault::html(), "HTML"),
        (Fault::not_json(), "not valid JSON"),
        (Fault::wrong_shape(), "expected shape"),
    ] {
        let s = server();
        s.push_fault(fault.path_prefix(REPO_SUB));
        let e = template::get_repo(&ctx(&s), "octo-org", "octo-repo").unwrap_err();
        let (url, message) = unexpected(&e);
        assert_eq!(url, s.url(REPO_SUB));
        assert!(message.contains(expected), "{message}");
        assert_eq!(sent(&s, "GET", REPO_SUB).len(), 1, "not retried: {message}");
    }
}

#[test]
fn a_write_check_fetches_discovery_once() {
    let s = server();
    s.push_fault(Fault::hang().path_prefix("/.well-known/").times(10));
    let c = ctx_with(&s, 0, 1.0);
    let update = Update {
        include_claim_keys: Some(vec!["repo".into(), "context".into()]),
        ..Default::default()
    };
    let started = Instant::now();
    let plan = template::set_org(&c, "octo-org", &update, true).unwrap();
    let written = template::set_org(&c, "octo-org", &update, false).unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
    assert!(
        plan.warnings.iter().any(|w| w.contains("built-in")),
        "{:?}",
        plan.warnings
    );
    assert!(
        written.warnings.iter().any(|w| w.contains("built-in")),
        "{:?}",
        written.warnings
    );
    let discovery = sent(&s, "GET", "/.well-known/openid-configuration");
    assert_eq!(
        discovery.len(),
        1,
        "discovery fetched once for the dry run and the write"
    );
}
