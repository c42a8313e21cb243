//! Trust-policy snippets that let a cloud provider accept GitHub Actions ID tokens for a set of
//! subjects. Each output is the JSON the provider's own CLI / REST API takes as written:
//!
//! * [`Provider::Aws`]: an IAM role trust policy document (`aws iam create-role
//!   --assume-role-policy-document`). When no account ID is given the placeholder
//!   [`AWS_ACCOUNT_PLACEHOLDER`] (`ACCOUNT_ID`) is used and must be replaced.
//! * [`Provider::Azure`]: an array of federated identity credentials, one per subject
//!   (`az ad app federated-credential create --parameters`, one element each).
//! * [`Provider::Gcp`]: a workload identity pool OIDC provider body
//!   (`projects.locations.workloadIdentityPools.providers.create`).
//! * [`Provider::Vault`]: a JWT auth role (`vault write auth/jwt/role/NAME @role.json`).
//!
//! A subject containing `*` or `?` is a wildcard pattern.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// GCP's limit on a mapped `google.subject`, in bytes.
pub const GCP_SUBJECT_MAX_BYTES: usize = 127;
/// GCP's limit on an `attributeCondition`, in characters.
pub const GCP_CONDITION_MAX_CHARS: usize = 4096;
/// The `google.subject` mapping used when `assertion.sub` could exceed
/// [`GCP_SUBJECT_MAX_BYTES`]: `OWNER_ID/REPOSITORY_ID`.
pub const GCP_ID_SUBJECT_MAPPING: &str = "assertion.repository_owner_id + '/' + assertion.repository_id";
/// Entra ID's limit on federated identity credentials per application.
pub const AZURE_MAX_CREDENTIALS: usize = 20;
/// AWS's default limit on a role trust policy's size (IAM quota `ACLSizePerRole`), in
/// characters without white space.
pub const AWS_TRUST_POLICY_MAX_CHARS: usize = 2048;

/// Placeholder used for the AWS account ID when none is given.
pub const AWS_ACCOUNT_PLACEHOLDER: &str = "ACCOUNT_ID";
/// Default audience for AWS (`sts.amazonaws.com`).
pub const AWS_DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";
/// Default audience for Azure federated identity credentials.
pub const AZURE_DEFAULT_AUDIENCE: &str = "api://AzureADTokenExchange";

/// A cloud provider / relying party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// AWS IAM (role trust policy).
    Aws,
    /// Microsoft Entra ID (federated identity credentials).
    Azure,
    /// Google Cloud (workload identity pool provider).
    Gcp,
    /// HashiCorp Vault (JWT auth role).
    Vault,
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Gcp => "gcp",
            Provider::Vault => "vault",
        })
    }
}

impl FromStr for Provider {
    type Err = TrustError;

    /// Parses `aws`, `azure`, `gcp` or `vault` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "aws" => Ok(Provider::Aws),
            "azure" | "entra" => Ok(Provider::Azure),
            "gcp" | "google" => Ok(Provider::Gcp),
            "vault" => Ok(Provider::Vault),
            _ => Err(TrustError::UnknownProvider(s.to_string())),
        }
    }
}

/// Input of [`trust_policy`].
#[derive(Debug, Clone, Copy)]
pub struct TrustRequest<'a> {
    /// Target provider.
    pub provider: Provider,
    /// Subjects (`sub` values) to trust; may contain `*` / `?` wildcards where supported.
    pub subjects: &'a [String],
    /// Audience; `None` uses the provider default (AWS `sts.amazonaws.com`, Azure
    /// `api://AzureADTokenExchange`, GCP none, Vault `https://github.com/OWNER`).
    pub audience: Option<&'a str>,
    /// The token issuer, e.g. `https://token.actions.githubusercontent.com`.
    pub issuer: &'a str,
    /// AWS account ID (12 digits); `None` uses [`AWS_ACCOUNT_PLACEHOLDER`].
    pub aws_account_id: Option<&'a str>,
    /// Base name (Azure credential names, GCP display name).
    pub name: Option<&'a str>,
}

