//! Conditional requests as GitHub answers them: every `200` answer to a GET carries an `ETag`
//! (a hash of its body, so it changes exactly when the answer does), and a GET whose
//! `If-None-Match` names it is answered `304 Not Modified` with no body. A 304 does not count
//! against the primary rate limit: its request is given back (`x-ratelimit-remaining` is not
//! decremented, as GitHub documents), while the secondary points limit still counted it.
//!
//! `GET /rate_limit` answers the primary budget without spending it (as GitHub's does).

use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::http::json_response;
use crate::shared::Shared;

/// The ETag of a body: a weak validator, as GitHub sends for most REST answers.
pub(crate) fn etag_of(body: &[u8]) -> String {
    // FNV-1a, 64 bits: stable across runs (unlike the std hasher's random keys).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("W/\"{h:016x}\"")
}

/// Whether `If-None-Match` names `etag` (a list, `*`, weak or strong forms compared weakly).
fn matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

/// Adds the `ETag` to a 200 answer to a GET, or turns it into a 304 when the request's
/// `If-None-Match` names it (giving the request back to the primary budget).
pub(crate) async fn conditional(
    shared: &Shared,
    method: &Method,
    request: &HeaderMap,
    resp: Response,
) -> Response {
    if method != Method::GET || resp.status() != StatusCode::OK {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let etag = etag_of(&bytes);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, v);
    }
    let named = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| matches(v, &etag));
    if !named {
        return Response::from_parts(parts, Body::from(bytes));
    }
    // Not charged: the budget and the answer's headers are what they were before it.
    shared.rate_used.fetch_sub(1, Ordering::Relaxed);
    shared.fleet.refund_request();
    shared.not_modified.fetch_add(1, Ordering::Relaxed);
    let h = &mut parts.headers;
    let adjust = |h: &mut HeaderMap, name: &'static str, by: i64| {
        let v = h
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<i64>().ok());
        if let Some(v) = v {
            h.insert(name, HeaderValue::from((v + by).max(0)));
        }
    };
    adjust(h, "x-ratelimit-remaining", 1);
    adjust(h, "x-ratelimit-used", -1);
    // A 304 has no body, and GitHub's does not repeat the Link header: the client keeps it.
    h.remove(header::CONTENT_TYPE);
    h.remove(header::CONTENT_LENGTH);
    h.remove(header::LINK);
    parts.status = StatusCode::NOT_MODIFIED;
    Response::from_parts(parts, Body::empty())
}

/// `GET /rate_limit`: the primary budget of the requests so far (the configured one of
/// `PUT /_fake/ratelimit` when set), not charged; with `not_modified`, the 304s answered.
pub(crate) fn rate_limit(shared: &Shared, authenticated: bool) -> Response {
    let (limit, remaining, used, reset) = shared.fleet.peek_rate().unwrap_or_else(|| {
        let limit: u64 = if authenticated { 5000 } else { 60 };
        let used = shared.rate_used.load(Ordering::Relaxed);
        (
            limit,
            limit.saturating_sub(used),
            used.min(limit),
            shared.rate_reset,
        )
    });
    let core =
        json!({"limit": limit, "remaining": remaining, "used": used, "reset": reset, "resource": "core"});
    json_response(
        StatusCode::OK,
        &json!({
            "resources": {"core": core},
            "rate": core,
            "not_modified": shared.not_modified.load(Ordering::Relaxed),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_follow_the_body_and_match_weakly() {
        assert_eq!(etag_of(b"{}"), etag_of(b"{}"));
        assert_ne!(etag_of(b"{\"a\":1}"), etag_of(b"{\"a\":2}"));
        let e = etag_of(b"x");
        assert!(matches(&e, &e));
        assert!(matches(&e.replace("W/", ""), &e));
        assert!(matches(&format!("\"other\", {e}"), &e));
        assert!(matches("*", &e));
        assert!(!matches("\"other\"", &e));
    }
}
