//! HTTP: one process-wide tokio runtime, one pooled `reqwest` client, GitHub's headers,
//! bounded timeouts, bounded answers and retries.
//!
//! Retry policy (after reqwest-retry's classification and octocrab's rate-limit rules):
//! - connect errors and timeouts, 5xx, 408, 429, and 403 responses that are rate limits (a
//!   `retry-after` header, `x-ratelimit-remaining: 0`, or a message about a rate limit, as
//!   secondary limits may have no headers) are transient and retried up to
//!   `Context::max_retries` times; every other 4xx is returned at once;
//! - what may be resent depends on the method. A GET is retried after any of the above, and
//!   also when its answer breaks off mid-body. A PUT sets the whole resource, so it may be
//!   resent after a timeout, a reset or a transient status. A POST or DELETE is resent only
//!   when the failure proves it was not applied: the connection could not be made, or GitHub
//!   refused it as a rate limit (429, a rate-limited 403) or with a 503 that carries
//!   `retry-after`;
//! - a write answered with a 2xx status is never sent again, whatever its body (an answer that
//!   breaks off, is not JSON or is too large is an error that says the write was applied);
//! - the wait is `retry-after` seconds, else the time until `x-ratelimit-reset` when the
//!   remaining budget is 0, else one minute for a secondary limit (403 or 429) without those
//!   headers (GitHub's advice), else exponential backoff (250 ms, 500 ms, 1 s, … capped);
//! - a wait longer than `Context::max_retry_wait` is not slept: the error is returned (in a
//!   gated run, the gate decides instead, see below).
//!
//! Every attempt is bounded by `Context::timeout` from connecting to the last body byte, so a
//! server that never answers costs at most `timeout × (max_retries + 1)` plus the backoff
//! waits per request. Answers larger than [`MAX_RESPONSE_BYTES`] are refused as
//! [`Error::UnexpectedResponse`] without being read whole: by their `Content-Length`, or while
//! a chunked body is counted. Redirects are never followed (a 3xx is an
//! [`Error::UnexpectedResponse`] naming the `Location` host), so the token never leaves the
//! host it was meant for.
//!
//! Authentication is the request's own choice ([`Auth`]): none, or a bearer the transport puts
//! in the `Authorization` header. A request that names the context's credentials is first
//! given its bearer by [`crate::auth`] (the token, or a GitHub App installation token); this
//! module never looks at credentials.
//!
//! Pacing: every authenticated attempt first takes its points (GET 1, else 5) from its
//! credential's budget of 900 a minute ([`crate::budget`]), GitHub's documented secondary limit.
//! In a gated run (fleets), a rate limit pauses the whole run instead of one request, does not
//! use up `max_retries`, and stops the run when GitHub asks for a longer wait than the run's
//! own budget ([`Gate`]).
//!
//! Conditional requests: a GET carries the validators kept from its last answer, and a `304 Not
//! Modified` is that answer ([`crate::conditional`]: `decorate`, `not_modified`, `store`).
//!
//! The client comes from [`crate::network`]: one per proxy / certificate setting, so proxies
//! and certificate authorities set in the caller's session apply. TLS trusts the operating
//! system's store plus those authorities. Tokens only ever go into the `Authorization`
//! header; URLs and errors never contain them.

use crate::budget;
use crate::context::Context;
use crate::error::{ApiError, Error, Result};
use crate::models::ErrorBody;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use std::sync::LazyLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The largest answer read from any server (API responses, discovery documents, JWKS): 8 MiB.
/// GitHub's answers for these endpoints are a few KiB.
pub const MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

/// The REST API version this client speaks.
pub const API_VERSION: &str = "2022-11-28";
/// The `User-Agent` sent with every request.
pub static USER_AGENT: LazyLock<String> =
    LazyLock::new(|| format!("GitHubOidc/{} (+PowerShell module)", crate::VERSION));

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("github-oidc")
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
});

/// Runs a future to completion on the process-wide runtime.
///
/// Callable from any thread that is not itself a runtime worker (the ABI and tests).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    RUNTIME.block_on(f)
}

/// A successful response: status, URL and parsed body (`Null` for an empty body).
#[derive(Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// The request URL.
    pub url: String,
    /// Body as JSON, `Null` when empty.
    pub body: serde_json::Value,
    /// The response headers (`Link`, `x-ratelimit-*`, …).
    pub headers: HeaderMap,
    /// GitHub answered `304 Not Modified`: the body is the kept answer ([`crate::conditional`]).
    pub from_cache: bool,
}

