//! Desired state (issue 8): one document that says what an organization's OIDC `sub` settings
//! should be, and the pure functions around it: [`parse_text`] / [`parse_value`] (with
//! [`validate`]), [`export`] (today's state as a document) and [`compare`] (the differences and
//! one write per target). No I/O: the inventory comes from [`crate::fleet`].
//!
//! # The document
//!
//! ```json
//! {
//!   "$schema": "…/GitHubOidc.DesiredState.schema.json",
//!   "Owner": "octo-org",
//!   "Organization": { "IncludeClaimKeys": ["repo", "context"], "UseImmutableSubject": false },
//!   "Repositories": {
//!     "api":      { "Source": "Repository", "IncludeClaimKeys": ["repo", "context", "job_workflow_ref"] },
//!     "web-*":    { "Source": "Organization" },
//!     "legacy":   { "UseImmutableSubject": false },
//!     "*":        { "UseImmutableSubject": true }
//!   }
//! }
//! ```
//!
//! **Spelling: PascalCase.** The file is written and read by PowerShell users (also as a
//! `.psd1`), and its names are the property names the module's objects already carry
//! (`GitHubOidc.RepositoryState.IncludeClaimKeys`, `Source`, `UseImmutableSubject`), so a user
//! can read a value off `Get-GitHubOidcRepository` and write it into the file unchanged. The ABI
//! around it keeps the contract's snake_case (GitHub's names); only this user-facing document is
//! PascalCase. Names are case-sensitive (`deny_unknown_fields` at every depth: a misspelt or
//! wrongly cased name is an error naming the path and the names allowed there).
//!
//! **What an entry manages.** A property no matching entry sets is not managed: Compare reports
//! nothing for it and Sync keeps its current value (a PUT sets the whole template, so the write
//! carries the current value of every property the file does not mention). `Source` is
//! `Default` (GitHub's default template), `Organization` (the organization's template) or
//! `Repository` (its own `IncludeClaimKeys`, which then are required); `IncludeClaimKeys` alone
//! implies `Repository`. `UseImmutableSubject` is GitHub's opt-in flag, what Sync sends — not
//! the effective subject format (a repository created after 2026-07-15 has the immutable format
//! with the flag `false`). GitHub reports the organization's flag for a repository that never
//! set its own, so Export writes a repository's flag only when it differs from the
//! organization's, and a write leaves out a flag the file does not manage when it may be
//! inherited (the repository keeps following the organization).
//!
//! **Which entry applies.** Repository names may hold the wildcards `*` and `?` (matched
//! case-insensitively, as GitHub names are). Property by property, the most specific matching
//! entry that sets it wins: an exact name, then the wildcard with more literal (non-wildcard)
//! characters, then `"*"` (the rest). The template (`Source` with `IncludeClaimKeys`) is one
//! property; `UseImmutableSubject` is another, so `"*": {"UseImmutableSubject": true}` reaches
//! every repository whose own entry sets only its template. Two different entries of the same
//! specificity that both match a repository and both set a property are a tie, which is an
//! error naming both entries (give the repository its own entry or make one pattern more
//! specific). A name given twice (names are case-insensitive) is an error.
//!
//! **Validation** happens before any request: unknown fields and wrong types (the error names
//! the path, e.g. `Repositories.api.IncludeClaimKeys[1]`), claim keys (syntax, duplicates, and
//! known keys — the built-in list, plus `repo`, `context` and `repo_property_*`), `Source` and
//! `IncludeClaimKeys` that contradict each other, names that are not GitHub names. [`compare`]
//! adds what needs the inventory: an exact name that is not in the organization, and ties.

use crate::error::{Error, Result};
use crate::fleet::{Inventory, RepositoryState, TemplateSource};
use crate::keys;
use crate::names;
use crate::schema::__private::{JsonSchema, Schema, SchemaGenerator};
use github_oidc_claims::subject::DEFAULT_TEMPLATE;
use github_oidc_claims::text::shorten;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Value};
use std::fmt;

