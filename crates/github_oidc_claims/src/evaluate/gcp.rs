//! Google Cloud workload identity pool OIDC providers.
//!
//! A token is accepted when the provider is enabled, its `iss` equals `oidc.issuerUri`, its
//! `aud` is one of `oidc.allowedAudiences` (or, when that list is empty, the provider's full
//! resource name `https://iam.googleapis.com/projects/…/providers/ID`, with or without the
//! `https:` scheme), the `attributeMapping` yields a `google.subject` of at most 127 bytes, and
//! the `attributeCondition` (a CEL expression, see [`super::cel`]) is true.

use std::collections::BTreeMap;

use serde_json::Value;

use super::cel::{show, Env, Program, Val};
use super::{
    issuer_note, list, malformed, Check, EvaluateError, Facts, Outcome, PolicyProvider, Reason, Tri,
};

const P: PolicyProvider = PolicyProvider::Gcp;
const SUBJECT_MAX_BYTES: usize = 127;

#[derive(Debug, Clone)]
pub(crate) struct GcpPolicy {
    name: Option<String>,
    issuer: String,
    allowed_audiences: Vec<String>,
    mapping: Vec<(String, String, Result<Program, String>)>,
    condition: Option<(String, Result<Program, String>)>,
    disabled: bool,
    state: Option<String>,
}

