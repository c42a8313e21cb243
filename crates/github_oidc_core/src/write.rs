//! Writes, planned or applied: every write goes through `perform`, which validates the path,
//! requires the token and then either sends the request (`applied: true`) or, for a dry run,
//! stops right before it (`applied: false`). Either way the answer is a [`Written`] with the
//! exact method, URL and body, so `-WhatIf` shows what a real call sends.

use crate::context::Context;
use crate::endpoints::Endpoint;
use crate::error::Result;
use crate::http;
use serde::Serialize;

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
    written.applied = true;
    written.result =
        Some(response.body.clone()).filter(|b| !b.is_null() && b.as_object().is_none_or(|o| !o.is_empty()));
    Ok((written, Some(response)))
}

/// A request body as JSON.
pub(crate) fn to_body<T: Serialize>(body: &T) -> Result<serde_json::Value> {
    serde_json::to_value(body)
        .map_err(|e| crate::Error::Internal(format!("a request body cannot be built: {e}")))
}
