//! Inside a GitHub Actions job: the ID token the runner gives the job (issue 18).
//!
//! A job with `permissions: id-token: write` has two variables: `ACTIONS_ID_TOKEN_REQUEST_URL`
//! (the runner's token endpoint, usually with a query such as `?api-version=2.0`) and
//! `ACTIONS_ID_TOKEN_REQUEST_TOKEN` (a bearer for that endpoint only). [`request_url`] adds
//! `audience=` to the URL's query (replacing one already there, keeping every other pair as it
//! is), and [`request_id_token`] sends `GET URL` with `Authorization: Bearer <request token>`
//! through [`crate::http`] (its timeouts, retries, size cap and refusal of redirects) and reads
//! `{"value": "<jwt>"}`.
//!
//! The variables are read by the caller (PowerShell's `$env:` is not the native library's
//! environment on Linux and macOS) and passed in. Neither the request token nor the JWT is ever
//! part of an error: a runner error is described by its status and the runner's message, and
//! the URL in errors is the request URL (which holds no credential).

use crate::context::Context;
use crate::error::{Error, Result};
use crate::http::{self, Auth, Request};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// The variable that holds the runner's ID-token endpoint.
pub const REQUEST_URL_VARIABLE: &str = "ACTIONS_ID_TOKEN_REQUEST_URL";
/// The variable that holds the bearer for that endpoint.
pub const REQUEST_TOKEN_VARIABLE: &str = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
/// What a job needs for both variables to be set.
pub const PERMISSION: &str = "permissions: id-token: write";

/// The runner URL with `audience=<audience>` in its query: appended after the pairs already
/// there (`?api-version=2.0&audience=…`), or as the whole query when there is none
/// (`?audience=…`); an `audience` pair already in the URL is replaced, not repeated. Without an
/// audience (or an empty one) the URL is returned as it is: the runner then uses its default
/// (the repository owner's URL). The audience is percent-encoded as a form value.
///
/// An URL that is not absolute `https://` (or `http://` to this machine) is an error naming
/// [`REQUEST_URL_VARIABLE`].
pub fn request_url(base: &str, audience: Option<&str>) -> Result<String> {
    let mut url = Url::parse(base.trim()).map_err(|e| {
        Error::invalid(format!(
            "{REQUEST_URL_VARIABLE} is not an absolute URL ({e}); it is set by the runner for a job with `{PERMISSION}`."
        ))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if crate::network::is_loopback(&url) => {}
        other => {
            return Err(Error::invalid(format!(
                "{REQUEST_URL_VARIABLE} uses {other}://; the ID-token request is only sent over https (or http to this machine)."
            )))
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(format!(
            "{REQUEST_URL_VARIABLE} carries credentials in its authority; they are never sent."
        )));
    }
    url.set_fragment(None);
    let Some(audience) = audience.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(url.to_string());
    };
    if url.query_pairs().any(|(k, _)| k == "audience") {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "audience")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.set_query(None);
        let mut pairs = url.query_pairs_mut();
        pairs.extend_pairs(kept);
        pairs.append_pair("audience", audience);
    } else {
        // Only appended: the pairs already there stay byte for byte as the runner wrote them.
        url.query_pairs_mut().append_pair("audience", audience);
    }
    Ok(url.to_string())
}

/// What a job has: the variables' values as the caller read them (`None` or empty = not set).
pub struct RunnerVariables<'a> {
    /// `ACTIONS_ID_TOKEN_REQUEST_URL`.
    pub url: Option<&'a str>,
    /// `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
    pub token: Option<&'a SecretString>,
}

/// The checks before any request: both variables set, with errors that name the fix.
fn require<'a>(vars: &RunnerVariables<'a>) -> Result<(&'a str, &'a SecretString)> {
    let url = vars.url.map(str::trim).filter(|u| !u.is_empty());
    let token = vars.token.filter(|t| !t.expose_secret().trim().is_empty());
    match (url, token) {
        (Some(u), Some(t)) => Ok((u, t)),
        (None, _) => Err(Error::invalid(format!(
            "{REQUEST_URL_VARIABLE} is not set: this is not running inside a GitHub Actions job that may request an ID token. \
             Inside a workflow, give the job `{PERMISSION}` (jobs.<job_id>.permissions or the workflow's permissions)."
        ))),
        (Some(_), None) => Err(Error::invalid(format!(
            "{REQUEST_URL_VARIABLE} is set but {REQUEST_TOKEN_VARIABLE} is not: the job lacks `{PERMISSION}`, \
             or it runs for a pull request from a fork, which never gets an ID token (the id-token permission is read-only there)."
        ))),
    }
}

