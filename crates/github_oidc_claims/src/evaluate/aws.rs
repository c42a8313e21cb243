//! AWS IAM role trust policies: which statements let `sts:AssumeRoleWithWebIdentity` through
//! for a GitHub Actions token.
//!
//! Every statement is evaluated; an explicit `Deny` that matches wins over any `Allow`. A
//! statement applies when its `Principal` trusts the IAM OIDC provider of the token's issuer
//! (`arn:aws:iam::ACCOUNT:oidc-provider/ISSUER-HOST[/PATH]`), its `Action` (or `NotAction`)
//! covers `sts:AssumeRoleWithWebIdentity`, and every condition holds. Condition keys are
//! `ISSUER-HOST[/PATH]:CLAIM` (`…:sub`, `…:aud`, `…:job_workflow_ref`, …); a key for another
//! issuer is absent from the request. AWS STS puts only some claims in the request: the
//! standard ones and, for github.com tokens, `actor`, `actor_id`, `job_workflow_ref`,
//! `repository`, `repository_id`, `workflow`, `ref`, `environment` and `enterprise_id`; a
//! condition on another claim is decided only when the claim's absence would not change it. Supported operators: `StringEquals`, `StringNotEquals`,
//! `StringEqualsIgnoreCase`, `StringNotEqualsIgnoreCase`, `StringLike`, `StringNotLike`,
//! `Null`, with `ForAnyValue:` / `ForAllValues:` and `…IfExists`. Anything else cannot be
//! evaluated.

use serde_json::{Map, Value};

use crate::token::STANDARD_ISSUER;

use super::{
    best_of, glob_match, issuer_note, list, malformed, strings, subject_note, Check, EvaluateError, Facts,
    Lookup, Outcome, PolicyProvider, Reason, Tri, ABSENT,
};

const P: PolicyProvider = PolicyProvider::Aws;
const ACTION: &str = "sts:AssumeRoleWithWebIdentity";

#[derive(Debug, Clone)]
pub(crate) struct AwsPolicy {
    statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone)]
enum Principal {
    /// `"*"`.
    Any,
    /// `Federated` ARNs / names (other principal types are kept to explain the mismatch).
    Listed {
        federated: Vec<String>,
        other: Vec<String>,
    },
    /// `NotPrincipal` (cannot be evaluated for federated principals).
    Not,
}

#[derive(Debug, Clone)]
enum Actions {
    Action(Vec<String>),
    NotAction(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Equals,
    NotEquals,
    EqualsIgnoreCase,
    NotEqualsIgnoreCase,
    Like,
    NotLike,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    AnyValue,
    AllValues,
}

#[derive(Debug, Clone, Copy)]
struct Operator {
    set: Option<SetOp>,
    base: Base,
    if_exists: bool,
}

impl Operator {
    fn parse(raw: &str) -> Option<Operator> {
        let (set, rest) = if let Some(r) = strip_prefix_ci(raw, "ForAnyValue:") {
            (Some(SetOp::AnyValue), r)
        } else if let Some(r) = strip_prefix_ci(raw, "ForAllValues:") {
            (Some(SetOp::AllValues), r)
        } else {
            (None, raw)
        };
        let (rest, if_exists) = match rest.len().checked_sub("IfExists".len()) {
            Some(i) if rest.is_char_boundary(i) && rest[i..].eq_ignore_ascii_case("IfExists") => {
                (&rest[..i], true)
            }
            _ => (rest, false),
        };
        let base = match rest.to_ascii_lowercase().as_str() {
            "stringequals" => Base::Equals,
            "stringnotequals" => Base::NotEquals,
            "stringequalsignorecase" => Base::EqualsIgnoreCase,
            "stringnotequalsignorecase" => Base::NotEqualsIgnoreCase,
            "stringlike" => Base::Like,
            "stringnotlike" => Base::NotLike,
            "null" if set.is_none() && !if_exists => Base::Null,
            _ => return None,
        };
        Some(Operator { set, base, if_exists })
    }

