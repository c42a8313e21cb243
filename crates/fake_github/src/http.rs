//! Response helpers: GitHub-style JSON bodies and error shapes.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// `documentation_url` of the OIDC endpoints' errors.
pub(crate) const OIDC_DOCS: &str = "https://docs.github.com/rest/actions/oidc";
/// `documentation_url` of generic (auth, unknown route) errors.
pub(crate) const REST_DOCS: &str = "https://docs.github.com/rest";

/// A JSON response with GitHub's content type.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

/// A `basic-error` body: `{"message", "documentation_url", "status": "<code as string>"}`.
pub(crate) fn error(status: StatusCode, message: &str, docs: &str) -> Response {
    json_response(
        status,
        &json!({ "message": message, "documentation_url": docs, "status": status.as_u16().to_string() }),
    )
}

/// A `validation-error-simple` 422 body.
pub(crate) fn validation_failed(errors: Vec<String>) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({ "message": "Validation Failed", "documentation_url": OIDC_DOCS, "errors": errors, "status": "422" }),
    )
}

/// 422 "Invalid request" (wrong types / missing required parameters), with a detail in `errors`.
pub(crate) fn invalid_request(detail: &str) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({ "message": "Invalid request", "documentation_url": OIDC_DOCS, "errors": [detail], "status": "422" }),
    )
}

/// 404 `Not Found` with the OIDC docs URL.
pub(crate) fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Not Found", OIDC_DOCS)
}

/// An empty-bodied response.
pub(crate) fn empty(status: StatusCode) -> Response {
    status.into_response()
}