/// File name of the document's JSON Schema, shipped in the module beside the manifest.
pub const SCHEMA_FILE: &str = "GitHubOidc.DesiredState.schema.json";

/// The `$schema` Export writes when the caller names no other location.
pub const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/GitHubOidc/GitHubOidc/main/bindings/GitHubOidc.DesiredState.schema.json";

crate::contract_struct! {
    /// What an organization's GitHub Actions OIDC subject settings should be: its template and,
    /// per repository (name or wildcard; per property the most specific entry wins; `*` = the
    /// rest), the template source and GitHub's immutable-subject flag. Properties no entry sets
    /// are not managed.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "PascalCase")]
    pub struct Document {
        /// The JSON Schema of this file (editors use it to complete and check the file).
        #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
        pub schema: Option<String>,
        /// The organization (or user) the file describes.
        pub owner: String,
        /// The organization's template; absent = not managed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub organization: Option<OrganizationSettings>,
        /// Repository name or wildcard (`*`, `?`) → its settings. Per property, the most specific
        /// matching entry that sets it wins: exact name, then more literal characters, then `*`.
        #[serde(default, skip_serializing_if = "RepositoryEntries::is_empty")]
        pub repositories: RepositoryEntries,
    }
}

crate::contract_struct! {
    /// The organization's template. A property left out is kept as it is.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "PascalCase")]
    pub struct OrganizationSettings {
        /// The organization's `sub` template keys, in order (GitHub's default is `repo`, `context`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub include_claim_keys: Option<Vec<String>>,
        /// GitHub's organization-level immutable-subject opt-in flag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub use_immutable_subject: Option<bool>,
    }
}

crate::contract_struct! {
    /// One repository entry. A property left out comes from a wider matching entry, else it is
    /// kept as it is.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "PascalCase")]
    pub struct RepositorySettings {
        /// `Default` (GitHub's default template), `Organization` (the organization's template)
        /// or `Repository` (its own IncludeClaimKeys, required then). IncludeClaimKeys alone
        /// implies `Repository`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source: Option<TemplateSource>,
        /// The repository's own `sub` template keys, in order (Source `Repository` only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub include_claim_keys: Option<Vec<String>>,
        /// GitHub's repository-level immutable-subject opt-in flag (what Sync sends; not the
        /// effective subject format).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub use_immutable_subject: Option<bool>,
    }
}

/// The `Repositories` object: entries in file order. Unlike a map it refuses a name given twice
/// (GitHub names are case-insensitive, so `API` and `api` are the same entry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepositoryEntries(pub Vec<(String, RepositorySettings)>);

impl RepositoryEntries {
    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entry of this exact name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&RepositorySettings> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, s)| s)
    }
}

impl Serialize for RepositoryEntries {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, settings) in &self.0 {
            map.serialize_entry(name, settings)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for RepositoryEntries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = RepositoryEntries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of repository name (or wildcard) → settings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, RepositorySettings)> = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    let settings: RepositorySettings = map.next_value()?;
                    if let Some((first, _)) = entries.iter().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                        return Err(serde::de::Error::custom(format!(
                            "the entry '{}' is given twice ('{}' and '{}'; repository names are case-insensitive)",
                            shorten(&name),
                            shorten(first),
                            shorten(&name)
                        )));
                    }
                    entries.push((name, settings));
                }
                Ok(RepositoryEntries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

impl JsonSchema for RepositoryEntries {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RepositoryEntries".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let settings = generator.subschema_for::<RepositorySettings>().to_value();
        schemars::json_schema!({
            "description": "Repository name or wildcard (`*` any characters, `?` one) → its settings. Per property (the template: Source with IncludeClaimKeys; UseImmutableSubject), the most specific matching entry that sets it wins: an exact name, then the wildcard with more literal characters, then `*` (the rest).",
            "type": "object",
            "propertyNames": { "pattern": "^[A-Za-z0-9._*?-]{1,100}$" },
            "additionalProperties": settings
        })
    }
}