    fn negated(self) -> bool {
        matches!(
            self.base,
            Base::NotEquals | Base::NotEqualsIgnoreCase | Base::NotLike
        )
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &s[prefix.len()..])
}

#[derive(Debug, Clone)]
struct Condition {
    operator_raw: String,
    operator: Option<Operator>,
    key: String,
    values: Vec<String>,
}

#[derive(Debug, Clone)]
struct Statement {
    label: String,
    effect: Effect,
    principal: Principal,
    actions: Actions,
    conditions: Vec<Condition>,
}

impl AwsPolicy {
    pub(crate) fn parse(v: &Value, warnings: &mut Vec<String>) -> Result<AwsPolicy, EvaluateError> {
        let doc = policy_document(v)?;
        let doc = doc
            .as_object()
            .ok_or_else(|| malformed(P, "the trust policy document is not a JSON object"))?;
        let statements = match doc.get("Statement") {
            Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
            Some(o @ Value::Object(_)) => vec![o],
            Some(_) => return Err(malformed(P, "`Statement` is neither an object nor an array")),
            None => return Err(malformed(P, "the trust policy document has no `Statement`")),
        };
        if statements.is_empty() {
            return Err(malformed(P, "`Statement` is empty"));
        }
        let statements = statements
            .into_iter()
            .enumerate()
            .map(|(i, s)| parse_statement(i, s, warnings))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AwsPolicy { statements })
    }

    pub(crate) fn evaluate(&self, f: &Facts) -> Outcome {
        let mut allows = Vec::new();
        let mut deny = Tri::No;
        let mut deny_hits = Vec::new();
        let mut deny_unknown = Vec::new();
        let mut warnings = Vec::new();
        for s in &self.statements {
            let c = s.check(f, &mut warnings);
            match s.effect {
                Effect::Allow => allows.push((s.label.clone(), c)),
                Effect::Deny => {
                    deny = deny.or(c.tri);
                    match c.tri {
                        Tri::Yes => deny_hits.push(s),
                        Tri::Unknown => deny_unknown.extend(c.reasons),
                        Tri::No => {}
                    }
                }
            }
        }
        let mut out = if deny == Tri::Yes {
            let reasons = deny_hits
                .iter()
                .map(|s| {
                    Reason::new(
                        "Effect",
                        "Deny",
                        "no Deny statement matches",
                        format!("{} matches this job", s.label),
                    )
                    .at(&s.label)
                    .note(Some("an explicit Deny wins over every Allow".into()))
                    .fix(format!("narrow or remove the Deny statement {}", s.label))
                })
                .collect();
            Outcome::not_allowed(Tri::No, reasons)
        } else {
            let allow = best_of(allows);
            match (deny, allow.allowed) {
                (Tri::Unknown, true) => Outcome::not_allowed(Tri::Unknown, deny_unknown),
                _ => allow,
            }
        };
        out.warnings.extend(warnings);
        out
    }
}

/// Finds the trust policy document: `{"Role": {...}}`, a role, or the document itself; the
/// document may be URL-encoded JSON text.
fn policy_document(v: &Value) -> Result<Value, EvaluateError> {
    let role = v.get("Role").unwrap_or(v);
    let doc = match role.get("AssumeRolePolicyDocument") {
        Some(d) => d,
        None if role.get("Statement").is_some() => role,
        None => return Err(malformed(
            P,
            "expected `aws iam get-role` output (`Role.AssumeRolePolicyDocument`) or a policy document with \
                 `Statement`",
        )),
    };
    match doc {
        Value::String(s) => {
            let t = s.trim();
            serde_json::from_str::<Value>(t)
                .or_else(|_| serde_json::from_str::<Value>(&super::url_decode(t, false)))
                .or_else(|_| serde_json::from_str::<Value>(&super::url_decode(t, true)))
                .map_err(|e| {
                    malformed(
                        P,
                        format!("`AssumeRolePolicyDocument` is not JSON (nor URL-encoded JSON): {e}"),
                    )
                })
        }
        other => Ok(other.clone()),
    }
}

