//! Writes, planned or applied: every write goes through `perform`, which validates the path,
//! requires the token and then either sends the request (`applied: true`) or, for a dry run,
//! stops right before it (`applied: false`). Either way the answer is a [`Written`] with the
//! exact method, URL and body, so `-WhatIf` shows what a real call sends.
//!
//! What you approve is what is sent: a dry run also answers `state`, the fingerprint of the
//! GitHub state its body was computed from (a [`Basis`]; none when the body depends only on
//! the request). The write after the approval carries the dry run's request as an
//! [`ApprovedWrite`] ([`Mode::Approved`]): it makes every read again, right before sending,
//! and sends the approved body only when the state and the request computed now are the same
//! as approved ([`check_approved`]); otherwise nothing is sent and the answer is an
//! [`Error::Conflict`](crate::Error::Conflict).

use crate::context::Context;
use crate::endpoints::Endpoint;
use crate::error::{Error, Result};
use crate::http;
use serde::{Deserialize, Serialize};

crate::contract_struct! {
    /// A write as its dry run answered it and the user approved it (`-Confirm`, or no prompt
    /// needed): sent back with the write, which then sends exactly this request or nothing.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ApprovedWrite {
        /// The dry run's HTTP method.
        pub method: String,
        /// The dry run's URL.
        pub url: String,
        /// The dry run's body, the exact JSON text shown (absent or empty for a DELETE).
        #[serde(default)]
        pub body: Option<String>,
        /// The dry run's `state`: the fingerprint of the GitHub state the body was computed
        /// from (absent or empty when the body depends on nothing GitHub holds).
        #[serde(default)]
        pub state: Option<String>,
    }
}

/// How a write runs.
#[derive(Debug, Clone, Copy)]
pub enum Mode<'a> {
    /// Every check and read, then the request is described and nothing is sent.
    DryRun,
    /// The request computed now is sent (callers that showed nothing for approval).
    Send,
    /// Every check and read again, then the approved request is sent only when the state and
    /// the request computed now are the approved ones ([`check_approved`]).
    Approved(&'a ApprovedWrite),
}

impl From<bool> for Mode<'_> {
    /// `true` is a dry run, `false` sends the request computed now.
    fn from(dry_run: bool) -> Self {
        if dry_run {
            Mode::DryRun
        } else {
            Mode::Send
        }
    }
}

impl<'a> Mode<'a> {
    /// [`Mode::Approved`] with `approved`, else [`Mode::DryRun`] or [`Mode::Send`].
    pub fn of(dry_run: bool, approved: Option<&'a ApprovedWrite>) -> Self {
        match (dry_run, approved) {
            (false, Some(a)) => Mode::Approved(a),
            _ => dry_run.into(),
        }
    }
}

/// What a write's body was computed from: the GitHub state it read.
#[derive(Debug, Clone)]
pub struct Basis {
    /// What was read, for the error message ("the current template of repository o/r").
    pub what: String,
    /// The values read, as JSON; their fingerprint is the write's `state`.
    pub state: serde_json::Value,
}

impl Basis {
    /// `sha256:<hex>` of the state's JSON text.
    pub fn fingerprint(&self) -> String {
        let text = serde_json::to_vec(&self.state).unwrap_or_default();
        format!("sha256:{}", crate::sha256_hex(&text))
    }
}

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
    /// The fingerprint of the GitHub state the body was computed from ([`Basis`]); `None`
    /// when the body depends only on the request.
    pub state: Option<String>,
}

impl Written {
    /// The body as JSON text, the exact bytes sent (`None` for a DELETE).
    pub fn body_text(&self) -> Result<Option<String>> {
        self.sent
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| Error::Internal(format!("a request body cannot be written: {e}")))
    }

    /// `METHOD URL BODY`, as a prompt shows it.
    fn line(&self) -> String {
        line(
            &self.method,
            &self.url,
            self.body_text().ok().flatten().as_deref(),
        )
    }
}

fn line(method: &str, url: &str, body: Option<&str>) -> String {
    match body {
        Some(b) => format!("{method} {url} {b}"),
        None => format!("{method} {url}"),
    }
}