/// The JSON Schema of the document, as shipped in the module ([`SCHEMA_FILE`]).
pub fn json_schema() -> Value {
    let mut schema = SchemaGenerator::default()
        .root_schema_for::<Document>()
        .to_value();
    // Claim keys: editors complete the built-in list; custom-property claims are allowed too.
    let mut known: Vec<String> = keys::template_keys(
        &keys::BUILTIN_CLAIMS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    );
    known.dedup();
    let claim_keys = json!({
        "type": "array",
        "minItems": 1,
        "uniqueItems": true,
        "items": {
            "type": "string",
            "anyOf": [
                { "enum": known },
                { "pattern": "^repo_property_[A-Za-z0-9_]+$" }
            ]
        }
    });
    for def in ["OrganizationSettings", "RepositorySettings"] {
        if let Some(p) = schema
            .pointer_mut(&format!("/$defs/{def}/properties/IncludeClaimKeys"))
            .and_then(Value::as_object_mut)
        {
            for (k, v) in claim_keys.as_object().into_iter().flatten() {
                p.insert(k.clone(), v.clone());
            }
            p.insert("type".into(), json!(["array", "null"]));
        }
    }
    if let Value::Object(map) = &mut schema {
        map.insert("$id".into(), Value::String(SCHEMA_URL.into()));
        map.insert("title".into(), Value::String("GitHubOidc desired state".into()));
    }
    schema
}

/// Parses a document from JSON text (a `.json` file as PowerShell read it) and validates it.
/// Errors name the path in the file (`Repositories.api.IncludeClaimKeys[1]`) and, for bad
/// JSON, the line and column.
pub fn parse_text(text: &str) -> Result<Document> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(path_error)?;
    de.end().map_err(|e| {
        Error::invalid(format!(
            "The desired-state file is not valid JSON: {}.",
            shorten(&e.to_string())
        ))
    })?;
    validate(&doc)?;
    Ok(doc)
}

/// Parses a document from a JSON value (a `.psd1` as `Import-PowerShellDataFile` read it,
/// serialised by the module's facade) and validates it.
pub fn parse_value(value: Value) -> Result<Document> {
    let doc: Document = serde_path_to_error::deserialize(value).map_err(path_error)?;
    validate(&doc)?;
    Ok(doc)
}

fn path_error(e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let text = shorten(&inner.to_string()).to_string();
    if inner.is_syntax() || inner.is_eof() {
        Error::invalid(format!("The desired-state file is not valid JSON: {text}."))
    } else if path.is_empty() || path == "." {
        Error::invalid(format!("The desired-state file is not valid: {text}."))
    } else {
        Error::invalid(format!(
            "The desired-state file is not valid at `{path}`: {text}."
        ))
    }
}

/// The path of a repository entry in messages, in the notation of parse errors.
fn entry_path(name: &str) -> String {
    format!("Repositories.{name}")
}

/// Checks what the types cannot: GitHub names, claim keys, `Source` against `IncludeClaimKeys`.
pub fn validate(doc: &Document) -> Result<()> {
    names::segment("Owner", &doc.owner)
        .map_err(|e| Error::invalid(format!("The desired-state file is not valid at `Owner`: {e}")))?;
    if let Some(org) = &doc.organization {
        if let Some(k) = &org.include_claim_keys {
            check_keys("Organization.IncludeClaimKeys", k)?;
        }
    }
    for (name, settings) in &doc.repositories.0 {
        let path = entry_path(name);
        check_entry_name(name)
            .map_err(|m| Error::invalid(format!("The desired-state file is not valid at `{path}`: {m}")))?;
        match (settings.source, &settings.include_claim_keys) {
            (Some(TemplateSource::Repository), None) => {
                return Err(Error::invalid(format!(
                    "The desired-state file is not valid at `{path}`: Source 'Repository' needs IncludeClaimKeys (the repository's own keys)."
                )))
            }
            (Some(s @ (TemplateSource::Default | TemplateSource::Organization)), Some(_)) => {
                return Err(Error::invalid(format!(
                    "The desired-state file is not valid at `{path}`: IncludeClaimKeys contradicts Source '{}': keys belong to Source 'Repository' (leave Source out or set it to 'Repository').",
                    source_name(s)
                )))
            }
            _ => {}
        }
        if let Some(k) = &settings.include_claim_keys {
            check_keys(&format!("{path}.IncludeClaimKeys"), k)?;
        }
    }
    Ok(())
}

