//! ID token verification against the keys of its issuer.
//!
//! [`verify_token`] checks the RS256 signature against the JWKS named by the issuer's
//! discovery document (cached; read again once on an unknown `kid`), the time claims with
//! [`DEFAULT_LEEWAY_SECS`] of clock skew, `aud` when given, and the issuer. Keys are never
//! fetched from an issuer the context does not allow. The checks themselves are offline and
//! live in `github_oidc_claims::token`.

use crate::context::Context;
use crate::discovery;
use crate::error::{Error, Result};
use github_oidc_claims::token::{self, Verification, VerifyOptions, DEFAULT_LEEWAY_SECS};
use serde::Serialize;
use serde_json::Value;

/// The result of [`verify_token`]: every check, plus where the keys came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenVerification {
    /// `valid`, `checks`, `failures`, `claims`, `header`, `issuer`, `enterprise_scoped`,
    /// `warnings`.
    #[serde(flatten)]
    pub verification: Verification,
    /// The issuers this context allows for this token.
    pub allowed_issuers: Vec<String>,
    /// The JWKS the signature was checked against (`None` when no keys were fetched).
    pub jwks_uri: Option<String>,
    /// Whether the JWKS was read again because the token's `kid` was not in the cached one.
    pub keys_refreshed: bool,
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn trim(s: &str) -> &str {
    s.trim().trim_end_matches('/')
}

/// Verifies an ID token: RS256 signature against the JWKS of its issuer (from the issuer's
/// discovery document, cached, read again once on an unknown `kid`), `exp`/`nbf`/`iat` with
/// [`DEFAULT_LEEWAY_SECS`] of clock skew, `aud` when given, and the issuer.
///
/// Allowed issuers: the context's issuer, and its enterprise-scoped form `ISSUER/<slug>` — for
/// `enterprise` when given, else for the slug in the token's `iss` (the `enterprise` claim
/// must then equal the slug). Keys are never fetched from an issuer that is not allowed: such a
/// token fails with the issuer reason and no request is made.
pub fn verify_token(
    ctx: &Context,
    jwt: &str,
    audience: Option<&str>,
    enterprise: Option<&str>,
) -> Result<TokenVerification> {
    let decoded =
        token::decode(jwt).map_err(|e| Error::invalid(format!("The token cannot be decoded: {e}.")))?;
    let base = ctx.issuer();
    let iss = decoded
        .claims
        .get("iss")
        .and_then(Value::as_str)
        .map(|s| trim(s).to_string());
    let mut allowed = vec![base.clone()];
    let token_slug = iss
        .as_deref()
        .and_then(|i| token::enterprise_slug_of_issuer(i, &base));
    match enterprise.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => allowed.push(ctx.issuer_for(Some(e))?),
        None => {
            if let Some(slug) = &token_slug {
                allowed.push(ctx.issuer_for(Some(slug))?);
            }
        }
    }
    let audience = audience.filter(|a| !a.trim().is_empty());
    let opts = VerifyOptions {
        audience,
        allowed_issuers: &allowed,
        now: now_secs(),
        leeway_secs: DEFAULT_LEEWAY_SECS,
    };

    let trusted = iss
        .as_deref()
        .is_some_and(|i| allowed.iter().any(|a| trim(a) == i));
    if !trusted {
        // Never fetch keys from an issuer that is not allowed.
        let v = unverified(
            jwt,
            &opts,
            None,
            "keys are never fetched from an issuer that is not allowed",
        )?;
        return Ok(TokenVerification {
            verification: v,
            allowed_issuers: allowed,
            jwks_uri: None,
            keys_refreshed: false,
        });
    }

    let slug = if iss.as_deref() == Some(trim(&base)) {
        None
    } else {
        token_slug.as_deref().or(enterprise)
    };
    let d = discovery::discover(ctx, slug)?;
    if trim(&d.issuer) != iss.as_deref().unwrap_or_default() {
        // OpenID Connect Discovery: the document must name exactly the issuer it was read for.
        let reason = format!(
            "the discovery document at {} names the issuer {} rather than the token's {}",
            d.discovery_uri,
            d.issuer,
            iss.as_deref().unwrap_or_default()
        );
        let v = unverified(
            jwt,
            &opts,
            Some(reason),
            "the issuer's discovery document does not match it",
        )?;
        return Ok(TokenVerification {
            verification: v,
            allowed_issuers: allowed,
            jwks_uri: None,
            keys_refreshed: false,
        });
    }
    let mut keys = discovery::jwks(ctx, &d, false)?;
    let mut refreshed = false;
    if !token::kid_in_jwks(jwt, &keys) {
        keys = discovery::jwks(ctx, &d, true)?;
        refreshed = true;
    }
    let v = token::verify(jwt, &keys, &opts).map_err(to_err)?;
    Ok(TokenVerification {
        verification: v,
        allowed_issuers: allowed,
        jwks_uri: Some(d.jwks_uri.clone()),
        keys_refreshed: refreshed,
    })
}

fn to_err(e: token::TokenError) -> Error {
    Error::invalid(format!("The token cannot be verified: {e}."))
}

/// A verification without keys: every other check runs, the key and signature checks fail
/// with `why`, and `issuer_failure` (when given) fails the issuer check.
fn unverified(
    jwt: &str,
    opts: &VerifyOptions,
    issuer_failure: Option<String>,
    why: &str,
) -> Result<token::Verification> {
    let mut v = token::verify(jwt, r#"{"keys":[]}"#, opts).map_err(to_err)?;
    for c in v.checks.iter_mut() {
        match c.name.as_str() {
            "key" | "signature" => {
                c.passed = false;
                let what = if c.name == "key" {
                    "signing key"
                } else {
                    "signature"
                };
                c.reason = Some(format!("{what} not checked: {why}"));
            }
            "issuer" if issuer_failure.is_some() => {
                c.passed = false;
                c.reason = issuer_failure.clone();
            }
            _ => {}
        }
    }
    v.failures = v
        .checks
        .iter()
        .filter(|c| !c.passed)
        .filter_map(|c| c.reason.clone())
        .collect();
    v.valid = false;
    Ok(v)
}
