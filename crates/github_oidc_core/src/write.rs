//! Writes, planned or applied: every write goes through `perform`, which validates the path,
//! requires the token and then either sends the request (`applied: true`) or, for a dry run,
//! stops right before it (`applied: false`). Either way the answer is a [`Written`] with the
//! exact method, URL and body, so `-WhatIf` shows what a real call sends.

use crate::context::Context;
use crate::endpoints::Endpoint;
use crate::error::Result;
use crate::http;
use serde::{Deserialize, Serialize};

/// The outcome of a write (or of its dry run).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Written {
    /// HTTP method (`PUT`, `POST`, `DELETE`).
    pub method: String,
    /// The request URL.
    pub url: String,
    /// The exact JSON body; `None` for a DELETE.
    pub sent: Option<serde_json::Value>,
    /// Things the caller should tell the user.
    pub warnings: Vec<String>,
    /// `false` for a dry run: nothing was sent.
    pub applied: bool,
    /// What GitHub answered (e.g. the inclusion it created); `None` in a dry run or when
    /// GitHub answered with no body or `{}`.
    pub result: Option<serde_json::Value>,
    /// Enterprise issuer policy only: the issuer the enterprise's tokens carry.
    pub issuer: Option<String>,
}

/// Sends `body` to `endpoint` (or, with `dry_run`, only describes it) after every check a real
/// call makes: path arguments and token. Returns the answer and GitHub's response, if any.
pub(crate) fn perform(
    ctx: &Context,
    endpoint: &Endpoint,
    args: &[&str],
    body: Option<serde_json::Value>,
    warnings: Vec<String>,
    dry_run: bool,
) -> Result<(Written, Option<http::Response>)> {
    let url = endpoint.url(ctx, args)?;
    ctx.require_token()?;
    let mut written = Written {
        method: endpoint.method.to_string(),
        url,
        sent: body,
        warnings,
        applied: false,
        result: None,
        issuer: None,
    };
    if dry_run {
        return Ok((written, None));
    }
    let response = http::api(ctx, endpoint, args, written.sent.as_ref())?;
    check_answer(&response)?;
    written.applied = true;
    written.result =
        Some(response.body.clone()).filter(|b| !b.is_null() && b.as_object().is_none_or(|o| !o.is_empty()));
    Ok((written, Some(response)))
}

/// The fields a write's answer may carry: GitHub answers `{}`, nothing, or the object it
/// created, and a field it echoes has the type of what was sent.
#[derive(Deserialize)]
#[allow(dead_code)]
struct WriteAnswer {
    include_claim_keys: Option<Vec<String>>,
    use_default: Option<bool>,
    use_immutable_subject: Option<bool>,
    include_enterprise_slug: Option<bool>,
    custom_property_name: Option<String>,
    inclusion_source: Option<String>,
}

/// A 2xx answer that is neither empty nor an object of the expected shape is an
/// [`crate::Error::UnexpectedResponse`]: the write was applied (it is not sent again), but
/// what answered may not be GitHub.
fn check_answer(response: &http::Response) -> Result<()> {
    if response.body.is_null() {
        return Ok(());
    }
    response.parse::<WriteAnswer>().map(|_| ()).map_err(|e| match e {
        crate::Error::UnexpectedResponse { url, message } => crate::Error::UnexpectedResponse {
            url,
            message: format!(
                "{message} (GitHub answered {}: the write was applied)",
                response.status
            ),
        },
        other => other,
    })
}

/// A request body as JSON.
pub(crate) fn to_body<T: Serialize>(body: &T) -> Result<serde_json::Value> {
    serde_json::to_value(body)
        .map_err(|e| crate::Error::Internal(format!("a request body cannot be built: {e}")))
}
