//! HashiCorp Vault JWT auth roles.
//!
//! A token is accepted by a `jwt` role when its `aud` is one of `bound_audiences` (Vault
//! rejects a token with an audience when the role binds none), its `sub` equals
//! `bound_subject` (when set), and every `bound_claims` entry matches (a list means any of;
//! `bound_claims_type` `glob` allows `*`). The issuer is checked by the auth method's config
//! (`bound_issuer` / `oidc_discovery_url`), not by the role, so it is not evaluated here.

use serde_json::{Map, Value};

use super::{
    glob_match, list, malformed, strings, subject_note, Check, EvaluateError, Facts, Lookup, Outcome,
    PolicyProvider, Reason, Tri,
};

const P: PolicyProvider = PolicyProvider::Vault;

#[derive(Debug, Clone)]
pub(crate) struct VaultRole {
    role_type: String,
    bound_subject: Option<String>,
    bound_audiences: Vec<String>,
    bound_claims: Vec<(String, Vec<String>)>,
    glob: bool,
    user_claim: String,
}

impl VaultRole {
    pub(crate) fn parse(v: &Value, warnings: &mut Vec<String>) -> Result<VaultRole, EvaluateError> {
        let o: &Map<String, Value> = match v.get("data") {
            Some(Value::Object(d)) => d,
            Some(_) => return Err(malformed(P, "`data` is not an object")),
            None => v.as_object().ok_or_else(|| {
                malformed(
                    P,
                    "expected a JWT role object (`vault read -format=json auth/jwt/role/NAME`)",
                )
            })?,
        };
        let known = [
            "role_type",
            "bound_audiences",
            "bound_subject",
            "bound_claims",
            "user_claim",
        ];
        if !known.iter().any(|k| o.contains_key(*k)) {
            return Err(malformed(
                P,
                "the object has none of role_type, bound_audiences, bound_subject, bound_claims, user_claim",
            ));
        }
        let role_type = o
            .get("role_type")
            .and_then(Value::as_str)
            .unwrap_or("oidc")
            .to_string();
        let bound_subject = match o.get("bound_subject") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(malformed(P, "`bound_subject` is not a string")),
        };
        let bound_audiences = match o.get("bound_audiences") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => s
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect(),
            Some(a) => {
                strings(a).ok_or_else(|| malformed(P, "`bound_audiences` is not a list of strings"))?
            }
        };
        let mut bound_claims = Vec::new();
        match o.get("bound_claims") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (k, val) in m {
                    let vals = strings(val).ok_or_else(|| {
                        malformed(
                            P,
                            format!("`bound_claims.{k}` is not a string or a list of strings"),
                        )
                    })?;
                    bound_claims.push((k.clone(), vals));
                }
            }
            Some(_) => return Err(malformed(P, "`bound_claims` is not an object")),
        }
        let glob = match o
            .get("bound_claims_type")
            .and_then(Value::as_str)
            .unwrap_or("string")
        {
            "string" | "" => false,
            "glob" => true,
            other => {
                return Err(malformed(
                    P,
                    format!("`bound_claims_type` is `{other}`, expected `string` or `glob`"),
                ))
            }
        };
        let user_claim = o
            .get("user_claim")
            .and_then(Value::as_str)
            .unwrap_or("sub")
            .to_string();
        if bound_subject.is_none() && bound_claims.is_empty() {
            warnings.push(
                "the role binds neither bound_subject nor bound_claims: any repository's token with the audience is \
                 accepted"
                    .to_string(),
            );
        }
        Ok(VaultRole {
            role_type,
            bound_subject,
            bound_audiences,
            bound_claims,
            glob,
            user_claim,
        })
    }

    pub(crate) fn evaluate(&self, f: &Facts) -> Outcome {
        let mut warnings = vec![
            "Vault checks the issuer in the auth method's config (bound_issuer / oidc_discovery_url), not in the role; \
             the issuer was not evaluated"
                .to_string(),
        ];
        let role_type = if self.role_type == "jwt" {
            Check::yes()
        } else {
            Check::no(
                Reason::new("role_type", "equals", "jwt", &self.role_type)
                    .note(Some(
                        "an `oidc` role is for browser logins; CI tokens log in to `jwt` roles".into(),
                    ))
                    .fix("set role_type to `jwt`"),
            )
        };
        let audience = match (&f.audience, self.bound_audiences.is_empty()) {
            (_, true) => Check::no(
                Reason::new("bound_audiences", "contains", "(none bound)", f.audience.clone().unwrap_or_default())
                    .note(Some("Vault rejects a token that has an audience when the role binds no audiences".into()))
                    .fix(format!(
                        "set bound_audiences to the audience the workflow requests{}",
                        f.audience.as_deref().map(|a| format!(" (`{a}`)")).unwrap_or_default()
                    )),
            ),
            (Some(a), false) if self.bound_audiences.contains(a) => Check::yes(),
            (Some(a), false) => Check::no(
                Reason::new("bound_audiences", "contains", list(&self.bound_audiences), a).fix(format!(
                    "request the audience `{}` in the workflow (hashicorp/vault-action `jwtGithubAudience`), or add `{a}` \
                     to bound_audiences",
                    self.bound_audiences[0]
                )),
            ),
            (None, false) => Check::unknown(
                Reason::new("bound_audiences", "contains", list(&self.bound_audiences), super::UNKNOWN).note(Some(
                    "no audience given and GitHub's default (`https://github.com/OWNER`) cannot be derived from the \
                     subject: pass the audience"
                        .into(),
                )),
            ),
        };
        let subject = match &self.bound_subject {
            None => Check::yes(),
            Some(s) if s == f.subject => Check::yes(),
            Some(s) => Check::no(
                Reason::new("bound_subject", "equals", s, f.subject)
                    .note(subject_note(P, s, f.subject, &|a: &str, b: &str| a == b))
                    .fix(format!(
                        "set bound_subject to `{}` (or clear it and bind `sub` in bound_claims with both forms)",
                        f.subject
                    )),
            ),
        };
        let op = if self.glob { "glob" } else { "string" };
        let claims = Check::all(self.bound_claims.iter().map(|(key, vals)| {
            let name = key.trim_start_matches('/').rsplit('/').next().unwrap_or(key);
            let test = |p: &str, v: &str| {
                if self.glob {
                    glob_match(p, v, false)
                } else {
                    p == v
                }
            };
            let cond = format!("bound_claims.{key}");
            match f.claim(name) {
                Lookup::Value(v) if vals.iter().any(|p| test(p, &v)) => Check::yes(),
                Lookup::Value(v) => Check::no(
                    Reason::new(&cond, op, list(vals), &v)
                        .note(
                            vals.iter()
                                .find_map(|p| subject_note(P, p, &v, &|a: &str, b: &str| test(a, b))),
                        )
                        .fix(format!("add `{v}` to bound_claims.{key}")),
                ),
                Lookup::Absent => Check::no(
                    Reason::new(&cond, op, list(vals), super::ABSENT)
                        .note(Some(format!("the token has no `{name}` claim"))),
                ),
                Lookup::Unknown => Check::unknown(Reason::needs_claim(&cond, op, list(vals), name)),
            }
        }));
        if matches!(f.claim(&self.user_claim), Lookup::Absent) {
            warnings.push(format!(
                "the token has no `{}` claim, which the role's user_claim names",
                self.user_claim
            ));
        }
        let all = Check::all([role_type, audience, subject, claims]).at("role");
        let mut out = match all.tri {
            Tri::Yes => Outcome::allowed(match &self.bound_subject {
                Some(s) if self.bound_claims.is_empty() => format!("bound_subject `{s}`"),
                _ if !self.bound_claims.is_empty() => format!(
                    "bound_claims ({})",
                    self.bound_claims
                        .iter()
                        .map(|(k, _)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => "bound_audiences".to_string(),
            }),
            t => Outcome::not_allowed(t, all.reasons),
        };
        out.warnings.extend(warnings);
        out
    }
}
