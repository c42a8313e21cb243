//! The typed contract of the C ABI: one request type and one answer type per export.
//!
//! Every export takes one UTF-8 JSON object and answers one JSON value. The request types below
//! are the only place their field names are written: `bindings/schema.json` (JSON Schema of every
//! request and answer) and the C# request classes in `bindings/Requests.cs` are generated from
//! them by `github_oidc_bindgen`, and the C header names each export's request and answer type.
//!
//! Requests are parsed straight from the bytes with `#[serde(deny_unknown_fields)]` at every
//! depth (the `context` object included): an unknown field, a wrong type or a body that is not
//! an object is `InvalidArgument`, and the message names the field (`context.host_nam`).
//!
//! Conventions: field names are snake_case, as in GitHub's API; an absent optional field and
//! `null` mean the same ("not given"); booleans default to `false`.

use github_oidc_core::desired::Document;
pub use github_oidc_core::write::ApprovedWrite;
use github_oidc_core::ContextOptions;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

github_oidc_core::contract_struct! {
    /// `ghoidc_version`: no fields.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct VersionRequest { }
}

github_oidc_core::contract_struct! {
    /// The version of the native library and what it sends to GitHub.
    #[derive(Debug, Serialize)]
    pub struct VersionAnswer {
        /// The library (and module) version.
        pub version: String,
        /// The `User-Agent` header sent to GitHub.
        pub user_agent: String,
        /// The `X-GitHub-Api-Version` header sent to GitHub.
        pub api_version: String,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_context`: resolve a context without any request.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ContextRequest {
        /// Where to talk to; absent = github.com without a token.
        #[serde(default)]
        pub context: Option<ContextOptions>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_discover`: the issuer's discovery document.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct DiscoverRequest {
        /// Where to talk to.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// GitHub Enterprise Cloud: read the enterprise-scoped issuer of this enterprise slug.
        #[serde(default)]
        pub enterprise: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_claim_keys`: the keys a subject template may use.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ClaimKeysRequest {
        /// Where to talk to.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// GitHub Enterprise Cloud: the enterprise-scoped issuer of this enterprise slug.
        #[serde(default)]
        pub enterprise: Option<String>,
        /// For argument completion: never wait on an issuer that failed a moment ago.
        #[serde(default)]
        pub completion: bool,
    }
}

github_oidc_core::contract_struct! {
    /// Keys a template may use, and where the list came from.
    #[derive(Debug, Serialize)]
    pub struct ClaimKeysAnswer {
        /// Claim keys, in discovery order (registered JWT claims last).
        pub keys: Vec<String>,
        /// `discovery` or `builtin`.
        pub source: String,
        /// The issuer the keys are for.
        pub issuer: String,
        /// Why the built-in list was used, when it was.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub warning: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_get_subject_claim`: an organization's (no `repository`) or a repository's template.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct GetSubjectClaimRequest {
        /// Where to talk to.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// Organization or user.
        pub owner: String,
        /// Repository name; absent = the organization's template.
        #[serde(default)]
        pub repository: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_set_subject_claim`: write an organization's (no `repository`) or a repository's
    /// template, or with `dry_run` answer the exact body that would be sent, without writing.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct SetSubjectClaimRequest {
        /// Where to talk to.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// Organization or user.
        pub owner: String,
        /// Repository name; absent = the organization's template.
        #[serde(default)]
        pub repository: Option<String>,
        /// Repository only: `true` resets to GitHub's default, `false` uses its own keys or the
        /// organization's template; absent keeps the current value.
        #[serde(default)]
        pub use_default: Option<bool>,
        /// The template's keys; absent keeps the current keys (repository) or sends none.
        #[serde(default)]
        pub include_claim_keys: Option<Vec<String>>,
        /// GitHub's immutable-subject opt-in flag; absent leaves it out of the request.
        #[serde(default)]
        pub use_immutable_subject: Option<bool>,
        /// Send keys the issuer's discovery document does not list.
        #[serde(default)]
        pub allow_unknown_keys: bool,
        /// Check everything and answer the body, but send no write.
        #[serde(default)]
        pub dry_run: bool,
        /// The dry run's request as approved: the write sends exactly it, or nothing (a
        /// `Conflict` error) when what it was computed from changed since.
        #[serde(default)]
        pub approved: Option<ApprovedWrite>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_list_property_claims`: custom-property inclusions of an organization or enterprise.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ListPropertyClaimsRequest {
        /// Where to talk to.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// The organization (exactly one of `owner` and `enterprise`).
        #[serde(default)]
        pub owner: Option<String>,
        /// The enterprise slug (exactly one of `owner` and `enterprise`).
        #[serde(default)]
        pub enterprise: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_add_property_claim`: include a custom property in the tokens' claims.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct AddPropertyClaimRequest {
        /// Where to talk to.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// The organization (exactly one of `owner` and `enterprise`).
        #[serde(default)]
        pub owner: Option<String>,
        /// The enterprise slug (exactly one of `owner` and `enterprise`).
        #[serde(default)]
        pub enterprise: Option<String>,
        /// The custom property's name.
        pub name: String,
        /// Check everything and answer the body, but send no write.
        #[serde(default)]
        pub dry_run: bool,
        /// The dry run's request as approved: the write sends exactly it, or nothing (a
        /// `Conflict` error) when what it was computed from changed since.
        #[serde(default)]
        pub approved: Option<ApprovedWrite>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_remove_property_claim`: stop including a custom property in the tokens' claims.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RemovePropertyClaimRequest {
        /// Where to talk to.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// The organization (exactly one of `owner` and `enterprise`).
        #[serde(default)]
        pub owner: Option<String>,
        /// The enterprise slug (exactly one of `owner` and `enterprise`).
        #[serde(default)]
        pub enterprise: Option<String>,
        /// The custom property's name.
        pub name: String,
        /// Check everything and answer what would be sent, but send no write.
        #[serde(default)]
        pub dry_run: bool,
        /// The dry run's request as approved: the write sends exactly it, or nothing (a
        /// `Conflict` error) when what it was computed from changed since.
        #[serde(default)]
        pub approved: Option<ApprovedWrite>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_set_enterprise_issuer`: whether tokens of an enterprise carry the enterprise-scoped
    /// issuer (GitHub Enterprise Cloud only).
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct SetEnterpriseIssuerRequest {
        /// Where to talk to.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// The enterprise slug.
        pub enterprise: String,
        /// `true`: tokens use `https://token.actions.githubusercontent.com/<enterprise>`.
        pub include_enterprise_slug: bool,
        /// Check everything and answer the body, but send no write.
        #[serde(default)]
        pub dry_run: bool,
        /// The dry run's request as approved: the write sends exactly it, or nothing (a
        /// `Conflict` error) when what it was computed from changed since.
        #[serde(default)]
        pub approved: Option<ApprovedWrite>,
    }
}

/// A claim value as a caller may give it: GitHub issues every claim as text, so numbers and
/// booleans are turned into text (`true`, `42`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ClaimValue {
    /// Text, as GitHub issues it.
    Text(String),
    /// A number, e.g. `run_attempt`.
    Number(serde_json::Number),
    /// A boolean.
    Bool(bool),
}

impl JsonSchema for ClaimValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClaimValue".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A claim value: text, or a number or boolean that is sent as text.",
            "type": ["string", "number", "boolean"]
        })
    }
}