/// Why a trust policy cannot be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// No subjects were given.
    #[error("at least one subject is required")]
    NoSubjects,
    /// A subject is empty.
    #[error("subjects must not be empty")]
    EmptySubject,
    /// The issuer is not an `https://` URL.
    #[error("the issuer must be an https:// URL, got `{0}`")]
    InvalidIssuer(String),
    /// The AWS account ID is not 12 digits.
    #[error("an AWS account ID is 12 digits, got `{0}`")]
    InvalidAccountId(String),
    /// The provider does not support this wildcard subject.
    #[error("{provider} does not support wildcard subjects like `{subject}`; {hint}")]
    WildcardNotSupported {
        /// The provider.
        provider: Provider,
        /// The offending subject.
        subject: String,
        /// What to do instead.
        hint: String,
    },
    /// An audience is required but none was given and none can be derived.
    #[error("{0}")]
    MissingAudience(String),
    /// An empty audience was given.
    #[error("the audience must not be empty")]
    EmptyAudience,
    /// The provider cannot take a policy this large.
    #[error("{0}")]
    LimitExceeded(String),
    /// Unknown provider name.
    #[error("unknown provider `{0}` (expected aws, azure, gcp or vault)")]
    UnknownProvider(String),
}

/// Whether a subject is a wildcard pattern (contains `*` or `?`).
pub fn is_wildcard(subject: &str) -> bool {
    subject.contains(['*', '?'])
}

/// Builds the provider's trust-policy JSON for `req`.
pub fn trust_policy(req: &TrustRequest) -> Result<Value, TrustError> {
    if req.subjects.is_empty() {
        return Err(TrustError::NoSubjects);
    }
    if req.subjects.iter().any(|s| s.trim().is_empty()) {
        return Err(TrustError::EmptySubject);
    }
    if req.audience.is_some_and(|a| a.trim().is_empty()) {
        return Err(TrustError::EmptyAudience);
    }
    let issuer = req.issuer.trim().trim_end_matches('/');
    if !issuer.starts_with("https://") || issuer.len() <= "https://".len() {
        return Err(TrustError::InvalidIssuer(req.issuer.to_string()));
    }
    match req.provider {
        Provider::Aws => aws(req, issuer),
        Provider::Azure => azure(req, issuer),
        Provider::Gcp => gcp(req, issuer),
        Provider::Vault => vault(req, issuer),
    }
}

fn aws(req: &TrustRequest, issuer: &str) -> Result<Value, TrustError> {
    let account = match req.aws_account_id.map(str::trim) {
        Some(a) if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => a,
        Some(a) => return Err(TrustError::InvalidAccountId(a.to_string())),
        None => AWS_ACCOUNT_PLACEHOLDER,
    };
    let host_path = issuer.trim_start_matches("https://");
    let aud = req.audience.unwrap_or(AWS_DEFAULT_AUDIENCE);
    let mut equals = Map::new();
    equals.insert(format!("{host_path}:aud"), json!(aud));
    let subs = json!(req.subjects);
    let mut condition = Map::new();
    if req.subjects.iter().any(|s| is_wildcard(s)) {
        condition.insert("StringEquals".into(), Value::Object(equals));
        condition.insert("StringLike".into(), json!({ format!("{host_path}:sub"): subs }));
    } else {
        equals.insert(format!("{host_path}:sub"), subs);
        condition.insert("StringEquals".into(), Value::Object(equals));
    }
    Ok(json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Federated": format!("arn:aws:iam::{account}:oidc-provider/{host_path}") },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }]
    }))
}

const AZURE_NAME_MAX: usize = 120;

/// Reduces `raw` to an Azure credential name: `[A-Za-z0-9-_]`, starting with a letter or digit.
fn azure_name_base(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            c
        } else {
            '-'
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let out = out.trim_matches(|c| c == '-' || c == '_').to_string();
    let out = if out.len() < 3 {
        format!("github-{out}").trim_end_matches('-').to_string()
    } else {
        out
    };
    truncate(&out, AZURE_NAME_MAX)
}

fn truncate(s: &str, max: usize) -> String {
    // Input is ASCII here, so byte and char lengths agree.
    s.chars()
        .take(max)
        .collect::<String>()
        .trim_end_matches(['-', '_'])
        .to_string()
}

