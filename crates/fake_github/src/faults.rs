//! The answers of injected faults ([`crate::Fault`], [`crate::FaultKind`]): error statuses and
//! rate limits, bodies that are not what the client expects (not JSON, wrong shape, HTML, huge),
//! redirects, and connection-level faults (reset, truncated body, no answer).

use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::stream::{self, StreamExt};

use crate::conn::ConnCtl;
use crate::http::{error, json_response, REST_DOCS};
use crate::routes;
use crate::shared::{Fault, FaultKind, Shared, HUGE_BODY_DEFAULT};

/// Pause between the first half of a cut body and the cut, so the client has read the headers
/// and the first bytes when the connection ends.
const CUT_PAUSE: Duration = Duration::from_millis(50);
/// Size of the chunks a huge body is streamed in.
const CHUNK: usize = 64 * 1024;
static PADDING: [u8; CHUNK] = [b'a'; CHUNK];
/// GitHub's rate-limit documentation, as in its rate-limit errors.
const RATE_LIMIT_DOCS: &str = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api";
/// Default body of a [`FaultKind::NotJson`] fault.
pub(crate) const NOT_JSON_BODY: &str = "upstream connect error or disconnect/reset before headers. {not json";
/// Default body of a [`FaultKind::WrongShape`] fault: an object whose known fields (of every
/// route the fake serves) have the wrong types, so no route's answer parses as expected.
pub(crate) const WRONG_SHAPE_BODY: &str = r#"{"include_claim_keys":42,"use_default":"maybe","use_immutable_subject":[],"sub_claim_prefix":7,"include_enterprise_slug":"no","keys":"none","issuer":false,"jwks_uri":1,"claims_supported":"sub","id":"not-a-number","name":5,"full_name":null,"owner":"nobody","custom_property_name":0,"inclusion_source":[]}"#;
/// Default body of a [`FaultKind::Html`] fault: GitHub's "Unicorn" error page.
pub(crate) const HTML_BODY: &str = "<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n    <title>Unicorn! &middot; GitHub</title>\n  </head>\n  <body>\n    <div class=\"container\">\n      <p><strong>No server is currently available to service your request.</strong></p>\n      <p>Sorry about that. Please try refreshing and contact us if the problem persists.</p>\n    </div>\n  </body>\n</html>\n";

/// Whether `kind` cuts the real handler's answer (when the fault has no `body` of its own).
pub(crate) fn cuts_real_answer(fault: &Fault) -> bool {
    matches!(fault.kind, FaultKind::Reset | FaultKind::Truncate) && fault.body.is_none()
}

fn status_of(fault: &Fault) -> StatusCode {
    StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn with_body(status: StatusCode, body: Body, content_type: &'static str) -> Response {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

fn content_type_of(body: &str) -> &'static str {
    if serde_json::from_str::<serde_json::Value>(body).is_ok() {
        "application/json; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    }
}

/// The answer of a fault that does not need the real handler's answer.
///
/// `redirect_base` is the `http://127.0.0.1:PORT` of the second listener (redirects without a
/// `location`); `target` is the path and query of the request.
pub(crate) async fn respond(
    shared: &Shared,
    fault: &Fault,
    is_api: bool,
    target: &str,
    redirect_base: impl FnOnce() -> io::Result<String>,
) -> Response {
    let status = status_of(fault);
    let mut resp = match fault.kind {
        FaultKind::Status => status_response(fault, status),
        FaultKind::Hang => {
            // Nothing is sent until the server stops (the client gives up long before).
            let mut stop = shared.shutdown.subscribe();
            let _ = stop.wait_for(|s| *s).await;
            return with_body(StatusCode::SERVICE_UNAVAILABLE, Body::empty(), "text/plain");
        }
        FaultKind::NotJson => {
            let body = fault.body.clone().unwrap_or_else(|| NOT_JSON_BODY.to_owned());
            with_body(status, Body::from(body), "application/json; charset=utf-8")
        }
        FaultKind::WrongShape => {
            let body = fault.body.clone().unwrap_or_else(|| WRONG_SHAPE_BODY.to_owned());
            with_body(status, Body::from(body), "application/json; charset=utf-8")
        }
        FaultKind::Html => {
            let body = fault.body.clone().unwrap_or_else(|| HTML_BODY.to_owned());
            with_body(status, Body::from(body), "text/html; charset=utf-8")
        }
        FaultKind::Huge => {
            let size = fault.size.unwrap_or(HUGE_BODY_DEFAULT);
            let mut resp = with_body(
                status,
                Body::from_stream(huge_stream(size)),
                "application/json; charset=utf-8",
            );
            if !fault.chunked {
                resp.headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(size));
            }
            resp
        }
        FaultKind::Redirect => {
            let location = match fault.location.clone() {
                Some(l) => Ok(l),
                None => redirect_base().map(|base| format!("{base}{target}")),
            };
            match location.ok().and_then(|l| HeaderValue::from_str(&l).ok()) {
                Some(location) => {
                    let mut resp = with_body(status, Body::empty(), "text/html; charset=utf-8");
                    resp.headers_mut().insert(header::LOCATION, location);
                    resp
                }
                None => status_response(&Fault::new(500), StatusCode::INTERNAL_SERVER_ERROR),
            }
        }
        // A fault body of its own, cut.
        FaultKind::Reset | FaultKind::Truncate => {
            let body = fault.body.clone().unwrap_or_default();
            let ct = content_type_of(&body);
            with_body(status, Body::from(body), ct)
        }
    };
    finish_headers(shared, fault, is_api, &mut resp);
    resp
}

/// Cuts `resp`'s body after its first half: the `Content-Length` announces the whole body, the
/// first half is sent, then the connection is reset ([`FaultKind::Reset`]) or closed
/// ([`FaultKind::Truncate`]). An answer without a body (204) is not sent at all: the connection
/// ends before the status line.
pub(crate) async fn cut(fault: &Fault, resp: Response, ctl: Option<Arc<ConnCtl>>) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let reset = fault.kind == FaultKind::Reset;
    let bodiless = bytes.is_empty()
        || parts.status.is_informational()
        || parts.status == StatusCode::NO_CONTENT
        || parts.status == StatusCode::NOT_MODIFIED;
    if bodiless {
        if let Some(ctl) = &ctl {
            // No body to cut (e.g. a 204): the answer is lost instead — the connection ends
            // (RST for `reset`, FIN for `truncate`) before the status line is sent.
            if reset {
                ctl.reset_on_close();
            }
            ctl.abort();
            std::future::pending::<()>().await;
        }
    }
    // A body too short to cut still announces more than it sends.
    let announced = if bytes.len() < 2 { 64 } else { bytes.len() };
    let first = bytes.slice(..bytes.len() / 2);
    let tail = stream::once(async move {
        tokio::time::sleep(CUT_PAUSE).await;
        if reset {
            if let Some(ctl) = ctl {
                ctl.reset_on_close();
            }
        }
        Err::<Bytes, io::Error>(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "fault: body cut",
        ))
    });
    let body = stream::once(async move { Ok::<Bytes, io::Error>(first) }).chain(tail);
    parts.headers.remove(header::TRANSFER_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(announced));
    let mut resp = Response::from_parts(parts, Body::from_stream(body));
    if fault.body.is_none() {
        // The real handler's answer: add the fault's own headers (a fault body got them already).
        extra_headers(fault, &mut resp);
    }
    resp
}