/// An optional text given as empty (PowerShell turns `$null` into `''`) is absent.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// Whether `planned`, the write computed just now (every read made again right before
/// sending), is the `approved` one: the same method and URL, computed from the same state
/// (`basis` names what that state is), with the same body text. Anything else is an
/// [`Error::Conflict`] that names the approved request and, when it differs, the one the
/// current state gives; nothing has been sent.
pub fn check_approved(approved: &ApprovedWrite, planned: &Written, basis: Option<&Basis>) -> Result<()> {
    let shown = line(&approved.method, &approved.url, given(&approved.body));
    let now = planned.line();
    let conflict = |message: String| Error::Conflict {
        message,
        url: approved.url.clone(),
    };
    if approved.method != planned.method || approved.url != planned.url {
        return Err(conflict(format!(
            "Not sent: the approved request ({shown}) is not this write ({now}). Nothing was written; run the command again to review the request."
        )));
    }
    if given(&approved.state) != planned.state.as_deref() {
        let what = basis.map_or("the state the request was computed from", |b| b.what.as_str());
        let would = if now == shown {
            String::new()
        } else {
            format!(" (for the current state it would be {now})")
        };
        return Err(conflict(format!(
            "Not sent: {what} changed on GitHub after the request {shown} was shown for approval{would}. Nothing was written; run the command again to review the request for the current state."
        )));
    }
    if given(&approved.body) != planned.body_text()?.as_deref() {
        return Err(conflict(format!(
            "Not sent: the request computed now ({now}) is not the approved one ({shown}). Nothing was written; run the command again to review the request."
        )));
    }
    Ok(())
}

