//! Fleets: every repository of an organization (issue 8).
//!
//! This file fixes the **types** the fleet inventory produces, so the inventory (listing with
//! `Link` pagination, concurrent template reads, rate-limit pacing, cancellation) and the
//! desired-state commands (export / compare / sync) agree on one shape. The inventory itself
//! lands beside these types.
//!
//! A repository's state is computed from three reads: the listing (`GET /orgs/{org}/repos`,
//! which gives `id`, `owner.id`, `visibility`, `archived`), the organization template (read
//! once per run) and the repository's template (`GET /repos/{o}/{r}/actions/oidc/customization/sub`).
//!
//! ## The inventory run ([`FleetRun`])
//!
//! * **Listing**: `GET /orgs/{org}/repos?per_page=100`, then every `Link: rel="next"` until
//!   there is none (pages are never counted; [`next_link`] parses the header). An owner whose
//!   organization listing is 404 is listed with `GET /users/{user}/repos`; a listing refused
//!   with 403 (not a rate limit; a GitHub App installation that may not list the organization)
//!   falls back to `GET /installation/repositories`, filtered by owner. A `next` link on another
//!   origin than the API's is refused (the token never leaves its host). Archived repositories
//!   are skipped unless `include_archived` (or named exactly); names are filtered by [`NamePatterns`].
//! * **Templates**: the organization's template is read once per run; each repository's
//!   template is read once; [`repository_state`] decides the state with the same rule as
//!   [`crate::preview::effective_template`] ([`crate::preview::decide_keys`]).
//! * **Pool**: a semaphore of `throttle_limit` permits (default 8, at most 32) bounds the
//!   requests in flight, listing pages included. Every attempt passes a shared [`http::Gate`]:
//!   a 429 or a rate-limited 403 pauses the **whole pool** until `retry-after` /
//!   `x-ratelimit-reset` (one shared wait, not one per request), and when
//!   `x-ratelimit-remaining` runs low (below twice the throttle limit, or below the reads still
//!   to make) requests are spaced so that the budget lasts until the reset.
//! * **Nothing dropped**: a repository whose read finally fails is a [`RepositoryFailure`];
//!   `states + failures` = repositories listed (plus one failure per explicit name that
//!   matched nothing).
//! * **Cancellation**: [`FleetRun::cancel`] stops the gate (no attempt is sent after it) and
//!   aborts the run's task, which drops every in-flight request at once.

use crate::context::Context;
use crate::endpoints;
use crate::error::{Error, ErrorKind, ErrorObject, Result};
use crate::http::{self, Gate};
use crate::preview::{decide_keys, Source};
use crate::template::{self, Template};
use futures_util::stream::{FuturesUnordered, StreamExt};
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;

/// Where a repository's effective template comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateSource {
    /// GitHub's default template (`repo`, `context`): `use_default: true`, or opted in to an
    /// organization that never customised its template.
    Default,
    /// The organization's template (`use_default: false` without keys of its own).
    Organization,
    /// The repository's own keys.
    Repository,
}

impl schemars::JsonSchema for TemplateSource {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TemplateSource".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Where a repository's effective template comes from: GitHub's default, the organization's template, or the repository's own keys.",
            "type": "string",
            "enum": ["Default", "Organization", "Repository"]
        })
    }
}

crate::contract_struct! {
    /// One repository of a fleet: identity from the listing, template as GitHub applies it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RepositoryState {
        /// Owner login as GitHub spells it.
        pub owner: String,
        /// Repository name as GitHub spells it.
        pub repository: String,
        /// The repository's numeric ID (`id` in the listing).
        pub repository_id: u64,
        /// The owner's numeric ID (`owner.id` in the listing).
        pub owner_id: u64,
        /// `public`, `private` or `internal`.
        pub visibility: String,
        /// Archived repositories are listed only when asked for.
        pub archived: bool,
        /// Where the effective keys come from.
        pub source: TemplateSource,
        /// The **effective** keys, whatever the source, in order.
        pub include_claim_keys: Vec<String>,
        /// The repository's own keys when `source` is `Repository`, else `None`.
        pub own_claim_keys: Option<Vec<String>>,
        /// `use_default` as the repository reports it.
        pub use_default: Option<bool>,
        /// GitHub's opt-in flag as the repository reports it (not the effective format).
        pub use_immutable_subject: Option<bool>,
        /// The `sub_claim_prefix` GitHub reports (authoritative `repo` segment), when reported.
        pub sub_claim_prefix: Option<String>,
        /// The subject a token gets now uses IDs: from `sub_claim_prefix` when reported (it
        /// wins over the flag), else from the flag.
        pub immutable: bool,
        /// `repo:OWNER@OWNER_ID/REPO@REPO_ID`, from the listing's IDs.
        pub immutable_prefix: String,
        /// `repo:OWNER/REPO`.
        pub legacy_prefix: String,
    }
}

crate::contract_struct! {
    /// A repository whose read finally failed: it is reported, never dropped.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct RepositoryFailure {
        /// Owner login.
        pub owner: String,
        /// Repository name (the error record's target).
        pub repository: String,
        /// The error, as every export reports errors.
        pub error: ErrorObject,
    }
}

crate::contract_struct! {
    /// What an inventory run asks for.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct InventoryOptions {
        /// Organization (or user) login.
        pub owner: String,
        /// Repository names or wildcards (`*`, `?`); empty = every repository.
        #[serde(default)]
        pub repositories: Vec<String>,
        /// List archived repositories too (skipped by default).
        #[serde(default)]
        pub include_archived: bool,
        /// Requests in flight at most (default 8, at most 32).
        pub throttle_limit: Option<u32>,
        /// The longest the run waits when GitHub rate-limits it, in seconds (default 300). A
        /// longer wait (a primary limit that resets in an hour) stops the run at once: every
        /// repository not yet read is a failure that names the reset.
        pub max_rate_limit_wait_sec: Option<u32>,
    }
}

crate::contract_struct! {
    /// A whole inventory: the organization template (read once) and every listed repository,
    /// each either a state or a failure (`states.len() + failures.len()` = repositories listed).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Inventory {
        /// The organization's template as [`crate::template::get_org`] reports it.
        pub organization: Template,
        /// Repositories read, in listing order.
        pub states: Vec<RepositoryState>,
        /// Repositories whose read failed.
        pub failures: Vec<RepositoryFailure>,
    }
}

/// Requests in flight when the caller does not say.
pub const DEFAULT_THROTTLE_LIMIT: u32 = 8;
/// The most requests in flight a run accepts (GitHub's secondary limit is 100 concurrent
/// requests shared by REST and GraphQL; a fleet read stays well under it).
pub const MAX_THROTTLE_LIMIT: u32 = 32;
/// The page size of every listing (GitHub's maximum).
pub const PAGE_SIZE: u32 = 100;
/// The longest a run waits for GitHub's rate limits when the caller does not say.
pub const DEFAULT_MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(300);

/// The longest a [`FleetRun::next`] call waits for an item.
pub const MAX_WAIT: Duration = Duration::from_millis(1000);