fn azure(req: &TrustRequest, issuer: &str) -> Result<Value, TrustError> {
    if let Some(s) = req.subjects.iter().find(|s| is_wildcard(s)) {
        return Err(TrustError::WildcardNotSupported {
            provider: Provider::Azure,
            subject: s.clone(),
            hint: "federated identity credentials match the subject exactly; add one credential per \
                   exact subject"
                .into(),
        });
    }
    let aud = req.audience.unwrap_or(AZURE_DEFAULT_AUDIENCE);
    let mut used: Vec<String> = Vec::new();
    let mut creds = Vec::with_capacity(req.subjects.len());
    for (i, subject) in req.subjects.iter().enumerate() {
        let base = match req.name {
            Some(n) if req.subjects.len() == 1 => azure_name_base(n),
            Some(n) => azure_name_base(&format!("{n}-{}", i + 1)),
            None => azure_name_base(subject),
        };
        let mut name = base.clone();
        let mut k = 2;
        while used.contains(&name) {
            let suffix = format!("-{k}");
            name = format!("{}{suffix}", truncate(&base, AZURE_NAME_MAX - suffix.len()));
            k += 1;
        }
        used.push(name.clone());
        let description: String = format!("GitHub Actions OIDC: {subject}")
            .chars()
            .take(600)
            .collect();
        creds.push(json!({
            "name": name,
            "issuer": issuer,
            "subject": subject,
            "description": description,
            "audiences": [aud],
        }));
    }
    Ok(Value::Array(creds))
}

/// Quotes `s` as a CEL single-quoted string literal.
fn cel_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Converts a `*` / `?` glob into an anchored RE2 pattern.
fn glob_to_regex(glob: &str) -> String {
    let mut re = String::from("^");
    for c in glob.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c if "\\.+()[]{}|^$".contains(c) => {
                re.push('\\');
                re.push(c);
            }
            c => re.push(c),
        }
    }
    re.push('$');
    re
}

fn gcp(req: &TrustRequest, issuer: &str) -> Result<Value, TrustError> {
    let (wild, exact): (Vec<&String>, Vec<&String>) = req.subjects.iter().partition(|s| is_wildcard(s));
    let mut terms = Vec::new();
    match exact.as_slice() {
        [] => {}
        [one] => terms.push(format!("assertion.sub == {}", cel_quote(one))),
        many => terms.push(format!(
            "assertion.sub in [{}]",
            many.iter().map(|s| cel_quote(s)).collect::<Vec<_>>().join(", ")
        )),
    }
    for w in wild {
        terms.push(format!("assertion.sub.matches({})", cel_quote(&glob_to_regex(w))));
    }
    // GCP refuses a mapped google.subject over 127 bytes. When every subject is exact and short
    // enough, the condition admits only those, so `assertion.sub` always fits; otherwise map the
    // owner and repository IDs (numeric claims GitHub always sends: at most 41 bytes) and keep
    // the exact `sub` check in attributeCondition. Only `+` on strings is used (supported by
    // GCP's CEL attribute mapping).
    let subject_mapping = if req
        .subjects
        .iter()
        .all(|s| !is_wildcard(s) && s.len() <= GCP_SUBJECT_MAX_BYTES)
    {
        "assertion.sub"
    } else {
        GCP_ID_SUBJECT_MAPPING
    };
    let display: String = req.name.unwrap_or("GitHub Actions").chars().take(32).collect();
    let mut oidc = Map::new();
    oidc.insert("issuerUri".into(), json!(issuer));
    if let Some(aud) = req.audience {
        oidc.insert("allowedAudiences".into(), json!([aud]));
    }
    let condition = terms.join(" || ");
    if condition.chars().count() > GCP_CONDITION_MAX_CHARS {
        return Err(TrustError::LimitExceeded(format!(
            "the attributeCondition for {} subjects is {} characters; GCP allows at most {GCP_CONDITION_MAX_CHARS} \
             (split the subjects over several providers, or trust fewer, broader ones)",
            req.subjects.len(),
            condition.chars().count()
        )));
    }
    Ok(json!({
        "displayName": display,
        "attributeMapping": {
            "google.subject": subject_mapping,
            "attribute.repository": "assertion.repository",
            "attribute.repository_owner": "assertion.repository_owner",
            "attribute.repository_id": "assertion.repository_id",
            "attribute.repository_owner_id": "assertion.repository_owner_id",
        },
        "attributeCondition": condition,
        "oidc": oidc,
    }))
}

