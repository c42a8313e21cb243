//! GitHub's real limits against the fake server, at GitHub's real sizes: 900 points a minute
//! kept without a refusal, a secondary limit without `retry-after` pausing the whole run for a
//! minute, a primary limit that resets in two hours stopping the run within seconds, and
//! `Link` URLs in GitHub's ID form.

mod common;

use common::{control, server};
use fake_github::{BlockingServer, Fault};
use github_oidc_core::fleet::{run_inventory, FleetRun, InventoryOptions};
use github_oidc_core::Context;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn ctx(server: &BlockingServer) -> Context {
    common::context(server, |o| {
        o.max_retries = Some(2);
        o.timeout_sec = Some(10.0);
        o.max_retry_wait_sec = Some(5.0);
    })
}

fn options(owner: &str) -> InventoryOptions {
    InventoryOptions {
        owner: owner.into(),
        ..Default::default()
    }
}

#[test]
fn a_large_inventory_keeps_under_900_points_a_minute_with_no_refusal() {
    let s = server();
    control(
        &s,
        reqwest::Method::POST,
        "/_fake/orgs",
        json!({"org": "huge", "count": 1100, "seed": 11}),
    );
    control(&s, reqwest::Method::PUT, "/_fake/latency", json!({"ms": 5}));
    control(
        &s,
        reqwest::Method::PUT,
        "/_fake/secondary",
        json!({"points_per_minute": 900}),
    );
    let started = Instant::now();
    let (inv, items) = run_inventory(ctx(&s), options("huge")).unwrap();
    let took = started.elapsed();
    assert_eq!(inv.states.len(), 1100, "every repository");
    assert!(inv.failures.is_empty(), "{:?}", inv.failures.first());
    assert_eq!(items.len(), 1100);
    let limit = control(&s, reqwest::Method::GET, "/_fake/secondary", Value::Null);
    assert_eq!(limit["refused"], 0, "never over the budget: {limit}");
    // 1,112 requests (template, 11 pages, 1,100 reads): the first 900 at once, the rest when
    // the first minute's points expire.
    assert!(took >= Duration::from_secs(60), "{took:?}");
    assert!(
        took <= Duration::from_secs(78),
        "at most 1.3x the minute: {took:?}"
    );
}

#[test]
fn a_secondary_limit_without_retry_after_pauses_the_whole_run_for_a_minute() {
    let s = server();
    control(
        &s,
        reqwest::Method::POST,
        "/_fake/orgs",
        json!({"org": "sec", "count": 40, "seed": 12}),
    );
    control(&s, reqwest::Method::PUT, "/_fake/latency", json!({"ms": 20}));
    // Three seconds of GitHub's secondary-limit 403 (no retry-after) on repository reads.
    s.push_fault(
        Fault::new(403)
            .secondary()
            .path_prefix("/repos/sec/")
            .for_ms(3000),
    );
    let started = Instant::now();
    let (inv, _) = run_inventory(ctx(&s), options("sec")).unwrap();
    assert_eq!(inv.states.len(), 40, "all 40 read, none lost");
    assert!(inv.failures.is_empty(), "{:?}", inv.failures.first());
    assert!(started.elapsed() >= Duration::from_secs(60));
    let log = s.requests();
    let first = log
        .iter()
        .filter(|r| r.path.starts_with("/repos/sec/"))
        .map(|r| r.received_ms)
        .min()
        .unwrap();
    // The first read was refused; requests already on their way may arrive just after it, then
    // nothing for a minute.
    let during: Vec<_> = log
        .iter()
        .filter(|r| r.received_ms > first + 300 && r.received_ms < first + 60_000)
        .map(|r| (r.received_ms - first, r.path.clone()))
        .collect();
    assert!(during.is_empty(), "sent during the pause: {during:?}");
}

#[test]
fn a_primary_limit_that_resets_in_two_hours_stops_the_run_within_seconds() {
    let s = server();
    control(
        &s,
        reqwest::Method::POST,
        "/_fake/orgs",
        json!({"org": "spent", "count": 40, "seed": 13}),
    );
    control(
        &s,
        reqwest::Method::PUT,
        "/_fake/ratelimit",
        json!({"limit": 12, "reset_in": 7200, "enforce": true}),
    );
    let started = Instant::now();
    let run = FleetRun::start(ctx(&s), options("spent")).unwrap();
    let mut items = Vec::new();
    let error = loop {
        let b = run.next(Duration::from_millis(500), 1000);
        items.extend(b.items);
        if b.done {
            break b.error;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "still running");
    };
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(error.is_none(), "the listing fits in the budget: {error:?}");
    assert_eq!(items.len(), 40, "every repository is a state or a failure");
    let failures: Vec<_> = items.iter().filter_map(|i| i.failure.as_ref()).collect();
    assert!(!failures.is_empty());
    for f in &failures {
        assert_eq!(f.error.kind, "RateLimited", "{f:?}");
        assert!(
            f.error.message.contains("UTC"),
            "names the reset: {}",
            f.error.message
        );
        assert!(f.error.retry_after.unwrap_or(0) > 7000, "{f:?}");
    }
    let sent = s.requests().len();
    assert!(
        sent <= 12 + 8,
        "stopped at once, not sending into the limit: {sent}"
    );
    let stop = run.progress().rate_limit.stopped;
    assert!(stop.is_some_and(|m| m.contains("MaxRateLimitWait")));
}

#[test]
fn a_pause_shows_until_when_and_cancel_ends_it_at_once() {
    let s = server();
    control(
        &s,
        reqwest::Method::POST,
        "/_fake/orgs",
        json!({"org": "pause", "count": 20, "seed": 14}),
    );
    s.push_fault(Fault::new(429).path_prefix("/repos/pause/").retry_after(40));
    let run = FleetRun::start(ctx(&s), options("pause")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let until = loop {
        let b = run.next(Duration::from_millis(100), 1000);
        if let Some(u) = b.progress.rate_limit.paused_until {
            break u;
        }
        assert!(!b.done && Instant::now() < deadline, "no pause seen");
    };
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert!(
        (now_ms + 35_000..now_ms + 41_000).contains(&until),
        "paused for about 40 s"
    );
    // Requests let through before the pause may still be arriving.
    std::thread::sleep(Duration::from_millis(300));
    let before = s.requests().len();
    let stopped = Instant::now();
    run.cancel();
    // The items read before the cancel are still handed out, then the run is done.
    while !run.next(Duration::from_millis(10), 1000).done {
        assert!(
            stopped.elapsed() < Duration::from_secs(1),
            "not done within a second"
        );
    }
    assert!(stopped.elapsed() < Duration::from_secs(1));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.requests().len(), before, "nothing sent after the cancel");
}

#[test]
fn link_urls_in_id_form_are_followed() {
    let s = server();
    control(
        &s,
        reqwest::Method::POST,
        "/_fake/orgs",
        json!({"org": "ids", "count": 250, "seed": 15}),
    );
    control(
        &s,
        reqwest::Method::PUT,
        "/_fake/shapes",
        json!({"link_ids": true}),
    );
    let (inv, _) = run_inventory(ctx(&s), options("ids")).unwrap();
    assert_eq!(inv.states.len(), 250);
    let pages: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/repos"))
        .map(|r| r.path)
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[1].starts_with("/organizations/"), "{pages:?}");
}