/// A repository name or wildcard: GitHub's name characters plus `*` and `?`.
fn check_entry_name(name: &str) -> std::result::Result<(), String> {
    if !is_wildcard(name) {
        return names::segment("Repository", name)
            .map(|_| ())
            .map_err(|e| e.to_string());
    }
    if name.chars().count() > 100 {
        return Err("the name is longer than 100 characters.".into());
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*' | '?')))
    {
        Some(bad) => Err(format!(
            "'{}' contains '{}'; a repository entry is a GitHub name ('-', '_', '.', letters, digits) with the wildcards '*' and '?'.",
            shorten(name).escape_debug(),
            bad.escape_debug()
        )),
        None => Ok(()),
    }
}

/// Claim keys, offline: syntax, uniqueness, and the built-in list (+ `repo`, `context`,
/// `repo_property_*`).
fn check_keys(path: &str, k: &[String]) -> Result<()> {
    let builtin: Vec<String> = keys::BUILTIN_CLAIMS.iter().map(|s| s.to_string()).collect();
    keys::validate(k, Some(&builtin)).map_err(|e| {
        let message = e
            .to_string()
            .replace(" Use -AllowUnknownClaimKey to send it anyway.", "");
        Error::invalid(format!(
            "The desired-state file is not valid at `{path}`: {message}"
        ))
    })
}

fn is_wildcard(name: &str) -> bool {
    name.contains(['*', '?'])
}

/// How specific an entry is: exact names first, then wildcards by literal characters, `*` last.
fn specificity(name: &str) -> (u8, usize) {
    if !is_wildcard(name) {
        (2, name.len())
    } else if name == "*" {
        (0, 0)
    } else {
        (1, name.chars().filter(|c| !matches!(c, '*' | '?')).count())
    }
}

/// Case-insensitive wildcard match (`*` any run of characters, `?` one character).
fn matches(pattern: &str, name: &str) -> bool {
    let options = glob::MatchOptions {
        case_sensitive: false,
        require_literal_separator: false,
        require_literal_leading_dot: false,
    };
    glob::Pattern::new(pattern)
        .map(|p| p.matches_with(name, options))
        .unwrap_or(false)
}

/// What the file says about one repository, property by property, with the entry that said it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// The template (`Source` and `IncludeClaimKeys`, one group: keys imply `Repository`), from the
    /// most specific matching entry that sets either.
    pub template: Option<(&'a str, &'a RepositorySettings)>,
    /// The immutable-subject flag, from the most specific matching entry that sets it.
    pub use_immutable_subject: Option<(&'a str, bool)>,
}

/// The most specific entry that matches `repository` and sets what `sets` asks for. A tie
/// between two equally specific entries is an error naming both and the property.
fn most_specific<'a>(
    doc: &'a Document,
    repository: &str,
    property: &str,
    sets: impl Fn(&RepositorySettings) -> bool,
) -> Result<Option<(&'a str, &'a RepositorySettings)>> {
    let mut best: Option<(&str, &RepositorySettings, (u8, usize))> = None;
    for (name, settings) in &doc.repositories.0 {
        if !sets(settings) {
            continue;
        }
        let hit = if is_wildcard(name) {
            matches(name, repository)
        } else {
            name.eq_ignore_ascii_case(repository)
        };
        if !hit {
            continue;
        }
        let rank = specificity(name);
        match best {
            Some((other, _, r)) if r == rank => {
                return Err(Error::invalid(format!(
                    "The desired-state file is ambiguous for repository '{repository}': the entries `{}` and `{}` both match it, both set {property}, and are equally specific. Give the repository its own entry or make one pattern more specific.",
                    entry_path(other),
                    entry_path(name)
                )))
            }
            Some((_, _, r)) if r > rank => {}
            _ => best = Some((name, settings, rank)),
        }
    }
    Ok(best.map(|(n, s, _)| (n, s)))
}

