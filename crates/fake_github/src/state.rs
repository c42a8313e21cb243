//! The fake server's data model: tokens, enterprises, organizations, repositories and the JWKS,
//! plus the built-in default seed (see the crate README for the seed table).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Public JWK of the fixed TEST signing key (`tests/resources/test-signing-key.pem` at the repo root).
pub const TEST_SIGNING_KEY_JWK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/resources/test-signing-key.jwk.json"
));

/// PKCS#8 PEM of the fixed TEST signing key. Never use it for anything but tests.
pub const TEST_SIGNING_KEY_PEM: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/resources/test-signing-key.pem"
));

/// Key id (`kid`) of the fixed test signing key.
pub const TEST_SIGNING_KEY_KID: &str = "test-key-1";

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    /// May call the GET endpoints only.
    Read,
    /// May call every endpoint.
    Write,
}

/// An organization (also used as the owner of repositories).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// Canonical login (matched case-insensitively).
    pub login: String,
    /// Numeric owner id, used in the immutable `sub` prefix.
    #[serde(default)]
    pub id: u64,
    /// The org's custom `sub` template (`include_claim_keys`); `None` = never customised.
    #[serde(default)]
    pub template: Option<Vec<String>>,
    /// The org-level immutable-subject opt-in; `None` = never set.
    #[serde(default)]
    pub use_immutable_subject: Option<bool>,
}

/// A repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repo {
    /// Canonical owner login (matched case-insensitively).
    pub owner: String,
    /// Canonical repository name (matched case-insensitively).
    pub name: String,
    /// Numeric repository id, used in the immutable `sub` prefix.
    #[serde(default)]
    pub id: u64,
    /// Owner id override; when absent the id of the org named `owner` is used (0 if none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<u64>,
    /// Created/renamed/transferred after 2026-07-15: the `sub` prefix is immutable even though
    /// `use_immutable_subject` reads `false` (the AZD-9382 quirk).
    #[serde(default)]
    pub immutable: bool,
    /// `use_default` of the repo's OIDC customization.
    #[serde(default = "default_true")]
    pub use_default: bool,
    /// Repo-specific template; `None` with `use_default: false` = uses the org template.
    #[serde(default)]
    pub include_claim_keys: Option<Vec<String>>,
    /// Repo-level immutable-subject opt-in; `None` = falls back to the org.
    #[serde(default)]
    pub use_immutable_subject: Option<bool>,
    /// Archived (listed only by listings; templates are served as usual).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub archived: bool,
    /// `public`, `private` or `internal` in listings (default `public`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
}

fn default_true() -> bool {
    true
}

/// The whole mutable state of a fake server. Missing top-level fields in JSON take the seed value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Accepted tokens and what they may do.
    pub tokens: BTreeMap<String, Permission>,
    /// Enterprise slugs (enterprise-scoped issuers and the issuer-policy endpoint).
    pub enterprises: Vec<String>,
    /// `include_enterprise_slug` per enterprise slug, as set by the issuer-policy PUT.
    pub enterprise_issuer: BTreeMap<String, bool>,
    /// `claims_supported` of every discovery document.
    pub claims_supported: Vec<String>,
    /// Organizations.
    pub orgs: Vec<Org>,
    /// Repositories.
    pub repos: Vec<Repo>,
    /// The JWKS served at every `.well-known/jwks`.
    pub jwks: serde_json::Value,
    /// OIDC custom-property inclusions per organization login (lower case).
    pub org_property_inclusions: BTreeMap<String, Vec<String>>,
    /// OIDC custom-property inclusions per enterprise slug (lower case).
    pub enterprise_property_inclusions: BTreeMap<String, Vec<String>>,
    /// GitHub Apps (`POST /_fake/apps`).
    pub apps: Vec<crate::apps::RegisteredApp>,
    /// Claims laid over the runner ID-token endpoint's default claims (`runner.rs`); a `null`
    /// removes a claim.
    pub runner_claims: BTreeMap<String, serde_json::Value>,
    /// Installation tokens issued to the Apps, by value (never serialised).
    #[serde(skip)]
    pub installation_tokens: BTreeMap<String, crate::apps::IssuedToken>,
}