/// Warnings about a policy [`trust_policy`] produced for `req`: provider limits it may not
/// meet, and what the caller must know to use it.
pub fn trust_policy_warnings(req: &TrustRequest, policy: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match req.provider {
        Provider::Aws => {
            let compact: usize = serde_json::to_string(policy)
                .map(|t| t.chars().filter(|c| !c.is_whitespace()).count())
                .unwrap_or(0);
            if compact > AWS_TRUST_POLICY_MAX_CHARS {
                out.push(format!(
                    "the trust policy is {compact} characters; IAM's default limit for a role trust policy is \
                     {AWS_TRUST_POLICY_MAX_CHARS} (quota ACLSizePerRole): request a quota increase or trust fewer \
                     subjects per role"
                ));
            }
        }
        Provider::Azure => {
            let n = policy.as_array().map_or(0, Vec::len);
            if n > AZURE_MAX_CREDENTIALS {
                out.push(format!(
                    "{n} federated identity credentials: Entra ID allows at most {AZURE_MAX_CREDENTIALS} per \
                     application or managed identity; spread them over several applications or use a flexible \
                     federated identity credential"
                ));
            }
        }
        Provider::Gcp => {
            if policy["attributeMapping"]["google.subject"] == GCP_ID_SUBJECT_MAPPING {
                out.push(format!(
                    "a subject may exceed GCP's {GCP_SUBJECT_MAX_BYTES}-byte limit on google.subject, so google.subject \
                     is mapped to `OWNER_ID/REPOSITORY_ID` (`{GCP_ID_SUBJECT_MAPPING}`) and the exact subjects are \
                     checked in attributeCondition: grant IAM roles to principalSet://…/attribute.repository_id/ID or \
                     principal://…/subject/OWNER_ID/REPOSITORY_ID"
                ));
            }
        }
        Provider::Vault => {}
    }
    out
}

/// The owner named by a subject: `repo:OWNER/…`, `repo:OWNER@ID/…` or `repository_owner:OWNER`.
pub(crate) fn owner_of_subject(subject: &str) -> Option<String> {
    let owner = if let Some(rest) = subject.strip_prefix("repo:") {
        rest.split('/').next()?.split('@').next()?.to_string()
    } else {
        let i = subject.find("repository_owner:")?;
        if i > 0 && !subject[..i].ends_with(':') {
            return None;
        }
        subject[i + "repository_owner:".len()..]
            .split(':')
            .next()?
            .to_string()
    };
    (!owner.is_empty() && !is_wildcard(&owner) && !owner.contains(':')).then_some(owner)
}

/// The web host whose `https://HOST/OWNER` is GitHub's default audience for this issuer.
pub(crate) fn web_base_of_issuer(issuer: &str) -> String {
    let host_path = issuer.trim_start_matches("https://");
    let host = host_path.split('/').next().unwrap_or(host_path);
    if host == "token.actions.githubusercontent.com" {
        "https://github.com".into()
    } else if let Some(sub) = host
        .strip_prefix("token.actions.")
        .filter(|h| h.ends_with(".ghe.com"))
    {
        format!("https://{sub}")
    } else {
        // GHES: https://HOSTNAME/_services/token -> https://HOSTNAME
        format!("https://{host}")
    }
}

