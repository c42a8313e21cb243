//! GitHub's wire formats: the JSON bodies this crate sends and the responses it reads, as
//! typed serde models (schemas from the REST description; see `github-oidc-api.md` §2).
//!
//! Responses are read with [`crate::http::Response::parse`], so a body of another shape is an
//! `UnexpectedResponse` error that names the URL and what serde found wrong. Request bodies
//! leave out every field that is `None`, exactly as GitHub documents them.

use serde::{Deserialize, Serialize};

/// `GET /orgs/{org}/actions/oidc/customization/sub`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgTemplateResponse {
    /// The claim keys, in order.
    pub include_claim_keys: Option<Vec<String>>,
    /// The immutable-subject opt-in flag.
    pub use_immutable_subject: Option<bool>,
}

/// `GET /repos/{owner}/{repo}/actions/oidc/customization/sub`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RepoTemplateResponse {
    /// `true` = GitHub's default `sub` format.
    pub use_default: Option<bool>,
    /// The claim keys, in order.
    pub include_claim_keys: Option<Vec<String>>,
    /// The immutable-subject opt-in flag.
    pub use_immutable_subject: Option<bool>,
    /// The effective `repo` segment of the `sub`.
    pub sub_claim_prefix: Option<String>,
}

/// `PUT /orgs/{org}/actions/oidc/customization/sub` body.
#[derive(Debug, Clone, Serialize)]
pub struct OrgTemplateBody<'a> {
    /// The claim keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_claim_keys: Option<&'a [String]>,
    /// The immutable-subject opt-in flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_immutable_subject: Option<bool>,
}

/// `PUT /repos/{owner}/{repo}/actions/oidc/customization/sub` body.
#[derive(Debug, Clone, Serialize)]
pub struct RepoTemplateBody<'a> {
    /// `true` = GitHub's default; `false` = the keys below, or the organization's template.
    pub use_default: bool,
    /// The claim keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_claim_keys: Option<&'a [String]>,
    /// The immutable-subject opt-in flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_immutable_subject: Option<bool>,
}

/// `PUT /enterprises/{enterprise}/actions/oidc/customization/issuer` body.
#[derive(Debug, Clone, Serialize)]
pub struct IssuerPolicyBody {
    /// Whether tokens use the enterprise-scoped issuer `ISSUER/<slug>`.
    pub include_enterprise_slug: bool,
}

/// One custom-property inclusion (list items and the `201` body of a POST).
#[derive(Debug, Clone, Deserialize)]
pub struct InclusionResponse {
    /// The custom property's name. The org list example in GitHub's spec says
    /// `property_name`, which is accepted too.
    #[serde(alias = "property_name")]
    pub custom_property_name: String,
    /// `organization` or `enterprise`; GitHub's POST example leaves it out.
    pub inclusion_source: Option<String>,
}

/// `POST …/actions/oidc/customization/properties/repo` body.
#[derive(Debug, Clone, Serialize)]
pub struct InclusionBody<'a> {
    /// The custom property's name (without `repo_property_`).
    pub custom_property_name: &'a str,
}

/// An ID: GitHub sends numbers; strings are accepted too.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Id {
    /// A JSON number.
    Number(serde_json::Number),
    /// A JSON string.
    Text(String),
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Id::Number(n) => write!(f, "{n}"),
            Id::Text(s) => f.write_str(s),
        }
    }
}

/// The owner of a repository in `GET /repos/{owner}/{repo}`.
#[derive(Debug, Clone, Deserialize)]
pub struct RepositoryOwner {
    /// The owner's ID.
    pub id: Id,
    /// The owner's name as GitHub spells it.
    pub login: Option<String>,
}

/// The parts of `GET /repos/{owner}/{repo}` this crate uses.
#[derive(Debug, Clone, Deserialize)]
pub struct RepositoryResponse {
    /// The repository's ID.
    pub id: Id,
    /// The repository's name as GitHub spells it.
    pub name: Option<String>,
    /// The owner.
    pub owner: RepositoryOwner,
}

/// The parts of an OIDC discovery document this crate uses.
#[derive(Debug, Clone, Deserialize)]
pub struct DiscoveryDocument {
    /// The issuer the document names.
    pub issuer: String,
    /// Where the signing keys are.
    #[serde(default)]
    pub jwks_uri: String,
    /// The claim keys the issuer puts into tokens.
    pub claims_supported: Vec<String>,
}

/// A JWKS: only its shape is checked; the keys are handed on as JSON text.
#[derive(Debug, Clone, Deserialize)]
pub struct JwksDocument {
    /// The keys.
    pub keys: Vec<serde_json::Value>,
}

/// One entry of `errors[]` in a GitHub error body: a string or an object with a `message`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ErrorDetail {
    /// `"…"`.
    Text(String),
    /// `{"message": "…", …}`.
    Message {
        /// The message.
        message: String,
    },
    /// Anything else, shown as JSON.
    Other(serde_json::Value),
}

impl std::fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ErrorDetail::Text(s) | ErrorDetail::Message { message: s } => f.write_str(s),
            ErrorDetail::Other(v) => write!(f, "{v}"),
        }
    }
}

/// A GitHub error body (`basic-error`, `validation-error`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    /// GitHub's message.
    pub message: Option<String>,
    /// The documentation page of the operation.
    pub documentation_url: Option<String>,
    /// Details of a validation failure.
    #[serde(default)]
    pub errors: Vec<ErrorDetail>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_leave_out_what_is_not_set() {
        let keys = vec!["repo".to_string()];
        let b = RepoTemplateBody {
            use_default: false,
            include_claim_keys: Some(&keys),
            use_immutable_subject: None,
        };
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"use_default":false,"include_claim_keys":["repo"]}"#
        );
        let b = OrgTemplateBody {
            include_claim_keys: None,
            use_immutable_subject: Some(true),
        };
        assert_eq!(
            serde_json::to_value(&b).unwrap(),
            json!({"use_immutable_subject": true})
        );
    }

    #[test]
    fn responses_of_the_wrong_shape_are_refused() {
        assert!(
            serde_json::from_value::<RepoTemplateResponse>(json!({"include_claim_keys": "repo"})).is_err()
        );
        assert!(serde_json::from_value::<RepoTemplateResponse>(json!({"include_claim_keys": [1]})).is_err());
        let t: RepoTemplateResponse =
            serde_json::from_value(json!({"use_default": true, "include_claim_keys": null})).unwrap();
        assert_eq!(t.use_default, Some(true));
        assert!(t.include_claim_keys.is_none());
    }

    #[test]
    fn ids_and_error_details() {
        let r: RepositoryResponse =
            serde_json::from_value(json!({"id": 201, "name": "r", "owner": {"id": "100", "login": "o"}}))
                .unwrap();
        assert_eq!(r.id.to_string(), "201");
        assert_eq!(r.owner.id.to_string(), "100");
        let e: ErrorBody = serde_json::from_value(json!({"message": "Validation Failed",
            "errors": ["a", {"message": "b", "code": "custom"}, {"code": "missing"}]}))
        .unwrap();
        let shown: Vec<String> = e.errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown, vec!["a", "b", r#"{"code":"missing"}"#]);
    }
}