impl Default for State {
    fn default() -> Self {
        Self::seed()
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The `claims_supported` list of the seed: github.com's list plus the 2025/2026 additions.
pub const SEED_CLAIMS_SUPPORTED: &[&str] = &[
    "sub",
    "aud",
    "exp",
    "iat",
    "iss",
    "jti",
    "nbf",
    "ref",
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "run_id",
    "run_number",
    "run_attempt",
    "actor",
    "actor_id",
    "workflow",
    "workflow_ref",
    "workflow_sha",
    "head_ref",
    "base_ref",
    "event_name",
    "ref_type",
    "environment",
    "environment_node_id",
    "job_workflow_ref",
    "job_workflow_sha",
    "repository_visibility",
    "runner_environment",
    "check_run_id",
    "enterprise",
    "enterprise_id",
    "sha",
    "ref_protected",
];

impl State {
    /// The built-in default seed (documented in the crate README).
    pub fn seed() -> Self {
        let jwk: serde_json::Value =
            serde_json::from_str(TEST_SIGNING_KEY_JWK).expect("test-signing-key.jwk.json is valid JSON");
        let org = |login: &str, id: u64, template: Option<&[&str]>, imm: Option<bool>| Org {
            login: login.to_owned(),
            id,
            template: template.map(strings),
            use_immutable_subject: imm,
        };
        let repo =
            |owner: &str, name: &str, id: u64, immutable: bool, use_default: bool, keys: Option<&[&str]>| {
                Repo {
                    owner: owner.to_owned(),
                    name: name.to_owned(),
                    id,
                    owner_id: None,
                    immutable,
                    use_default,
                    include_claim_keys: keys.map(strings),
                    use_immutable_subject: None,
                    archived: false,
                    visibility: None,
                }
            };
        State {
            tokens: BTreeMap::from([
                ("test-admin-token".to_owned(), Permission::Write),
                ("test-read-token".to_owned(), Permission::Read),
            ]),
            enterprises: strings(&["octocat-inc"]),
            enterprise_issuer: BTreeMap::new(),
            org_property_inclusions: BTreeMap::from([(
                "custom-org".to_owned(),
                vec!["workspace_id".to_owned()],
            )]),
            enterprise_property_inclusions: BTreeMap::from([(
                "octocat-inc".to_owned(),
                vec!["cost_center".to_owned()],
            )]),
            claims_supported: strings(SEED_CLAIMS_SUPPORTED),
            orgs: vec![
                org("octo-org", 100, None, None),
                org("custom-org", 101, Some(&["repository_owner_id", "context"]), None),
                org("immutable-org", 102, None, Some(true)),
            ],
            repos: vec![
                repo("octo-org", "octo-repo", 200, false, true, None),
                repo("octo-org", "new-repo", 201, true, true, None),
                repo("custom-org", "opted-in", 202, false, false, None),
                repo(
                    "custom-org",
                    "own-template",
                    203,
                    false,
                    false,
                    Some(&["repo", "context", "job_workflow_ref"]),
                ),
            ],
            jwks: serde_json::json!({ "keys": [jwk] }),
            apps: Vec::new(),
            runner_claims: BTreeMap::new(),
            installation_tokens: BTreeMap::new(),
        }
    }

    /// Case-insensitive org lookup.
    pub fn org(&self, login: &str) -> Option<&Org> {
        self.orgs.iter().find(|o| o.login.eq_ignore_ascii_case(login))
    }

    /// Case-insensitive mutable org lookup.
    pub fn org_mut(&mut self, login: &str) -> Option<&mut Org> {
        self.orgs.iter_mut().find(|o| o.login.eq_ignore_ascii_case(login))
    }

    /// Case-insensitive repo lookup.
    pub fn repo(&self, owner: &str, name: &str) -> Option<&Repo> {
        self.repos
            .iter()
            .find(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
    }

    /// Case-insensitive mutable repo lookup.
    pub fn repo_mut(&mut self, owner: &str, name: &str) -> Option<&mut Repo> {
        self.repos
            .iter_mut()
            .find(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
    }

    /// Case-insensitive enterprise lookup; returns the canonical slug.
    pub fn enterprise(&self, slug: &str) -> Option<&str> {
        self.enterprises
            .iter()
            .find(|e| e.eq_ignore_ascii_case(slug))
            .map(String::as_str)
    }

    /// A repository's owner ID: its own override, else its organization's (0 if none).
    pub fn owner_id(&self, repo: &Repo) -> u64 {
        repo.owner_id
            .or_else(|| self.org(&repo.owner).map(|o| o.id))
            .unwrap_or(0)
    }

    /// The login of the account with this ID (an organization, or the owner of a repository).
    pub fn owner_by_id(&self, id: u64) -> Option<String> {
        self.orgs
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.login.clone())
            .or_else(|| {
                self.repos
                    .iter()
                    .find(|r| self.owner_id(r) == id)
                    .map(|r| r.owner.clone())
            })
    }

    /// Effective `use_immutable_subject` of a repo: repo flag, else org flag, else `false`.
    pub fn effective_use_immutable_subject(&self, repo: &Repo) -> bool {
        repo.use_immutable_subject
            .or_else(|| self.org(&repo.owner).and_then(|o| o.use_immutable_subject))
            .unwrap_or(false)
    }

    /// The `sub_claim_prefix` GET repo reports: immutable form when the repo is `immutable` or
    /// its effective `use_immutable_subject` is true, else `repo:OWNER/REPO`.
    pub fn sub_claim_prefix(&self, repo: &Repo) -> String {
        if repo.immutable || self.effective_use_immutable_subject(repo) {
            let owner_id = repo
                .owner_id
                .or_else(|| self.org(&repo.owner).map(|o| o.id))
                .unwrap_or(0);
            format!("repo:{}@{}/{}@{}", repo.owner, owner_id, repo.name, repo.id)
        } else {
            format!("repo:{}/{}", repo.owner, repo.name)
        }
    }
}