impl From<Source> for TemplateSource {
    fn from(s: Source) -> Self {
        match s {
            Source::Organization => TemplateSource::Organization,
            Source::Repository => TemplateSource::Repository,
            Source::Default | Source::Given => TemplateSource::Default,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Link header
// ---------------------------------------------------------------------------------------------

/// The target of the link whose `rel` includes `rel` in an RFC 8288 `Link` header value
/// (`<url>; rel="next", <url>; rel="last"`). Commas inside `<…>` and quoted parameters are
/// respected, `rel` may be quoted or not and may hold several space-separated relations, and
/// relation names compare case-insensitively.
pub fn link_with_rel(header: &str, rel: &str) -> Option<String> {
    let bytes = header.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Find the next `<`.
        while i < bytes.len() && bytes[i] != b'<' {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i + 1;
        let end = start + header[start..].find('>')?;
        let target = &header[start..end];
        i = end + 1;
        // Parameters until the next top-level comma.
        let mut params = String::new();
        let mut quoted = false;
        while i < bytes.len() {
            let c = bytes[i];
            if c == b'"' {
                quoted = !quoted;
            } else if c == b',' && !quoted {
                break;
            } else if c == b'\\' && quoted && i + 1 < bytes.len() {
                params.push(c as char);
                i += 1;
                params.push(bytes[i] as char);
                i += 1;
                continue;
            }
            params.push(c as char);
            i += 1;
        }
        for param in split_params(&params) {
            let Some((name, value)) = param.split_once('=') else {
                continue;
            };
            if !name.trim().eq_ignore_ascii_case("rel") {
                continue;
            }
            let value = value.trim().trim_matches('"');
            if value
                .split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case(rel))
            {
                return Some(target.trim().to_string());
            }
        }
    }
    None
}

/// Splits `; a=b; c="d;e"` at the semicolons outside quotes.
fn split_params(params: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut from = 0;
    for (i, c) in params.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(params[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(params[from..].trim());
    out.into_iter().filter(|p| !p.is_empty()).collect()
}

/// The `rel="next"` target of a `Link` header, if any.
pub fn next_link(header: &str) -> Option<String> {
    link_with_rel(header, "next")
}

// ---------------------------------------------------------------------------------------------
// Name patterns
// ---------------------------------------------------------------------------------------------

/// Repository names or wildcards (`*`, `?`), matched case-insensitively as GitHub matches
/// names. An empty list matches every repository.
#[derive(Debug, Clone)]
pub struct NamePatterns {
    items: Vec<(String, glob::Pattern, bool)>,
}

fn is_wildcard(p: &str) -> bool {
    p.contains(['*', '?'])
}

const MATCH: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: false,
    require_literal_separator: false,
    require_literal_leading_dot: false,
};

impl NamePatterns {
    /// Checks the patterns: an explicit name must be a valid GitHub name; a wildcard may use
    /// only name characters, `*` and `?`.
    pub fn new(patterns: &[String]) -> Result<NamePatterns> {
        let mut items = Vec::new();
        for p in patterns {
            let p = p.trim();
            if p.is_empty() {
                return Err(Error::invalid("A repository name or wildcard must not be empty."));
            }
            let wildcard = is_wildcard(p);
            if wildcard {
                if let Some(bad) = p
                    .chars()
                    .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*' | '?')))
                {
                    return Err(Error::invalid(format!(
                        "Repository wildcard '{}' contains '{}'; use letters, digits, '-', '_', '.', '*' and '?'.",
                        p.escape_debug(),
                        bad.escape_debug()
                    )));
                }
            } else {
                crate::names::segment("Repository", p)?;
            }
            // Only `*` and `?` are special: `[` cannot occur (refused above).
            let pattern = glob::Pattern::new(p)
                .map_err(|e| Error::invalid(format!("Repository wildcard '{p}' is not valid: {e}.")))?;
            items.push((p.to_string(), pattern, wildcard));
        }
        Ok(NamePatterns { items })
    }

    /// Whether a repository name is selected.
    pub fn matches(&self, name: &str) -> bool {
        self.items.is_empty() || self.items.iter().any(|(_, p, _)| p.matches_with(name, MATCH))
    }

    /// Whether a name is given explicitly (no wildcard): such a repository is listed even when
    /// it is archived, since the caller asked for it by name.
    pub fn names_exactly(&self, name: &str) -> bool {
        self.items
            .iter()
            .any(|(p, _, wildcard)| !wildcard && p.eq_ignore_ascii_case(name))
    }

    /// The explicit names (no wildcard) that none of `names` matches, in the order given.
    pub fn unmatched_names<'a>(&self, names: impl Iterator<Item = &'a str> + Clone) -> Vec<String> {
        self.items
            .iter()
            .filter(|(_, _, wildcard)| !wildcard)
            .filter(|(p, _, _)| !names.clone().any(|n| n.eq_ignore_ascii_case(p)))
            .map(|(p, _, _)| p.clone())
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// One repository's state (pure)
// ---------------------------------------------------------------------------------------------

/// A repository as a listing describes it (`minimal-repository`).
#[derive(Debug, Clone, Deserialize)]
pub struct ListedRepository {
    /// The repository's ID.
    pub id: u64,
    /// The name as GitHub spells it.
    pub name: String,
    /// The owner.
    pub owner: ListedOwner,
    /// Archived repositories are read-only.
    #[serde(default)]
    pub archived: bool,
    /// `public`, `private` or `internal`; older servers only send `private`.
    #[serde(default)]
    pub visibility: Option<String>,
    /// `true` for a private repository.
    #[serde(default)]
    pub private: Option<bool>,
}

/// The owner in a listing.
#[derive(Debug, Clone, Deserialize)]
pub struct ListedOwner {
    /// Login as GitHub spells it.
    pub login: String,
    /// Numeric ID.
    pub id: u64,
}

/// `GET /installation/repositories`.
#[derive(Debug, Clone, Deserialize)]
struct InstallationRepositories {
    #[serde(default)]
    total_count: Option<u64>,
    repositories: Vec<ListedRepository>,
}

/// Whether a token of this repository gets the immutable subject now: `sub_claim_prefix`, when
/// GitHub reports one, wins (it carries `@` IDs exactly when the format is immutable), else the
/// repository's flag, else the organization's flag.
pub fn is_immutable(sub_claim_prefix: Option<&str>, repo_flag: Option<bool>, org_flag: Option<bool>) -> bool {
    match sub_claim_prefix.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p.contains('@'),
        None => repo_flag.or(org_flag).unwrap_or(false),
    }
}

/// `(legacy, immutable)` prefixes, `repo:OWNER/REPO` and `repo:OWNER@OWNER_ID/REPO@REPO_ID`,
/// rendered by the subject rules of `github_oidc_claims` (the `repo` key alone).
pub fn prefixes(owner: &str, repo: &str, owner_id: u64, repo_id: u64) -> (String, String) {
    use github_oidc_claims::subject::{compute_subject, SubjectRequest};
    let keys = vec!["repo".to_string()];
    let claims = std::collections::BTreeMap::from([
        ("repository".to_string(), format!("{owner}/{repo}")),
        ("repository_owner".to_string(), owner.to_string()),
        ("repository_owner_id".to_string(), owner_id.to_string()),
        ("repository_id".to_string(), repo_id.to_string()),
    ]);
    let fallback = || {
        (
            format!("repo:{owner}/{repo}"),
            format!("repo:{owner}@{owner_id}/{repo}@{repo_id}"),
        )
    };
    match compute_subject(&SubjectRequest {
        include_claim_keys: Some(&keys),
        claims: &claims,
        immutable: true,
        sub_claim_prefix: None,
    }) {
        Ok(s) => match (s.legacy_subject, s.immutable_subject) {
            (Some(l), Some(i)) => (l, i),
            _ => fallback(),
        },
        Err(_) => fallback(),
    }
}

/// A repository's state from its listing entry, its template and its organization's template
/// (`None`: the owner is not an organization).
pub fn repository_state(
    listed: &ListedRepository,
    repo: &Template,
    org: Option<&Template>,
) -> RepositoryState {
    let (keys, source) = decide_keys(repo.use_default, repo.include_claim_keys.as_deref(), org);
    let source = TemplateSource::from(source);
    let org_flag = org.and_then(|o| o.use_immutable_subject);
    let sub_claim_prefix = repo.sub_claim_prefix.clone().filter(|p| !p.trim().is_empty());
    let (legacy_prefix, immutable_prefix) =
        prefixes(&listed.owner.login, &listed.name, listed.owner.id, listed.id);
    RepositoryState {
        owner: listed.owner.login.clone(),
        repository: listed.name.clone(),
        repository_id: listed.id,
        owner_id: listed.owner.id,
        visibility: listed.visibility.clone().unwrap_or_else(|| {
            if listed.private == Some(true) {
                "private"
            } else {
                "public"
            }
            .to_string()
        }),
        archived: listed.archived,
        own_claim_keys: (source == TemplateSource::Repository).then(|| keys.clone()),
        source,
        include_claim_keys: keys,
        use_default: repo.use_default,
        use_immutable_subject: repo.use_immutable_subject,
        immutable: is_immutable(sub_claim_prefix.as_deref(), repo.use_immutable_subject, org_flag),
        sub_claim_prefix,
        immutable_prefix,
        legacy_prefix,
    }
}

// ---------------------------------------------------------------------------------------------
// Progress and items
// ---------------------------------------------------------------------------------------------

crate::contract_struct! {
    /// The rate-limit state of a run, from the last answers' headers.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
    pub struct RateLimitState {
        /// `x-ratelimit-limit`: requests per window.
        pub limit: Option<u64>,
        /// `x-ratelimit-remaining` (the lowest seen in the current window).
        pub remaining: Option<u64>,
        /// `x-ratelimit-reset`: when the window resets, UTC epoch seconds.
        pub reset_at: Option<u64>,
        /// While the whole pool waits for a rate limit: until when, UTC epoch milliseconds.
        pub paused_until: Option<u64>,
        /// While requests are spaced because the budget runs low: milliseconds between them.
        pub spacing_ms: Option<u64>,
        /// While requests wait for room in the token's points budget (900 a minute): until
        /// when, UTC epoch milliseconds.
        pub paced_until: Option<u64>,
        /// Why the run stopped sending (GitHub asked for a longer wait than the run may wait).
        pub stopped: Option<String>,
    }
}

crate::contract_struct! {
    /// How far a run is.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
    pub struct Progress {
        /// Repositories listed (selected) so far.
        pub listed: u64,
        /// Repositories to read in all; `None` until the listing is complete.
        pub total: Option<u64>,
        /// Repositories read (states).
        pub completed: u64,
        /// Repositories whose read failed (failures).
        pub failed: u64,
        /// Requests in flight now.
        pub in_flight: u64,
        /// The most requests that were in flight at once.
        pub max_in_flight: u64,
        /// Answers GitHub gave (listing pages, templates; success or error status), retries not
        /// counted.
        pub answers: u64,
        /// Of those, the answers GitHub confirmed with `304 Not Modified`, taken from the cache
        /// ([`crate::conditional`]); they cost no primary rate limit.
        pub from_cache: u64,
        /// The rate-limit state.
        pub rate_limit: RateLimitState,
    }
}

crate::contract_struct! {
    /// One result of a run: a repository's state or its failure (exactly one is set).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct FleetItem {
        /// The repository's state.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub state: Option<RepositoryState>,
        /// The repository's failure.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub failure: Option<RepositoryFailure>,
    }
}

/// What [`FleetRun::next`] hands out.
#[derive(Debug)]
pub struct Batch {
    /// Items, in completion order.
    pub items: Vec<FleetItem>,
    /// The run is over and every item was handed out.
    pub done: bool,
    /// Progress now.
    pub progress: Progress,
    /// With `done`, once: why the run failed as a whole (the listing failed, bad credentials).
    pub error: Option<Error>,
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

fn now_epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn header_u64(h: &HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.trim().parse().ok()
}

#[derive(Debug, Default)]
struct GateState {
    paused_until: Option<Instant>,
    paced_until: Option<Instant>,
    /// Set once: the run stopped for a rate limit longer than it may wait.
    stopped: Option<Stop>,
    next_slot: Option<Instant>,
    limit: Option<u64>,
    remaining: Option<u64>,
    reset_at: Option<u64>,
    spacing: Option<Duration>,
}

#[derive(Debug, Default)]
struct Outbox {
    items: VecDeque<FleetItem>,
    finished: bool,
    error: Option<Error>,
    /// The error's text, kept after the error was handed out.
    failure: Option<String>,
    inventory: Option<Inventory>,
}

/// Why a run stopped sending: GitHub's limit and until when.
#[derive(Debug, Clone)]
struct Stop {
    message: String,
    resume_at: SystemTime,
    url: Option<String>,
}

impl Stop {
    /// The failure of every request the stopped run does not send.
    fn error(&self) -> Error {
        Error::RateLimitStop {
            message: self.message.clone(),
            retry_after_secs: self
                .resume_at
                .duration_since(SystemTime::now())
                .map(|d| d.as_secs())
                .unwrap_or(0),
            url: self.url.clone(),
        }
    }
}

/// `2026-12-07 18:03:10 UTC`.
fn utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).unwrap_or(0))
        .ok()
        .and_then(|d| {
            d.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| format!("{secs} (UTC epoch seconds)"))
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s.div_ceil(60)),
        _ => format!("{:.1} h", s as f64 / 3600.0),
    }
}

