//! The OIDC issuer side: discovery documents and JWKS for the github.com-style issuer (`/`),
//! enterprise-scoped issuers (`/{slug}`) and the GHES-style issuer (`/_services/token`).

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::http::{error, json_response, REST_DOCS};
use crate::shared::Shared;

enum Doc {
    Configuration,
    Jwks,
}

/// Splits `path` into (issuer path prefix, document), if it is a discovery/JWKS path.
fn split(path: &str) -> Option<(&str, Doc)> {
    if let Some(prefix) = path.strip_suffix("/.well-known/openid-configuration") {
        Some((prefix, Doc::Configuration))
    } else {
        path.strip_suffix("/.well-known/jwks").map(|p| (p, Doc::Jwks))
    }
}

/// Answers discovery/JWKS requests; `None` when `path` is not an issuer path.
pub(crate) fn handle(shared: &Shared, method: &Method, headers: &HeaderMap, path: &str) -> Option<Response> {
    let (prefix, doc) = split(path)?;
    let issuer_path = if prefix.is_empty() || prefix == "/_services/token" {
        prefix.to_owned()
    } else {
        let slug = prefix.strip_prefix('/').filter(|s| !s.contains('/'))?;
        match shared.state().enterprise(slug) {
            Some(_) => format!("/{slug}"),
            None => return Some(error(StatusCode::NOT_FOUND, "Not Found", REST_DOCS)),
        }
    };
    if method != Method::GET && method != Method::HEAD {
        return Some(error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
            REST_DOCS,
        ));
    }
    let state = shared.state();
    Some(match doc {
        Doc::Jwks => json_response(StatusCode::OK, &state.jwks),
        Doc::Configuration => {
            let issuer = format!("{}{issuer_path}", base_url(shared, headers));
            json_response(
                StatusCode::OK,
                &json!({
                    "issuer": issuer,
                    "jwks_uri": format!("{issuer}/.well-known/jwks"),
                    "subject_types_supported": ["public", "pairwise"],
                    "response_types_supported": ["id_token"],
                    "claims_supported": state.claims_supported,
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "scopes_supported": ["openid"],
                }),
            )
        }
    })
}

/// `http://<Host header>`, falling back to the bound address.
pub(crate) fn base_url(shared: &Shared, headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .or_else(|| shared.local_addr.get().map(|a| a.to_string()))
        .unwrap_or_else(|| "127.0.0.1".to_owned());
    format!("http://{host}")
}

/// Whether `path` is a discovery or JWKS path (of any issuer).
pub(crate) fn is_issuer_path(path: &str) -> bool {
    split(path).is_some()
}