/// What the file says about a repository. Each property comes from the most specific matching
/// entry that sets it, so `"*": {"UseImmutableSubject": true}` also reaches repositories whose
/// own entry only sets their template.
pub fn resolve<'a>(doc: &'a Document, repository: &str) -> Result<Resolved<'a>> {
    let template = most_specific(doc, repository, "Source or IncludeClaimKeys", |s| {
        s.source.is_some() || s.include_claim_keys.is_some()
    })?;
    let flag = most_specific(doc, repository, "UseImmutableSubject", |s| {
        s.use_immutable_subject.is_some()
    })?
    .and_then(|(n, s)| s.use_immutable_subject.map(|f| (n, f)));
    Ok(Resolved {
        template,
        use_immutable_subject: flag,
    })
}

fn source_name(s: TemplateSource) -> &'static str {
    match s {
        TemplateSource::Default => "Default",
        TemplateSource::Organization => "Organization",
        TemplateSource::Repository => "Repository",
    }
}

/// GitHub's default template keys.
fn default_keys() -> Vec<String> {
    DEFAULT_TEMPLATE.iter().map(|s| s.to_string()).collect()
}

/// The template source as configured on GitHub (`use_default`, own keys). An opted-in
/// repository of an organization that never customised its template is `Organization` here,
/// whatever its effective keys: that is what a PUT sets and what the file describes.
fn configured_source(s: &RepositoryState) -> TemplateSource {
    match s.use_default {
        Some(true) => TemplateSource::Default,
        Some(false) if s.source == TemplateSource::Repository => TemplateSource::Repository,
        Some(false) => TemplateSource::Organization,
        None => s.source,
    }
}

/// The repository's own keys (Source `Repository`).
fn own_keys(s: &RepositoryState) -> Vec<String> {
    s.own_claim_keys
        .clone()
        .unwrap_or_else(|| s.include_claim_keys.clone())
}

/// The repository's immutable-subject flag when it cannot be the organization's: GitHub reports
/// the organization's flag for a repository that never set its own ("falls back to the
/// organization-level setting"), so a reported flag equal to the organization's may be
/// inherited. Only a flag that differs is the repository's own for sure.
fn own_flag(s: &RepositoryState, inventory: &Inventory) -> Option<bool> {
    let org = inventory.organization.use_immutable_subject.unwrap_or(false);
    s.use_immutable_subject.filter(|f| *f != org)
}

/// The organization's current keys (GitHub's default when it never customised them).
fn org_keys(inventory: &Inventory) -> Vec<String> {
    inventory
        .organization
        .include_claim_keys
        .clone()
        .unwrap_or_else(default_keys)
}