fn parse_statement(i: usize, v: &Value, warnings: &mut Vec<String>) -> Result<Statement, EvaluateError> {
    let o = v
        .as_object()
        .ok_or_else(|| malformed(P, format!("Statement[{i}] is not an object")))?;
    let label = match o.get("Sid").and_then(Value::as_str).filter(|s| !s.is_empty()) {
        Some(sid) => format!("Statement[{i}] (Sid {sid})"),
        None => format!("Statement[{i}]"),
    };
    let effect = match o.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(e) => {
            return Err(malformed(
                P,
                format!("{label}: `Effect` is `{e}`, expected `Allow` or `Deny`"),
            ))
        }
        None => return Err(malformed(P, format!("{label} has no `Effect`"))),
    };
    let principal = match (o.get("Principal"), o.get("NotPrincipal")) {
        (Some(Value::String(s)), _) if s == "*" => Principal::Any,
        (Some(Value::Object(m)), _) => {
            let mut federated = Vec::new();
            let mut other = Vec::new();
            for (k, val) in m {
                let vals = strings(val).ok_or_else(|| {
                    malformed(
                        P,
                        format!("{label}: `Principal.{k}` is not a string or a list of strings"),
                    )
                })?;
                if k == "Federated" {
                    federated.extend(vals);
                } else if vals.iter().any(|x| x == "*") && k == "AWS" {
                    other.push("AWS:*".to_string());
                } else {
                    other.extend(vals.into_iter().map(|x| format!("{k}:{x}")));
                }
            }
            for arn in &federated {
                if arn.contains(&format!("::{}:", crate::trust::AWS_ACCOUNT_PLACEHOLDER)) {
                    warnings.push(format!(
                        "{label}: the principal `{arn}` still has the `{}` placeholder instead of the account ID",
                        crate::trust::AWS_ACCOUNT_PLACEHOLDER
                    ));
                }
            }
            Principal::Listed { federated, other }
        }
        (Some(_), _) => {
            return Err(malformed(
                P,
                format!("{label}: `Principal` is neither `*` nor an object"),
            ))
        }
        (None, Some(_)) => Principal::Not,
        (None, None) => {
            return Err(malformed(
                P,
                format!("{label} has no `Principal` (a trust policy names who may assume the role)"),
            ))
        }
    };
    let actions = match (o.get("Action"), o.get("NotAction")) {
        (Some(a), _) => Actions::Action(strings(a).ok_or_else(|| {
            malformed(
                P,
                format!("{label}: `Action` is not a string or a list of strings"),
            )
        })?),
        (None, Some(a)) => Actions::NotAction(strings(a).ok_or_else(|| {
            malformed(
                P,
                format!("{label}: `NotAction` is not a string or a list of strings"),
            )
        })?),
        (None, None) => return Err(malformed(P, format!("{label} has no `Action`"))),
    };
    let mut conditions = Vec::new();
    match o.get("Condition") {
        None | Some(Value::Null) => {}
        Some(Value::Object(ops)) => {
            for (op, block) in ops {
                let block: &Map<String, Value> = block.as_object().ok_or_else(|| {
                    malformed(P, format!("{label}: `Condition.{op}` is not an object of keys"))
                })?;
                for (key, vals) in block {
                    let values = strings(vals).ok_or_else(|| {
                        malformed(
                            P,
                            format!("{label}: `Condition.{op}.{key}` is not a string or a list of strings"),
                        )
                    })?;
                    conditions.push(Condition {
                        operator_raw: op.clone(),
                        operator: Operator::parse(op),
                        key: key.clone(),
                        values,
                    });
                }
            }
        }
        Some(_) => return Err(malformed(P, format!("{label}: `Condition` is not an object"))),
    }
    Ok(Statement {
        label,
        effect,
        principal,
        actions,
        conditions,
    })
}

