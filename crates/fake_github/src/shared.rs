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
}

impl RecordedRequest {
    /// Case-insensitive header lookup.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
}

/// A scripted failure: the first matching fault with `times > 0` answers instead of the real
/// handler (after `delay_ms`), and `times` is decremented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Method to match (case-insensitive); `None` matches any.
    #[serde(default)]
    pub method: Option<String>,
    /// Path prefix to match (against the raw path and the path without `/api/v3`); `None` = any.
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Status code to answer with.
    #[serde(default = "default_status")]
    pub status: u16,
    /// How many requests this fault still answers.
    #[serde(default = "default_times")]
    pub times: u32,
    /// Delay before answering, in milliseconds.
    #[serde(default)]
    pub delay_ms: u64,
    /// Value of a `retry-after` header (seconds).
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Extra response headers (override the defaults).
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    /// Raw response body; when absent a GitHub-style error JSON is sent.
    #[serde(default)]
    pub body: Option<String>,
}

fn default_status() -> u16 {
    500
}

fn default_times() -> u32 {
    1
}

impl Fault {
    /// A fault answering `status` once, for any request.
    pub fn new(status: u16) -> Self {
        Fault {
            method: None,
            path_prefix: None,
            status,
            times: 1,
            delay_ms: 0,
            retry_after: None,
            headers: None,
            body: None,
        }
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
    pub(crate) rate_reset: u64,
    pub(crate) shutdown: watch::Sender<bool>,
    pub(crate) local_addr: std::sync::OnceLock<std::net::SocketAddr>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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
            rate_reset: now + 3600,
            shutdown: watch::channel(false).0,
            local_addr: std::sync::OnceLock::new(),
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
        let idx = faults.iter().position(|f| f.matches(method, path, api_path))?;
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