impl GcpPolicy {
    pub(crate) fn parse(v: &Value, warnings: &mut Vec<String>) -> Result<GcpPolicy, EvaluateError> {
        let o = v
            .as_object()
            .ok_or_else(|| malformed(P, "expected a workload identity pool provider object"))?;
        let oidc = match o.get("oidc") {
            Some(Value::Object(m)) => m,
            Some(_) => return Err(malformed(P, "`oidc` is not an object")),
            None => {
                let kind = ["aws", "saml", "x509"].into_iter().find(|k| o.contains_key(*k));
                return Err(malformed(
                    P,
                    match kind {
                        Some(k) => format!("this is a `{k}` provider, not an OIDC provider"),
                        None => "the provider has no `oidc` section (expected `gcloud iam workload-identity-pools \
                                 providers describe --format=json` output)"
                            .to_string(),
                    },
                ));
            }
        };
        let issuer = oidc
            .get("issuerUri")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed(P, "`oidc.issuerUri` is missing"))?
            .to_string();
        let allowed_audiences = match oidc.get("allowedAudiences") {
            None | Some(Value::Null) => Vec::new(),
            Some(a) => super::strings(a)
                .ok_or_else(|| malformed(P, "`oidc.allowedAudiences` is not a list of strings"))?,
        };
        let mapping_obj = match o.get("attributeMapping") {
            Some(Value::Object(m)) => m,
            Some(_) => return Err(malformed(P, "`attributeMapping` is not an object")),
            None => {
                return Err(malformed(
                    P,
                    "`attributeMapping` is missing (an OIDC provider maps at least `google.subject`)",
                ))
            }
        };
        let mut mapping = Vec::new();
        for (k, val) in mapping_obj {
            let src = val
                .as_str()
                .ok_or_else(|| malformed(P, format!("`attributeMapping.{k}` is not a string")))?;
            mapping.push((k.clone(), src.to_string(), Program::parse(src)));
        }
        if !mapping.iter().any(|(k, _, _)| k == "google.subject") {
            return Err(malformed(P, "`attributeMapping` does not map `google.subject`"));
        }
        let condition = match o.get("attributeCondition") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some((s.clone(), Program::parse(s))),
            Some(_) => return Err(malformed(P, "`attributeCondition` is not a string")),
        };
        if condition.is_none() {
            warnings.push(
                "the provider has no attributeCondition: every token from the issuer is accepted (any repository, \
                 any owner); restrict it, e.g. `assertion.repository_owner_id == 'ID'`"
                    .to_string(),
            );
        }
        let name = o.get("name").and_then(Value::as_str).map(str::to_string);
        Ok(GcpPolicy {
            name,
            issuer,
            allowed_audiences,
            mapping,
            condition,
            disabled: o.get("disabled").and_then(Value::as_bool).unwrap_or(false),
            state: o.get("state").and_then(Value::as_str).map(str::to_string),
        })
    }

    /// The default audiences: the provider's resource name with `https:` or without a scheme.
    fn default_audiences(&self) -> Option<Vec<String>> {
        let name = self.name.as_deref()?.trim_start_matches('/');
        let name = name.strip_prefix("iam.googleapis.com/").unwrap_or(name);
        Some(vec![
            format!("https://iam.googleapis.com/{name}"),
            format!("//iam.googleapis.com/{name}"),
        ])
    }

    pub(crate) fn evaluate(&self, f: &Facts) -> Outcome {
        let label = self.name.clone().unwrap_or_else(|| "the provider".to_string());
        let state = if self.disabled || self.state.as_deref() == Some("DELETED") {
            Check::no(
                Reason::new(
                    "state",
                    "is",
                    "enabled",
                    self.state.clone().unwrap_or_else(|| "disabled".into()),
                )
                .fix("enable (or undelete) the provider"),
            )
        } else {
            Check::yes()
        };
        let issuer = if self.issuer.trim_end_matches('/') == f.issuer {
            Check::yes()
        } else {
            Check::no(
                Reason::new("oidc.issuerUri", "equals", &self.issuer, &f.issuer)
                    .note(issuer_note(&self.issuer, &f.issuer))
                    .fix(format!("create a provider with issuerUri `{}`", f.issuer)),
            )
        };
        let audience = self.check_audience(f);
        let mut attributes: BTreeMap<String, Val> = BTreeMap::new();
        let mut mapping_check = Check::yes();
        for (target, src, prog) in &self.mapping {
            let v = match prog {
                Ok(p) => p.eval(&Env {
                    facts: f,
                    attributes: None,
                }),
                Err(e) => {
                    let r = Reason::new(
                        format!("attributeMapping.{target}"),
                        "cannot evaluate",
                        src,
                        super::UNKNOWN,
                    )
                    .note(Some(format!("the mapping is not supported: {e}")));
                    (Val::Unknown, vec![r])
                }
            };
            if target == "google.subject" {
                mapping_check = match &v.0 {
                    Val::Str(s) if s.len() > SUBJECT_MAX_BYTES => Check::no(
                        Reason::new("attributeMapping.google.subject", "at most", format!("{SUBJECT_MAX_BYTES} bytes"), format!("{} bytes: {s}", s.len()))
                            .note(Some("GCP rejects a mapped google.subject longer than 127 bytes".into()))
                            .fix("map google.subject from a shorter value (e.g. `assertion.repository_id + ':' + assertion.ref`)"),
                    ),
                    Val::Str(_) => Check::yes(),
                    Val::Unknown => Check {
                        tri: Tri::Unknown,
                        reasons: v.1.clone(),
                    },
                    other => Check::no(
                        Reason::new("attributeMapping.google.subject", "maps to", "a string", show(other))
                            .note(Some(format!("`{src}` yields no subject for this token"))),
                    ),
                };
            }
            attributes.insert(target.clone(), v.0);
        }
        let (condition, matched_by) = match &self.condition {
            None => (Check::yes(), format!("{label} (no attributeCondition)")),
            Some((src, Err(e))) => (
                Check::unknown(
                    Reason::new("attributeCondition", "cannot evaluate", src, super::UNKNOWN)
                        .note(Some(format!("the expression is not supported: {e}"))),
                ),
                String::new(),
            ),
            Some((src, Ok(p))) => {
                let (tri, reasons) = p.condition(&Env {
                    facts: f,
                    attributes: Some(&attributes),
                });
                let fix = format!(
                    "extend attributeCondition with `|| assertion.sub == {}`",
                    cel_quote(f.subject)
                );
                let reasons = reasons
                    .into_iter()
                    .map(|r| if tri == Tri::No { r.fix(fix.clone()) } else { r })
                    .collect();
                (Check { tri, reasons }, format!("attributeCondition `{src}`"))
            }
        };
        let all = Check::all([state, issuer, audience, mapping_check, condition]).at(&label);
        let mut out = match all.tri {
            Tri::Yes => Outcome::allowed(matched_by),
            t => Outcome::not_allowed(t, all.reasons),
        };
        if f.audience_assumed {
            out.warnings.push(format!(
                "no audience given: assumed GCP's default, the provider's resource name{}",
                self.default_audiences()
                    .map(|d| format!(" `{}`", d[0]))
                    .unwrap_or_default()
            ));
        }
        out
    }

    fn check_audience(&self, f: &Facts) -> Check {
        let defaults = self.default_audiences();
        if !self.allowed_audiences.is_empty() {
            let aud = match (&f.audience, f.audience_assumed, &defaults) {
                (Some(a), false, _) => a.clone(),
                (_, _, Some(d)) => d[0].clone(),
                (_, _, None) => {
                    return Check::unknown(
                        Reason::new("oidc.allowedAudiences", "contains", list(&self.allowed_audiences), super::UNKNOWN)
                            .note(Some(
                                "no audience given, and GCP's default audience is the provider's resource name, which \
                                 this policy does not include (`name`): pass the audience the workflow requests"
                                    .into(),
                            )),
                    )
                }
            };
            return if self.allowed_audiences.contains(&aud) {
                Check::yes()
            } else {
                Check::no(
                    Reason::new("oidc.allowedAudiences", "contains", list(&self.allowed_audiences), &aud).fix(format!(
                        "request the audience `{}` in the workflow (google-github-actions/auth `audience:`), or add \
                         `{aud}` to oidc.allowedAudiences",
                        self.allowed_audiences[0]
                    )),
                )
            };
        }
        let Some(aud) = f.audience.as_ref().filter(|_| !f.audience_assumed) else {
            // The default audience is always the provider's own resource name.
            return Check::yes();
        };
        match defaults {
            Some(d) if d.contains(aud) => Check::yes(),
            Some(d) => Check::no(
                Reason::new(
                    "audience (default: the provider's resource name)",
                    "equals",
                    &d[0],
                    aud,
                )
                .fix(format!(
                    "request the audience `{}` (google-github-actions/auth's default), or add `{aud}` to \
                     oidc.allowedAudiences",
                    d[0]
                )),
            ),
            None if aud.starts_with("https://iam.googleapis.com/")
                || aud.starts_with("//iam.googleapis.com/") =>
            {
                Check::unknown(
                    Reason::new(
                        "audience (default: the provider's resource name)",
                        "equals",
                        "(the provider's name)",
                        aud,
                    )
                    .note(Some(
                        "the policy has no `name` to compare the audience with".into(),
                    )),
                )
            }
            None => Check::no(
                Reason::new(
                    "audience (default: the provider's resource name)",
                    "equals",
                    "https://iam.googleapis.com/projects/…/providers/…",
                    aud,
                )
                .note(Some(
                    "without allowedAudiences GCP accepts only the provider's own resource name".into(),
                ))
                .fix(format!("add `{aud}` to oidc.allowedAudiences")),
            ),
        }
    }
}

fn cel_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}
