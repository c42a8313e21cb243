//! The desired-state exports (issue 8): `ghoidc_config_validate` (pure), and
//! `ghoidc_config_export` / `ghoidc_config_compare`, which compute from the final inventory of a
//! finished fleet job (`ghoidc_fleet_start` … `ghoidc_fleet_next` until `done`). None of them
//! sends a request: Sync applies the compare answer's writes one by one through
//! `ghoidc_set_subject_claim` (dry run first, then the write).
//!
//! A document crosses the ABI in one of two forms, so PowerShell holds no JSON code: a `.json`
//! file as its text (`document_text`, parsed here with line and column in errors), or a `.psd1`
//! as the object `Import-PowerShellDataFile` returns (`document`, serialised by the facade).
//! Both are parsed into the same types with the same errors.

use crate::contract::{
    CompareAnswer, ConfigCompareRequest, ConfigExportAnswer, ConfigExportRequest, ConfigValidateAnswer,
    ConfigValidateRequest,
};
use github_oidc_core::desired::{self, Document};
use github_oidc_core::{Error, Result};

/// The document of a request: exactly one of its text and its object form. An empty text is
/// absent (PowerShell sends `""` for a string it leaves unset).
fn document(text: Option<String>, value: Option<serde_json::Value>) -> Result<Document> {
    let text = text.filter(|t| !t.is_empty());
    let value = value.filter(|v| !v.is_null());
    match (text, value) {
        (Some(t), None) => desired::parse_text(&t),
        (None, Some(v)) => desired::parse_value(v),
        (Some(_), Some(_)) => Err(Error::invalid(
            "Pass the desired-state document once: document_text or document, not both.",
        )),
        (None, None) => Err(Error::invalid(
            "No desired-state document (is the file empty?): pass document_text (JSON text) or document (an object).",
        )),
    }
}

/// `ghoidc_config_validate`.
pub fn validate(r: ConfigValidateRequest) -> Result<ConfigValidateAnswer> {
    let document = document(r.document_text, r.document)?;
    let entries = document.repositories.0.iter().map(|(n, _)| n.clone()).collect();
    Ok(ConfigValidateAnswer { document, entries })
}

/// `ghoidc_config_export`.
pub fn export(r: ConfigExportRequest) -> Result<ConfigExportAnswer> {
    let mut document = crate::jobs::with_inventory(r.job, |inv| desired::export(inv, r.include_archived))?;
    if let Some(uri) = r.schema_uri.filter(|u| !u.is_empty()) {
        document.schema = Some(uri);
    }
    let text = match r.format.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("json") => desired::to_json(&document)?,
        Some("psd1") => desired::to_psd1(&document),
        Some(other) => {
            return Err(Error::invalid(format!(
                "format '{}' is not known: json or psd1.",
                github_oidc_claims::text::shorten(other)
            )))
        }
    };
    let repositories = document.repositories.0.len() as u64;
    Ok(ConfigExportAnswer {
        document,
        text,
        repositories,
    })
}

/// `ghoidc_config_compare`: the document is parsed and checked before the inventory is looked at.
pub fn compare(r: ConfigCompareRequest) -> Result<CompareAnswer> {
    let document = document(r.document_text, r.document)?;
    let plan =
        crate::jobs::with_inventory(r.job, |inv| desired::compare(&document, inv, r.include_archived))??;
    Ok(CompareAnswer {
        differences: plan.differences,
        writes: plan.writes,
        warnings: plan.warnings,
    })
}