/// State shared by the run's task, its gate and the caller.
struct RunShared {
    throttle: u32,
    /// The longest pause the run waits through.
    max_wait: Duration,
    cancelled: AtomicBool,
    cancel: tokio_util::sync::CancellationToken,
    gate: Mutex<GateState>,
    listed: AtomicU64,
    listing_done: AtomicBool,
    completed: AtomicU64,
    failed: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    answers: AtomicU64,
    from_cache: AtomicU64,
    outbox: Mutex<Outbox>,
    ready: Condvar,
    /// Repositories listed and not reported yet, by listing index (owner, name): should the run
    /// end without finishing, each becomes a failure ([`RunShared::abandon`]).
    unreported: Mutex<std::collections::BTreeMap<usize, (String, String)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl RunShared {
    fn outstanding(&self) -> u64 {
        let listed = self.listed.load(Ordering::Relaxed);
        let done = self.completed.load(Ordering::Relaxed) + self.failed.load(Ordering::Relaxed);
        let pages = if self.listing_done.load(Ordering::Relaxed) {
            0
        } else {
            1
        };
        listed.saturating_sub(done) + pages
    }

    /// How long to wait before the next attempt may go; reserves a slot when it may go now.
    /// An error once the run stopped.
    fn wait_needed(&self) -> Result<Option<Duration>> {
        let now = Instant::now();
        let mut g = lock(&self.gate);
        if let Some(stop) = &g.stopped {
            return Err(stop.error());
        }
        g.paced_until = None;
        if let Some(until) = g.paused_until {
            if until > now {
                return Ok(Some(until - now));
            }
            g.paused_until = None;
        }
        if let Some(slot) = g.next_slot {
            if slot > now {
                return Ok(Some(slot - now));
            }
        }
        g.next_slot = g.spacing.map(|s| now + s);
        Ok(None)
    }

    /// Stops the run: no request is sent after this, every one not yet sent fails with the
    /// stop's error. The first stop wins.
    fn stop(&self, g: &mut GateState, wait: Duration, why: &str, url: Option<String>) -> Error {
        let stop = g.stopped.get_or_insert_with(|| {
            let resume_at = SystemTime::now() + wait;
            Stop {
                message: format!(
                    "{why}: GitHub asks to wait until {} (about {}), longer than this run waits for rate limits ({}; -MaxRateLimitWait). The run stopped and sent nothing more, so this repository was not read. Run it again after {}, or allow a longer wait.",
                    utc(resume_at),
                    seconds(wait),
                    seconds(self.max_wait),
                    utc(resume_at)
                ),
                resume_at,
                url,
            }
        });
        stop.error()
    }

    fn push(&self, item: FleetItem) {
        let mut out = lock(&self.outbox);
        out.items.push_back(item);
        drop(out);
        self.ready.notify_all();
    }

    fn finish(&self, result: Result<Inventory>) {
        let mut out = lock(&self.outbox);
        match result {
            Ok(inv) => out.inventory = Some(inv),
            Err(e) => {
                out.failure = Some(e.to_string());
                out.error = Some(e);
            }
        }
        out.finished = true;
        drop(out);
        self.ready.notify_all();
    }

    /// Ends a run whose task stopped without finishing (it panicked, or was dropped): every
    /// repository listed and not reported becomes a failure item, and the run fails as a whole
    /// with `why` (so its partial inventory is never used). Nothing when the run finished.
    fn abandon(&self, why: &str) {
        let mut out = lock(&self.outbox);
        if out.finished {
            return;
        }
        let message = format!("The inventory stopped before it completed: {why}.");
        for (_, (owner, repository)) in std::mem::take(&mut *lock(&self.unreported)) {
            let error = Error::Internal(format!(
                "The inventory stopped before {owner}/{repository} was read: {why}."
            ));
            self.failed.fetch_add(1, Ordering::SeqCst);
            out.items.push_back(FleetItem {
                state: None,
                failure: Some(RepositoryFailure {
                    owner,
                    repository,
                    error: error.to_object(),
                }),
            });
        }
        out.failure = Some(message.clone());
        out.error = Some(Error::Internal(message));
        out.finished = true;
        drop(out);
        self.ready.notify_all();
    }

    fn progress(&self) -> Progress {
        let g = lock(&self.gate);
        let now = Instant::now();
        let epoch_ms = |t: Option<Instant>| {
            t.filter(|u| *u > now)
                .map(|u| now_epoch_ms() + (u - now).as_millis() as u64)
        };
        let paused_until = epoch_ms(g.paused_until);
        let paced_until = epoch_ms(g.paced_until);
        let listing_done = self.listing_done.load(Ordering::Relaxed);
        let listed = self.listed.load(Ordering::Relaxed);
        Progress {
            listed,
            total: listing_done.then_some(listed),
            completed: self.completed.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            max_in_flight: self.max_in_flight.load(Ordering::Relaxed),
            answers: self.answers.load(Ordering::Relaxed),
            from_cache: self.from_cache.load(Ordering::Relaxed),
            rate_limit: RateLimitState {
                limit: g.limit,
                remaining: g.remaining,
                reset_at: g.reset_at,
                paused_until,
                spacing_ms: g.spacing.map(|s| s.as_millis() as u64),
                paced_until,
                stopped: g.stopped.as_ref().map(|s| s.message.clone()),
            },
        }
    }
}

impl Gate for RunShared {
    fn before_attempt(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + '_>> {
        Box::pin(async move {
            loop {
                if self.cancelled.load(Ordering::SeqCst) {
                    // Never send after a cancel: wait to be dropped.
                    std::future::pending::<()>().await;
                }
                match self.wait_needed()? {
                    None => return Ok(()),
                    Some(wait) => {
                        tokio::select! {
                            _ = tokio::time::sleep(wait) => {}
                            _ = self.cancel.cancelled() => {}
                        }
                    }
                }
            }
        })
    }