impl Response {
    /// The body as a typed model; a body of another shape is an
    /// [`Error::UnexpectedResponse`] naming the URL and serde's message.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        T::deserialize(&self.body).map_err(|e| Error::UnexpectedResponse {
            url: self.url.clone(),
            message: format!("the body does not have the expected shape ({e})"),
        })
    }
}

/// Who a request authenticates as: the request's choice, which the transport honours.
#[derive(Clone)]
pub enum Auth {
    /// No `Authorization` header (discovery documents, key sets).
    Anonymous,
    /// The context's credentials: [`crate::auth::send`] gives the request its bearer (a token or
    /// an installation token) before the transport sends it.
    Context,
    /// This bearer (an installation token, a GitHub App JWT, a runner's request token).
    Bearer(SecretString),
}

/// A request to send.
#[derive(Clone)]
pub struct Request<'a> {
    /// HTTP method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// JSON body.
    pub body: Option<serde_json::Value>,
    /// Who the request authenticates as.
    pub auth: Auth,
    /// Timeouts and retry budget come from here.
    pub ctx: &'a Context,
    /// `X-GitHub-Api-Version` for this request; `None` = [`API_VERSION`].
    pub api_version: Option<&'static str>,
    /// The account the request acts for, when the caller knows it (a fleet run knows its
    /// owner from the start): a GitHub App context acts as its installation there, whatever
    /// the URL looks like (`Link` URLs in ID form, `/installation/…`). `None` = read the owner
    /// from the URL.
    pub owner: Option<String>,
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250u64.saturating_mul(1 << attempt.min(8)))
}

fn header_u64(h: &HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The wait GitHub asked for, in seconds, from `retry-after` (seconds or HTTP date) or
/// `x-ratelimit-reset` when the remaining budget is 0.
fn requested_wait(h: &HeaderMap) -> Option<u64> {
    if let Some(v) = h.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        if let Ok(secs) = v.trim().parse::<u64>() {
            return Some(secs);
        }
        if let Ok(when) = httpdate::parse_http_date(v.trim()) {
            return Some(
                when.duration_since(SystemTime::now())
                    .map(|d| d.as_secs())
                    .unwrap_or(0),
            );
        }
    }
    if header_u64(h, "x-ratelimit-remaining") == Some(0) {
        let reset = header_u64(h, "x-ratelimit-reset")?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        return Some(reset.saturating_sub(now) + 1);
    }
    None
}

fn is_rate_limited(status: StatusCode, h: &HeaderMap, message: &str) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || (status == StatusCode::FORBIDDEN
            && (h.contains_key(RETRY_AFTER)
                || header_u64(h, "x-ratelimit-remaining") == Some(0)
                || message.to_ascii_lowercase().contains("rate limit")))
}

/// Whether an error status is worth retrying: 5xx, 408 Request Timeout (as reqwest-retry
/// classifies it) and rate limits.
fn is_transient(status: StatusCode, rate_limited: bool) -> bool {
    status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT || rate_limited
}

/// GitHub's advice for a secondary rate limit that names no wait: at least one minute.
const SECONDARY_LIMIT_WAIT_SECS: u64 = 60;

fn parse_error(method: &Method, url: &str, status: StatusCode, h: &HeaderMap, body: &[u8]) -> ApiError {
    // A body that is not a GitHub error object still gives a useful error: the reason phrase.
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let message = parsed
        .message
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
    let errors = parsed.errors.iter().map(ToString::to_string).collect();
    let rate_limited = is_rate_limited(status, h, &message);
    // GitHub: a secondary limit (403 or 429) without `retry-after` or a spent primary budget
    // asks for at least one minute.
    let retry_after_secs = requested_wait(h).or_else(|| rate_limited.then_some(SECONDARY_LIMIT_WAIT_SECS));
    ApiError {
        status: status.as_u16(),
        method: method.to_string(),
        url: url.to_string(),
        message,
        documentation_url: parsed.documentation_url,
        errors,
        accepted_permissions: h
            .get("x-accepted-github-permissions")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        required_permission: None,
        rate_limited,
        retry_after_secs,
    }
}

/// Whether the method may be resent after a failure that does not prove the request was not
/// applied (a timeout, a reset, a 5xx): GET and HEAD read, PUT replaces the whole resource.
fn resendable(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT)
}

/// Whether an error answer proves the request was not applied, so that even a POST or DELETE
/// may be resent: a rate limit (429, a rate-limited 403), or a 503 that names a `retry-after`.
fn proves_not_applied(status: StatusCode, h: &HeaderMap, rate_limited: bool) -> bool {
    rate_limited || (status == StatusCode::SERVICE_UNAVAILABLE && h.contains_key(RETRY_AFTER))
}