/// Sends `body` to `endpoint` (or, with [`Mode::DryRun`], only describes it) after every check
/// a real call makes: path arguments and token; with [`Mode::Approved`], only when it is the
/// approved request ([`check_approved`]). `basis` is the GitHub state `body` was computed from
/// (`None` when it depends only on the request). Returns the answer and GitHub's response, if any.
pub(crate) fn perform(
    ctx: &Context,
    endpoint: &Endpoint,
    args: &[&str],
    body: Option<serde_json::Value>,
    warnings: Vec<String>,
    basis: Option<&Basis>,
    mode: Mode,
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
        state: basis.map(Basis::fingerprint),
    };
    match mode {
        Mode::DryRun => return Ok((written, None)),
        Mode::Approved(approved) => check_approved(approved, &written, basis)?,
        Mode::Send => {}
    }
    let response = crate::auth::api(ctx, endpoint, args, written.sent.as_ref())?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use serde_json::json;

    const URL: &str = "https://api.github.com/repos/o/r/actions/oidc/customization/sub";

    fn planned(body: serde_json::Value, basis: Option<&Basis>) -> Written {
        Written {
            method: "PUT".into(),
            url: URL.into(),
            sent: Some(body),
            warnings: vec![],
            applied: false,
            result: None,
            issuer: None,
            state: basis.map(Basis::fingerprint),
        }
    }

    fn basis(keys: &[&str]) -> Basis {
        Basis {
            what: "the current template of repository o/r".into(),
            state: json!({"repository": {"use_default": false, "include_claim_keys": keys}}),
        }
    }

    /// The approval a dry run of `w` answers.
    fn approval(w: &Written) -> ApprovedWrite {
        ApprovedWrite {
            method: w.method.clone(),
            url: w.url.clone(),
            body: w.body_text().unwrap(),
            state: w.state.clone(),
        }
    }

    #[test]
    fn the_same_state_and_body_is_the_approved_write() {
        let b = basis(&["repo", "context"]);
        let body = json!({"use_default": false, "include_claim_keys": ["repo", "context"], "use_immutable_subject": true});
        let dry = planned(body.clone(), Some(&b));
        let now = planned(body, Some(&basis(&["repo", "context"])));
        check_approved(&approval(&dry), &now, Some(&b)).unwrap();
    }

    #[test]
    fn a_write_that_reads_nothing_needs_only_the_same_request() {
        let body = json!({"custom_property_name": "team"});
        let dry = planned(body.clone(), None);
        let mut approved = approval(&dry);
        check_approved(&approved, &planned(body, None), None).unwrap();
        // PowerShell passes a null string as '' : the same as absent.
        approved.state = Some(String::new());
        check_approved(&approved, &dry, None).unwrap();
    }

    #[test]
    fn a_delete_has_no_body() {
        let mut dry = planned(json!(null), None);
        dry.method = "DELETE".into();
        dry.sent = None;
        let mut approved = approval(&dry);
        assert_eq!(approved.body, None);
        approved.body = Some(String::new());
        check_approved(&approved, &dry, None).unwrap();
    }

    #[test]
    fn a_changed_state_is_a_conflict_naming_what_changed() {
        let before = basis(&["repo", "context"]);
        let after = basis(&["repo", "context", "job_workflow_ref"]);
        let dry = planned(
            json!({"use_default": false, "include_claim_keys": ["repo", "context"]}),
            Some(&before),
        );
        let now = planned(
            json!({"use_default": false, "include_claim_keys": ["repo", "context", "job_workflow_ref"]}),
            Some(&after),
        );
        let e = check_approved(&approval(&dry), &now, Some(&after)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        let m = e.to_string();
        assert!(
            m.starts_with(
                "Not sent: the current template of repository o/r changed on GitHub after the request PUT"
            ),
            "{m}"
        );
        assert!(m.contains(r#"for the current state it would be PUT"#), "{m}");
        assert!(m.contains("job_workflow_ref"), "{m}");
        assert!(m.contains("Nothing was written"), "{m}");
        assert_eq!(e.to_json()["url"], URL);
    }

    #[test]
    fn a_changed_state_is_a_conflict_even_when_the_body_is_the_same() {
        let before = basis(&["repo"]);
        let after = basis(&["repo", "context"]);
        let body = json!({"use_default": true});
        let e = check_approved(
            &approval(&planned(body.clone(), Some(&before))),
            &planned(body, Some(&after)),
            Some(&after),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert!(!e.to_string().contains("it would be"), "{e}");
    }

    #[test]
    fn another_body_or_request_is_a_conflict() {
        let dry = planned(json!({"include_claim_keys": ["repo"]}), None);
        let mut approved = approval(&dry);
        approved.body = Some(r#"{"include_claim_keys":["repo","context"]}"#.into());
        let e = check_approved(&approved, &dry, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert!(e.to_string().contains("is not the approved one"), "{e}");

        let mut approved = approval(&dry);
        approved.url = "https://api.github.com/orgs/o/actions/oidc/customization/sub".into();
        let e = check_approved(&approved, &dry, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert!(e.to_string().contains("is not this write"), "{e}");

        // Body text is compared byte for byte: the same members in another order differ.
        let two = planned(
            json!({"use_default": false, "include_claim_keys": ["repo"]}),
            None,
        );
        let mut approved = approval(&two);
        approved.body = Some(r#"{"include_claim_keys":["repo"],"use_default":false}"#.into());
        assert_eq!(
            check_approved(&approved, &two, None).unwrap_err().kind(),
            ErrorKind::Conflict
        );
    }

    #[test]
    fn the_fingerprint_follows_the_state() {
        assert_eq!(basis(&["repo"]).fingerprint(), basis(&["repo"]).fingerprint());
        assert_ne!(basis(&["repo"]).fingerprint(), basis(&["context"]).fingerprint());
        assert!(basis(&["repo"]).fingerprint().starts_with("sha256:"));
        assert_eq!(basis(&["repo"]).fingerprint().len(), "sha256:".len() + 64);
    }

    #[test]
    fn mode_of_a_request() {
        let a = ApprovedWrite::default();
        assert!(matches!(Mode::of(true, Some(&a)), Mode::DryRun));
        assert!(matches!(Mode::of(false, Some(&a)), Mode::Approved(_)));
        assert!(matches!(Mode::of(false, None), Mode::Send));
        assert!(matches!(Mode::of(true, None), Mode::DryRun));
    }
}
