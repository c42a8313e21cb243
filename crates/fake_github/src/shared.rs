//! Shared server state: the data model, the request log, pending faults and counters.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::state::State;

/// One request as seen by the server (control-API requests are not recorded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// Path as received (including any `/api/v3` prefix), without the query.
    pub path: String,
    /// Raw query string without `?`, `None` when the URL had none.
    pub query: Option<String>,
    /// Headers, names lower-cased; repeated headers are joined with `", "`.
    pub headers: BTreeMap<String, String>,
    /// The body parsed as JSON, `None` when empty or not JSON.
    pub body: Option<serde_json::Value>,
    /// The body as (lossy UTF-8) text.
    pub raw_body: String,
    /// Which listener received it: `"main"`, or `"redirect"` for the second listener that
    /// redirect faults point to (a different port, so a different origin).
    #[serde(default = "main_listener")]
    pub listener: String,
    /// Requests in flight on the server when this one arrived, itself included.
    #[serde(default)]
    pub in_flight: u64,
    /// When it arrived, milliseconds since the Unix epoch.
    #[serde(default)]
    pub received_ms: u64,
}

fn main_listener() -> String {
    MAIN_LISTENER.to_owned()
}

/// [`RecordedRequest::listener`] of the server's own port.
pub const MAIN_LISTENER: &str = "main";
/// [`RecordedRequest::listener`] of the redirect target (see [`FaultKind::Redirect`]).
pub const REDIRECT_LISTENER: &str = "redirect";

impl RecordedRequest {
    /// Case-insensitive header lookup.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
}

/// What a [`Fault`] does instead of the real handler. Serialized in `snake_case`
/// (`"kind": "reset"`); the status a fault answers with defaults per kind when the JSON has no
/// `status` (see [`FaultKind::default_status`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` with `body`, or with a GitHub-style error JSON (the secondary or primary
    /// rate-limit message for 429 / 403 with `retry_after` / `ratelimit_reset_in`).
    #[default]
    Status,
    /// Send the status line, the headers and the first half of the body (the real handler's
    /// answer, or `body`) with its full `Content-Length`, then reset the connection (TCP RST).
    Reset,
    /// Never answer: the request is read and logged, then nothing is sent until the client
    /// gives up (or the server stops).
    Hang,
    /// Like [`FaultKind::Reset`], but the connection is closed normally (FIN) after the first half:
    /// the body is shorter than its `Content-Length`.
    Truncate,
    /// `status` (200) with `Content-Type: application/json` and a body that is not JSON.
    NotJson,
    /// `status` (200) with valid JSON of the wrong shape: an object whose known fields have the
    /// wrong types (`include_claim_keys: 42`, `use_default: "maybe"`, `keys: "none"`, …).
    WrongShape,
    /// `status` (200) with GitHub's HTML error page (`Content-Type: text/html`).
    Html,
    /// `status` (200) with a JSON body of `size` bytes (default 50 MiB), generated while it is
    /// sent (never held in memory); with `chunked` there is no `Content-Length`.
    Huge,
    /// `status` (302; 301, 307 and 308 work too) with `Location: location`, or, without
    /// `location`, the same path and query on the server's second listener (a different port,
    /// so a different origin; see [`crate::FakeGitHub::redirect_target`]).
    Redirect,
}

impl FaultKind {
    /// The status a fault of this kind answers with when none is given: 500 for
    /// [`FaultKind::Status`], 302 for [`FaultKind::Redirect`], 200 otherwise.
    pub fn default_status(self) -> u16 {
        match self {
            FaultKind::Status => 500,
            FaultKind::Redirect => 302,
            _ => 200,
        }
    }
}

/// Default size of a [`FaultKind::Huge`] body: 50 MiB.
pub const HUGE_BODY_DEFAULT: u64 = 50 * 1024 * 1024;