impl ClaimValue {
    /// The value as GitHub issues it.
    pub fn into_text(self) -> String {
        match self {
            ClaimValue::Text(s) => s,
            ClaimValue::Number(n) => n.to_string(),
            ClaimValue::Bool(b) => b.to_string(),
        }
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_resolve_subject`: the `sub` a job's token gets. Three modes: `token` (the token's
    /// own claims, no request); `owner` + `repository` (live: the repository's effective template);
    /// otherwise offline (`claims` with `include_claim_keys`, absent = GitHub's default).
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ResolveSubjectRequest {
        /// Where to talk to (live mode).
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// Live mode: the organization or user.
        #[serde(default)]
        pub owner: Option<String>,
        /// Live mode: the repository.
        #[serde(default)]
        pub repository: Option<String>,
        /// Claim name → value for the job (`ref`, `environment`, `job_workflow_ref`, …).
        #[serde(default)]
        pub claims: Option<BTreeMap<String, Option<ClaimValue>>>,
        /// Offline and token modes: the template's keys (absent = GitHub's default template).
        #[serde(default)]
        pub include_claim_keys: Option<Vec<String>>,
        /// Offline and token modes: the repository uses immutable subjects.
        #[serde(default)]
        pub use_immutable_subject: bool,
        /// Token mode: an Actions OIDC token (JWT) whose claims describe the job.
        #[serde(default)]
        pub token: Option<String>,
        /// Token mode: read the token's repository's live template (with `context`) and say
        /// whether it predicts exactly the token's `sub`, rather than applying
        /// `include_claim_keys` offline.
        #[serde(default)]
        pub live: bool,
        /// Live mode: the job runs on this branch (`ref` = `refs/heads/<branch>`).
        #[serde(default)]
        pub branch: Option<String>,
        /// Live mode: the job runs on this tag (`ref` = `refs/tags/<tag>`).
        #[serde(default)]
        pub tag: Option<String>,
        /// Live mode: the job's full `ref`.
        #[serde(default)]
        pub r#ref: Option<String>,
        /// Live mode: the job runs for this pull request number.
        #[serde(default)]
        pub pull_request: Option<u64>,
        /// Live mode: the job's deployment environment.
        #[serde(default)]
        pub environment: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_decode_token`: a JWT's header and claims, unverified.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct DecodeTokenRequest {
        /// The token (JWT).
        pub token: String,
    }
}