    fn held(&self) -> bool {
        let g = lock(&self.gate);
        g.stopped.is_some() || g.paused_until.is_some_and(|u| u > Instant::now())
    }

    fn pacing(&self, wait: Duration) {
        lock(&self.gate).paced_until = Some(Instant::now() + wait);
    }

    fn sending(&self) {
        let n = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(n, Ordering::SeqCst);
    }

    fn answered(&self, headers: Option<&HeaderMap>) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let Some(h) = headers else { return };
        let (Some(remaining), Some(reset)) = (
            header_u64(h, "x-ratelimit-remaining"),
            header_u64(h, "x-ratelimit-reset"),
        ) else {
            return;
        };
        let limit = header_u64(h, "x-ratelimit-limit");
        let outstanding = self.outstanding();
        let mut g = lock(&self.gate);
        // Answers arrive out of order: within one window keep the lowest remaining.
        match g.reset_at {
            Some(r) if r == reset => g.remaining = Some(g.remaining.map_or(remaining, |x| x.min(remaining))),
            Some(r) if r > reset => return,
            _ => {
                g.reset_at = Some(reset);
                g.remaining = Some(remaining);
            }
        }
        if limit.is_some() {
            g.limit = limit;
        }
        // Requests already sent count against the budget before their answers say so.
        let in_flight = self.in_flight.load(Ordering::SeqCst);
        let remaining = g.remaining.unwrap_or(remaining).saturating_sub(in_flight);
        let now_ms = now_epoch_ms();
        let until_reset = Duration::from_millis((reset * 1000).saturating_sub(now_ms));
        let low = remaining < 2 * u64::from(self.throttle) || remaining < outstanding;
        let wait = until_reset + Duration::from_secs(1);
        if remaining == 0 && wait > self.max_wait {
            // The budget is spent until a reset later than the run may wait: stop now rather
            // than send requests GitHub will refuse.
            self.stop(
                &mut g,
                wait,
                "GitHub's rate limit for this token is used up (x-ratelimit-remaining: 0)",
                None,
            );
            g.spacing = None;
        } else if remaining == 0 {
            // The budget is spent: everything waits for the reset.
            let until = Instant::now() + wait;
            g.paused_until = Some(g.paused_until.map_or(until, |u| u.max(until)));
            g.spacing = None;
        } else if low && !until_reset.is_zero() && wait <= self.max_wait {
            // Spread what is left until the reset, which comes within the run's wait budget.
            // (Spacing towards a later reset would only delay the stop: what is left is used
            // at full speed, then the run stops and says when to run again.)
            g.spacing = Some(until_reset / u32::try_from(remaining).unwrap_or(u32::MAX));
        } else {
            g.spacing = None;
        }
    }