/// What to do after one attempt.
enum Attempt {
    Done(Result<Response>),
    /// Retry after this wait, if the budget allows; otherwise return the error.
    Retry(Duration, Error),
}

/// The `Location` of a redirect, as `host[:port]`, resolved against the request URL.
fn location_host(url: &str, h: &HeaderMap) -> String {
    h.get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|loc| reqwest::Url::parse(url).ok()?.join(loc).ok())
        .and_then(|u| {
            let host = u.host_str()?.to_string();
            Some(match u.port() {
                Some(p) => format!("{host}:{p}"),
                None => host,
            })
        })
        .unwrap_or_else(|| "an unnamed location".to_string())
}

fn too_large(url: &str, size: Option<u64>) -> Error {
    let size = size.map_or_else(|| "more than".to_string(), |n| format!("{n} bytes,"));
    Error::UnexpectedResponse {
        url: url.to_string(),
        message: format!(
            "the answer is {size} over the {} MiB limit; it was not read",
            MAX_RESPONSE_BYTES / (1024 * 1024)
        ),
    }
}

/// Reads a body chunk by chunk, refusing it as soon as it passes [`MAX_RESPONSE_BYTES`].
async fn read_capped(url: &str, resp: &mut reqwest::Response) -> std::result::Result<Vec<u8>, ReadFailure> {
    if resp.content_length().is_some_and(|n| n > MAX_RESPONSE_BYTES) {
        return Err(ReadFailure::TooLarge(too_large(url, resp.content_length())));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(ReadFailure::Io)? {
        if (bytes.len() + chunk.len()) as u64 > MAX_RESPONSE_BYTES {
            return Err(ReadFailure::TooLarge(too_large(url, None)));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

enum ReadFailure {
    TooLarge(Error),
    Io(reqwest::Error),
}

async fn attempt(req: &Request<'_>, bearer: Option<&SecretString>, attempt: u32) -> Attempt {
    let ctx = req.ctx;
    let client = match crate::network::client(&ctx.network) {
        Ok(c) => c,
        Err(e) => return Attempt::Done(Err(e)),
    };
    let mut builder = client
        .request(req.method.clone(), &req.url)
        .timeout(ctx.timeout)
        .header(ACCEPT, "application/vnd.github+json")
        .header("X-GitHub-Api-Version", req.api_version.unwrap_or(API_VERSION));
    if let Some(token) = bearer {
        let Ok(mut value) = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())) else {
            return Attempt::Done(Err(Error::invalid(
                "The token contains characters that cannot be sent in a header.",
            )));
        };
        value.set_sensitive(true);
        builder = builder.header(AUTHORIZATION, value);
    }
    if let Some(body) = &req.body {
        builder = builder.json(body);
    }
    let (builder, validators) = crate::conditional::decorate(req, bearer, builder);
    let network = |message: String, source: reqwest::Error| Error::Network {
        method: req.method.to_string(),
        url: req.url.clone(),
        message,
        source: Some(source),
    };
    let mut resp = match builder.send().await {
        Ok(resp) => resp,
        Err(e) => {
            let mut message = if e.is_timeout() {
                format!("timed out after {:.0} s", ctx.timeout.as_secs_f64())
            } else {
                without_url(&e)
            };
            match ctx.network.proxy_for(&req.url) {
                Some(proxy) => message.push_str(&format!(" (through the proxy {proxy})")),
                None => message.push_str(" (direct, no proxy)"),
            }
            // A connection that was never made proves nothing was sent; anything later
            // (a timeout, a reset) may have reached the server.
            let retry = e.is_connect() || (resendable(&req.method) && (e.is_timeout() || e.is_request()));
            let err = network(message, e);
            return if retry {
                Attempt::Retry(backoff(attempt), err)
            } else {
                Attempt::Done(Err(err))
            };
        }
    };
    let status = resp.status();
    let headers = resp.headers().clone();
    if let Some(kept) = crate::conditional::not_modified(&validators, &req.url, status, &headers) {
        return Attempt::Done(Ok(kept));
    }
    if status.is_redirection() {
        return Attempt::Done(Err(Error::UnexpectedResponse {
            url: req.url.clone(),
            message: format!(
                "the server answered {} with a redirect to {}; redirects are not followed, so the request was not sent there",
                status.as_u16(),
                location_host(&req.url, &headers)
            ),
        }));
    }
    let applied = if status.is_success() && !matches!(req.method, Method::GET | Method::HEAD) {
        format!(
            " (GitHub answered {}: the {} was applied)",
            status.as_u16(),
            req.method
        )
    } else {
        String::new()
    };
    let bytes = match read_capped(&req.url, &mut resp).await {
        Ok(b) => b,
        Err(ReadFailure::TooLarge(Error::UnexpectedResponse { url, message })) => {
            return Attempt::Done(Err(Error::UnexpectedResponse {
                url,
                message: format!("{message}{applied}"),
            }))
        }
        Err(ReadFailure::TooLarge(e)) => return Attempt::Done(Err(e)),
        Err(ReadFailure::Io(e)) => {
            let what = if e.is_timeout() {
                format!("timed out after {:.0} s", ctx.timeout.as_secs_f64())
            } else {
                without_url(&e)
            };
            let err = network(format!("reading the response failed: {what}{applied}"), e);
            // Only a read is sent again: a write's answer was cut after it was applied.
            return if matches!(req.method, Method::GET | Method::HEAD) {
                Attempt::Retry(backoff(attempt), err)
            } else {
                Attempt::Done(Err(err))
            };
        }
    };
    if status.is_success() {
        let body = if bytes.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Null
        } else {
            match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(e) => {
                    let what = if headers
                        .get(reqwest::header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html"))
                    {
                        "an HTML page, not JSON".to_string()
                    } else {
                        format!("not valid JSON ({e})")
                    };
                    return Attempt::Done(Err(Error::UnexpectedResponse {
                        url: req.url.clone(),
                        message: format!("the body is {what}{applied}"),
                    }));
                }
            }
        };
        return Attempt::Done(Ok(crate::conditional::store(
            &validators,
            Response {
                status: status.as_u16(),
                url: req.url.clone(),
                body,
                headers,
                from_cache: false,
            },
        )));
    }
    let err = parse_error(&req.method, &req.url, status, &headers, &bytes);
    let retry = if resendable(&req.method) {
        is_transient(status, err.rate_limited)
    } else {
        proves_not_applied(status, &headers, err.rate_limited)
    };
    if !retry {
        return Attempt::Done(Err(Error::Api(Box::new(err))));
    }
    let wait = err
        .retry_after_secs
        .map(Duration::from_secs)
        .unwrap_or_else(|| backoff(attempt));
    Attempt::Retry(wait, Error::Api(Box::new(err)))
}

/// The most rate-limit pauses one request of a gated run waits through before it fails.
pub const MAX_RATE_LIMIT_RETRIES: u32 = 20;

/// Waits until the attempt may be sent: the gate (a shared pause, a stopped run), then the
/// points budget of the credential ([`crate::budget`]). Points taken while the gate started a
/// pause are given back and the attempt waits at the gate again.
async fn admit(req: &Request<'_>, key: Option<&budget::Key>, gate: Option<&dyn Gate>) -> Result<()> {
    let points = budget::cost(&req.method);
    loop {
        if let Some(g) = gate {
            g.before_attempt().await?;
        }
        let Some(key) = key else { return Ok(()) };
        let write_gap = (!matches!(req.method, Method::GET | Method::HEAD))
            .then_some(req.ctx.write_interval)
            .filter(|gap| !gap.is_zero());
        match budget::take(key, points, req.ctx.points_per_minute, write_gap) {
            Ok(()) if gate.is_some_and(|g| g.held()) => budget::refund(key, points),
            Ok(()) => return Ok(()),
            Err(wait) => {
                if let Some(g) = gate {
                    g.pacing(wait);
                }
                // Short sleeps: a pause or a stop of the run is seen at the gate soon.
                tokio::time::sleep(wait.min(Duration::from_millis(250))).await;
            }
        }
    }
}

/// Sends a request as its [`Auth`] says, with GitHub's headers, retrying transient failures
/// (see the module's policy): the one retry loop of every request. Every attempt with a bearer
/// first takes its points from the credential's budget ([`crate::budget`]). With a `gate`,
/// every attempt first passes it, and a rate limit is the gate's shared pause: it does not use
/// up `max_retries` and is not bounded by `max_retry_wait` but by the gate (which stops the run
/// when GitHub asks for a longer wait than the run's budget). A request for the context's
/// credentials ([`Auth::Context`]) goes through [`crate::auth::send`], which gives it its bearer.
pub async fn send(req: &Request<'_>, gate: Option<&dyn Gate>) -> Result<Response> {
    let bearer = match &req.auth {
        Auth::Anonymous => None,
        Auth::Bearer(b) => Some(b),
        Auth::Context => {
            return Err(Error::Internal(
                "a request for the context's credentials reached the transport without a bearer (send it through auth::send)".into(),
            ))
        }
    };
    let ctx = req.ctx;
    let key = bearer.map(|b| budget::Key::new(ctx.api_base_uri.as_str(), b.expose_secret()));
    let mut n = 0u32;
    let mut paused = 0u32;
    loop {
        admit(req, key.as_ref(), gate).await?;
        if let Some(g) = gate {
            g.sending();
        }
        let outcome = attempt(req, bearer, n).await;
        if let Some(key) = key
            .as_ref()
            .filter(|_| !matches!(req.method, Method::GET | Method::HEAD))
        {
            budget::wrote(key);
        }
        if let Some(g) = gate {
            match &outcome {
                Attempt::Done(Ok(r)) => g.answered(Some(&r.headers)),
                _ => g.answered(None),
            }
        }
        match outcome {
            Attempt::Done(result) => return result,
            Attempt::Retry(wait, err) => match gate {
                Some(g) if err.api().is_some_and(|a| a.rate_limited) => {
                    paused += 1;
                    if paused > MAX_RATE_LIMIT_RETRIES {
                        return Err(err);
                    }
                    g.pause(wait, &err)?;
                }
                _ => {
                    if n >= ctx.max_retries || wait > ctx.max_retry_wait {
                        return Err(err);
                    }
                    n += 1;
                    tokio::time::sleep(wait).await;
                }
            },
        }
    }
}

/// A gate every request of a run passes before each attempt (see [`send_gated`]): it may hold
/// the request back (a shared rate-limit pause, pacing) or refuse it (the run stopped), and it
/// hears of every answer.
pub trait Gate: Send + Sync {
    /// Waits until the next attempt may be sent; an error when the run stopped (a rate limit
    /// longer than its budget): the attempt is not sent.
    fn before_attempt(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + '_>>;
    /// Whether the run is paused right now (checked again after waiting for points).
    fn held(&self) -> bool {
        false
    }
    /// An attempt waits this long for points of the credential's budget.
    fn pacing(&self, _wait: Duration) {}
    /// An attempt is about to be sent (after [`Gate::before_attempt`]).
    fn sending(&self) {}
    /// An attempt ended: the answer's headers when there was one.
    fn answered(&self, _headers: Option<&HeaderMap>) {}
    /// GitHub asked every request to wait (a 429 or a secondary / primary rate limit, `err`):
    /// the gate pauses the whole run for `wait`, instead of each request waiting on its own.
    /// An error when the wait is longer than the run may wait: the run stops.
    fn pause(&self, wait: Duration, err: &Error) -> Result<()>;
}

/// Spawns a future on the process-wide runtime (long runs that the caller polls).
pub fn spawn<F>(f: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    RUNTIME.spawn(f)
}

/// The error text with its source chain, without the URL (added by the caller).
fn without_url(e: &reqwest::Error) -> String {
    let mut msg = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&s.to_string());
        source = s.source();
    }
    if msg.is_empty() {
        msg = e.without_url_ref().to_string();
    }
    msg
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let s = self.to_string();
        match self.url() {
            Some(u) => s.replace(&format!(" for url ({u})"), ""),
            None => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_wins() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(requested_wait(&h), Some(7));
        assert!(is_rate_limited(StatusCode::FORBIDDEN, &h, ""));
        assert!(!is_rate_limited(
            StatusCode::FORBIDDEN,
            &HeaderMap::new(),
            "Resource not accessible"
        ));
        assert!(is_rate_limited(
            StatusCode::FORBIDDEN,
            &HeaderMap::new(),
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
        ));
    }

    #[test]
    fn reset_when_exhausted() {
        let mut h = HeaderMap::new();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_str(&(now + 30).to_string()).unwrap(),
        );
        let w = requested_wait(&h).unwrap();
        assert!((29..=32).contains(&w), "{w}");
    }

    #[test]
    fn transient_statuses() {
        assert!(is_transient(StatusCode::REQUEST_TIMEOUT, false));
        assert!(is_transient(StatusCode::BAD_GATEWAY, false));
        assert!(is_transient(StatusCode::FORBIDDEN, true));
        assert!(!is_transient(StatusCode::FORBIDDEN, false));
        assert!(!is_transient(StatusCode::NOT_FOUND, false));
        assert!(!is_transient(StatusCode::UNPROCESSABLE_ENTITY, false));
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        assert_eq!(backoff(0), Duration::from_millis(250));
        assert_eq!(backoff(2), Duration::from_millis(1000));
        assert!(backoff(50) <= Duration::from_secs(64));
    }
}