github_oidc_core::contract_struct! {
    /// A decoded token: header and claims as they are, never verified.
    #[derive(Debug, Serialize)]
    pub struct DecodeTokenAnswer {
        /// The JOSE header.
        pub header: serde_json::Value,
        /// The claims.
        pub claims: serde_json::Value,
        /// Always `false`: decoding checks nothing.
        pub verified: bool,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_verify_token`: verify a token against its issuer's keys.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct VerifyTokenRequest {
        /// Where to talk to (which issuers are allowed).
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// The token (JWT).
        pub token: String,
        /// The audience the token must carry.
        #[serde(default)]
        pub audience: Option<String>,
        /// Allow this enterprise's enterprise-scoped issuer too.
        #[serde(default)]
        pub enterprise: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_actions_token`: inside a GitHub Actions job, the job's ID token from the runner,
    /// verified against its issuer's keys. The caller reads the runner's variables.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ActionsTokenRequest {
        /// Which instance issues the job's tokens (the issuers allowed, the keys), and the
        /// timeouts, retries and network settings of the runner request. Its token is not sent.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// `ACTIONS_ID_TOKEN_REQUEST_URL` as the caller's environment has it (absent = not set).
        #[serde(default)]
        pub request_url: Option<String>,
        /// `ACTIONS_ID_TOKEN_REQUEST_TOKEN` (absent = not set). Redacted from every answer.
        #[serde(default)]
        pub request_token: Option<String>,
        /// The audience (`aud`) to request; absent = the runner's default. The token's `aud`
        /// is then checked against it.
        #[serde(default)]
        pub audience: Option<String>,
        /// Allow this enterprise's enterprise-scoped issuer too.
        #[serde(default)]
        pub enterprise: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// The job's ID token and its verification.
    #[derive(Debug, Serialize)]
    pub struct ActionsTokenAnswer {
        /// The verification, as `ghoidc_verify_token` answers it (`valid`, `checks`,
        /// `failures`, `claims`, `header`, `issuer`, `allowed_issuers`, `jwks_uri`, …).
        pub verification: serde_json::Value,
        /// The ID token's UTF-8 bytes. The one secret an answer carries, because the caller
        /// asked for exactly it: as numbers, not text, so that the redaction of every answer's
        /// strings does not remove it, and so that the caller can build a SecureString without
        /// ever holding the token as a string.
        pub token_utf8: Vec<u8>,
        /// The URL that was requested (the runner's URL with `audience=`; holds no credential).
        pub request_url: String,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_trust_policy`: a trust policy for a cloud provider that admits the subjects.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct TrustPolicyRequest {
        /// `Aws`, `Azure`, `Gcp` or `Vault` (case-insensitive).
        pub provider: String,
        /// The subjects to admit (wildcards allowed where the provider has them).
        pub subjects: Vec<String>,
        /// The audience; absent = the provider's default.
        #[serde(default)]
        pub audience: Option<String>,
        /// The issuer; absent = the context's issuer (with `enterprise`: its enterprise-scoped issuer).
        #[serde(default)]
        pub issuer: Option<String>,
        /// Where the issuer comes from when `issuer` is absent.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// Use this enterprise's enterprise-scoped issuer (GitHub Enterprise Cloud).
        #[serde(default)]
        pub enterprise: Option<String>,
        /// AWS: the account of the OIDC provider.
        #[serde(default)]
        pub aws_account_id: Option<String>,
        /// Azure and Vault: the name of the credential or role.
        #[serde(default)]
        pub name: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// The policy documents: one per thing the provider takes (Azure: one per credential).
    #[derive(Debug, Serialize)]
    pub struct TrustPolicyAnswer {
        /// Indented JSON documents.
        pub documents: Vec<String>,
        /// The issuer the documents trust.
        pub issuer: String,
        /// Provider limits the documents may not meet, and what to know to use them.
        pub warnings: Vec<String>,
    }
}

github_oidc_core::contract_struct! {
    /// One job to test against a trust policy: what its ID token carries.
    #[derive(Debug, Default, Clone, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct TrustJob {
        /// The `sub` claim; absent = the token's `sub` (one of `subject` and `token` is needed).
        #[serde(default)]
        pub subject: Option<String>,
        /// The `aud` claim; absent = the token's, else the provider's default audience.
        #[serde(default)]
        pub audience: Option<String>,
        /// The `iss` claim; absent = the token's, else the request's issuer.
        #[serde(default)]
        pub issuer: Option<String>,
        /// Other claims a condition may test (`job_workflow_ref`, `repository_id`, …); they
        /// override the token's claims of the same name.
        #[serde(default)]
        pub claims: Option<BTreeMap<String, Option<ClaimValue>>>,
        /// An Actions OIDC token (JWT), decoded without verification: its `sub`, `aud`, `iss`
        /// and every claim describe the job.
        #[serde(default)]
        pub token: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_test_trust_policy`: whether a trust policy a relying party already has admits
    /// each job's token, and if not, why. Offline: no request.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct TestTrustPolicyRequest {
        /// `Aws`, `Azure`, `Gcp`, `Vault`, `Npm`, `PyPI`, `Crates`, `RubyGems` or `NuGet`
        /// (case-insensitive).
        pub provider: String,
        /// The policy as JSON text, as the provider's CLI prints it (`aws iam get-role`,
        /// `az ad app federated-credential list`, `gcloud … providers describe --format=json`,
        /// `vault read -format=json auth/jwt/role/NAME`, a trusted publisher).
        pub policy: String,
        /// The jobs to test, one result each, in order.
        pub jobs: Vec<TrustJob>,
        /// Where the jobs' issuer comes from when neither the job nor its token names one.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// GitHub Enterprise Cloud: the jobs' tokens carry this enterprise's enterprise-scoped issuer.
        #[serde(default)]
        pub enterprise: Option<String>,
        /// The migration view of one repository (a `Get-GitHubOidcRepository` state): `jobs`
        /// then holds exactly one job (audience, issuer, token, other claims) and its subject is
        /// computed twice from the repository's names and IDs and the job's ref: the subject it
        /// gets today (form `Current`) and its immutable subject (form `Immutable`).
        #[serde(default)]
        pub repository: Option<TrustRepository>,
    }
}

github_oidc_core::contract_struct! {
    /// One repository whose jobs a trust policy is tested for (see `TestTrustPolicyRequest.repository`).
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct TrustRepository {
        /// The owner's login.
        pub owner: String,
        /// The repository's name.
        pub repository: String,
        /// The owner's numeric ID.
        pub owner_id: u64,
        /// The repository's numeric ID.
        pub repository_id: u64,
        /// The repository's claim keys; absent = GitHub's default template.
        #[serde(default)]
        pub include_claim_keys: Option<Vec<String>>,
        /// Whether the repository's subjects are immutable today.
        #[serde(default)]
        pub use_immutable_subject: bool,
        /// The job's branch (`refs/heads/…`).
        #[serde(default)]
        pub branch: Option<String>,
        /// The job's tag (`refs/tags/…`).
        #[serde(default)]
        pub tag: Option<String>,
        /// The job's full ref.
        #[serde(default)]
        pub r#ref: Option<String>,
        /// The job runs for this pull request number.
        #[serde(default)]
        pub pull_request: Option<u64>,
        /// The job's deployment environment.
        #[serde(default)]
        pub environment: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// One failing (or undecidable) condition of a trust policy.
    #[derive(Debug, Serialize)]
    pub struct TrustReason {
        /// Where the condition lives: `Statement[0] (Sid GitHub)`, `credential prod`, …
        pub source: Option<String>,
        /// The condition: a condition key, `issuer`, `subject`, `audiences`, a CEL expression, …
        pub condition: String,
        /// The operator (`StringEquals`, `==`, `matches`, `cannot evaluate`, …).
        pub operator: String,
        /// What the policy expects.
        pub expected: String,
        /// What the job's token has (`(absent)` / `(unknown)` when missing).
        pub actual: String,
        /// Why they differ, when recognisable (immutable subjects, letter case, a renamed
        /// repository, an enterprise-scoped issuer, …).
        pub note: Option<String>,
        /// The whole reason as one line, for display: where, the condition, the operator, the
        /// expected and the actual value, and the note.
        pub text: String,
    }
}

github_oidc_core::contract_struct! {
    /// The verdict for one job.
    #[derive(Debug, Serialize)]
    pub struct TrustVerdict {
        /// For a repository's migration view: `Current` or `Immutable`; absent otherwise.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub form: Option<String>,
        /// The job's `sub`.
        pub subject: String,
        /// The audience evaluated (given, from the token, or the provider default assumed).
        pub audience: Option<String>,
        /// The issuer evaluated.
        pub issuer: String,
        /// The token would be accepted. Never true when `evaluable` is false.
        pub allowed: bool,
        /// False when the policy cannot be decided for this job ("cannot evaluate").
        pub evaluable: bool,
        /// What admits the job (statement, credential, condition), when allowed.
        pub matched_by: Option<String>,
        /// For a denial each failing condition; for "cannot evaluate" each undecidable one.
        pub reasons: Vec<TrustReason>,
        /// The smallest change that admits the job, when one can be named.
        pub suggestion: Option<String>,
        /// Things worth knowing that do not decide the result.
        pub warnings: Vec<String>,
    }
}

github_oidc_core::contract_struct! {
    /// The results of `ghoidc_test_trust_policy`.
    #[derive(Debug, Serialize)]
    pub struct TestTrustPolicyAnswer {
        /// The provider evaluated (`aws`, `azure`, `gcp`, `vault`, `npm`, `pypi`, `crates`,
        /// `rubygems`, `nuget`).
        pub provider: String,
        /// One verdict per job, in request order.
        pub results: Vec<TrustVerdict>,
        /// Warnings about the policy itself (not about one job), e.g. Entra's credential limit.
        pub warnings: Vec<String>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_trust_risk`: who else a trust configuration admits, beyond the intended owner or
    /// repository; each risk comes with a job the evaluator admits.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct TrustRiskRequest {
        /// `Aws`, `Azure`, `Gcp`, `Vault`, `Npm`, `PyPI`, `Crates`, `RubyGems` or `NuGet`
        /// (case-insensitive).
        pub provider: String,
        /// The configuration as JSON text, in the forms `ghoidc_test_trust_policy` reads.
        pub policy: String,
        /// The intended owner; absent = taken from the policy.
        #[serde(default)]
        pub owner: Option<String>,
        /// The intended repository (`NAME` or `OWNER/NAME`); absent = taken from the policy.
        #[serde(default)]
        pub repository: Option<String>,
        /// The owner's ID, for the immutable subject in suggestions.
        #[serde(default)]
        pub owner_id: Option<String>,
        /// The repository's ID, for the immutable subject in suggestions.
        #[serde(default)]
        pub repository_id: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// A job a trust configuration admits: its subject and claims.
    #[derive(Debug, Serialize)]
    pub struct TrustRiskExample {
        /// The `sub` claim.
        pub subject: String,
        /// The `aud` claim; absent = the provider's default audience.
        pub audience: Option<String>,
        /// The `iss` claim.
        pub issuer: String,
        /// Every other claim of the token (a claim not listed is absent).
        pub claims: BTreeMap<String, String>,
    }
}

github_oidc_core::contract_struct! {
    /// One way a configuration admits jobs it probably should not.
    #[derive(Debug, Serialize)]
    pub struct TrustRiskItem {
        /// `AnyRepository`, `LookAlikeOwner`, `AnyRepositoryOfOwner`, `NameBasedSubject`,
        /// `AnyRef`, `PullRequest`, `NoAudience` or `CannotEvaluate`.
        pub kind: String,
        /// `High`, `Medium` or `Low`.
        pub severity: String,
        /// What admits the example (statement, credential, condition, publisher).
        pub source: Option<String>,
        /// A job the configuration admits (proven by the evaluator); absent for `CannotEvaluate`.
        pub example: Option<TrustRiskExample>,
        /// What is wrong.
        pub explanation: String,
        /// The tightened configuration, in the provider's syntax.
        pub suggestion: String,
    }
}

github_oidc_core::contract_struct! {
    /// The risks of `ghoidc_trust_risk`, most severe first.
    #[derive(Debug, Serialize)]
    pub struct TrustRiskAnswer {
        /// The provider audited.
        pub provider: String,
        /// The intended owner the audit assumed.
        pub owner: Option<String>,
        /// The intended repository the audit assumed.
        pub repository: Option<String>,
        /// One entry per risk.
        pub risks: Vec<TrustRiskItem>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_config_validate`: parse and check a desired-state document; no request.
    /// Exactly one of `document_text` and `document`.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ConfigValidateRequest {
        /// The document as JSON text (a `.json` file as read).
        #[serde(default)]
        pub document_text: Option<String>,
        /// The document as an object (a `.psd1` as `Import-PowerShellDataFile` reads it).
        #[serde(default)]
        pub document: Option<serde_json::Value>,
    }
}

github_oidc_core::contract_struct! {
    /// A valid desired-state document.
    #[derive(Debug, Serialize)]
    pub struct ConfigValidateAnswer {
        /// The document as parsed (PascalCase, as in the file).
        pub document: Document,
        /// Repository entries, in file order: their names (exact or wildcard).
        pub entries: Vec<String>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_config_export`: today's state of a finished fleet job's organization as a
    /// desired-state document (organization template + every repository off GitHub's default).
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ConfigExportRequest {
        /// A fleet job (`ghoidc_fleet_start`) that has finished.
        pub job: u64,
        /// Write archived repositories too (left out by default).
        #[serde(default)]
        pub include_archived: bool,
        /// The `$schema` the JSON document names; absent = the schema's published URL.
        #[serde(default)]
        pub schema_uri: Option<String>,
        /// `json` (default) or `psd1`: the format of `text`.
        #[serde(default)]
        pub format: Option<String>,
    }
}

github_oidc_core::contract_struct! {
    /// The exported document.
    #[derive(Debug, Serialize)]
    pub struct ConfigExportAnswer {
        /// The document.
        pub document: Document,
        /// The document as file text (indented JSON or a PowerShell data file), ending in a newline.
        pub text: String,
        /// Repository entries written.
        pub repositories: u64,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_config_compare`: the differences between a desired-state document and a finished
    /// fleet job's inventory, and one write per target (the whole template, as
    /// `ghoidc_set_subject_claim` takes it). Exactly one of `document_text` and `document`.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ConfigCompareRequest {
        /// A fleet job (`ghoidc_fleet_start`) that has finished.
        pub job: u64,
        /// The document as JSON text (a `.json` file as read).
        #[serde(default)]
        pub document_text: Option<String>,
        /// The document as an object (a `.psd1` as `Import-PowerShellDataFile` reads it).
        #[serde(default)]
        pub document: Option<serde_json::Value>,
        /// Compare archived repositories too (left out by default).
        #[serde(default)]
        pub include_archived: bool,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_clear_cache`: no fields.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ClearCacheRequest { }
}

github_oidc_core::contract_struct! {
    /// An answer with no content.
    #[derive(Debug, Default, Serialize)]
    pub struct EmptyAnswer { }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_fleet_start`: start an inventory of an owner's repositories; answers at once
    /// with a job id to read with `ghoidc_fleet_next` and free with `ghoidc_fleet_close`.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct FleetStartRequest {
        /// Where to talk to.
        #[serde(default)]
        pub context: Option<ContextOptions>,
        /// What to inventory.
        pub options: github_oidc_core::fleet::InventoryOptions,
    }
}

github_oidc_core::contract_struct! {
    /// A started inventory.
    #[derive(Debug, Serialize)]
    pub struct FleetStartAnswer {
        /// The job id (process-wide).
        pub job: u64,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_fleet_next`: the next results of a job. Waits at most `wait_ms` (at most 1000)
    /// for at least one item. When the run as a whole failed (the listing failed, bad
    /// credentials), the export answers that error instead, once every item was handed out.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct FleetNextRequest {
        /// The job id from `ghoidc_fleet_start`.
        pub job: u64,
        /// Longest wait for an item, in milliseconds (default 250, at most 1000).
        #[serde(default)]
        pub wait_ms: Option<u64>,
        /// Most items to answer (default 100).
        #[serde(default)]
        pub max_items: Option<u32>,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_redact`: texts the module composed (messages, verbose and debug lines, targets)
    /// with every token shape removed, and every exact occurrence of `secrets`.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RedactRequest {
        /// The texts to redact, in order.
        #[serde(default)]
        pub texts: Vec<String>,
        /// Values to remove wherever they appear, whatever their shape (the tokens in use).
        #[serde(default)]
        pub secrets: Vec<String>,
    }
}

github_oidc_core::contract_struct! {
    /// Results and progress of a job.
    #[derive(Debug, Serialize)]
    pub struct FleetNextAnswer {
        /// Repository states and failures, in completion order.
        pub items: Vec<github_oidc_core::fleet::FleetItem>,
        /// The run is over and every item was handed out.
        pub done: bool,
        /// How far the run is.
        pub progress: github_oidc_core::fleet::Progress,
    }
}

github_oidc_core::contract_struct! {
    /// `ghoidc_fleet_close`: cancel a job if it is running (no request is sent after it) and free it.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct FleetCloseRequest {
        /// The job id.
        pub job: u64,
    }
}

github_oidc_core::contract_struct! {
    /// The texts of a `ghoidc_redact` request, redacted, in request order.
    #[derive(Debug, Default, Serialize)]
    pub struct RedactAnswer {
        /// Each text with every secret replaced by `[REDACTED]`.
        pub texts: Vec<String>,
    }
}

/// The answer of `ghoidc_context`.
pub type ContextAnswer = github_oidc_core::context::Description;
/// The answer of `ghoidc_discover`.
pub type DiscoverAnswer = github_oidc_core::discovery::Discovery;
/// The answer of `ghoidc_get_subject_claim`.
pub type TemplateAnswer = github_oidc_core::template::Template;
github_oidc_core::contract_struct! {
    /// The answer of every write: what was (or, with `dry_run`, would be) sent, and warnings.
    #[derive(Debug, Serialize)]
    pub struct WrittenAnswer {
        /// HTTP method: PUT, POST or DELETE.
        pub method: String,
        /// The request URL.
        pub url: String,
        /// The JSON body as sent, byte for byte (absent for a DELETE).
        pub body: Option<String>,
        /// The body as an object.
        pub sent: Option<serde_json::Value>,
        /// What the caller should know (unknown keys allowed, keys ignored, issuer change, ...).
        pub warnings: Vec<String>,
        /// `false` for a dry run: nothing was sent.
        pub applied: bool,
        /// What GitHub answered to the write (e.g. the inclusion it created).
        pub result: Option<serde_json::Value>,
        /// Enterprise issuer only: the issuer the enterprise's tokens carry after the write.
        pub issuer: Option<String>,
        /// The fingerprint of the GitHub state the body was computed from; absent when it
        /// depends only on the request. Sent back in the write's `approved`.
        pub state: Option<String>,
    }
}

/// The answer of `ghoidc_list_property_claims`.
pub type InclusionsAnswer = Vec<github_oidc_core::properties::Inclusion>;
/// The answer of `ghoidc_resolve_subject`.
pub type PreviewAnswer = serde_json::Value;
/// The answer of `ghoidc_verify_token`.
pub type VerificationAnswer = serde_json::Value;

github_oidc_core::contract_struct! {
    /// The answer of `ghoidc_config_compare`: what differs, the writes that apply it (organization
    /// first), and how far apart to send them.
    #[derive(Debug, Serialize)]
    pub struct CompareAnswer {
        /// Every property whose live value differs from the document.
        pub differences: Vec<github_oidc_core::desired::Difference>,
        /// One write per target that differs: the whole template, as `ghoidc_set_subject_claim` takes it.
        pub writes: Vec<github_oidc_core::desired::Write>,
        /// Things worth knowing that are not errors.
        pub warnings: Vec<String>,
    }
}

/// One export: its name, the schema of its request and answer, and how to call it from Rust.
pub struct Export {
    /// The exported symbol.
    pub name: &'static str,
    /// Name of the request type (a definition in `bindings/schema.json`).
    pub request: fn(&mut schemars::SchemaGenerator) -> schemars::Schema,
    /// The answer type.
    pub answer: fn(&mut schemars::SchemaGenerator) -> schemars::Schema,
    /// What it does, for the schema and the generated C#.
    pub summary: &'static str,
    /// Whether it may make a request to GitHub.
    pub talks_to_github: bool,
}

macro_rules! export {
    ($name:literal, $req:ty, $ans:ty, $talks:literal, $summary:literal) => {
        Export {
            name: $name,
            request: |g| g.subschema_for::<$req>(),
            answer: |g| g.subschema_for::<$ans>(),
            summary: $summary,
            talks_to_github: $talks,
        }
    };
}

/// Every operation export, in the order of the C header. `ghoidc_api_guard`,
/// `ghoidc_result_len` and `ghoidc_result_copy` are the envelope, not operations.
pub fn exports() -> Vec<Export> {
    vec![
        export!("ghoidc_version", VersionRequest, VersionAnswer, false, "The library version and the headers it sends."),
        export!("ghoidc_context", ContextRequest, ContextAnswer, false, "Resolves a context: host kind, API base URL, issuer, token variables; no request."),
        export!("ghoidc_discover", DiscoverRequest, DiscoverAnswer, true, "The issuer's OpenID discovery document (cached per issuer)."),
        export!("ghoidc_claim_keys", ClaimKeysRequest, ClaimKeysAnswer, true, "Keys a subject template may use; the built-in list when discovery fails."),
        export!("ghoidc_get_subject_claim", GetSubjectClaimRequest, TemplateAnswer, true, "An organization's or repository's subject template."),
        export!("ghoidc_set_subject_claim", SetSubjectClaimRequest, WrittenAnswer, true, "Writes a subject template; with dry_run answers the exact body without writing; with approved sends that body or nothing."),
        export!("ghoidc_list_property_claims", ListPropertyClaimsRequest, InclusionsAnswer, true, "Custom-property inclusions of an organization or enterprise."),
        export!("ghoidc_add_property_claim", AddPropertyClaimRequest, WrittenAnswer, true, "Includes a custom property in the claims; with dry_run writes nothing."),
        export!("ghoidc_remove_property_claim", RemovePropertyClaimRequest, WrittenAnswer, true, "Stops including a custom property; with dry_run writes nothing."),
        export!("ghoidc_set_enterprise_issuer", SetEnterpriseIssuerRequest, WrittenAnswer, true, "Sets whether an enterprise's tokens use the enterprise-scoped issuer; with dry_run writes nothing."),
        export!("ghoidc_resolve_subject", ResolveSubjectRequest, PreviewAnswer, true, "The sub a job's token gets: offline, live or from a token."),
        export!("ghoidc_decode_token", DecodeTokenRequest, DecodeTokenAnswer, false, "A token's header and claims, unverified."),
        export!("ghoidc_verify_token", VerifyTokenRequest, VerificationAnswer, true, "Verifies a token against its issuer's keys; a failed check is a report, not an error."),
        export!("ghoidc_actions_token", ActionsTokenRequest, ActionsTokenAnswer, true, "Inside a GitHub Actions job: the job's ID token from the runner, verified against its issuer's keys."),
        export!("ghoidc_trust_policy", TrustPolicyRequest, TrustPolicyAnswer, false, "A trust policy that admits the subjects; no request."),
        export!("ghoidc_test_trust_policy", TestTrustPolicyRequest, TestTrustPolicyAnswer, false, "Whether a trust policy admits each job's token, and why not; no request."),
        export!("ghoidc_trust_risk", TrustRiskRequest, TrustRiskAnswer, false, "Who else a trust configuration admits: one risk per kind, each with a job the evaluator admits; no request."),
        export!("ghoidc_config_validate", ConfigValidateRequest, ConfigValidateAnswer, false, "Parses and checks a desired-state document (JSON text or an object); no request."),
        export!("ghoidc_config_export", ConfigExportRequest, ConfigExportAnswer, false, "A finished fleet job's organization as a desired-state document; no request."),
        export!("ghoidc_config_compare", ConfigCompareRequest, CompareAnswer, false, "Differences between a desired-state document and a finished fleet job's inventory, and the writes that apply them; no request."),
        export!("ghoidc_clear_cache", ClearCacheRequest, EmptyAnswer, false, "Forgets cached discovery documents and key sets."),
        export!("ghoidc_fleet_start", FleetStartRequest, FleetStartAnswer, true, "Starts an inventory of an owner's repositories (listing, templates, bounded concurrency); answers a job id at once."),
        export!("ghoidc_fleet_next", FleetNextRequest, FleetNextAnswer, true, "The next repository states and failures of a job, with its progress; the run's own error once it failed."),
        export!("ghoidc_fleet_close", FleetCloseRequest, EmptyAnswer, false, "Cancels a job if it runs (no request after it) and frees it."),
        export!("ghoidc_redact", RedactRequest, RedactAnswer, false, "Texts with every token removed (the module's own messages); no request."),
    ]
}