/// `arn:PARTITION:iam::ACCOUNT:oidc-provider/URL` → `URL`.
fn oidc_provider_url(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let (_partition, service, _region, _account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (service == "iam").then_some(())?;
    resource.strip_prefix("oidc-provider/")
}

impl Statement {
    fn check(&self, f: &Facts, warnings: &mut Vec<String>) -> Check {
        let host_path = f.issuer_host_path().to_string();
        let principal = match &self.principal {
            Principal::Any => Check::yes(),
            Principal::Not => Check::unknown(
                Reason::new("NotPrincipal", "NotPrincipal", "(not evaluated)", &host_path).note(Some(
                    "NotPrincipal is not evaluated for web identity principals".into(),
                )),
            ),
            Principal::Listed { federated, other } => {
                let hit = federated.iter().any(|arn| {
                    oidc_provider_url(arn)
                        .is_some_and(|u| u.trim_end_matches('/').eq_ignore_ascii_case(&host_path))
                });
                if hit {
                    Check::yes()
                } else if other.iter().any(|o| o == "AWS:*") {
                    Check::unknown(
                        Reason::new("Principal.AWS", "trusts", "*", format!("oidc-provider/{host_path}")).note(Some(
                            "whether `{\"AWS\": \"*\"}` admits web identity federation is not evaluated; name the \
                             OIDC provider in `Principal.Federated`"
                                .into(),
                        )),
                    )
                } else {
                    let expected: Vec<String> = federated.iter().chain(other.iter()).cloned().collect();
                    let trusted_issuer = federated
                        .iter()
                        .filter_map(|a| oidc_provider_url(a))
                        .map(|u| format!("https://{}", u.trim_end_matches('/')))
                        .next();
                    let note = trusted_issuer
                        .as_deref()
                        .and_then(|t| issuer_note(t, &f.issuer))
                        .or_else(|| {
                            federated.is_empty().then(|| {
                                "the statement does not name a `Federated` principal, so it does not apply to \
                                 AssumeRoleWithWebIdentity"
                                    .to_string()
                            })
                        });
                    Check::no(
                        Reason::new(
                            "Principal.Federated",
                            "trusts",
                            if expected.is_empty() { "(none)".to_string() } else { list(&expected) },
                            format!("arn:aws:iam::ACCOUNT_ID:oidc-provider/{host_path}"),
                        )
                        .note(note)
                        .fix(format!(
                            "trust the IAM OIDC provider for `{host_path}` (create it with `aws iam \
                             create-open-id-connect-provider --url {}` if the account lacks it) in `Principal.Federated`",
                            f.issuer
                        )),
                    )
                }
            }
        };
        let action_ok = match &self.actions {
            Actions::Action(a) => a
                .iter()
                .any(|p| glob_match(&p.to_ascii_lowercase(), &ACTION.to_ascii_lowercase(), true)),
            Actions::NotAction(a) => !a
                .iter()
                .any(|p| glob_match(&p.to_ascii_lowercase(), &ACTION.to_ascii_lowercase(), true)),
        };
        let action = if action_ok {
            Check::yes()
        } else {
            let (op, vals) = match &self.actions {
                Actions::Action(a) => ("Action", a),
                Actions::NotAction(a) => ("NotAction", a),
            };
            Check::no(
                Reason::new(op, "covers", ACTION, list(vals))
                    .fix(format!("add `{ACTION}` to `Action` in {}", self.label)),
            )
        };
        let conds = Check::all(self.conditions.iter().map(|c| c.check(f, &self.label, warnings)));
        principal.and(action).and(conds).at(&self.label)
    }
}

impl Condition {
    fn check(&self, f: &Facts, label: &str, warnings: &mut Vec<String>) -> Check {
        let expected_text = |negated: bool| {
            let l = list(&self.values);
            if negated && self.values.len() > 1 {
                format!("none of {l}")
            } else {
                l
            }
        };
        let Some(op) = self.operator else {
            return Check::unknown(
                Reason::new(&self.key, &self.operator_raw, list(&self.values), super::UNKNOWN).note(Some(
                    format!("the operator `{}` is not evaluated", self.operator_raw),
                )),
            );
        };
        let host_path = f.issuer_host_path();
        let (prefix, claim) = match self.key.rsplit_once(':') {
            Some((p, c)) => (p, c.to_ascii_lowercase()),
            None => ("", self.key.to_ascii_lowercase()),
        };
        let lookup = if prefix.eq_ignore_ascii_case(host_path) {
            f.claim(&claim)
        } else if prefix.contains('.') || prefix.contains('/') {
            // A key of another OIDC provider: absent from this request.
            if op.base != Base::Null && !op.negated() && !op.if_exists && op.set != Some(SetOp::AllValues) {
                return Check::no(
                    Reason::new(&self.key, &self.operator_raw, expected_text(false), ABSENT)
                        .note(Some(format!(
                            "the key names the issuer `{prefix}`; this token's keys are named `{host_path}:{claim}`{}",
                            issuer_note(&format!("https://{prefix}"), &f.issuer)
                                .map(|n| format!(" — {n}"))
                                .unwrap_or_default()
                        )))
                        .fix(format!("rename the condition key `{}` to `{host_path}:{claim}`", self.key)),
                );
            }
            if op.if_exists || op.negated() {
                warnings.push(format!(
                    "{label}: the condition key `{}` names another issuer than `{host_path}`, so it never applies",
                    self.key
                ));
            }
            Lookup::Absent
        } else {
            return Check::unknown(
                Reason::new(&self.key, &self.operator_raw, list(&self.values), super::UNKNOWN).note(Some(
                    format!("the request context key `{}` is not evaluated", self.key),
                )),
            );
        };
        let documented = documented_key(&claim, &f.issuer);
        let known = matches!(lookup, Lookup::Value(_) | Lookup::Absent);
        let value = match lookup {
            Lookup::Unknown if documented => {
                return Check::unknown(Reason::needs_claim(
                    &self.key,
                    &self.operator_raw,
                    expected_text(op.negated()),
                    &claim,
                ));
            }
            Lookup::Unknown => None,
            Lookup::Absent => None,
            Lookup::Value(v) => Some(v),
        };
        let holds = self.holds(op, value.as_deref());
        if !documented {
            // AWS puts only some claims in the request context. For another key the request
            // most likely lacks it; decide only when "absent" and "present" agree.
            let if_absent = self.holds(op, None);
            let why = format!(
                "AWS documents `{}` as condition keys for GitHub's issuer{}; `{claim}` is not among them, so the \
                 request most likely lacks it and this condition {}",
                AWS_GITHUB_KEYS.join("`, `"),
                if f.issuer == STANDARD_ISSUER { "" } else { " (the claim keys only for the github.com issuer)" },
                if if_absent { "holds" } else { "never holds" }
            );
            if !(known && holds == if_absent) {
                return Check::unknown(
                    Reason::new(
                        &self.key,
                        &self.operator_raw,
                        expected_text(op.negated()),
                        value.clone().unwrap_or_else(|| super::UNKNOWN.to_string()),
                    )
                    .note(Some(why)),
                );
            }
            if !holds {
                let fix = format!(
                    "test `{host_path}:sub` instead: put `{claim}` in the subject with a custom template \
                     (include_claim_keys)"
                );
                return Check::no(
                    Reason::new(
                        &self.key,
                        &self.operator_raw,
                        expected_text(op.negated()),
                        value.unwrap_or_else(|| ABSENT.to_string()),
                    )
                    .note(Some(why))
                    .fix(fix),
                );
            }
            return Check::yes();
        }
        if holds {
            if value.is_none() && op.set == Some(SetOp::AllValues) && !op.negated() {
                warnings.push(format!(
                    "{label}: `{}` on `{}` holds because the key is missing; ForAllValues on a missing key is always \
                     true",
                    self.operator_raw, self.key
                ));
            }
            return Check::yes();
        }
        let actual = value.clone().unwrap_or_else(|| ABSENT.to_string());
        let mut reason = Reason::new(
            &self.key,
            &self.operator_raw,
            expected_text(op.negated()),
            &actual,
        );
        if let (Some(v), false) = (&value, op.negated()) {
            let note = self
                .values
                .iter()
                .find_map(|p| subject_note(P, p, v, &|a: &str, b: &str| op_matches(op, a, b)));
            reason = reason.note(note);
            let fix = match claim.as_str() {
                "aud" => format!(
                    "request the audience `{}` in the workflow, or add `{v}` to `{}` ({})",
                    self.values.first().cloned().unwrap_or_default(),
                    self.key,
                    label
                ),
                _ => format!(
                    "add `{v}` to `{}` under `{}` in {label}",
                    self.key, self.operator_raw
                ),
            };
            reason = reason.fix(fix);
        } else if op.negated() {
            reason = reason
                .note(Some(format!("`{}` excludes this value", self.operator_raw)))
                .fix(format!(
                    "remove `{actual}` from `{}` under `{}` in {label}",
                    self.key, self.operator_raw
                ));
        } else if op.base == Base::Null {
            reason = reason.note(Some("`Null` tests whether the key is present".into()));
        }
        Check::no(reason)
    }
}

/// Claim keys AWS STS documents for GitHub's issuer: the standard OIDC ones and, since January
/// 2026, provider-specific ones (AWS "STS supports validation of identity provider claims").
const AWS_STANDARD_KEYS: &[&str] = &["sub", "aud", "amr", "azp", "email", "oaud"];
const AWS_GITHUB_KEYS: &[&str] = &[
    "sub",
    "aud",
    "actor",
    "actor_id",
    "job_workflow_ref",
    "repository",
    "repository_id",
    "workflow",
    "ref",
    "environment",
    "enterprise_id",
];

/// Whether one policy value matches a present key value (before negation).
fn op_matches(op: Operator, pattern: &str, v: &str) -> bool {
    match op.base {
        Base::Equals | Base::NotEquals => pattern == v,
        Base::EqualsIgnoreCase | Base::NotEqualsIgnoreCase => pattern.to_lowercase() == v.to_lowercase(),
        Base::Like | Base::NotLike => glob_match(pattern, v, true),
        Base::Null => false,
    }
}

/// Whether AWS puts `claim` in the request context for tokens of `issuer`.
fn documented_key(claim: &str, issuer: &str) -> bool {
    AWS_STANDARD_KEYS.contains(&claim) || (issuer == STANDARD_ISSUER && AWS_GITHUB_KEYS.contains(&claim))
}

impl Condition {
    /// The condition's value for a present (`Some`) or absent (`None`) key.
    fn holds(&self, op: Operator, value: Option<&str>) -> bool {
        let matcher = |pattern: &str, v: &str| op_matches(op, pattern, v);
        match (value, op.base) {
            (_, Base::Null) => {
                let want_absent = self.values.iter().any(|x| x.eq_ignore_ascii_case("true"));
                value.is_none() == want_absent
            }
            (None, _) => match op.set {
                Some(SetOp::AnyValue) => false,
                Some(SetOp::AllValues) => true,
                None => op.if_exists || op.negated(),
            },
            (Some(v), _) => {
                let any = self.values.iter().any(|p| matcher(p, v));
                if op.negated() {
                    !any
                } else {
                    any
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators() {
        let o = Operator::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(o.set, Some(SetOp::AnyValue));
        assert_eq!(o.base, Base::Like);
        assert!(o.if_exists);
        assert!(Operator::parse("StringNotEquals").unwrap().negated());
        assert!(Operator::parse("NumericEquals").is_none());
        assert!(Operator::parse("ArnLike").is_none());
    }

    #[test]
    fn provider_arns() {
        assert_eq!(
            oidc_provider_url("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"),
            Some("token.actions.githubusercontent.com")
        );
        assert_eq!(
            oidc_provider_url(
                "arn:aws-us-gov:iam::123456789012:oidc-provider/ghe.example.com/_services/token"
            ),
            Some("ghe.example.com/_services/token")
        );
        assert_eq!(oidc_provider_url("cognito-identity.amazonaws.com"), None);
        assert_eq!(oidc_provider_url("arn:aws:iam::1:role/x"), None);
    }
}