/// Today's state as a document: the organization's template, and every repository that is not
/// on GitHub's default template or has an immutable-subject flag of its own (one that differs
/// from the organization's; an equal one may be inherited and is left out). Archived
/// repositories are left out unless `include_archived`. Repositories are sorted by name.
pub fn export(inventory: &Inventory, include_archived: bool) -> Document {
    let org = &inventory.organization;
    let organization = OrganizationSettings {
        include_claim_keys: Some(org_keys(inventory)),
        use_immutable_subject: org.use_immutable_subject,
    };
    let mut entries: Vec<(String, RepositorySettings)> = inventory
        .states
        .iter()
        .filter(|s| include_archived || !s.archived)
        .filter_map(|s| {
            let source = configured_source(s);
            let flag = own_flag(s, inventory);
            if source == TemplateSource::Default && flag.is_none() {
                return None;
            }
            Some((
                s.repository.clone(),
                RepositorySettings {
                    source: Some(source),
                    include_claim_keys: (source == TemplateSource::Repository).then(|| own_keys(s)),
                    use_immutable_subject: flag,
                },
            ))
        })
        .collect();
    entries.sort_by_key(|(n, _)| n.to_ascii_lowercase());
    Document {
        schema: Some(SCHEMA_URL.to_string()),
        owner: org.owner.clone(),
        organization: Some(organization),
        repositories: RepositoryEntries(entries),
    }
}

crate::contract_struct! {
    /// One property whose live value differs from the file.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct Difference {
        /// Organization or user.
        pub owner: String,
        /// The repository; `None` for the organization's template.
        pub repository: Option<String>,
        /// `IncludeClaimKeys`, `Source` or `UseImmutableSubject`.
        pub property: String,
        /// The live value (`null` when GitHub reports none).
        pub current: Value,
        /// The value in the file.
        pub desired: Value,
        /// `Update`, `Reset` (back to GitHub's default template), `OptIn` or `OptOut` (the
        /// immutable-subject flag).
        pub action: String,
        /// The file entry that decided it (`Organization` or `Repositories.<name>`).
        pub entry: String,
    }
}

crate::contract_struct! {
    /// One write: the whole template of one target, as `ghoidc_set_subject_claim` takes it
    /// (a PUT sets every property, so the ones the file does not manage carry their live value).
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct Write {
        /// Organization or user.
        pub owner: String,
        /// The repository; `None` = the organization's template.
        pub repository: Option<String>,
        /// Repository only: `true` = GitHub's default template.
        pub use_default: Option<bool>,
        /// The keys sent (organization: always; repository: its own keys only).
        pub include_claim_keys: Option<Vec<String>>,
        /// The immutable-subject flag sent; `None` = left out (GitHub reports none).
        pub use_immutable_subject: Option<bool>,
        /// The exact PUT body.
        pub body: Value,
        /// The properties this write changes.
        pub properties: Vec<String>,
    }
}

crate::contract_struct! {
    /// What [`compare`] found: the differences, and the writes that apply them (organization
    /// first, then repositories in inventory order).
    #[derive(Debug, Clone, Default, PartialEq, Serialize)]
    pub struct Plan {
        /// Every property that differs.
        pub differences: Vec<Difference>,
        /// One write per target that differs.
        pub writes: Vec<Write>,
        /// Things worth knowing that are not errors (entries naming archived repositories left out).
        pub warnings: Vec<String>,
    }
}

fn flag_action(desired: bool) -> &'static str {
    if desired {
        "OptIn"
    } else {
        "OptOut"
    }
}

