//! The fleet inventory against the fake server: pagination by `Link` with nothing missing or
//! repeated, sources and immutability per repository, a bounded pool, a shared pause on rate
//! limits, failures reported per repository, user accounts, and cancellation.

mod common;

use common::{control, server};
use fake_github::{BlockingServer, Fault};
use github_oidc_core::fleet::{run_inventory, FleetRun, InventoryOptions, TemplateSource};
use github_oidc_core::{Context, ErrorKind};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

fn ctx(server: &BlockingServer) -> Context {
    common::context(server, |o| {
        o.max_retries = Some(2);
        o.timeout_sec = Some(10.0);
        o.max_retry_wait_sec = Some(5.0);
    })
}

fn generate(server: &BlockingServer, body: Value) -> Vec<String> {
    let answer = control(server, reqwest::Method::POST, "/_fake/orgs", body);
    answer["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

fn options(owner: &str) -> InventoryOptions {
    InventoryOptions {
        owner: owner.into(),
        ..Default::default()
    }
}

#[test]
fn pages_are_followed_by_link_and_nothing_is_missing_or_repeated() {
    let s = server();
    let names = generate(
        &s,
        json!({"org": "fleet", "count": 250, "seed": 7, "archived_every": 10, "opted_in_every": 3,
               "own_template_every": 5, "immutable_every": 4, "template": ["repository_owner_id", "context"]}),
    );
    let (inv, items) = run_inventory(ctx(&s), options("fleet")).unwrap();
    let want: BTreeSet<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 9)
        .map(|(_, n)| n.as_str())
        .collect();
    let got: Vec<&str> = inv.states.iter().map(|r| r.repository.as_str()).collect();
    assert_eq!(got.len(), 225);
    assert_eq!(
        got.iter().copied().collect::<BTreeSet<_>>(),
        want,
        "no repository missing or repeated"
    );
    assert!(inv.failures.is_empty());
    assert_eq!(items.len(), 225);
    // Listing order is kept in the inventory.
    let listed: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 9)
        .map(|(_, n)| n.as_str())
        .collect();
    assert_eq!(got, listed);
    let log = s.requests();
    let pages: Vec<_> = log.iter().filter(|r| r.path == "/orgs/fleet/repos").collect();
    assert_eq!(pages.len(), 3, "three pages of 100");
    assert!(pages
        .iter()
        .all(|r| r.query.as_deref().unwrap_or_default().contains("per_page=100")));
    assert_eq!(
        log.iter()
            .filter(|r| r.path == "/orgs/fleet/actions/oidc/customization/sub")
            .count(),
        1,
        "the organization template is read once"
    );
    // Sources and keys per generated kind (index i: own every 5th, opted in every 3rd).
    for (i, name) in names.iter().enumerate().filter(|(i, _)| i % 10 != 9) {
        let st = inv.states.iter().find(|r| &r.repository == name).unwrap();
        let (source, keys): (TemplateSource, &[&str]) = if i % 5 == 4 {
            (
                TemplateSource::Repository,
                &["repo", "context", "job_workflow_ref"],
            )
        } else if i % 3 == 2 {
            (TemplateSource::Organization, &["repository_owner_id", "context"])
        } else {
            (TemplateSource::Default, &["repo", "context"])
        };
        assert_eq!(st.source, source, "{name}");
        assert_eq!(st.include_claim_keys, keys, "{name}");
        assert_eq!(st.immutable, i % 4 == 3, "{name}");
        assert_eq!(
            st.use_immutable_subject,
            Some(false),
            "{name}: the flag reads false either way"
        );
        assert_eq!(
            st.immutable_prefix,
            format!("repo:fleet@{}/{}@{}", st.owner_id, name, st.repository_id)
        );
    }
}

