//! Fleets (issue 8): repository listings with real pagination, repositories generated from a
//! seed, per-request latency, a concurrency counter and a rate limit that runs down.
//!
//! * `GET /orgs/{org}/repos`, `GET /users/{user}/repos`, `GET /installation/repositories`:
//!   `page` (default 1) and `per_page` (default 30, at most 100), a `Link` header with
//!   `next` / `last` / `prev` / `first` on the server's own base URL (from the `Host` header).
//! * `POST /_fake/orgs`: generates an organization (or a user's) repositories from a seed.
//! * `PUT /_fake/latency`, `GET|DELETE /_fake/concurrency`, `PUT /_fake/ratelimit`.
//!
//! See the crate README ("Fleets") for the JSON of each control endpoint.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::http::{error, json_response, not_found, REST_DOCS};
use crate::shared::{lock, Shared};
use crate::state::{Org, Repo};

/// Fleet controls shared by every request.
#[derive(Debug, Default)]
pub(crate) struct FleetCtl {
    latency_ms: AtomicU64,
    latency_prefix: Mutex<Option<String>>,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    total: AtomicU64,
    rate: Mutex<Option<RateConfig>>,
    points: Mutex<Option<PointsLimit>>,
    /// `Link` URLs in GitHub's ID form (`/organizations/{id}/repos`, `/user/{id}/repos`).
    pub(crate) link_ids: std::sync::atomic::AtomicBool,
    /// An opted-in repository's GET lists its organization's keys (not none).
    pub(crate) inherited_keys_listed: std::sync::atomic::AtomicBool,
}

/// GitHub's secondary limit on points per minute (`PUT /_fake/secondary`): GET 1, others 5.
#[derive(Debug)]
struct PointsLimit {
    per_minute: u64,
    window: std::collections::VecDeque<(std::time::Instant, u64)>,
    total: u64,
    refused: u64,
    accepted: u64,
    max_total: u64,
}

/// A configured rate limit (`PUT /_fake/ratelimit`).
#[derive(Debug, Clone)]
struct RateConfig {
    limit: u64,
    window_secs: u64,
    reset_at: u64,
    used: u64,
    enforce: bool,
}

