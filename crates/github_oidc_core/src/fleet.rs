//! Fleets: every repository of an organization (issue 8).
//!
//! This file fixes the **types** the fleet inventory produces, so the inventory (listing with
//! `Link` pagination, concurrent template reads, rate-limit pacing, cancellation) and the
//! desired-state commands (export / compare / sync) agree on one shape. The inventory itself
//! lands beside these types.
//!
//! A repository's state is computed from three reads: the listing (`GET /orgs/{org}/repos`,
//! which gives `id`, `owner.id`, `visibility`, `archived`), the organization template (read
//! once per run) and the repository's template (`GET /repos/{o}/{r}/actions/oidc/customization/sub`).

use crate::error::ErrorObject;
use crate::template::Template;
use serde::{Deserialize, Serialize};

/// Where a repository's effective template comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateSource {
    /// GitHub's default template (`repo`, `context`): `use_default: true`, or opted in to an
    /// organization that never customised its template.
    Default,
    /// The organization's template (`use_default: false` without keys of its own).
    Organization,
    /// The repository's own keys.
    Repository,
}

impl schemars::JsonSchema for TemplateSource {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TemplateSource".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Where a repository's effective template comes from: GitHub's default, the organization's template, or the repository's own keys.",
            "type": "string",
            "enum": ["Default", "Organization", "Repository"]
        })
    }
}

crate::contract_struct! {
    /// One repository of a fleet: identity from the listing, template as GitHub applies it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RepositoryState {
        /// Owner login as GitHub spells it.
        pub owner: String,
        /// Repository name as GitHub spells it.
        pub repository: String,
        /// The repository's numeric ID (`id` in the listing).
        pub repository_id: u64,
        /// The owner's numeric ID (`owner.id` in the listing).
        pub owner_id: u64,
        /// `public`, `private` or `internal`.
        pub visibility: String,
        /// Archived repositories are listed only when asked for.
        pub archived: bool,
        /// Where the effective keys come from.
        pub source: TemplateSource,
        /// The **effective** keys, whatever the source, in order.
        pub include_claim_keys: Vec<String>,
        /// The repository's own keys when `source` is `Repository`, else `None`.
        pub own_claim_keys: Option<Vec<String>>,
        /// `use_default` as the repository reports it.
        pub use_default: Option<bool>,
        /// GitHub's opt-in flag as the repository reports it (not the effective format).
        pub use_immutable_subject: Option<bool>,
        /// The `sub_claim_prefix` GitHub reports (authoritative `repo` segment), when reported.
        pub sub_claim_prefix: Option<String>,
        /// The subject a token gets now uses IDs: from `sub_claim_prefix` when reported (it
        /// wins over the flag), else from the flag.
        pub immutable: bool,
        /// `repo:OWNER@OWNER_ID/REPO@REPO_ID`, from the listing's IDs.
        pub immutable_prefix: String,
        /// `repo:OWNER/REPO`.
        pub legacy_prefix: String,
    }
}

crate::contract_struct! {
    /// A repository whose read finally failed: it is reported, never dropped.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct RepositoryFailure {
        /// Owner login.
        pub owner: String,
        /// Repository name (the error record's target).
        pub repository: String,
        /// The error, as every export reports errors.
        pub error: ErrorObject,
    }
}

crate::contract_struct! {
    /// What an inventory run asks for.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct InventoryOptions {
        /// Organization (or user) login.
        pub owner: String,
        /// Repository names or wildcards (`*`, `?`); empty = every repository.
        #[serde(default)]
        pub repositories: Vec<String>,
        /// List archived repositories too (skipped by default).
        #[serde(default)]
        pub include_archived: bool,
        /// Requests in flight at most (default 8, at most 32).
        pub throttle_limit: Option<u32>,
    }
}

crate::contract_struct! {
    /// A whole inventory: the organization template (read once) and every listed repository,
    /// each either a state or a failure (`states.len() + failures.len()` = repositories listed).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Inventory {
        /// The organization's template as [`crate::template::get_org`] reports it.
        pub organization: Template,
        /// Repositories read, in listing order.
        pub states: Vec<RepositoryState>,
        /// Repositories whose read failed.
        pub failures: Vec<RepositoryFailure>,
    }
}