/// Requests the job's ID token from the runner (see the module documentation) and returns
/// the JWT. The context gives the timeouts, retries and network settings; its own token is not
/// sent. Errors: missing variables (before any request), a bad URL, the runner's 401/403 (the
/// job's permission), 5xx after retries, an answer that is not JSON or has no `value`.
pub fn request_id_token(
    ctx: &Context,
    vars: &RunnerVariables<'_>,
    audience: Option<&str>,
) -> Result<SecretString> {
    let (base, bearer) = require(vars)?;
    let url = request_url(base, audience)?;
    let req = Request {
        method: Method::GET,
        url: url.clone(),
        body: None,
        auth: Auth::Bearer(bearer.clone()),
        ctx,
        api_version: None,
        owner: None,
    };
    let response = http::block_on(http::send(&req, None)).map_err(|e| runner_error(e, ctx.max_retries))?;
    let value = response
        .body
        .get("value")
        .and_then(serde_json::Value::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Error::UnexpectedResponse {
            url: url.clone(),
            message: "the runner's answer has no `value` with the ID token".into(),
        })?;
    Ok(SecretString::from(value.trim().to_string()))
}

/// A runner failure, said in the runner's terms: which status, what it means for the job.
fn runner_error(e: Error, retries: u32) -> Error {
    match e {
        Error::Api(mut api) => {
            let hint = match api.status {
                401 | 403 => format!(
                    "the runner refused the ID-token request: {}. The request token may have expired (it lasts as long as the job) \
                     or the job lacks `{PERMISSION}`",
                    api.message
                ),
                s if s >= 500 => format!(
                    "the runner's ID-token service failed: {} (tried {} times)",
                    api.message,
                    retries + 1
                ),
                _ => format!("the runner refused the ID-token request: {}", api.message),
            };
            api.message = hint;
            Error::Api(api)
        }
        Error::UnexpectedResponse { url, message } => Error::UnexpectedResponse {
            url,
            message: format!("the runner's ID-token answer: {message}"),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_is_the_whole_query_when_there_is_none() {
        assert_eq!(
            request_url("https://runner.example/_apis/idtoken", Some("sts.amazonaws.com")).unwrap(),
            "https://runner.example/_apis/idtoken?audience=sts.amazonaws.com"
        );
    }

    #[test]
    fn audience_is_appended_to_an_existing_query() {
        assert_eq!(
            request_url(
                "https://runner.example/_apis/idtoken?api-version=2.0",
                Some("api://AzureADTokenExchange")
            )
            .unwrap(),
            "https://runner.example/_apis/idtoken?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange"
        );
    }

    #[test]
    fn existing_pairs_stay_as_they_were() {
        // A pair encoded otherwise than form encoding would is not rewritten.
        assert_eq!(
            request_url("https://runner.example/t?a=%20b&c", Some("x y&z")).unwrap(),
            "https://runner.example/t?a=%20b&c&audience=x+y%26z"
        );
    }

    #[test]
    fn an_audience_in_the_url_is_replaced_not_repeated() {
        let url = request_url(
            "https://runner.example/t?audience=old&api-version=2.0",
            Some("new"),
        )
        .unwrap();
        assert_eq!(url, "https://runner.example/t?api-version=2.0&audience=new");
        assert_eq!(url.matches("audience=").count(), 1);
    }

    #[test]
    fn no_audience_keeps_the_url() {
        for a in [None, Some(""), Some("  ")] {
            assert_eq!(
                request_url("https://runner.example/t?api-version=2.0", a).unwrap(),
                "https://runner.example/t?api-version=2.0"
            );
        }
    }

    #[test]
    fn empty_query_and_fragment() {
        assert_eq!(
            request_url("https://runner.example/t?", Some("a")).unwrap(),
            "https://runner.example/t?audience=a"
        );
        assert_eq!(
            request_url("https://runner.example/t?v=1#frag", Some("a")).unwrap(),
            "https://runner.example/t?v=1&audience=a"
        );
    }

    #[test]
    fn bad_urls_are_refused() {
        for bad in [
            "not a url",
            "/relative/idtoken",
            "http://runner.example/t",
            "ftp://runner.example/t",
            "https://user:pw@runner.example/t",
        ] {
            let e = request_url(bad, Some("a")).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{bad}");
            assert!(e.to_string().contains(REQUEST_URL_VARIABLE), "{bad}: {e}");
        }
        assert!(request_url("http://127.0.0.1:8080/t", Some("a")).is_ok());
    }

    #[test]
    fn missing_variables_name_the_permission() {
        let token = SecretString::from("request-token-value".to_string());
        let none = require(&RunnerVariables {
            url: None,
            token: Some(&token),
        })
        .unwrap_err()
        .to_string();
        assert!(none.contains("not running inside a GitHub Actions job"), "{none}");
        assert!(none.contains("id-token: write"), "{none}");
        let no_token = require(&RunnerVariables {
            url: Some("https://r.example/t"),
            token: None,
        })
        .unwrap_err()
        .to_string();
        assert!(
            no_token.contains("id-token: write") && no_token.contains("fork"),
            "{no_token}"
        );
        let blank = SecretString::from("  ".to_string());
        assert!(require(&RunnerVariables {
            url: Some("https://r.example/t"),
            token: Some(&blank)
        })
        .is_err());
    }
}