/// The differences between a document and an inventory, and one write per target that differs.
///
/// Errors (nothing is to be sent then): the document names another owner; an exact repository
/// name is not in the inventory (neither read nor failed); a repository matched by two equally
/// specific wildcard entries. Repositories whose read failed are not compared (their failures
/// are in the inventory); archived repositories are left out unless `include_archived`.
pub fn compare(doc: &Document, inventory: &Inventory, include_archived: bool) -> Result<Plan> {
    validate(doc)?;
    let owner = &inventory.organization.owner;
    if !doc.owner.eq_ignore_ascii_case(owner) {
        return Err(Error::invalid(format!(
            "The desired-state file describes '{}', but the inventory is of '{owner}'.",
            shorten(&doc.owner)
        )));
    }
    let mut plan = Plan::default();

    // Exact names must exist: nothing is sent for a file that names a missing repository.
    for (name, _) in doc.repositories.0.iter().filter(|(n, _)| !is_wildcard(n)) {
        let state = inventory
            .states
            .iter()
            .find(|s| s.repository.eq_ignore_ascii_case(name));
        let failed = inventory
            .failures
            .iter()
            .any(|f| f.repository.eq_ignore_ascii_case(name));
        match state {
            Some(s) if s.archived && !include_archived => plan.warnings.push(format!(
                "The entry `{}` names an archived repository; archived repositories are left out unless -IncludeArchived.",
                entry_path(name)
            )),
            Some(_) => {}
            None if failed => {}
            None => {
                return Err(Error::invalid(format!(
                    "The desired-state file names repository '{}' (entry `{}`), which is not in '{owner}' (archived repositories are listed only with -IncludeArchived). Nothing was sent.",
                    shorten(name),
                    entry_path(name)
                )))
            }
        }
    }

    if let Some(org) = &doc.organization {
        compare_org(org, inventory, &mut plan);
    }
    for state in inventory
        .states
        .iter()
        .filter(|s| include_archived || !s.archived)
    {
        let resolved = resolve(doc, &state.repository)?;
        compare_repo(&resolved, state, inventory, &mut plan);
    }
    Ok(plan)
}

fn compare_org(org: &OrganizationSettings, inventory: &Inventory, plan: &mut Plan) {
    let owner = inventory.organization.owner.clone();
    let current_keys = org_keys(inventory);
    let current_flag = inventory.organization.use_immutable_subject;
    let mut properties = Vec::new();
    if let Some(k) = &org.include_claim_keys {
        if *k != current_keys {
            properties.push("IncludeClaimKeys");
            plan.differences.push(Difference {
                owner: owner.clone(),
                repository: None,
                property: "IncludeClaimKeys".into(),
                current: json!(current_keys),
                desired: json!(k),
                action: "Update".into(),
                entry: "Organization".into(),
            });
        }
    }
    if let Some(f) = org.use_immutable_subject {
        if current_flag != Some(f) {
            properties.push("UseImmutableSubject");
            plan.differences.push(Difference {
                owner: owner.clone(),
                repository: None,
                property: "UseImmutableSubject".into(),
                current: json!(current_flag),
                desired: json!(f),
                action: flag_action(f).into(),
                entry: "Organization".into(),
            });
        }
    }
    if properties.is_empty() {
        return;
    }
    let keys = org.include_claim_keys.clone().unwrap_or(current_keys);
    let flag = org.use_immutable_subject.or(current_flag);
    let mut body = json!({ "include_claim_keys": keys });
    if let Some(f) = flag {
        body["use_immutable_subject"] = json!(f);
    }
    plan.writes.push(Write {
        owner,
        repository: None,
        use_default: None,
        include_claim_keys: Some(keys),
        use_immutable_subject: flag,
        body,
        properties: properties.into_iter().map(String::from).collect(),
    });
}