    fn pause(&self, wait: Duration, err: &Error) -> Result<()> {
        let mut g = lock(&self.gate);
        if let Some(stop) = &g.stopped {
            return Err(stop.error());
        }
        if wait > self.max_wait {
            let (why, url) = match err.api() {
                Some(a) => (
                    format!(
                        "GitHub refused {} {} with a rate limit ({}: {})",
                        a.method, a.url, a.status, a.message
                    ),
                    Some(a.url.clone()),
                ),
                None => ("GitHub rate-limited the run".to_string(), None),
            };
            return Err(self.stop(&mut g, wait, &why, url));
        }
        let until = Instant::now() + wait;
        g.paused_until = Some(g.paused_until.map_or(until, |u| u.max(until)));
        Ok(())
    }
}

/// A running (or finished) inventory. Dropping it cancels the run.
pub struct FleetRun {
    shared: Arc<RunShared>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The run's context (its secrets are redacted from what callers pass on).
    context: Context,
}

impl std::fmt::Debug for FleetRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetRun")
            .field("progress", &self.shared.progress())
            .finish()
    }
}

/// The longest rate-limit wait of `options`: default 300 s, 0 to 24 hours.
pub fn max_rate_limit_wait(options: &InventoryOptions) -> Result<Duration> {
    match options.max_rate_limit_wait_sec {
        None => Ok(DEFAULT_MAX_RATE_LIMIT_WAIT),
        Some(s) if s <= 86_400 => Ok(Duration::from_secs(u64::from(s))),
        Some(s) => Err(Error::invalid(format!(
            "MaxRateLimitWait {s} s is out of range: use 0 to 86400 seconds (default {}).",
            DEFAULT_MAX_RATE_LIMIT_WAIT.as_secs()
        ))),
    }
}

/// The throttle limit of `options`: default 8, 1 to 32.
pub fn throttle_limit(options: &InventoryOptions) -> Result<u32> {
    match options.throttle_limit {
        None => Ok(DEFAULT_THROTTLE_LIMIT),
        Some(n) if (1..=MAX_THROTTLE_LIMIT).contains(&n) => Ok(n),
        Some(n) => Err(Error::invalid(format!(
            "ThrottleLimit {n} is out of range: use 1 to {MAX_THROTTLE_LIMIT} requests in flight (default {DEFAULT_THROTTLE_LIMIT}). GitHub limits concurrent requests; more would trigger its secondary rate limits."
        ))),
    }
}

impl FleetRun {
    /// Checks the options (owner, names, throttle limit, token) and starts the run on the
    /// process-wide runtime; returns at once.
    pub fn start(ctx: Context, options: InventoryOptions) -> Result<FleetRun> {
        let throttle = throttle_limit(&options)?;
        let max_wait = max_rate_limit_wait(&options)?;
        crate::names::segment("Owner", &options.owner)?;
        let patterns = NamePatterns::new(&options.repositories)?;
        ctx.require_token()?;
        let shared = Arc::new(RunShared {
            throttle,
            max_wait,
            cancelled: AtomicBool::new(false),
            cancel: tokio_util::sync::CancellationToken::new(),
            gate: Mutex::new(GateState::default()),
            listed: AtomicU64::new(0),
            listing_done: AtomicBool::new(false),
            completed: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            max_in_flight: AtomicU64::new(0),
            answers: AtomicU64::new(0),
            from_cache: AtomicU64::new(0),
            outbox: Mutex::new(Outbox::default()),
            ready: Condvar::new(),
            unreported: Mutex::default(),
        });
        let run_shared = Arc::clone(&shared);
        let context = ctx.clone();
        // The run's answers go to the cache folder once, when it ends (not after every batch).
        let hold = crate::conditional::hold(&ctx);
        let task = http::spawn(async move {
            let cancel = run_shared.cancel.clone();
            let work =
                std::panic::AssertUnwindSafe(inventory(Arc::clone(&run_shared), ctx, options, patterns));
            let result = tokio::select! {
                r = futures_util::FutureExt::catch_unwind(work) => r,
                _ = cancel.cancelled() => Ok(Err(Error::invalid("The inventory was cancelled."))),
            };
            // Written before the run says it is done: the caller may end the process then.
            drop(hold);
            match result {
                Ok(result) => run_shared.finish(result),
                Err(panic) => run_shared.abandon(&crate::error::panic_message(panic.as_ref())),
            }
        });
        Ok(FleetRun {
            shared,
            task: Mutex::new(Some(task)),
            context,
        })
    }

    /// The context the run acts with.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Ends the run when its task ended without finishing it (see [`RunShared::abandon`]).
    fn check_task(&self) {
        let ended = lock(&self.task).as_ref().is_some_and(|t| t.is_finished());
        if ended {
            self.shared.abandon("its task ended unexpectedly");
        }
    }