/// A scripted failure: the first matching fault with `times > 0` answers instead of the real
/// handler (after `delay_ms`), and `times` is decremented. The request is logged either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "FaultDef")]
pub struct Fault {
    /// What the fault does (default [`FaultKind::Status`]).
    pub kind: FaultKind,
    /// Method to match (case-insensitive); `None` matches any.
    pub method: Option<String>,
    /// Path prefix to match (against the raw path and the path without `/api/v3`); `None` = any.
    pub path_prefix: Option<String>,
    /// Status code to answer with (JSON default: [`FaultKind::default_status`]).
    pub status: u16,
    /// How many requests this fault still answers (JSON default 1).
    pub times: u32,
    /// Delay before answering, in milliseconds.
    pub delay_ms: u64,
    /// Value of a `retry-after` header (seconds).
    pub retry_after: Option<u64>,
    /// Primary rate limit: `x-ratelimit-reset` is set to now + this many seconds,
    /// `x-ratelimit-remaining` to 0 and `x-ratelimit-used` to the limit.
    pub ratelimit_reset_in: Option<u64>,
    /// Extra response headers (override the defaults).
    pub headers: Option<BTreeMap<String, String>>,
    /// Raw response body; when absent a GitHub-style error JSON is sent ([`FaultKind::Status`]),
    /// or the kind's own body.
    pub body: Option<String>,
    /// [`FaultKind::Huge`]: body size in bytes (default [`HUGE_BODY_DEFAULT`]).
    pub size: Option<u64>,
    /// [`FaultKind::Huge`]: stream without `Content-Length` (chunked transfer encoding).
    pub chunked: bool,
    /// [`FaultKind::Redirect`]: the `Location` to send (default: the second listener).
    pub location: Option<String>,
    /// A 403/429 with GitHub's secondary-limit message even without `retry-after`.
    pub secondary: bool,
    /// Answers every matching request for this many milliseconds from its first match
    /// (`times` is then not counted down).
    pub for_ms: Option<u64>,
    /// When a `for_ms` fault ends (set at its first match).
    #[serde(skip)]
    pub active_until: Option<std::time::Instant>,
}

/// The JSON form of [`Fault`]: every field optional.
#[derive(Deserialize)]
struct FaultDef {
    #[serde(default)]
    kind: FaultKind,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    path_prefix: Option<String>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    times: Option<u32>,
    #[serde(default)]
    delay_ms: u64,
    #[serde(default)]
    retry_after: Option<u64>,
    #[serde(default)]
    ratelimit_reset_in: Option<u64>,
    #[serde(default)]
    headers: Option<BTreeMap<String, String>>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    chunked: bool,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    secondary: bool,
    #[serde(default)]
    for_ms: Option<u64>,
}

impl From<FaultDef> for Fault {
    fn from(d: FaultDef) -> Self {
        Fault {
            kind: d.kind,
            method: d.method,
            path_prefix: d.path_prefix,
            status: d.status.unwrap_or(d.kind.default_status()),
            times: d.times.unwrap_or(1),
            delay_ms: d.delay_ms,
            retry_after: d.retry_after,
            ratelimit_reset_in: d.ratelimit_reset_in,
            headers: d.headers,
            body: d.body,
            size: d.size,
            chunked: d.chunked,
            location: d.location,
            secondary: d.secondary,
            for_ms: d.for_ms,
            active_until: None,
        }
    }
}

impl Fault {
    /// A fault answering `status` once, for any request.
    pub fn new(status: u16) -> Self {
        Fault {
            kind: FaultKind::Status,
            method: None,
            path_prefix: None,
            status,
            times: 1,
            delay_ms: 0,
            retry_after: None,
            ratelimit_reset_in: None,
            headers: None,
            body: None,
            size: None,
            chunked: false,
            location: None,
            secondary: false,
            for_ms: None,
            active_until: None,
        }
    }

    /// A fault of `kind` with the kind's default status, once, for any request.
    pub fn of(kind: FaultKind) -> Self {
        Fault {
            kind,
            ..Fault::new(kind.default_status())
        }
    }

    /// Connection reset (RST) after half the body.
    pub fn reset() -> Self {
        Fault::of(FaultKind::Reset)
    }

    /// No answer until the client gives up.
    pub fn hang() -> Self {
        Fault::of(FaultKind::Hang)
    }

    /// Body shorter than its `Content-Length`, then the connection closes.
    pub fn truncate() -> Self {
        Fault::of(FaultKind::Truncate)
    }

    /// 200 with a body that is not JSON.
    pub fn not_json() -> Self {
        Fault::of(FaultKind::NotJson)
    }

    /// 200 with JSON of the wrong shape.
    pub fn wrong_shape() -> Self {
        Fault::of(FaultKind::WrongShape)
    }

    /// 200 with an HTML error page.
    pub fn html() -> Self {
        Fault::of(FaultKind::Html)
    }

    /// 200 with a JSON body of `size` bytes, streamed.
    pub fn huge(size: u64) -> Self {
        Fault {
            size: Some(size),
            ..Fault::of(FaultKind::Huge)
        }
    }

    /// A `status` redirect to the second listener (or to [`Fault::location`]).
    pub fn redirect(status: u16) -> Self {
        Fault {
            status,
            ..Fault::of(FaultKind::Redirect)
        }
    }

