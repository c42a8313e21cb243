//! Claim keys: validation before anything is sent, suggestions, and the built-in list.
//!
//! A key must be non-empty, `[A-Za-z0-9_]` only, unique in the template, and known to the
//! instance: listed in the issuer's `claims_supported`, or one of the template pseudo-keys
//! `repo` and `context`, or a custom-property claim `repo_property_*`. An unknown key is an
//! error that names it and the closest valid keys; callers can allow unknown keys for claims
//! that discovery does not list yet.

use crate::error::{Error, Result};
use github_oidc_claims::text::shorten;

/// Keys that only exist in `include_claim_keys` templates.
pub const TEMPLATE_KEYS: &[&str] = &["repo", "context"];

/// The prefix of custom-property claims.
pub const PROPERTY_PREFIX: &str = "repo_property_";

/// github.com's `claims_supported` as of 2026, used when discovery cannot be reached.
pub const BUILTIN_CLAIMS: &[&str] = &[
    "sub",
    "aud",
    "exp",
    "iat",
    "iss",
    "jti",
    "nbf",
    "ref",
    "sha",
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "enterprise",
    "enterprise_id",
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
    "ref_protected",
    "environment",
    "environment_node_id",
    "job_workflow_ref",
    "job_workflow_sha",
    "repository_visibility",
    "runner_environment",
    "issuer_scope",
    "check_run_id",
];

/// Whether a key is syntactically valid.
pub fn is_valid_syntax(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Registered JWT claims: listed by discovery, but rarely sensible in a `sub` template.
pub const JWT_CLAIMS: &[&str] = &["sub", "aud", "exp", "iat", "iss", "jti", "nbf"];

/// The keys a template may use on an instance: template pseudo-keys first, then discovery's
/// GitHub claims, then the registered JWT claims (`sub`, `aud`, …) last.
pub fn template_keys(claims_supported: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = TEMPLATE_KEYS.iter().map(|s| s.to_string()).collect();
    let (jwt, github): (Vec<&String>, Vec<&String>) = claims_supported
        .iter()
        .partition(|c| JWT_CLAIMS.contains(&c.as_str()));
    for c in github.into_iter().chain(jwt) {
        if !keys.contains(c) {
            keys.push(c.clone());
        }
    }
    keys
}

/// Up to three known keys closest to `key`.
pub fn suggestions(key: &str, known: &[String]) -> Vec<String> {
    let lower = key.to_ascii_lowercase();
    let mut scored: Vec<(f64, &String)> = known
        .iter()
        .map(|k| {
            let mut s = strsim::jaro_winkler(&lower, k);
            if k.contains(&lower) || lower.contains(k.as_str()) {
                s += 0.2;
            }
            (s, k)
        })
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    scored.into_iter().take(3).map(|(_, k)| k.clone()).collect()
}

/// Validates a template. `known` is `None` to check only syntax and duplicates.
pub fn validate(keys: &[String], known: Option<&[String]>) -> Result<()> {
    if keys.is_empty() {
        return Err(Error::invalid(
            "IncludeClaimKeys is empty. Name at least one claim key, for example 'repo','context'.",
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for key in keys {
        if key.is_empty() {
            return Err(Error::invalid("IncludeClaimKeys contains an empty key."));
        }
        if !is_valid_syntax(key) {
            return Err(Error::invalid(format!(
                "Claim key '{}' is not valid: claim keys contain only letters, digits and underscores.",
                shorten(key).escape_debug()
            )));
        }
        if seen.contains(&key.as_str()) {
            return Err(Error::invalid(format!(
                "Claim key '{}' appears more than once; keys must be unique.",
                shorten(key)
            )));
        }
        seen.push(key);
    }
    if let Some(known) = known {
        let allowed = template_keys(known);
        for key in keys {
            if allowed.contains(key)
                || (key.starts_with(PROPERTY_PREFIX) && key.len() > PROPERTY_PREFIX.len())
            {
                continue;
            }
            // No key is that long: a suggestion would only cost time.
            let close = if key.len() > 100 {
                Vec::new()
            } else {
                suggestions(key, &allowed)
            };
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!(
                    " Did you mean {}?",
                    close
                        .iter()
                        .map(|k| format!("'{k}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(Error::invalid(format!(
                "Claim key '{}' is not supported by this GitHub instance.{hint} Use -AllowUnknownClaimKey to send it anyway.",
                shorten(key)
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        BUILTIN_CLAIMS.iter().map(|s| s.to_string()).collect()
    }

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn accepts_templates() {
        validate(&keys(&["repo", "context", "job_workflow_ref"]), Some(&known())).unwrap();
        validate(&keys(&["repo_property_workspace_id"]), Some(&known())).unwrap();
    }

    #[test]
    fn rejects_bad_keys() {
        assert!(validate(&[], None).is_err());
        assert!(validate(&keys(&["bad key"]), None)
            .unwrap_err()
            .to_string()
            .contains("'bad key'"));
        assert!(validate(&keys(&["repo", "repo"]), None)
            .unwrap_err()
            .to_string()
            .contains("more than once"));
        assert!(validate(&keys(&[""]), None).is_err());
        assert!(validate(&keys(&["repo_property_"]), Some(&known())).is_err());
    }

    #[test]
    fn long_keys_are_not_echoed_whole() {
        let a = "a".repeat(100_000);
        let b = "b".repeat(100_000);
        for (key, known, shown) in [
            (a.clone(), Some(known()), "a"),
            (format!("{a} "), None, "a"),
            (format!("{b}é"), None, "b"),
            (b.clone(), Some(known()), "b"),
        ] {
            let e = validate(&[key], known.as_deref()).unwrap_err().to_string();
            assert!(e.len() < 600, "{} bytes", e.len());
            assert!(e.contains(&format!("'{}…'", shown.repeat(100))), "{e}");
        }
        let e = validate(&[a.clone(), a], None).unwrap_err().to_string();
        assert!(e.contains("more than once") && e.len() < 600, "{e}");
    }

    #[test]
    fn unknown_key_suggests() {
        let e = validate(&keys(&["repositry_owner"]), Some(&known()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("'repositry_owner'"), "{e}");
        assert!(e.contains("'repository_owner'"), "{e}");
        let e = validate(&keys(&["enviroment"]), Some(&known()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("'environment'"), "{e}");
    }
}