/// Counts a request as in flight until dropped.
pub(crate) struct InFlight<'a>(&'a FleetCtl);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Milliseconds since the Unix epoch (the request log's `received_ms`).
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl FleetCtl {
    /// No latency, no configured rate limit, counters from zero (`POST /_fake/reset`).
    pub(crate) fn reset(&self) {
        self.latency_ms.store(0, Ordering::SeqCst);
        *lock(&self.latency_prefix) = None;
        *lock(&self.rate) = None;
        *lock(&self.points) = None;
        self.link_ids.store(false, Ordering::SeqCst);
        self.inherited_keys_listed.store(false, Ordering::SeqCst);
        self.max_in_flight
            .store(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
        self.total.store(0, Ordering::SeqCst);
    }

    /// A request arrived: counts it in flight; the count includes it.
    pub(crate) fn enter(&self) -> (InFlight<'_>, u64) {
        let n = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(n, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
        (InFlight(self), n)
    }

    /// Waits the injected latency, when the path matches.
    pub(crate) async fn latency(&self, path: &str, api_path: &str) {
        let ms = self.latency_ms.load(Ordering::SeqCst);
        if ms == 0 {
            return;
        }
        let matches = lock(&self.latency_prefix)
            .as_deref()
            .is_none_or(|p| path.starts_with(p) || api_path.starts_with(p));
        if matches {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }

    /// Counts an API request's points against the secondary limit, when one is configured:
    /// `true` when the request is over it (refused, and not counted).
    pub(crate) fn over_points(&self, method: &str) -> bool {
        let mut points = lock(&self.points);
        let Some(p) = points.as_mut() else { return false };
        let now = std::time::Instant::now();
        while let Some(&(at, n)) = p.window.front() {
            if now.duration_since(at) < Duration::from_secs(60) {
                break;
            }
            p.window.pop_front();
            p.total -= n;
        }
        let cost = if method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD") {
            1
        } else {
            5
        };
        if p.total + cost > p.per_minute {
            p.refused += 1;
            return true;
        }
        p.window.push_back((now, cost));
        p.total += cost;
        p.accepted += 1;
        p.max_total = p.max_total.max(p.total);
        false
    }

    /// A request counted by [`FleetCtl::count_request`] that GitHub does not charge (a `304 Not
    /// Modified`): given back.
    pub(crate) fn refund_request(&self) {
        if let Some(r) = lock(&self.rate).as_mut() {
            r.used = r.used.saturating_sub(1);
        }
    }

    /// `(limit, remaining, used, reset)` of the configured rate limit now, without counting a
    /// request (`GET /rate_limit`).
    pub(crate) fn peek_rate(&self) -> Option<(u64, u64, u64, u64)> {
        let rate = lock(&self.rate);
        let r = rate.as_ref()?;
        let used = if now_secs() >= r.reset_at { 0 } else { r.used };
        Some((
            r.limit,
            r.limit.saturating_sub(used),
            used.min(r.limit),
            r.reset_at,
        ))
    }

    /// `(limit, remaining, used, reset)` for one API request, and whether it is over the limit
    /// (only with `enforce`). `None` when no rate limit was configured.
    pub(crate) fn count_request(&self) -> Option<(u64, u64, u64, u64, bool)> {
        let mut rate = lock(&self.rate);
        let r = rate.as_mut()?;
        let now = now_secs();
        if now >= r.reset_at {
            r.used = 0;
            r.reset_at = now + r.window_secs;
        }
        r.used += 1;
        let over = r.enforce && r.used > r.limit;
        Some((
            r.limit,
            r.limit.saturating_sub(r.used),
            r.used.min(r.limit),
            r.reset_at,
            over,
        ))
    }
}

/// The 403 of an exhausted primary rate limit.
pub(crate) fn rate_limited(reset: u64, limit: u64) -> Response {
    let mut resp = error(
        StatusCode::FORBIDDEN,
        "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
        "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
    );
    let h = resp.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
    h.insert("x-ratelimit-reset", HeaderValue::from(reset));
    resp
}

/// What `POST /_fake/orgs` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    org: String,
    #[serde(default)]
    id: Option<u64>,
    count: u64,
    #[serde(default)]
    seed: u64,
    /// Every Nth repository is archived (0 = none).
    #[serde(default)]
    archived_every: u64,
    /// Every Nth repository was created after 2026-07-15 (immutable prefix, flag reads false).
    #[serde(default)]
    immutable_every: u64,
    /// Every Nth repository has `use_immutable_subject: true` (opted in).
    #[serde(default)]
    flag_every: u64,
    /// Every Nth repository uses the organization's template (`use_default: false`, no keys).
    #[serde(default)]
    opted_in_every: u64,
    /// Every Nth repository has its own keys.
    #[serde(default)]
    own_template_every: u64,
    /// The organization's template; absent = never customised.
    #[serde(default)]
    template: Option<Vec<String>>,
    /// The organization's immutable-subject flag.
    #[serde(default)]
    use_immutable_subject: Option<bool>,
    /// A user account: no organization is created (`/orgs/{org}/…` answers 404).
    #[serde(default)]
    user: bool,
}

const PREFIXES: &[&str] = &["api", "web", "svc", "lib", "infra", "docs", "tool", "data"];

/// A small deterministic generator (SplitMix64).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn every(n: u64, i: u64) -> bool {
    n > 0 && i % n == n - 1
}

/// `POST /_fake/orgs`: replaces the owner's repositories by `count` generated ones.
pub(crate) fn generate(shared: &Shared, body: &[u8]) -> Response {
    let g: Generate = match serde_json::from_slice(body) {
        Ok(g) => g,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("invalid generation: {e}"),
                REST_DOCS,
            )
        }
    };
    let mut state = shared.state();
    let owner_id = g.id.unwrap_or_else(|| 10_000 + mix(g.seed) % 1_000_000);
    state.orgs.retain(|o| !o.login.eq_ignore_ascii_case(&g.org));
    if !g.user {
        state.orgs.push(Org {
            login: g.org.clone(),
            id: owner_id,
            template: g.template.clone(),
            use_immutable_subject: g.use_immutable_subject,
        });
    }
    state.repos.retain(|r| !r.owner.eq_ignore_ascii_case(&g.org));
    let base_id = 1_000_000 + (mix(g.seed ^ 0xF1EE7) % 1_000_000) * 1000;
    let mut names = Vec::with_capacity(g.count as usize);
    for i in 0..g.count {
        let r = mix(g.seed.wrapping_add(i));
        let name = format!("{}-{:05}", PREFIXES[(r % PREFIXES.len() as u64) as usize], i + 1);
        let own = every(g.own_template_every, i);
        let opted = !own && every(g.opted_in_every, i);
        let visibility = ["public", "private", "internal"][((r >> 8) % 3) as usize];
        names.push(name.clone());
        state.repos.push(Repo {
            owner: g.org.clone(),
            name,
            id: base_id + i,
            owner_id: Some(owner_id),
            immutable: every(g.immutable_every, i),
            use_default: !(own || opted),
            include_claim_keys: own.then(|| vec!["repo".into(), "context".into(), "job_workflow_ref".into()]),
            use_immutable_subject: every(g.flag_every, i).then_some(true),
            archived: every(g.archived_every, i),
            visibility: Some(visibility.to_owned()),
        });
    }
    json_response(
        StatusCode::CREATED,
        &json!({ "org": g.org, "id": owner_id, "count": g.count, "names": names }),
    )
}