    /// Answer with this status.
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Only match this method.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }

    /// Only match paths starting with `prefix`.
    pub fn path_prefix(mut self, prefix: &str) -> Self {
        self.path_prefix = Some(prefix.to_owned());
        self
    }

    /// Answer this many requests.
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Wait before answering.
    pub fn delay_ms(mut self, delay_ms: u64) -> Self {
        self.delay_ms = delay_ms;
        self
    }

    /// Send a `retry-after` header.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Primary rate limit: `x-ratelimit-remaining: 0`, `x-ratelimit-reset` = now + `seconds`.
    pub fn ratelimit_reset_in(mut self, seconds: u64) -> Self {
        self.ratelimit_reset_in = Some(seconds);
        self
    }

    /// Add a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .get_or_insert_with(BTreeMap::new)
            .insert(name.to_owned(), value.to_owned());
        self
    }

    /// Send this raw body.
    pub fn body(mut self, body: &str) -> Self {
        self.body = Some(body.to_owned());
        self
    }

    /// A 403/429 with GitHub's secondary-limit message, also without `retry-after`.
    pub fn secondary(mut self) -> Self {
        self.secondary = true;
        self
    }

    /// Answers every matching request for `ms` milliseconds from its first match.
    pub fn for_ms(mut self, ms: u64) -> Self {
        self.for_ms = Some(ms);
        self
    }

    /// [`FaultKind::Huge`] without `Content-Length`.
    pub fn chunked(mut self) -> Self {
        self.chunked = true;
        self
    }

    /// [`FaultKind::Redirect`] to this URL.
    pub fn location(mut self, url: &str) -> Self {
        self.location = Some(url.to_owned());
        self
    }

    fn matches(&self, method: &str, path: &str, api_path: &str) -> bool {
        self.times > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| path.starts_with(p) || api_path.starts_with(p))
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    state: Mutex<State>,
    log: Mutex<Vec<RecordedRequest>>,
    faults: Mutex<Vec<Fault>>,
    request_counter: AtomicU64,
    pub(crate) rate_used: AtomicU64,
    /// GETs answered `304 Not Modified` (`src/etag.rs`).
    pub(crate) not_modified: AtomicU64,
    pub(crate) rate_reset: u64,
    pub(crate) shutdown: watch::Sender<bool>,
    pub(crate) local_addr: std::sync::OnceLock<std::net::SocketAddr>,
    /// The second listener redirect faults point to, started on first use.
    pub(crate) redirect_addr: Mutex<Option<std::net::SocketAddr>>,
    /// The runtime the server runs on (to start the second listener from any thread).
    pub(crate) runtime: std::sync::OnceLock<tokio::runtime::Handle>,
    /// Fleet controls: latency, concurrency counter, configured rate limit.
    pub(crate) fleet: crate::fleet::FleetCtl,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub(crate) fn new(state: State) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Shared {
            state: Mutex::new(state),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            request_counter: AtomicU64::new(0),
            rate_used: AtomicU64::new(0),
            not_modified: AtomicU64::new(0),
            rate_reset: now + 3600,
            shutdown: watch::channel(false).0,
            local_addr: std::sync::OnceLock::new(),
            redirect_addr: Mutex::new(None),
            runtime: std::sync::OnceLock::new(),
            fleet: crate::fleet::FleetCtl::default(),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(crate) fn set_state(&self, state: State) {
        *lock(&self.state) = state;
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.log).clone()
    }

    pub(crate) fn record(&self, req: RecordedRequest) {
        lock(&self.log).push(req);
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.log).clear();
    }

    pub(crate) fn faults(&self) -> Vec<Fault> {
        lock(&self.faults).clone()
    }

    pub(crate) fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.faults).extend(faults);
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    /// Takes (and consumes one use of) the first fault matching the request.
    pub(crate) fn take_fault(&self, method: &str, path: &str, api_path: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let now = std::time::Instant::now();
        // A timed fault whose time is up is gone.
        faults.retain(|f| f.active_until.is_none_or(|u| now < u));
        let idx = faults.iter().position(|f| f.matches(method, path, api_path))?;
        if let Some(ms) = faults[idx].for_ms {
            let f = &mut faults[idx];
            f.active_until
                .get_or_insert(now + std::time::Duration::from_millis(ms));
            return Some(f.clone());
        }
        let fault = faults[idx].clone();
        faults[idx].times -= 1;
        if faults[idx].times == 0 {
            faults.remove(idx);
        }
        Some(fault)
    }

    pub(crate) fn reset(&self) {
        self.set_state(State::seed());
        self.clear_requests();
        self.clear_faults();
        self.fleet.reset();
    }

    pub(crate) fn next_request_id(&self) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed) + 1;
        format!(
            "FAKE:{:04X}:{:06X}:{:08X}:{:08X}",
            std::process::id() & 0xFFFF,
            n,
            n * 7919,
            n
        )
    }

    pub(crate) fn trigger_shutdown(&self) {
        self.shutdown.send_replace(true);
    }
}
