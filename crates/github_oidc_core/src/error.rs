//! The one error model of the project.
//!
//! Every failure is an [`Error`]. [`Error::kind`] classifies it into a stable [`ErrorKind`],
//! which the C ABI turns into a status code and PowerShell into an ErrorId such as
//! `GitHubOidc.NotFound`. GitHub's own `message`, `documentation_url` and `errors[]` are kept.
//! No variant ever holds a token.

use serde::Serialize;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Defines [`ErrorKind`] and its one table of kind ↔ name ↔ code.
macro_rules! error_kinds {
    ($( $(#[$doc:meta])* $kind:ident = $code:literal, )*) => {
        /// A stable classification of errors. The numeric values are the C ABI status codes;
        /// [`ErrorKind::name`] is the name in PowerShell ErrorIds and in the error JSON.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[repr(u32)]
        pub enum ErrorKind {
            $( $(#[$doc])* $kind = $code, )*
        }

        impl ErrorKind {
            /// Every kind, in code order.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$kind),*];

            /// The name used in PowerShell ErrorIds (`GitHubOidc.<name>`).
            pub fn name(self) -> &'static str {
                match self {
                    $( ErrorKind::$kind => stringify!($kind), )*
                }
            }

            /// The C ABI status code.
            pub fn code(self) -> u32 {
                self as u32
            }

            /// The kind with this C ABI status code.
            pub fn from_code(code: u32) -> Option<ErrorKind> {
                match code {
                    $( $code => Some(ErrorKind::$kind), )*
                    _ => None,
                }
            }
        }
    };
}

error_kinds! {
    /// Bad input detected before anything was sent (names, claim keys, missing token, …).
    InvalidArgument = 1,
    /// 404: the organization, repository or enterprise does not exist or is not visible.
    NotFound = 2,
    /// 401: no token or a bad token.
    Unauthorized = 3,
    /// 403 without rate limiting: the token lacks a permission.
    Forbidden = 4,
    /// 400 / 422: GitHub rejected the request body.
    ValidationFailed = 5,
    /// 429, or 403 with rate-limit headers: retried until the retry budget ran out.
    RateLimited = 6,
    /// 5xx after retries.
    ServerError = 7,
    /// Connection, TLS, DNS or timeout failures.
    Network = 8,
    /// A response that does not match the contract (bad JSON, unexpected status).
    UnexpectedResponse = 9,
    /// A bug: a panic caught at the ABI boundary, or an internal invariant.
    Internal = 10,
    /// An approved write was not sent: what it was computed from changed on GitHub after it
    /// was shown for approval (`-WhatIf`/`-Confirm`), so it would no longer be what was approved.
    Conflict = 11,
}

/// An error response from GitHub, with everything GitHub said about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// HTTP method of the failed request.
    pub method: String,
    /// Request URL (never contains credentials).
    pub url: String,
    /// GitHub's `message`, or the reason phrase when the body had none.
    pub message: String,
    /// GitHub's `documentation_url`.
    pub documentation_url: Option<String>,
    /// GitHub's `errors[]`, each rendered as text.
    pub errors: Vec<String>,
    /// The `X-Accepted-GitHub-Permissions` response header.
    pub accepted_permissions: Option<String>,
    /// The permission the endpoint needs, for 401/403 (from the REST reference).
    pub required_permission: Option<String>,
    /// Whether rate-limit headers marked this as a rate-limit response.
    pub rate_limited: bool,
    /// Seconds GitHub asked us to wait (`retry-after` or `x-ratelimit-reset`).
    pub retry_after_secs: Option<u64>,
}

/// Every error the crate returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input rejected before any request.
    #[error("{message}")]
    InvalidArgument {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// GitHub answered with an error status.
    #[error("{}", render_api(.0))]
    Api(Box<ApiError>),
    /// The request could not be completed (connect, TLS, timeout).
    #[error("{method} {url} failed: {message}")]
    Network {
        /// HTTP method.
        method: String,
        /// Request URL.
        url: String,
        /// What went wrong (the source chain as text, without the URL).
        message: String,
        /// The transport error itself.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The response did not match the contract.
    #[error("unexpected response from {url}: {message}")]
    UnexpectedResponse {
        /// Request URL.
        url: String,
        /// What was wrong with it.
        message: String,
    },
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
    /// A run stopped because GitHub asked for a longer wait than the run may wait (its
    /// `max_rate_limit_wait`). Kind `RateLimited`; the message names when the limit resets.
    #[error("{message}")]
    RateLimitStop {
        /// What happened, until when, and what to do.
        message: String,
        /// Seconds GitHub asked to wait, from when the run stopped.
        retry_after_secs: u64,
        /// The request GitHub refused, when one was refused.
        url: Option<String>,
    },
    /// An approved write was refused before it was sent: the state it was computed from
    /// changed since the dry run that showed it, or the request computed now differs from
    /// the approved one. Nothing was written.
    #[error("{message}")]
    Conflict {
        /// What changed and what to do.
        message: String,
        /// The URL the write would have gone to.
        url: String,
    },
    /// A GitHub App could not act as an installation: GitHub refused its JWT (wrong key or
    /// ID), or it is not installed where the request goes. Kind `Unauthorized`; the message
    /// never holds the key, the JWT or a token.
    #[error("{message}")]
    AppAuthentication {
        /// What went wrong and what to do.
        message: String,
        /// The request that failed, when one did.
        url: Option<String>,
        /// GitHub's status, when GitHub answered.
        status: Option<u16>,
    },
}

/// What a caught panic says, for its [`Error::Internal`]: `the native library panicked: <its
/// text>` (the ABI's guard and a fleet run's task).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("the native library panicked: {what}")
}

fn render_api(e: &ApiError) -> String {
    let mut s = format!("GitHub API {} {}: {} ({})", e.method, e.url, e.message, e.status);
    for err in &e.errors {
        s.push_str(&format!("; {err}"));
    }
    if e.rate_limited {
        match e.retry_after_secs {
            Some(secs) => s.push_str(&format!(". GitHub asks to wait {secs} s before trying again")),
            None => s.push_str(". Wait for the rate limit to reset before trying again"),
        }
    }
    if let Some(p) = &e.required_permission {
        if e.status == 401 {
            s.push_str(&format!(". Use a valid token with {p}"));
        } else {
            s.push_str(&format!(". This endpoint needs {p}"));
        }
    }
    if let Some(p) = &e.accepted_permissions {
        s.push_str(&format!(" (GitHub accepts: {p})"));
    }
    if let Some(d) = &e.documentation_url {
        s.push_str(&format!(". See {d}"));
    }
    s
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            message: message.into(),
        }
    }

    /// The stable classification of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Error::Api(e) => match e.status {
                _ if e.rate_limited => ErrorKind::RateLimited,
                401 => ErrorKind::Unauthorized,
                403 => ErrorKind::Forbidden,
                404 => ErrorKind::NotFound,
                400 | 422 => ErrorKind::ValidationFailed,
                429 => ErrorKind::RateLimited,
                500..=599 => ErrorKind::ServerError,
                _ => ErrorKind::UnexpectedResponse,
            },
            Error::Network { .. } => ErrorKind::Network,
            Error::UnexpectedResponse { .. } => ErrorKind::UnexpectedResponse,
            Error::Internal(_) => ErrorKind::Internal,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::AppAuthentication { .. } => ErrorKind::Unauthorized,
            Error::RateLimitStop { .. } => ErrorKind::RateLimited,
        }
    }

    /// The GitHub error details, when GitHub answered.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The error object the ABI answers (see [`ErrorObject`]).
    pub fn to_object(&self) -> ErrorObject {
        let api = self.api();
        ErrorObject {
            kind: self.kind().name().to_string(),
            code: self.kind().code(),
            message: self.to_string(),
            status: match self {
                Error::AppAuthentication { status, .. } => *status,
                _ => api.map(|a| a.status),
            },
            github_message: api.map(|a| a.message.clone()),
            documentation_url: api.and_then(|a| a.documentation_url.clone()),
            errors: api.map(|a| a.errors.clone()),
            required_permission: api.and_then(|a| a.required_permission.clone()),
            accepted_permissions: api.and_then(|a| a.accepted_permissions.clone()),
            url: match self {
                Error::Api(a) => Some(a.url.clone()),
                Error::Network { url, .. }
                | Error::UnexpectedResponse { url, .. }
                | Error::Conflict { url, .. } => Some(url.clone()),
                Error::AppAuthentication { url, .. } | Error::RateLimitStop { url, .. } => url.clone(),
                _ => None,
            },
            retry_after: match self {
                Error::RateLimitStop { retry_after_secs, .. } => Some(*retry_after_secs),
                _ => api.and_then(|a| a.retry_after_secs),
            },
        }
    }

    /// The error object as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.to_object()).unwrap_or_default()
    }
}