#[test]
fn the_pool_is_bounded_and_full() {
    let s = server();
    generate(&s, json!({"org": "pool", "count": 60, "seed": 1}));
    control(&s, reqwest::Method::PUT, "/_fake/latency", json!({"ms": 40}));
    let mut o = options("pool");
    o.throttle_limit = Some(5);
    let started = Instant::now();
    let (inv, _) = run_inventory(ctx(&s), o).unwrap();
    let took = started.elapsed();
    assert_eq!(inv.states.len(), 60);
    let c = control(&s, reqwest::Method::GET, "/_fake/concurrency", Value::Null);
    assert_eq!(
        c["max_in_flight"], 5,
        "never more than the throttle limit, and it is reached: {c}"
    );
    // 62 requests (org template, one page, 60 reads) × 40 ms / 5 ≈ 0.5 s.
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn a_rate_limit_pauses_the_whole_pool_once_and_nothing_is_lost() {
    let s = server();
    generate(&s, json!({"org": "limited", "count": 80, "seed": 2}));
    control(&s, reqwest::Method::PUT, "/_fake/latency", json!({"ms": 10}));
    // The 20th repository read gets a secondary rate limit with retry-after: 1.
    s.push_fault(
        Fault::new(403)
            .path_prefix("/repos/limited/")
            .retry_after(1)
            .times(1),
    );
    let (inv, _) = run_inventory(ctx(&s), options("limited")).unwrap();
    assert_eq!(inv.states.len(), 80, "nothing lost");
    let log = s.requests();
    let reads: Vec<_> = log
        .iter()
        .filter(|r| r.path.starts_with("/repos/limited/"))
        .collect();
    assert_eq!(reads.len(), 81, "80 reads and one resent");
    // The whole pool waited once: one gap of about a second with no request at all (if each
    // request waited on its own, the others would have gone on).
    let mut times: Vec<u64> = log.iter().map(|r| r.received_ms).collect();
    times.sort_unstable();
    let gap = times.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    assert!((850..3000).contains(&gap), "largest gap {gap} ms");
}

#[test]
fn one_failing_repository_is_one_failure_and_the_rest_is_read() {
    let s = server();
    let names = generate(&s, json!({"org": "failing", "count": 30, "seed": 3}));
    let bad = names[11].clone();
    s.push_fault(
        Fault::new(500)
            .path_prefix(&format!("/repos/failing/{bad}/"))
            .times(10),
    );
    let mut o = options("failing");
    o.repositories = vec!["*".into(), "no-such-repo".into()];
    let (inv, items) = run_inventory(ctx(&s), o).unwrap();
    assert_eq!(inv.states.len(), 29);
    assert_eq!(inv.failures.len(), 2);
    assert_eq!(inv.failures[0].repository, bad);
    assert_eq!(inv.failures[0].error.kind, "ServerError");
    assert_eq!(inv.failures[1].repository, "no-such-repo");
    assert_eq!(inv.failures[1].error.kind, "NotFound");
    assert_eq!(items.len(), 31);
}

#[test]
fn a_user_account_is_listed_with_the_users_endpoint() {
    let s = server();
    generate(
        &s,
        json!({"org": "someone", "count": 5, "seed": 4, "user": true, "opted_in_every": 2}),
    );
    let (inv, _) = run_inventory(ctx(&s), options("someone")).unwrap();
    assert_eq!(inv.states.len(), 5);
    assert!(!inv.organization.customized);
    assert!(inv.states.iter().all(|r| r.source == TemplateSource::Default));
    assert!(s.requests().iter().any(|r| r.path == "/users/someone/repos"));
}

#[test]
fn a_missing_owner_fails_the_run() {
    let s = server();
    let e = run_inventory(ctx(&s), options("nobody-here")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let mut o = options("octo-org");
    o.throttle_limit = Some(33);
    assert_eq!(
        FleetRun::start(ctx(&s), o).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn cancel_stops_at_once_and_sends_nothing_after() {
    let s = server();
    generate(&s, json!({"org": "big", "count": 300, "seed": 5}));
    control(&s, reqwest::Method::PUT, "/_fake/latency", json!({"ms": 50}));
    let run = FleetRun::start(
        ctx(&s),
        InventoryOptions {
            throttle_limit: Some(4),
            ..options("big")
        },
    )
    .unwrap();
    let mut seen = 0;
    while seen < 10 {
        seen += run.next(Duration::from_millis(500), 100).items.len();
    }
    let before = Instant::now();
    let stop_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    run.cancel();
    assert!(before.elapsed() < Duration::from_millis(100));
    let b = run.next(Duration::from_millis(10), 1000);
    assert!(b.done);
    std::thread::sleep(Duration::from_millis(500));
    let late: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.received_ms > stop_ms + 20)
        .collect();
    assert!(late.is_empty(), "requests after the cancel: {late:?}");
    let c = control(&s, reqwest::Method::GET, "/_fake/concurrency", Value::Null);
    assert_eq!(c["in_flight"], 0, "in-flight requests were dropped: {c}");
    assert!(run.with_inventory(|i| i.states.len()).is_err());
}

#[test]
fn a_low_budget_spaces_requests_so_that_it_lasts_until_the_reset() {
    let s = server();
    generate(&s, json!({"org": "budget", "count": 40, "seed": 6}));
    // 30 requests per 2-second window, enforced: 42 requests cannot go in one window.
    control(
        &s,
        reqwest::Method::PUT,
        "/_fake/ratelimit",
        json!({"limit": 30, "reset_in": 2, "enforce": true}),
    );
    let started = Instant::now();
    let mut o = options("budget");
    o.throttle_limit = Some(4);
    let (inv, _) = run_inventory(ctx(&s), o).unwrap();
    assert_eq!(inv.states.len(), 40);
    // No request was refused (a refused one would have been sent again).
    assert_eq!(s.requests().len(), 42, "spaced, never over the limit");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}