/// GitHub's message for a secondary rate limit.
const SECONDARY_LIMIT_MESSAGE: &str = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAKE.";

/// GitHub's 403 for a secondary rate limit, without `retry-after` (the points budget of
/// `PUT /_fake/secondary`).
pub(crate) fn secondary_limited() -> Response {
    error(StatusCode::FORBIDDEN, SECONDARY_LIMIT_MESSAGE, RATE_LIMIT_DOCS)
}

fn status_response(fault: &Fault, status: StatusCode) -> Response {
    if let Some(body) = &fault.body {
        return with_body(status, Body::from(body.clone()), content_type_of(body));
    }
    let limited = status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::FORBIDDEN;
    let (message, docs) = if limited && (fault.retry_after.is_some() || fault.secondary)
        || status == StatusCode::TOO_MANY_REQUESTS && fault.ratelimit_reset_in.is_none()
    {
        (SECONDARY_LIMIT_MESSAGE.to_owned(), RATE_LIMIT_DOCS)
    } else if limited && fault.ratelimit_reset_in.is_some() {
        (
            "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID FAKE.".to_owned(),
            RATE_LIMIT_DOCS,
        )
    } else {
        (status.canonical_reason().unwrap_or("Error").to_owned(), REST_DOCS)
    };
    let body = serde_json::json!({
        "message": message,
        "documentation_url": docs,
        "status": status.as_u16().to_string(),
    });
    json_response(status, &body)
}

/// Rate-limit and request-id headers of API answers, `retry-after`, the primary rate-limit
/// headers, then the fault's own headers.
fn finish_headers(shared: &Shared, fault: &Fault, is_api: bool, resp: &mut Response) {
    if is_api {
        let used = shared.rate_used.fetch_add(1, Ordering::Relaxed) + 1;
        routes::add_api_headers(
            resp.headers_mut(),
            shared,
            routes::DEFAULT_API_VERSION,
            5000,
            used,
        );
    }
    extra_headers(fault, resp);
}

fn extra_headers(fault: &Fault, resp: &mut Response) {
    let headers = resp.headers_mut();
    if let Some(secs) = fault.retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if let Some(secs) = fault.ratelimit_reset_in {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let limit = headers
            .get("x-ratelimit-limit")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(5000);
        headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("x-ratelimit-used", HeaderValue::from(limit));
        headers.insert("x-ratelimit-reset", HeaderValue::from(now + secs));
        headers.insert("x-ratelimit-resource", HeaderValue::from_static("core"));
    }
    for (name, value) in fault.headers.iter().flatten() {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(value)) {
            headers.insert(name, value);
        }
    }
}

/// `size` bytes of JSON (`{"padding":"aaa…"}`), generated chunk by chunk as they are sent.
fn huge_stream(size: u64) -> impl futures_util::Stream<Item = Result<Bytes, io::Error>> + Send + 'static {
    const HEAD: &[u8] = br#"{"padding":""#;
    const TAIL: &[u8] = br#""}"#;
    let framed = size >= (HEAD.len() + TAIL.len()) as u64;
    let middle = if framed {
        size - (HEAD.len() + TAIL.len()) as u64
    } else {
        size
    };
    let head = stream::iter(framed.then(|| Ok(Bytes::from_static(HEAD))));
    let tail = stream::iter(framed.then(|| Ok(Bytes::from_static(TAIL))));
    let padding = stream::unfold(middle, |left| async move {
        if left == 0 {
            return None;
        }
        let n = left.min(CHUNK as u64) as usize;
        Some((Ok(Bytes::from_static(&PADDING[..n])), left - n as u64))
    });
    head.chain(padding).chain(tail)
}