/// `PUT /_fake/latency` `{"ms": 20, "path_prefix": "/repos/"}` (`ms: 0` turns it off).
pub(crate) fn set_latency(shared: &Shared, body: &[u8]) -> Response {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Latency {
        ms: u64,
        #[serde(default)]
        path_prefix: Option<String>,
    }
    match serde_json::from_slice::<Latency>(body) {
        Ok(l) => {
            shared.fleet.latency_ms.store(l.ms, Ordering::SeqCst);
            *lock(&shared.fleet.latency_prefix) = l.path_prefix;
            crate::http::empty(StatusCode::NO_CONTENT)
        }
        Err(e) => error(
            StatusCode::BAD_REQUEST,
            &format!("invalid latency: {e}"),
            REST_DOCS,
        ),
    }
}

/// `GET /_fake/concurrency`: `{in_flight, max_in_flight, total}`; `DELETE` resets them.
pub(crate) fn concurrency(shared: &Shared, reset: bool) -> Response {
    let f = &shared.fleet;
    if reset {
        f.max_in_flight
            .store(f.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
        f.total.store(0, Ordering::SeqCst);
        return crate::http::empty(StatusCode::NO_CONTENT);
    }
    json_response(
        StatusCode::OK,
        &json!({
            "in_flight": f.in_flight.load(Ordering::SeqCst),
            "max_in_flight": f.max_in_flight.load(Ordering::SeqCst),
            "total": f.total.load(Ordering::SeqCst),
        }),
    )
}

/// `PUT /_fake/secondary` `{"points_per_minute": 900}`: refuse every API request that would
/// bring the points of the last 60 seconds over the budget (GET/HEAD 1, others 5) with GitHub's
/// secondary-limit 403 (no `retry-after`); `DELETE` turns it off. `GET` answers
/// `{"points_per_minute", "accepted", "refused", "max_points_in_window"}`.
pub(crate) fn secondary(shared: &Shared, method: &str, body: &[u8]) -> Response {
    let mut points = lock(&shared.fleet.points);
    match method {
        "PUT" => {
            #[derive(Deserialize)]
            struct Def {
                points_per_minute: u64,
            }
            let Ok(d) = serde_json::from_slice::<Def>(body) else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "expected {\"points_per_minute\": N}",
                    REST_DOCS,
                );
            };
            *points = Some(PointsLimit {
                per_minute: d.points_per_minute,
                window: Default::default(),
                total: 0,
                refused: 0,
                accepted: 0,
                max_total: 0,
            });
            StatusCode::NO_CONTENT.into_response()
        }
        "DELETE" => {
            *points = None;
            StatusCode::NO_CONTENT.into_response()
        }
        _ => match points.as_ref() {
            Some(p) => json_response(
                StatusCode::OK,
                &json!({"points_per_minute": p.per_minute, "accepted": p.accepted, "refused": p.refused, "max_points_in_window": p.max_total}),
            ),
            None => json_response(StatusCode::OK, &json!({"points_per_minute": null})),
        },
    }
}