crate::contract_struct! {
    /// The error object every export of the C ABI answers when its status is not Ok.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ErrorObject {
        /// The stable kind: InvalidArgument, NotFound, Unauthorized, Forbidden, ValidationFailed, RateLimited, ServerError, Network, UnexpectedResponse, Internal or Conflict (the ErrorId suffix GitHubOidc.<kind>).
        pub kind: String,
        /// The kind's numeric code, equal to the status the export returned.
        pub code: u32,
        /// What went wrong and what to do, in one or two sentences; never holds a token.
        pub message: String,
        /// GitHub's HTTP status, when GitHub answered.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<u16>,
        /// GitHub's own message, when GitHub answered.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub github_message: Option<String>,
        /// GitHub's documentation URL for the error.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub documentation_url: Option<String>,
        /// GitHub's errors[] details.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub errors: Option<Vec<String>>,
        /// On 401/403: the permission the endpoint needs.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub required_permission: Option<String>,
        /// On 403: GitHub's X-Accepted-GitHub-Permissions header.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub accepted_permissions: Option<String>,
        /// The URL of the request that failed, whenever a request was made (never a token).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub url: Option<String>,
        /// Seconds GitHub asked to wait (retry-after / x-ratelimit-reset), when it did.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub retry_after: Option<u64>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_names_and_codes_round_trip() {
        assert_eq!(ErrorKind::ALL.len(), 11);
        for (i, k) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(k.code(), i as u32 + 1);
            assert_eq!(ErrorKind::from_code(k.code()), Some(*k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.name());
        }
        assert_eq!(ErrorKind::from_code(0), None);
        assert_eq!(ErrorKind::NotFound.name(), "NotFound");
    }

    fn api(status: u16) -> Error {
        Error::Api(Box::new(ApiError {
            status,
            method: "GET".into(),
            url: "https://api.github.com/orgs/o".into(),
            message: "Not Found".into(),
            documentation_url: None,
            errors: vec![],
            accepted_permissions: None,
            required_permission: None,
            rate_limited: false,
            retry_after_secs: None,
        }))
    }

    #[test]
    fn json_keeps_its_members_and_order() {
        let j = serde_json::to_string(&api(404).to_json()).unwrap();
        assert!(
            j.starts_with(r#"{"kind":"NotFound","code":2,"message":"GitHub API GET https://api.github.com/orgs/o: Not Found (404)","status":404,"github_message":"Not Found","errors":[],"url":"https://api.github.com/orgs/o"}"#),
            "{j}"
        );
        let j = Error::invalid("bad").to_json();
        assert_eq!(
            j,
            serde_json::json!({"kind": "InvalidArgument", "code": 1, "message": "bad"})
        );
        let j = Error::UnexpectedResponse {
            url: "https://x/y".into(),
            message: "m".into(),
        }
        .to_json();
        assert_eq!(j["url"], "https://x/y");
        assert!(j.get("status").is_none());
        let j = Error::Conflict {
            message: "changed".into(),
            url: "https://x/y".into(),
        }
        .to_json();
        assert_eq!(j["kind"], "Conflict");
        assert_eq!(j["code"], 11);
        assert_eq!(j["url"], "https://x/y");
    }

    #[test]
    fn retry_after_is_reported() {
        let mut e = api(429);
        if let Error::Api(a) = &mut e {
            a.rate_limited = true;
            a.retry_after_secs = Some(7);
        }
        let j = e.to_json();
        assert_eq!(j["kind"], "RateLimited");
        assert_eq!(j["retry_after"], 7);
    }
}