fn compare_repo(resolved: &Resolved, s: &RepositoryState, inventory: &Inventory, plan: &mut Plan) {
    let current_source = configured_source(s);
    let (template_entry, desired_source, desired_keys) = match resolved.template {
        Some((name, t)) => (
            entry_path(name),
            t.source.or(Some(TemplateSource::Repository)),
            t.include_claim_keys.as_ref(),
        ),
        None => (String::new(), None, None),
    };
    let mut properties = Vec::new();
    let mut diff = |property: &str, current: Value, desired: Value, action: &str, entry: &str| {
        properties.push(property.to_string());
        plan.differences.push(Difference {
            owner: s.owner.clone(),
            repository: Some(s.repository.clone()),
            property: property.into(),
            current,
            desired,
            action: action.into(),
            entry: entry.to_string(),
        });
    };
    if let Some(d) = desired_source {
        if d != current_source {
            let action = if d == TemplateSource::Default {
                "Reset"
            } else {
                "Update"
            };
            diff(
                "Source",
                json!(source_name(current_source)),
                json!(source_name(d)),
                action,
                &template_entry,
            );
        }
    }
    if let Some(k) = desired_keys {
        let current = if current_source == TemplateSource::Repository {
            own_keys(s)
        } else {
            s.include_claim_keys.clone()
        };
        if *k != current {
            diff(
                "IncludeClaimKeys",
                json!(current),
                json!(k),
                "Update",
                &template_entry,
            );
        }
    }
    let desired_flag = resolved.use_immutable_subject.map(|(_, f)| f);
    if let Some((name, f)) = resolved.use_immutable_subject {
        if s.use_immutable_subject != Some(f) {
            diff(
                "UseImmutableSubject",
                json!(s.use_immutable_subject),
                json!(f),
                flag_action(f),
                &entry_path(name),
            );
        }
    }
    if properties.is_empty() {
        return;
    }
    let source = desired_source.unwrap_or(current_source);
    let keys =
        (source == TemplateSource::Repository).then(|| desired_keys.cloned().unwrap_or_else(|| own_keys(s)));
    // A flag the file leaves out is sent only when it is the repository's own: one that may be
    // inherited from the organization is left out, so the repository keeps following it.
    let flag = desired_flag.or(own_flag(s, inventory));
    let use_default = source == TemplateSource::Default;
    let mut body = json!({ "use_default": use_default });
    if let Some(k) = &keys {
        body["include_claim_keys"] = json!(k);
    }
    if let Some(f) = flag {
        body["use_immutable_subject"] = json!(f);
    }
    plan.writes.push(Write {
        owner: s.owner.clone(),
        repository: Some(s.repository.clone()),
        use_default: Some(use_default),
        include_claim_keys: keys,
        use_immutable_subject: flag,
        body,
        properties,
    });
}

/// The document as a `.json` file: indented, ending in a newline.
pub fn to_json(doc: &Document) -> Result<String> {
    serde_json::to_string_pretty(doc)
        .map(|t| t + "\n")
        .map_err(|e| Error::Internal(e.to_string()))
}

/// The document as a PowerShell data file (`.psd1`, read back with `Import-PowerShellDataFile`).
/// `$schema` is left out: editors do not read it there.
pub fn to_psd1(doc: &Document) -> String {
    fn quote(s: &str) -> String {
        format!("'{}'", s.replace('\'', "''"))
    }
    fn keys(k: &[String]) -> String {
        format!("@({})", k.iter().map(|k| quote(k)).collect::<Vec<_>>().join(", "))
    }
    fn flag(b: bool) -> &'static str {
        if b {
            "$true"
        } else {
            "$false"
        }
    }
    let mut out = String::from("@{\n");
    out.push_str(&format!("    Owner = {}\n", quote(&doc.owner)));
    if let Some(org) = &doc.organization {
        out.push_str("    Organization = @{\n");
        if let Some(k) = &org.include_claim_keys {
            out.push_str(&format!("        IncludeClaimKeys = {}\n", keys(k)));
        }
        if let Some(f) = org.use_immutable_subject {
            out.push_str(&format!("        UseImmutableSubject = {}\n", flag(f)));
        }
        out.push_str("    }\n");
    }
    if !doc.repositories.is_empty() {
        out.push_str("    Repositories = @{\n");
        for (name, s) in &doc.repositories.0 {
            let mut fields = Vec::new();
            if let Some(source) = s.source {
                fields.push(format!("Source = {}", quote(source_name(source))));
            }
            if let Some(k) = &s.include_claim_keys {
                fields.push(format!("IncludeClaimKeys = {}", keys(k)));
            }
            if let Some(f) = s.use_immutable_subject {
                fields.push(format!("UseImmutableSubject = {}", flag(f)));
            }
            out.push_str(&format!(
                "        {} = @{{ {} }}\n",
                quote(name),
                fields.join("; ")
            ));
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests;
