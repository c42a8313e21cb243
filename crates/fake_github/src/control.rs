//! The control API under `/_fake/` (never recorded in the request log): request log, faults,
//! state, extra tokens, reset, shutdown and the redirect target.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::http::{empty, error, json_response, REST_DOCS};
use crate::shared::{Fault, Shared};
use crate::state::State;

/// Handles a `/_fake/...` request.
pub(crate) fn handle(shared: &std::sync::Arc<Shared>, method: &Method, path: &str, body: &[u8]) -> Response {
    let path = path.trim_end_matches('/');
    let m = method.as_str();
    match (m, path) {
        ("GET", "/_fake/requests") => json_response(StatusCode::OK, &json!(shared.requests())),
        ("DELETE", "/_fake/requests") => {
            shared.clear_requests();
            empty(StatusCode::NO_CONTENT)
        }
        ("GET", "/_fake/faults") => json_response(StatusCode::OK, &json!(shared.faults())),
        ("POST", "/_fake/faults") => {
            // Accept a JSON array of faults or a single fault object.
            let parsed = serde_json::from_slice::<Vec<Fault>>(body)
                .or_else(|_| serde_json::from_slice::<Fault>(body).map(|f| vec![f]));
            match parsed {
                Ok(faults) => {
                    shared.push_faults(faults);
                    empty(StatusCode::NO_CONTENT)
                }
                Err(e) => bad_request(&format!("invalid faults: {e}")),
            }
        }
        ("DELETE", "/_fake/faults") => {
            shared.clear_faults();
            empty(StatusCode::NO_CONTENT)
        }
        ("GET", "/_fake/state") => json_response(StatusCode::OK, &json!(*shared.state())),
        ("PUT", "/_fake/state") => match serde_json::from_slice::<State>(body) {
            Ok(state) => {
                shared.set_state(state);
                empty(StatusCode::NO_CONTENT)
            }
            Err(e) => bad_request(&format!("invalid state: {e}")),
        },
        ("POST", "/_fake/tokens") => {
            // `{"token": "...", "permission": "read"|"write"}`: accept one more token (any shape).
            #[derive(serde::Deserialize)]
            struct AddToken {
                token: String,
                permission: crate::state::Permission,
            }
            match serde_json::from_slice::<AddToken>(body) {
                Ok(t) if !t.token.trim().is_empty() => {
                    shared.state().tokens.insert(t.token, t.permission);
                    empty(StatusCode::NO_CONTENT)
                }
                _ => bad_request("invalid token: {\"token\": \"...\", \"permission\": \"read\"|\"write\"}"),
            }
        }
        ("POST", "/_fake/reset") => {
            shared.reset();
            empty(StatusCode::NO_CONTENT)
        }
        ("GET", "/_fake/redirect-target") => match crate::server::redirect_target(shared) {
            Ok(base_url) => json_response(StatusCode::OK, &json!({ "base_url": base_url })),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), REST_DOCS),
        },
        ("POST", "/_fake/orgs") => crate::fleet::generate(shared, body),
        ("PUT", "/_fake/latency") => crate::fleet::set_latency(shared, body),
        ("GET", "/_fake/concurrency") => crate::fleet::concurrency(shared, false),
        ("DELETE", "/_fake/concurrency") => crate::fleet::concurrency(shared, true),
        ("PUT", "/_fake/ratelimit") => crate::fleet::set_rate_limit(shared, Some(body)),
        ("DELETE", "/_fake/ratelimit") => crate::fleet::set_rate_limit(shared, None),
        (m @ ("GET" | "PUT" | "DELETE"), "/_fake/secondary") => crate::fleet::secondary(shared, m, body),
        ("PUT", "/_fake/shapes") => crate::fleet::set_shapes(shared, body),
        ("POST", "/_fake/shutdown") => {
            shared.trigger_shutdown();
            empty(StatusCode::NO_CONTENT)
        }
        (_, p) if p == "/_fake/apps" || p.starts_with("/_fake/apps/") => {
            crate::apps::control(shared, method, p, body)
        }
        _ => error(StatusCode::NOT_FOUND, "Not Found", REST_DOCS),
    }
}

fn bad_request(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, message, REST_DOCS)
}