fn vault(req: &TrustRequest, issuer: &str) -> Result<Value, TrustError> {
    if let Some(s) = req.subjects.iter().find(|s| s.contains('?')) {
        return Err(TrustError::WildcardNotSupported {
            provider: Provider::Vault,
            subject: s.clone(),
            hint: "Vault glob bound claims support only `*`".into(),
        });
    }
    let aud = match req.audience {
        Some(a) => a.to_string(),
        None => {
            let owner = owner_of_subject(&req.subjects[0]).ok_or_else(|| {
                TrustError::MissingAudience(format!(
                    "no audience given and none can be derived from the subject `{}`; pass the audience \
                     the workflow requests",
                    req.subjects[0]
                ))
            })?;
            format!("{}/{owner}", web_base_of_issuer(issuer))
        }
    };
    let wildcard = req.subjects.iter().any(|s| is_wildcard(s));
    let mut role = json!({
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_audiences": [aud],
        "bound_claims_type": if wildcard { "glob" } else { "string" },
        "bound_claims": { "sub": req.subjects },
        "token_ttl": "15m",
    });
    if let ([one], false) = (req.subjects, wildcard) {
        role["bound_subject"] = json!(one);
    }
    Ok(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "https://token.actions.githubusercontent.com";

    fn subs(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    fn req<'a>(provider: Provider, subjects: &'a [String]) -> TrustRequest<'a> {
        TrustRequest {
            provider,
            subjects,
            audience: None,
            issuer: ISS,
            aws_account_id: None,
            name: None,
        }
    }

    #[test]
    fn aws_exact() {
        let s = subs(&["repo:octo-org/octo-repo:ref:refs/heads/main"]);
        let v = trust_policy(&TrustRequest {
            aws_account_id: Some("123456789012"),
            ..req(Provider::Aws, &s)
        })
        .unwrap();
        let st = &v["Statement"][0];
        assert_eq!(v["Version"], "2012-10-17");
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(st["Action"], "sts:AssumeRoleWithWebIdentity");
        assert_eq!(
            st["Principal"]["Federated"],
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        );
        let eq = &st["Condition"]["StringEquals"];
        assert_eq!(eq["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
        assert_eq!(eq["token.actions.githubusercontent.com:sub"], json!(s));
        assert!(st["Condition"].get("StringLike").is_none());
        // Round-trips as text.
        let text = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    }

    #[test]
    fn aws_wildcard_and_placeholder() {
        let s = subs(&["repo:octo-org/octo-repo:ref:refs/heads/main", "repo:octo-org/*"]);
        let v = trust_policy(&TrustRequest {
            audience: Some("my-aud"),
            ..req(Provider::Aws, &s)
        })
        .unwrap();
        let c = &v["Statement"][0]["Condition"];
        assert_eq!(
            c["StringEquals"]["token.actions.githubusercontent.com:aud"],
            "my-aud"
        );
        assert!(c["StringEquals"]
            .get("token.actions.githubusercontent.com:sub")
            .is_none());
        assert_eq!(
            c["StringLike"]["token.actions.githubusercontent.com:sub"],
            json!(s)
        );
        assert!(v["Statement"][0]["Principal"]["Federated"]
            .as_str()
            .unwrap()
            .contains(":ACCOUNT_ID:"));
    }

    #[test]
    fn aws_ghes_and_enterprise_issuer() {
        let s = subs(&["repo:o/r:ref:refs/heads/main"]);
        let v = trust_policy(&TrustRequest {
            issuer: "https://ghe.example.com/_services/token/",
            ..req(Provider::Aws, &s)
        })
        .unwrap();
        assert_eq!(
            v["Statement"][0]["Principal"]["Federated"],
            "arn:aws:iam::ACCOUNT_ID:oidc-provider/ghe.example.com/_services/token"
        );
        assert!(
            v["Statement"][0]["Condition"]["StringEquals"]["ghe.example.com/_services/token:sub"].is_array()
        );
        let v = trust_policy(&TrustRequest {
            issuer: "https://token.actions.githubusercontent.com/octocat-inc",
            ..req(Provider::Aws, &s)
        })
        .unwrap();
        assert!(v["Statement"][0]["Condition"]["StringEquals"]
            .get("token.actions.githubusercontent.com/octocat-inc:aud")
            .is_some());
    }

    #[test]
    fn aws_bad_account() {
        let s = subs(&["repo:o/r:ref:refs/heads/main"]);
        let e = trust_policy(&TrustRequest {
            aws_account_id: Some("12345"),
            ..req(Provider::Aws, &s)
        });
        assert_eq!(e, Err(TrustError::InvalidAccountId("12345".into())));
    }

    #[test]
    fn azure_credentials() {
        let s = subs(&[
            "repo:octo-org/octo-repo:environment:Production",
            "repo:octo-org/octo-repo:environment:Production",
            &format!("repo:octo-org/{}:ref:refs/heads/main", "x".repeat(200)),
        ]);
        let v = trust_policy(&req(Provider::Azure, &s)).unwrap();
        let arr = v.as_array().unwrap();
        assert_eq!(arr.len(), 3);
        let mut names = Vec::new();
        for (cred, subject) in arr.iter().zip(&s) {
            let name = cred["name"].as_str().unwrap();
            assert!(name.len() <= 120 && name.len() >= 3, "{name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{name}"
            );
            assert!(name.starts_with(|c: char| c.is_ascii_alphanumeric()));
            names.push(name.to_string());
            assert_eq!(cred["issuer"], ISS);
            assert_eq!(cred["subject"], subject.as_str());
            assert_eq!(cred["audiences"], json!(["api://AzureADTokenExchange"]));
            assert!(cred["description"].is_string());
        }
        assert_eq!(names[0], "repo-octo-org-octo-repo-environment-Production");
        assert_eq!(names[1], "repo-octo-org-octo-repo-environment-Production-2");
        names.dedup();
        assert_eq!(names.len(), 3);

        let one = subs(&["repo:o/r:ref:refs/heads/main"]);
        let v = trust_policy(&TrustRequest {
            name: Some("deploy prod"),
            audience: Some("aud1"),
            ..req(Provider::Azure, &one)
        })
        .unwrap();
        assert_eq!(v[0]["name"], "deploy-prod");
        assert_eq!(v[0]["audiences"], json!(["aud1"]));
    }

    #[test]
    fn azure_rejects_wildcards() {
        let s = subs(&["repo:octo-org/*"]);
        let e = trust_policy(&req(Provider::Azure, &s)).unwrap_err();
        assert!(matches!(
            e,
            TrustError::WildcardNotSupported {
                provider: Provider::Azure,
                ..
            }
        ));
        assert!(e.to_string().contains("repo:octo-org/*"));
    }

    #[test]
    fn gcp_provider() {
        let s = subs(&["repo:octo-org/octo-repo:ref:refs/heads/main"]);
        let v = trust_policy(&req(Provider::Gcp, &s)).unwrap();
        assert_eq!(
            v["attributeCondition"],
            "assertion.sub == 'repo:octo-org/octo-repo:ref:refs/heads/main'"
        );
        assert_eq!(v["oidc"]["issuerUri"], ISS);
        assert!(v["oidc"].get("allowedAudiences").is_none());
        assert_eq!(v["attributeMapping"]["google.subject"], "assertion.sub");
        assert_eq!(
            v["attributeMapping"]["attribute.repository"],
            "assertion.repository"
        );
        assert_eq!(
            v["attributeMapping"]["attribute.repository_owner"],
            "assertion.repository_owner"
        );
        assert_eq!(v["displayName"], "GitHub Actions");

        let s = subs(&[
            "repo:o/a:ref:refs/heads/main",
            "repo:o/b:ref:refs/heads/main",
            "repo:o/*",
        ]);
        let long = "a very long display name that exceeds the limit";
        let v = trust_policy(&TrustRequest {
            audience: Some("aud"),
            name: Some(long),
            ..req(Provider::Gcp, &s)
        })
        .unwrap();
        assert_eq!(
            v["attributeCondition"],
            "assertion.sub in ['repo:o/a:ref:refs/heads/main', 'repo:o/b:ref:refs/heads/main'] || \
             assertion.sub.matches('^repo:o/.*$')"
        );
        assert_eq!(v["oidc"]["allowedAudiences"], json!(["aud"]));
        assert!(v["displayName"].as_str().unwrap().chars().count() <= 32);
    }

    #[test]
    fn gcp_subject_mapping_stays_within_127_bytes() {
        // Short exact subjects: assertion.sub, no warning.
        let s = subs(&["repo:o/r:ref:refs/heads/main"]);
        let r = req(Provider::Gcp, &s);
        let v = trust_policy(&r).unwrap();
        assert_eq!(v["attributeMapping"]["google.subject"], "assertion.sub");
        assert!(trust_policy_warnings(&r, &v).is_empty());
        // A subject over 127 bytes, or a wildcard that admits one: the IDs, with a warning.
        let long = format!("repo:o@1/r@2:ref:refs/heads/{}", "b".repeat(120));
        for subjects in [subs(&[&long]), subs(&["repo:o/*"])] {
            let r = req(Provider::Gcp, &subjects);
            let v = trust_policy(&r).unwrap();
            assert_eq!(v["attributeMapping"]["google.subject"], GCP_ID_SUBJECT_MAPPING);
            assert!(v["attributeCondition"]
                .as_str()
                .unwrap()
                .contains(subjects[0].trim_end_matches('*')));
            let w = trust_policy_warnings(&r, &v);
            assert_eq!(w.len(), 1, "{w:?}");
            assert!(w[0].contains("127-byte"));
        }
    }

    #[test]
    fn provider_limits() {
        // GCP: an attributeCondition over 4096 characters is refused.
        let many: Vec<String> = (0..120)
            .map(|i| format!("repo:octo-org/repository-{i}:ref:refs/heads/main"))
            .collect();
        let e = trust_policy(&req(Provider::Gcp, &many)).unwrap_err();
        assert!(matches!(e, TrustError::LimitExceeded(_)), "{e}");
        assert!(e.to_string().contains("4096"));
        // Entra: more than 20 credentials per application is a warning.
        let r = req(Provider::Azure, &many[..21]);
        let v = trust_policy(&r).unwrap();
        let w = trust_policy_warnings(&r, &v);
        assert!(w.iter().any(|w| w.contains("at most 20")), "{w:?}");
        let r = req(Provider::Azure, &many[..20]);
        assert!(trust_policy_warnings(&r, &trust_policy(&r).unwrap()).is_empty());
        // AWS: over the default trust policy size.
        let r = req(Provider::Aws, &many);
        let w = trust_policy_warnings(&r, &trust_policy(&r).unwrap());
        assert!(w.iter().any(|w| w.contains("ACLSizePerRole")), "{w:?}");
        let r = req(Provider::Aws, &many[..2]);
        assert!(trust_policy_warnings(&r, &trust_policy(&r).unwrap()).is_empty());
    }

    #[test]
    fn vault_role() {
        let s = subs(&["repo:octo-org/octo-repo:ref:refs/heads/main"]);
        let v = trust_policy(&req(Provider::Vault, &s)).unwrap();
        assert_eq!(v["role_type"], "jwt");
        assert_eq!(v["user_claim"], "sub");
        assert_eq!(v["bound_audiences"], json!(["https://github.com/octo-org"]));
        assert_eq!(v["bound_claims_type"], "string");
        assert_eq!(v["bound_claims"]["sub"], json!(s));
        assert_eq!(v["bound_subject"], s[0].as_str());
        assert_eq!(v["token_ttl"], "15m");

        let s = subs(&["repo:octo-org@123/octo-repo@456:ref:refs/heads/*"]);
        let v = trust_policy(&TrustRequest {
            issuer: "https://ghe.example.com/_services/token",
            ..req(Provider::Vault, &s)
        })
        .unwrap();
        assert_eq!(v["bound_audiences"], json!(["https://ghe.example.com/octo-org"]));
        assert_eq!(v["bound_claims_type"], "glob");
        assert!(v.get("bound_subject").is_none());

        let s = subs(&["repository_owner:monalisa:repository_visibility:private"]);
        let v = trust_policy(&req(Provider::Vault, &s)).unwrap();
        assert_eq!(v["bound_audiences"], json!(["https://github.com/monalisa"]));

        let s = subs(&["job_workflow_ref:o/r/.github/workflows/x.yml@refs/heads/main"]);
        assert!(matches!(
            trust_policy(&req(Provider::Vault, &s)),
            Err(TrustError::MissingAudience(_))
        ));
        let v = trust_policy(&TrustRequest {
            audience: Some("vault"),
            ..req(Provider::Vault, &s)
        })
        .unwrap();
        assert_eq!(v["bound_audiences"], json!(["vault"]));

        let s = subs(&["repo:o/r:ref:refs/heads/v?"]);
        assert!(matches!(
            trust_policy(&req(Provider::Vault, &s)),
            Err(TrustError::WildcardNotSupported {
                provider: Provider::Vault,
                ..
            })
        ));
    }

    #[test]
    fn input_errors() {
        assert_eq!(
            trust_policy(&req(Provider::Aws, &[])),
            Err(TrustError::NoSubjects)
        );
        let s = subs(&[" "]);
        assert_eq!(
            trust_policy(&req(Provider::Gcp, &s)),
            Err(TrustError::EmptySubject)
        );
        let s = subs(&["repo:o/r:ref:refs/heads/main"]);
        assert!(matches!(
            trust_policy(&TrustRequest {
                issuer: "http://x",
                ..req(Provider::Gcp, &s)
            }),
            Err(TrustError::InvalidIssuer(_))
        ));
        assert_eq!("AWS".parse::<Provider>(), Ok(Provider::Aws));
        assert!("nope".parse::<Provider>().is_err());
        assert_eq!(Provider::Gcp.to_string(), "gcp");
    }
}