    /// Waits at most `wait` (capped at [`MAX_WAIT`]) for at least one item, then hands out up
    /// to `max_items` of them, with the progress; `done` once the run is over and everything
    /// was handed out.
    pub fn next(&self, wait: Duration, max_items: usize) -> Batch {
        let wait = wait.min(MAX_WAIT);
        let deadline = Instant::now() + wait;
        self.check_task();
        let mut out = lock(&self.shared.outbox);
        while out.items.is_empty() && !out.finished {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            drop(out);
            self.check_task();
            out = lock(&self.shared.outbox);
            if !out.items.is_empty() || out.finished {
                break;
            }
            out = self
                .shared
                .ready
                .wait_timeout(out, (deadline - now).min(Duration::from_millis(100)))
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        let n = max_items.max(1).min(out.items.len());
        let items: Vec<FleetItem> = out.items.drain(..n).collect();
        // A failed run hands out its last items before its error (which replaces the answer).
        let done = out.finished && out.items.is_empty() && (items.is_empty() || out.error.is_none());
        let error = if done { out.error.take() } else { None };
        drop(out);
        Batch {
            items,
            done,
            progress: self.shared.progress(),
            error,
        }
    }

    /// Stops the run: no request is sent after this, in-flight requests are dropped.
    pub fn cancel(&self) {
        self.shared.cancelled.store(true, Ordering::SeqCst);
        self.shared.cancel.cancel();
        if let Some(task) = lock(&self.task).take() {
            task.abort();
        }
        let mut out = lock(&self.shared.outbox);
        if !out.finished {
            out.finished = true;
            out.failure = Some("The inventory was cancelled.".into());
            out.error = Some(Error::invalid("The inventory was cancelled."));
        }
        drop(out);
        self.shared.ready.notify_all();
    }

    /// Whether the run is over.
    pub fn finished(&self) -> bool {
        self.check_task();
        lock(&self.shared.outbox).finished
    }

    /// Calls `f` with the final inventory of a run that completed; an error when the run is
    /// still going or failed.
    pub fn with_inventory<R>(&self, f: impl FnOnce(&Inventory) -> R) -> Result<R> {
        self.check_task();
        let out = lock(&self.shared.outbox);
        match (&out.inventory, &out.failure, out.finished) {
            (Some(inv), _, _) => Ok(f(inv)),
            (None, Some(e), _) => Err(Error::invalid(format!("The inventory did not complete: {e}"))),
            _ => Err(Error::invalid(
                "The inventory is still running: read it to the end (done) first.",
            )),
        }
    }

    /// Progress now.
    pub fn progress(&self) -> Progress {
        self.shared.progress()
    }
}

impl Drop for FleetRun {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Runs a whole inventory to completion on the calling thread (tests, simple callers).
pub fn run_inventory(ctx: Context, options: InventoryOptions) -> Result<(Inventory, Vec<FleetItem>)> {
    let run = FleetRun::start(ctx, options)?;
    let mut items = Vec::new();
    loop {
        let b = run.next(MAX_WAIT, 1000);
        items.extend(b.items);
        if b.done {
            if let Some(e) = b.error {
                return Err(e);
            }
            break;
        }
    }
    let inv = run.with_inventory(Clone::clone)?;
    Ok((inv, items))
}

/// One permit of the pool, then the request through the gate.
async fn gated_get(
    shared: &Arc<RunShared>,
    sem: &Semaphore,
    ctx: &Context,
    owner: &str,
    endpoint: &endpoints::Endpoint,
    args: &[&str],
    url: Option<String>,
) -> Result<http::Response> {
    let _permit = sem
        .acquire()
        .await
        .map_err(|_| Error::Internal("the request pool closed".into()))?;
    let answer = crate::auth::api_gated(ctx, endpoint, args, url, Some(owner), shared.as_ref()).await;
    // GitHub answered (a success, or an error status such as an organization's 404 "no template").
    if answer.as_ref().map_or_else(|e| e.api().is_some(), |_| true) {
        shared.answers.fetch_add(1, Ordering::Relaxed);
    }
    if answer.as_ref().is_ok_and(|a| a.from_cache) {
        shared.from_cache.fetch_add(1, Ordering::Relaxed);
    }
    answer
}

/// Which listing is in use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Listing {
    Org,
    User,
    Installation,
}

/// Checks that a `next` link stays on the API's origin (scheme, host, port) before the token
/// is sent there.
fn same_origin(ctx: &Context, link: &str) -> Result<String> {
    let url = url::Url::parse(link)
        .or_else(|_| ctx.api_base_uri.join(link))
        .map_err(|e| Error::UnexpectedResponse {
            url: link.to_string(),
            message: format!("the Link header's next URL is not valid ({e})"),
        })?;
    let base = &ctx.api_base_uri;
    if url.scheme() != base.scheme()
        || url.host_str() != base.host_str()
        || url.port_or_known_default() != base.port_or_known_default()
    {
        return Err(Error::UnexpectedResponse {
            url: base.to_string(),
            message: format!(
                "the listing's next page is on another host ({}); the token is not sent there",
                url.host_str().unwrap_or("?")
            ),
        });
    }
    Ok(url.to_string())
}

fn with_page_size(url: String) -> String {
    format!("{url}?per_page={PAGE_SIZE}")
}

/// The listing: pages in order, each page's repositories sent to `tx`.
async fn list(
    shared: Arc<RunShared>,
    sem: Arc<Semaphore>,
    ctx: Context,
    owner: String,
    include_archived: bool,
    patterns: NamePatterns,
    tx: tokio::sync::mpsc::UnboundedSender<(usize, ListedRepository)>,
) -> Result<Vec<String>> {
    let mut listing = Listing::Org;
    let mut url = with_page_size(endpoints::LIST_ORG_REPOS.url(&ctx, &[&owner])?);
    let mut index = 0usize;
    let mut names = Vec::new();
    let mut first = true;
    loop {
        let endpoint = match listing {
            Listing::Org => &endpoints::LIST_ORG_REPOS,
            Listing::User => &endpoints::LIST_USER_REPOS,
            Listing::Installation => &endpoints::LIST_INSTALLATION_REPOS,
        };
        let answer = gated_get(&shared, &sem, &ctx, &owner, endpoint, &[], Some(url.clone())).await;
        let resp = match answer {
            Ok(r) => r,
            Err(e) if first && listing == Listing::Org && e.kind() == ErrorKind::NotFound => {
                listing = Listing::User;
                url = with_page_size(endpoints::LIST_USER_REPOS.url(&ctx, &[&owner])?);
                continue;
            }
            Err(e) if first && listing == Listing::Org && e.kind() == ErrorKind::Forbidden => {
                // A GitHub App installation that may not list the organization: its own list.
                listing = Listing::Installation;
                url = with_page_size(endpoints::LIST_INSTALLATION_REPOS.url(&ctx, &[])?);
                let orig = e;
                match gated_get(
                    &shared,
                    &sem,
                    &ctx,
                    &owner,
                    &endpoints::LIST_INSTALLATION_REPOS,
                    &[],
                    Some(url.clone()),
                )
                .await
                {
                    Ok(r) => r,
                    Err(_) => return Err(orig),
                }
            }
            Err(e) => return Err(e),
        };
        first = false;
        let repos: Vec<ListedRepository> = if listing == Listing::Installation {
            let page: InstallationRepositories = resp.parse()?;
            let _ = page.total_count;
            page.repositories
                .into_iter()
                .filter(|r| r.owner.login.eq_ignore_ascii_case(&owner))
                .collect()
        } else {
            resp.parse()?
        };
        for repo in repos {
            names.push(repo.name.clone());
            let skip_archived = repo.archived && !include_archived && !patterns.names_exactly(&repo.name);
            if skip_archived || !patterns.matches(&repo.name) {
                continue;
            }
            shared.listed.fetch_add(1, Ordering::SeqCst);
            lock(&shared.unreported).insert(index, (repo.owner.login.clone(), repo.name.clone()));
            if tx.send((index, repo)).is_err() {
                return Ok(names);
            }
            index += 1;
        }
        let next = resp
            .headers
            .get_all(reqwest::header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(next_link);
        match next {
            Some(link) => url = same_origin(&ctx, &link)?,
            None => break,
        }
    }
    Ok(names)
}

/// Reads one repository's template and decides its state.
async fn read_one(
    shared: Arc<RunShared>,
    sem: Arc<Semaphore>,
    ctx: Context,
    org: Option<Arc<Template>>,
    index: usize,
    listed: ListedRepository,
) -> (usize, std::result::Result<RepositoryState, RepositoryFailure>) {
    let owner = listed.owner.login.clone();
    let name = listed.name.clone();
    #[cfg(test)]
    tests::maybe_panic(&owner, index);
    let answer = gated_get(
        &shared,
        &sem,
        &ctx,
        &owner,
        &endpoints::GET_REPO_TEMPLATE,
        &[&owner, &name],
        None,
    )
    .await
    .and_then(|r| template::repo_template(&owner, &name, &r));
    let result = match answer {
        Ok(t) => Ok(repository_state(&listed, &t, org.as_deref())),
        Err(e) => Err(RepositoryFailure {
            owner,
            repository: name,
            error: e.to_object(),
        }),
    };
    (index, result)
}

async fn inventory(
    shared: Arc<RunShared>,
    ctx: Context,
    options: InventoryOptions,
    patterns: NamePatterns,
) -> Result<Inventory> {
    let sem = Arc::new(Semaphore::new(shared.throttle as usize));
    let owner = options.owner.clone();
    // The organization's template, once (a user account has none).
    let org_answer = gated_get(
        &shared,
        &sem,
        &ctx,
        &owner,
        &endpoints::GET_ORG_TEMPLATE,
        &[&owner],
        None,
    )
    .await;
    let org = match template::org_template(&owner, org_answer) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let org_arc = org.clone().map(Arc::new);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let lister = list(
        Arc::clone(&shared),
        Arc::clone(&sem),
        ctx.clone(),
        owner.clone(),
        options.include_archived,
        patterns.clone(),
        tx,
    );
    let consumer = async {
        let mut reads = FuturesUnordered::new();
        let mut states: Vec<(usize, RepositoryState)> = Vec::new();
        let mut failures: Vec<(usize, RepositoryFailure)> = Vec::new();
        let mut open = true;
        let limit = shared.throttle as usize;
        loop {
            tokio::select! {
                got = rx.recv(), if open && reads.len() < limit => match got {
                    Some((i, repo)) => reads.push(read_one(
                        Arc::clone(&shared),
                        Arc::clone(&sem),
                        ctx.clone(),
                        org_arc.clone(),
                        i,
                        repo,
                    )),
                    None => open = false,
                },
                Some((i, result)) = reads.next(), if !reads.is_empty() => {
                    lock(&shared.unreported).remove(&i);
                    match result {
                        Ok(state) => {
                            shared.completed.fetch_add(1, Ordering::SeqCst);
                            shared.push(FleetItem { state: Some(state.clone()), failure: None });
                            states.push((i, state));
                        }
                        Err(failure) => {
                            shared.failed.fetch_add(1, Ordering::SeqCst);
                            shared.push(FleetItem { state: None, failure: Some(failure.clone()) });
                            failures.push((i, failure));
                        }
                    }
                }
                else => break,
            }
        }
        (states, failures)
    };
    let (listed, (mut states, mut failures)) = tokio::join!(
        async {
            let r = lister.await;
            shared.listing_done.store(true, Ordering::SeqCst);
            r
        },
        consumer
    );
    let names = listed?;
    states.sort_by_key(|(i, _)| *i);
    failures.sort_by_key(|(i, _)| *i);
    let mut failures: Vec<RepositoryFailure> = failures.into_iter().map(|(_, f)| f).collect();
    for missing in patterns.unmatched_names(names.iter().map(String::as_str)) {
        let failure = RepositoryFailure {
            owner: owner.clone(),
            repository: missing.clone(),
            error: ErrorObject {
                kind: ErrorKind::NotFound.name().to_string(),
                code: ErrorKind::NotFound.code(),
                message: format!(
                    "Repository '{owner}/{missing}' was not found: it is not among the repositories of {owner} this token can list."
                ),
                status: None,
                github_message: None,
                documentation_url: None,
                errors: None,
                required_permission: None,
                accepted_permissions: None,
                url: None,
                retry_after: None,
            },
        };
        shared.failed.fetch_add(1, Ordering::SeqCst);
        shared.push(FleetItem {
            state: None,
            failure: Some(failure.clone()),
        });
        failures.push(failure);
    }
    Ok(Inventory {
        organization: org.unwrap_or_else(|| Template {
            owner: owner.clone(),
            include_claim_keys: Some(
                github_oidc_claims::subject::DEFAULT_TEMPLATE
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            customized: false,
            ..Default::default()
        }),
        states: states.into_iter().map(|(_, s)| s).collect(),
        failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_next_and_others() {
        let h = r#"<https://api.github.com/organizations/1/repos?per_page=100&page=2>; rel="next", <https://api.github.com/organizations/1/repos?per_page=100&page=5>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/organizations/1/repos?per_page=100&page=2")
        );
        assert_eq!(
            link_with_rel(h, "last").as_deref(),
            Some("https://api.github.com/organizations/1/repos?per_page=100&page=5")
        );
        // The last page has no next.
        let last = r#"<https://x/r?page=4>; rel="prev", <https://x/r?page=1>; rel="first""#;
        assert_eq!(next_link(last), None);
        // Unquoted, upper case, several relations, extra parameters, commas inside the URL
        // and inside quoted parameters.
        assert_eq!(
            next_link("<https://x/a?b=1,2>; rel=NEXT").as_deref(),
            Some("https://x/a?b=1,2")
        );
        assert_eq!(
            next_link(r#"<https://x/p1>; title="a, rel=next"; rel="prev", <https://x/p3>; rel="last next""#)
                .as_deref(),
            Some("https://x/p3")
        );
        assert_eq!(next_link(r#"<https://x/p1>; rel="nextish""#), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(next_link("<unterminated; rel=next"), None);
    }

    #[test]
    fn name_patterns() {
        let p = NamePatterns::new(&["api-*".into(), "Web-0000?".into(), "exact".into()]).unwrap();
        assert!(p.matches("api-00001"));
        assert!(p.matches("API-x"), "case-insensitive like GitHub names");
        assert!(p.matches("web-00003"));
        assert!(!p.matches("web-000031"));
        assert!(p.matches("EXACT"));
        assert!(!p.matches("svc-1"));
        assert!(NamePatterns::new(&[]).unwrap().matches("anything"));
        assert!(p.names_exactly("EXACT"), "an explicit name, case-insensitive");
        assert!(!p.names_exactly("api-00001"), "a wildcard match is not a name");
        let names = ["api-1", "Exact"];
        assert!(p.unmatched_names(names.iter().copied()).is_empty());
        assert_eq!(
            p.unmatched_names(["api-1"].iter().copied()),
            vec!["exact".to_string()]
        );
        for bad in ["a/b", "", "a[b]*", "x y"] {
            assert_eq!(
                NamePatterns::new(&[bad.into()]).unwrap_err().kind(),
                ErrorKind::InvalidArgument,
                "{bad}"
            );
        }
    }

    #[test]
    fn throttle_limits() {
        let opts = |n| InventoryOptions {
            owner: "o".into(),
            throttle_limit: n,
            ..Default::default()
        };
        assert_eq!(throttle_limit(&opts(None)).unwrap(), 8);
        assert_eq!(throttle_limit(&opts(Some(1))).unwrap(), 1);
        assert_eq!(throttle_limit(&opts(Some(32))).unwrap(), 32);
        for bad in [0, 33, 1000] {
            let e = throttle_limit(&opts(Some(bad))).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            assert!(e.to_string().contains("1 to 32"), "{e}");
        }
    }

    #[test]
    fn immutable_prefix_wins_over_the_flags() {
        // Created after 2026-07-15: the flag reads false, the prefix has IDs.
        assert!(is_immutable(Some("repo:o@1/r@2"), Some(false), None));
        // Opted in but the prefix (authoritative) is still the name form.
        assert!(!is_immutable(Some("repo:o/r"), Some(true), Some(true)));
        // No prefix: the repository's flag, then the organization's.
        assert!(is_immutable(None, None, Some(true)));
        assert!(!is_immutable(None, Some(false), Some(true)));
        assert!(!is_immutable(Some("  "), None, None));
    }

    fn listed(name: &str) -> ListedRepository {
        serde_json::from_value(serde_json::json!({
            "id": 42, "name": name, "owner": {"login": "Octo", "id": 7}, "private": true
        }))
        .unwrap()
    }

    fn repo_t(use_default: Option<bool>, keys: Option<&[&str]>, prefix: Option<&str>) -> Template {
        Template {
            owner: "Octo".into(),
            repository: Some("r".into()),
            use_default,
            include_claim_keys: keys.map(|k| k.iter().map(|s| s.to_string()).collect()),
            sub_claim_prefix: prefix.map(str::to_string),
            customized: true,
            ..Default::default()
        }
    }

    #[test]
    fn sources_and_effective_keys() {
        let org = Template {
            owner: "Octo".into(),
            include_claim_keys: Some(vec!["repository_owner_id".into(), "context".into()]),
            use_immutable_subject: Some(true),
            customized: true,
            ..Default::default()
        };
        let l = listed("r");
        let s = repository_state(&l, &repo_t(Some(true), None, Some("repo:Octo/r")), Some(&org));
        assert_eq!(
            (s.source, s.include_claim_keys.clone()),
            (
                TemplateSource::Default,
                vec!["repo".to_string(), "context".to_string()]
            )
        );
        assert_eq!(s.own_claim_keys, None);
        assert!(!s.immutable, "the prefix wins over the organization's flag");
        assert_eq!(s.visibility, "private");
        assert_eq!(s.legacy_prefix, "repo:Octo/r");
        assert_eq!(s.immutable_prefix, "repo:Octo@7/r@42");
        let s = repository_state(&l, &repo_t(Some(false), None, None), Some(&org));
        assert_eq!(s.source, TemplateSource::Organization);
        assert_eq!(s.include_claim_keys, vec!["repository_owner_id", "context"]);
        assert!(s.immutable, "no prefix: the organization's flag");
        let s = repository_state(
            &l,
            &repo_t(Some(false), Some(&["repo", "job_workflow_ref"]), None),
            Some(&org),
        );
        assert_eq!(s.source, TemplateSource::Repository);
        assert_eq!(
            s.own_claim_keys.as_deref(),
            Some(&["repo".to_string(), "job_workflow_ref".to_string()][..])
        );
        // Opted in to an organization that never customised (or no organization): default.
        let plain = Template {
            customized: false,
            ..org.clone()
        };
        assert_eq!(
            repository_state(&l, &repo_t(Some(false), None, None), Some(&plain)).source,
            TemplateSource::Default
        );
        assert_eq!(
            repository_state(&l, &repo_t(Some(false), None, None), None).source,
            TemplateSource::Default
        );
        // The same rule as the single-repository preview.
        assert_eq!(
            decide_keys(Some(false), None, Some(&org)),
            (
                vec!["repository_owner_id".to_string(), "context".to_string()],
                Source::Organization
            )
        );
    }

    /// The owner whose run's task panics (test-only hook): reading its repository at listing
    /// index [`PANIC_AT`] panics.
    const PANIC_OWNER: &str = "panics-in-tests";
    const PANIC_AT: usize = 3;

    pub(super) fn maybe_panic(owner: &str, index: usize) {
        if owner.eq_ignore_ascii_case(PANIC_OWNER) && index == PANIC_AT {
            panic!("a test-only panic at repository {index}");
        }
    }

    /// A run on the fake with `count` repositories for `owner`, one request at a time.
    fn fake_run(owner: &str, count: u64) -> (fake_github::BlockingServer, Vec<String>, FleetRun) {
        let s = fake_github::spawn_blocking_server(None).unwrap();
        let control = |method: reqwest::Method, path: &str, body: serde_json::Value| {
            let url = s.url(path);
            http::block_on(async move {
                let resp = reqwest::Client::new()
                    .request(method, url)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert!(resp.status().is_success());
                resp.json::<serde_json::Value>().await.unwrap_or_default()
            })
        };
        let answer = control(
            reqwest::Method::POST,
            "/_fake/orgs",
            serde_json::json!({"org": owner, "count": count, "seed": 1}),
        );
        // Slow reads, so that the run is still going when a test ends its task.
        control(
            reqwest::Method::PUT,
            "/_fake/latency",
            serde_json::json!({"ms": 50, "path_prefix": "/repos/"}),
        );
        let names = answer["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect();
        let ctx = Context::resolve(&crate::ContextOptions {
            host_name: Some("github.com".into()),
            api_base_uri: Some(s.base_url.clone()),
            issuer_uri: Some(s.base_url.clone()),
            token: Some("test-admin-token".into()),
            ..Default::default()
        })
        .unwrap();
        let options = InventoryOptions {
            owner: owner.into(),
            throttle_limit: Some(1),
            ..Default::default()
        };
        let run = FleetRun::start(ctx, options).unwrap();
        (s, names, run)
    }

    /// Every batch until `done` (or the run's error), within 20 seconds.
    fn drain(run: &FleetRun) -> (Vec<FleetItem>, Option<Error>) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut items = Vec::new();
        loop {
            assert!(Instant::now() < deadline, "the run never ended: {items:?}");
            let b = run.next(MAX_WAIT, 1000);
            items.extend(b.items);
            if b.done {
                return (items, b.error);
            }
        }
    }

    /// Each listed repository exactly once: as a state, or as a failure whose error says the run
    /// stopped.
    fn assert_every_repository_once(names: &[String], items: &[FleetItem], failed_with: &str) {
        let mut seen: Vec<String> = items
            .iter()
            .map(|i| match (&i.state, &i.failure) {
                (Some(s), None) => s.repository.clone(),
                (None, Some(f)) => {
                    assert_eq!(f.error.kind, "Internal", "{f:?}");
                    assert!(f.error.message.contains(failed_with), "{f:?}");
                    assert!(f.error.message.contains(&f.repository), "{f:?}");
                    f.repository.clone()
                }
                other => panic!("not one of state and failure: {other:?}"),
            })
            .collect();
        seen.sort();
        let mut want = names.to_vec();
        want.sort();
        assert_eq!(seen, want, "every repository reported once");
    }

    #[test]
    fn a_panicking_run_reports_every_unread_repository_and_ends() {
        let (_s, names, run) = fake_run(PANIC_OWNER, 8);
        let (items, error) = drain(&run);
        let error = error.expect("the run fails as a whole");
        assert_eq!(error.kind(), ErrorKind::Internal);
        assert!(error.to_string().contains("test-only panic"), "{error}");
        assert!(
            items.iter().filter(|i| i.failure.is_some()).count() >= 1,
            "the panicking repository is a failure: {items:?}"
        );
        assert_every_repository_once(&names, &items, "stopped before");
        assert!(run.finished());
        assert!(run.with_inventory(|_| ()).is_err(), "no partial inventory");
        // Once over, it stays over: no more items, no endless empty batches.
        let again = run.next(Duration::from_millis(10), 10);
        assert!(again.done && again.items.is_empty() && again.error.is_none());
    }

    #[test]
    fn a_task_that_ends_without_finishing_ends_the_run() {
        let (_s, names, run) = fake_run("ends-early", 40);
        // Let a few repositories be read, then end the task as a dropped runtime would.
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut items = Vec::new();
        while items.len() < 2 {
            assert!(Instant::now() < deadline);
            items.extend(run.next(MAX_WAIT, 2).items);
        }
        lock(&run.task).as_ref().unwrap().abort();
        let (rest, error) = drain(&run);
        items.extend(rest);
        let error = error.expect("the run fails as a whole");
        assert!(error.to_string().contains("ended unexpectedly"), "{error}");
        // The listing may not have finished: every repository it listed is reported.
        let listed: Vec<String> = items
            .iter()
            .map(|i| {
                i.state.as_ref().map_or_else(
                    || i.failure.as_ref().unwrap().repository.clone(),
                    |s| s.repository.clone(),
                )
            })
            .collect();
        assert!(listed.len() >= 2 && listed.len() <= names.len());
        assert_every_repository_once(&listed, &items, "stopped before");
    }
}