/// `PUT /_fake/shapes` `{"link_ids": true, "inherited_keys_listed": true}`: answers in the
/// other forms GitHub may use. `link_ids`: listing `Link` URLs name the owner by ID
/// (`/organizations/{id}/repos`, `/user/{id}/repos`), as github.com does. `inherited_keys_listed`:
/// the GET of a repository that follows its organization (`use_default: false`, no keys of its
/// own) lists the organization's keys (GitHub's default when it never customised them).
pub(crate) fn set_shapes(shared: &Shared, body: &[u8]) -> Response {
    #[derive(Deserialize)]
    struct Def {
        #[serde(default)]
        link_ids: bool,
        #[serde(default)]
        inherited_keys_listed: bool,
    }
    let Ok(d) = serde_json::from_slice::<Def>(body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "expected {\"link_ids\": bool, \"inherited_keys_listed\": bool}",
            REST_DOCS,
        );
    };
    shared.fleet.link_ids.store(d.link_ids, Ordering::SeqCst);
    shared
        .fleet
        .inherited_keys_listed
        .store(d.inherited_keys_listed, Ordering::SeqCst);
    StatusCode::NO_CONTENT.into_response()
}

/// `PUT /_fake/ratelimit` `{"limit": 100, "reset_in": 60, "enforce": true}`: a fresh window
/// (`used` 0) of `limit` requests that resets every `reset_in` seconds; with `enforce`, a request
/// over the limit gets GitHub's 403 primary rate limit. `DELETE` restores the default (5000, no
/// enforcement).
pub(crate) fn set_rate_limit(shared: &Shared, body: Option<&[u8]>) -> Response {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Rate {
        limit: u64,
        #[serde(default = "hour")]
        reset_in: u64,
        #[serde(default)]
        enforce: bool,
    }
    fn hour() -> u64 {
        3600
    }
    let Some(body) = body else {
        *lock(&shared.fleet.rate) = None;
        return crate::http::empty(StatusCode::NO_CONTENT);
    };
    match serde_json::from_slice::<Rate>(body) {
        Ok(r) => {
            *lock(&shared.fleet.rate) = Some(RateConfig {
                limit: r.limit,
                window_secs: r.reset_in.max(1),
                reset_at: now_secs() + r.reset_in.max(1),
                used: 0,
                enforce: r.enforce,
            });
            crate::http::empty(StatusCode::NO_CONTENT)
        }
        Err(e) => error(
            StatusCode::BAD_REQUEST,
            &format!("invalid rate limit: {e}"),
            REST_DOCS,
        ),
    }
}

/// `page` and `per_page` of a query string (GitHub: per_page default 30, at most 100).
fn paging(query: Option<&str>) -> (u64, u64) {
    let mut page = 1;
    let mut per_page = 30;
    for pair in query.unwrap_or_default().split('&') {
        match pair.split_once('=') {
            Some(("page", v)) => page = v.parse().unwrap_or(1).max(1),
            Some(("per_page", v)) => per_page = v.parse().unwrap_or(30).clamp(1, 100),
            _ => {}
        }
    }
    (page, per_page)
}

fn base_url(shared: &Shared, headers: &HeaderMap) -> String {
    match headers.get("host").and_then(|h| h.to_str().ok()) {
        Some(host) => format!("http://{host}"),
        None => shared
            .local_addr
            .get()
            .map_or_else(|| "http://127.0.0.1".to_owned(), |a| format!("http://{a}")),
    }
}

/// The `Link` header of page `page` of `pages` (none when everything fits one page).
fn link(base: &str, path: &str, page: u64, pages: u64, per_page: u64) -> Option<String> {
    if pages <= 1 {
        return None;
    }
    let url = |p: u64| format!("<{base}{path}?per_page={per_page}&page={p}>");
    let mut parts = Vec::new();
    if page > 1 {
        parts.push(format!("{}; rel=\"prev\"", url(page - 1)));
    }
    if page < pages {
        parts.push(format!("{}; rel=\"next\"", url(page + 1)));
        parts.push(format!("{}; rel=\"last\"", url(pages)));
    }
    if page > 1 {
        parts.push(format!("{}; rel=\"first\"", url(1)));
    }
    Some(parts.join(", "))
}

fn listed(state: &crate::state::State, r: &Repo) -> Value {
    let owner_id = r
        .owner_id
        .or_else(|| state.org(&r.owner).map(|o| o.id))
        .unwrap_or(0);
    let kind = if state.org(&r.owner).is_some() {
        "Organization"
    } else {
        "User"
    };
    let visibility = r.visibility.clone().unwrap_or_else(|| "public".to_owned());
    json!({
        "id": r.id,
        "node_id": format!("R_fake{}", r.id),
        "name": r.name,
        "full_name": format!("{}/{}", r.owner, r.name),
        "private": visibility != "public",
        "visibility": visibility,
        "archived": r.archived,
        "fork": false,
        "owner": { "login": r.owner, "id": owner_id, "type": kind },
    })
}

/// Which listing.
pub(crate) enum Listing<'a> {
    /// `/orgs/{org}/repos`
    Org(&'a str),
    /// `/users/{user}/repos`
    User(&'a str),
    /// `/organizations/{id}/repos` (GitHub's `Link` form)
    OrgId(u64),
    /// `/user/{id}/repos` (GitHub's `Link` form)
    UserId(u64),
    /// `/installation/repositories`
    Installation,
}

/// Answers a listing page.
pub(crate) fn list(
    shared: &Shared,
    headers: &HeaderMap,
    api_path: &str,
    query: Option<&str>,
    which: Listing<'_>,
) -> Response {
    let state = shared.state();
    // The ID forms name the same listings.
    let by_id;
    let which = match which {
        Listing::OrgId(id) | Listing::UserId(id) => {
            let Some(login) = state.owner_by_id(id) else {
                return not_found();
            };
            by_id = login;
            if matches!(which, Listing::OrgId(_)) {
                Listing::Org(&by_id)
            } else {
                Listing::User(&by_id)
            }
        }
        other => other,
    };
    let repos: Vec<&Repo> = match &which {
        Listing::Org(org) => {
            if state.org(org).is_none() {
                return not_found();
            }
            state
                .repos
                .iter()
                .filter(|r| r.owner.eq_ignore_ascii_case(org))
                .collect()
        }
        Listing::User(user) => {
            let repos: Vec<&Repo> = state
                .repos
                .iter()
                .filter(|r| r.owner.eq_ignore_ascii_case(user))
                .collect();
            if repos.is_empty() && state.org(user).is_none() {
                return not_found();
            }
            repos
        }
        Listing::Installation => state.repos.iter().collect(),
        Listing::OrgId(_) | Listing::UserId(_) => unreachable!("resolved above"),
    };
    // github.com writes next links with the owner's ID, not its name.
    let id_path;
    let api_path = match (&which, shared.fleet.link_ids.load(Ordering::SeqCst)) {
        (Listing::Org(org), true) => {
            id_path = format!("/organizations/{}/repos", state.org(org).map_or(0, |o| o.id));
            id_path.as_str()
        }
        (Listing::User(_), true) => {
            id_path = format!("/user/{}/repos", repos.first().map_or(0, |r| state.owner_id(r)));
            id_path.as_str()
        }
        _ => api_path,
    };
    let (page, per_page) = paging(query);
    let total = repos.len() as u64;
    let pages = total.div_ceil(per_page).max(1);
    let items: Vec<Value> = repos
        .iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(|r| listed(&state, r))
        .collect();
    let body = match which {
        Listing::Installation => json!({
            "total_count": total,
            "repository_selection": "all",
            "repositories": items,
        }),
        _ => Value::Array(items),
    };
    let mut resp = json_response(StatusCode::OK, &body);
    if let Some(l) = link(&base_url(shared, headers), api_path, page, pages, per_page) {
        if let Ok(v) = HeaderValue::from_str(&l) {
            resp.headers_mut().insert("link", v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_of_the_first_middle_and_last_page() {
        let b = "http://h";
        assert_eq!(link(b, "/orgs/o/repos", 1, 1, 100), None);
        let first = link(b, "/orgs/o/repos", 1, 3, 100).unwrap();
        assert!(first.contains("page=2>; rel=\"next\"") && first.contains("page=3>; rel=\"last\""));
        assert!(!first.contains("prev") && !first.contains("first"));
        let mid = link(b, "/orgs/o/repos", 2, 3, 100).unwrap();
        for rel in ["prev", "next", "last", "first"] {
            assert!(mid.contains(&format!("rel=\"{rel}\"")), "{mid}");
        }
        let last = link(b, "/orgs/o/repos", 3, 3, 100).unwrap();
        assert!(!last.contains("next") && last.contains("rel=\"prev\""));
    }

    #[test]
    fn paging_is_bounded() {
        assert_eq!(paging(None), (1, 30));
        assert_eq!(paging(Some("per_page=500&page=0")), (1, 100));
        assert_eq!(paging(Some("page=3&per_page=10")), (3, 10));
    }
}
