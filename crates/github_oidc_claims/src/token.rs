//! GitHub Actions ID tokens: unverified decoding and full verification against a JWKS.
//!
//! [`verify`] runs every check and reports each failure (not only the first), so a caller can
//! show a complete diagnosis. Nothing here fetches anything: the caller supplies the JWKS JSON
//! (and can use [`kid_in_jwks`] to decide whether to refresh it).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Serialize;
use serde_json::{Map, Value};

/// The github.com Actions OIDC issuer.
pub const STANDARD_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Default clock leeway, in seconds, for `exp`, `nbf` and `iat`.
pub const DEFAULT_LEEWAY_SECS: u64 = 60;

/// A token's header and payload, decoded but not verified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodedToken {
    /// The JOSE header (`alg`, `kid`, `typ`, `x5t`, …).
    pub header: Map<String, Value>,
    /// The payload claims.
    pub claims: Map<String, Value>,
}

/// Why a token or JWKS could not even be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The token is empty.
    #[error("the token is empty")]
    Empty,
    /// The token does not have three `.`-separated parts.
    #[error("a JWT has three parts separated by `.` (header.payload.signature); this token has {0}")]
    SegmentCount(usize),
    /// A part is not valid base64url.
    #[error("the token {part} is not valid base64url: {detail}")]
    Base64 {
        /// `header`, `payload` or `signature`.
        part: &'static str,
        /// Decoder message.
        detail: String,
    },
    /// A part is not a JSON object.
    #[error("the token {part} is not a JSON object: {detail}")]
    Json {
        /// `header` or `payload`.
        part: &'static str,
        /// Parser message.
        detail: String,
    },
    /// The JWKS document is not usable.
    #[error("invalid JWKS: {0}")]
    Jwks(String),
}

/// Options for [`verify`].
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// Expected `aud`; `None` skips the audience check (a warning is added).
    pub audience: Option<&'a str>,
    /// Accepted issuers (exact match, trailing `/` tolerated). Empty means [`STANDARD_ISSUER`].
    pub allowed_issuers: &'a [String],
    /// Current time, unix seconds.
    pub now: u64,
    /// Clock leeway in seconds (use [`DEFAULT_LEEWAY_SECS`]).
    pub leeway_secs: u64,
}

/// One verification check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// One of `algorithm`, `key`, `signature`, `issuer`, `enterprise`, `expiry`, `not_before`,
    /// `issued_at`, `audience`.
    pub name: String,
    /// Whether the check passed.
    pub passed: bool,
    /// Why it failed (or a note when it passed).
    pub reason: Option<String>,
}

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    /// `true` when every check passed.
    pub valid: bool,
    /// All checks, in the order run. `audience` is present only when an audience was given;
    /// `enterprise` only for an enterprise-scoped issuer.
    pub checks: Vec<Check>,
    /// One readable reason per failed check.
    pub failures: Vec<String>,
    /// The token's claims (unverified if `valid` is false).
    pub claims: Map<String, Value>,
    /// The token's header.
    pub header: Map<String, Value>,
    /// The `iss` claim, if it is a string.
    pub issuer: Option<String>,
    /// Whether `iss` is an enterprise-scoped issuer (`<base>/<enterprise-slug>`).
    pub enterprise_scoped: bool,
    /// Non-fatal observations.
    pub warnings: Vec<String>,
}

fn split3(jwt: &str) -> Result<[&str; 3], TokenError> {
    let jwt = jwt.trim();
    if jwt.is_empty() {
        return Err(TokenError::Empty);
    }
    let parts: Vec<&str> = jwt.split('.').collect();
    match parts.as_slice() {
        [h, p, s] => Ok([h, p, s]),
        _ => Err(TokenError::SegmentCount(parts.len())),
    }
}

fn b64(part: &'static str, s: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|e| TokenError::Base64 {
            part,
            detail: e.to_string(),
        })
}

fn json_object(part: &'static str, s: &str) -> Result<Map<String, Value>, TokenError> {
    let bytes = b64(part, s)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(TokenError::Json {
            part,
            detail: format!("found {}", kind(&other)),
        }),
        Err(e) => Err(TokenError::Json {
            part,
            detail: e.to_string(),
        }),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Decodes a JWT's header and payload **without verifying** anything.
///
/// Surrounding whitespace is ignored. Errors name the malformed part.
pub fn decode(jwt: &str) -> Result<DecodedToken, TokenError> {
    let [h, p, s] = split3(jwt)?;
    let header = json_object("header", h)?;
    let claims = json_object("payload", p)?;
    b64("signature", s)?;
    Ok(DecodedToken { header, claims })
}

fn parse_jwks(jwks_json: &str) -> Result<Vec<Map<String, Value>>, TokenError> {
    let v: Value = serde_json::from_str(jwks_json).map_err(|e| TokenError::Jwks(e.to_string()))?;
    let keys = v
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| TokenError::Jwks("expected an object with a `keys` array".into()))?;
    Ok(keys.iter().filter_map(|k| k.as_object().cloned()).collect())
}

fn find_key<'k>(keys: &'k [Map<String, Value>], kid: &str) -> Option<&'k Map<String, Value>> {
    keys.iter()
        .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid))
}

/// Whether the token's `kid` is present in the JWKS. `false` when either cannot be parsed or
/// the token has no `kid`; the caller can then refresh the JWKS and retry.
pub fn kid_in_jwks(jwt: &str, jwks_json: &str) -> bool {
    let (Ok(tok), Ok(keys)) = (decode(jwt), parse_jwks(jwks_json)) else {
        return false;
    };
    tok.header
        .get("kid")
        .and_then(Value::as_str)
        .is_some_and(|kid| find_key(&keys, kid).is_some())
}

fn trim_slash(s: &str) -> &str {
    s.trim().trim_end_matches('/')
}

/// If `iss` is the enterprise-scoped form of `standard_issuer` (`<standard>/<slug>`), returns the
/// slug. Trailing slashes are tolerated on both.
///
/// ```
/// use github_oidc_claims::token::enterprise_slug_of_issuer;
/// let std = "https://token.actions.githubusercontent.com";
/// assert_eq!(
///     enterprise_slug_of_issuer("https://token.actions.githubusercontent.com/octocat-inc", std),
///     Some("octocat-inc".to_string())
/// );
/// assert_eq!(enterprise_slug_of_issuer(std, std), None);
/// ```
pub fn enterprise_slug_of_issuer(iss: &str, standard_issuer: &str) -> Option<String> {
    let iss = trim_slash(iss);
    let base = trim_slash(standard_issuer);
    if base.is_empty() {
        return None;
    }
    let slug = iss.strip_prefix(base)?.strip_prefix('/')?;
    if slug.is_empty() || slug.contains('/') || slug.chars().any(char::is_whitespace) {
        return None;
    }
    Some(slug.to_string())
}

/// Numeric-date claim: `Ok(None)` when absent, `Err` when present but not a non-negative number.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<u64>, String> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => match (v.as_u64(), v.as_f64()) {
            (Some(n), _) => Ok(Some(n)),
            (None, Some(f)) if f >= 0.0 => Ok(Some(f as u64)),
            _ => Err(format!("the `{name}` claim is not a non-negative number: {v}")),
        },
    }
}

struct Checks(Vec<Check>);

impl Checks {
    fn pass(&mut self, name: &str, note: Option<String>) {
        self.0.push(Check {
            name: name.into(),
            passed: true,
            reason: note,
        });
    }
    fn fail(&mut self, name: &str, reason: String) {
        self.0.push(Check {
            name: name.into(),
            passed: false,
            reason: Some(reason),
        });
    }
    fn result(&mut self, name: &str, r: Result<Option<String>, String>) {
        match r {
            Ok(note) => self.pass(name, note),
            Err(reason) => self.fail(name, reason),
        }
    }
}

/// Verifies a GitHub Actions ID token against a JWKS document.
///
/// Runs every check — `algorithm` (RS256), `key` (`kid` in the JWKS), `signature`, `issuer`
/// (in `allowed_issuers`), `enterprise` (for an enterprise-scoped issuer, the `enterprise`
/// claim must equal the slug), `expiry`, `not_before`, `issued_at`, `audience` (when
/// requested) — and reports every failure. Returns `Err` only when the token or the JWKS
/// cannot be parsed at all.
pub fn verify(jwt: &str, jwks_json: &str, opts: &VerifyOptions) -> Result<Verification, TokenError> {
    let [h, p, s] = split3(jwt)?;
    let DecodedToken { header, claims } = decode(jwt)?;
    let keys = parse_jwks(jwks_json)?;
    let mut checks = Checks(Vec::new());
    let mut warnings = Vec::new();

    // algorithm
    let alg = header.get("alg").and_then(Value::as_str);
    let alg_ok = alg == Some("RS256");
    if alg_ok {
        checks.pass("algorithm", None);
    } else {
        let shown = alg.map_or_else(|| "none given".to_string(), |a| format!("`{a}`"));
        checks.fail(
            "algorithm",
            format!("the token algorithm is {shown}; GitHub signs ID tokens with RS256"),
        );
    }

    // key
    let kid = header.get("kid").and_then(Value::as_str);
    let key: Option<Result<DecodingKey, String>> = match kid {
        None => {
            checks.fail(
                "key",
                "the token header has no `kid`, so no signing key can be selected".into(),
            );
            None
        }
        Some(kid) => match find_key(&keys, kid) {
            None => {
                checks.fail(
                    "key",
                    format!("signed by an unknown key {kid} (not in the JWKS; refresh the JWKS and retry)"),
                );
                None
            }
            Some(jwk) => {
                let kty = jwk.get("kty").and_then(Value::as_str);
                let n = jwk.get("n").and_then(Value::as_str);
                let e = jwk.get("e").and_then(Value::as_str);
                match (kty, n, e) {
                    (Some("RSA"), Some(n), Some(e)) => {
                        let k = DecodingKey::from_rsa_components(n, e)
                            .map_err(|err| format!("key {kid} in the JWKS is unusable: {err}"));
                        match &k {
                            Ok(_) => checks.pass("key", Some(format!("key {kid} found in the JWKS"))),
                            Err(r) => checks.fail("key", r.clone()),
                        }
                        Some(k)
                    }
                    _ => {
                        checks.fail(
                            "key",
                            format!("key {kid} in the JWKS is not an RSA key with `n` and `e`"),
                        );
                        None
                    }
                }
            }
        },
    };

    // signature
    let sig = match (&key, alg_ok) {
        (Some(Ok(k)), true) => {
            let message = format!("{h}.{p}");
            match jsonwebtoken::crypto::verify(s, message.as_bytes(), k, Algorithm::RS256) {
                Ok(true) => Ok(None),
                Ok(false) => Err(
                    "the RS256 signature does not match the header and payload (the token was \
                                  altered or signed with another key)"
                        .to_string(),
                ),
                Err(e) => Err(format!("the signature could not be checked: {e}")),
            }
        }
        (_, false) => Err("signature not verified: the algorithm is not RS256".into()),
        _ => Err("signature not verified: no usable signing key".into()),
    };
    checks.result("signature", sig);

    // issuer
    let issuer = claims.get("iss").and_then(Value::as_str).map(str::to_string);
    let standard = [STANDARD_ISSUER.to_string()];
    let allowed: &[String] = if opts.allowed_issuers.is_empty() {
        &standard
    } else {
        opts.allowed_issuers
    };
    let mut enterprise_scoped = false;
    match &issuer {
        None => checks.fail("issuer", "the token has no `iss` claim".into()),
        Some(iss) => {
            let exact = allowed.iter().any(|a| trim_slash(a) == trim_slash(iss));
            // Enterprise scoping is judged against the allowed issuers and github.com's.
            let base_slug = allowed
                .iter()
                .map(String::as_str)
                .chain(std::iter::once(STANDARD_ISSUER))
                .find_map(|b| enterprise_slug_of_issuer(iss, b).map(|s| (b.to_string(), s)));
            if exact {
                checks.pass("issuer", None);
            } else {
                let mut reason = format!("issuer {iss} is not allowed (allowed: {})", allowed.join(", "));
                if let Some((base, _)) = base_slug.as_ref().filter(|(b, _)| allowed.iter().any(|a| a == b)) {
                    reason.push_str(&format!(
                        "; it is the enterprise-scoped form of {base} — add {} to the allowed issuers to trust it",
                        trim_slash(iss)
                    ));
                }
                checks.fail("issuer", reason);
            }
            if let Some((_, slug)) = base_slug {
                enterprise_scoped = true;
                match claims.get("enterprise").and_then(Value::as_str) {
                    Some(e) if e == slug => checks.pass("enterprise", None),
                    Some(e) => checks.fail(
                        "enterprise",
                        format!("the `enterprise` claim `{e}` does not match the issuer's enterprise slug `{slug}`"),
                    ),
                    None => checks.fail(
                        "enterprise",
                        format!("the issuer is scoped to enterprise `{slug}` but the token has no `enterprise` claim"),
                    ),
                }
                warnings.push(format!(
                    "This token's issuer is enterprise-scoped ({}); relying parties that trust only \
                     {STANDARD_ISSUER} (for example npm and PyPI trusted publishing) will reject it with 401.",
                    trim_slash(iss)
                ));
            }
        }
    }

    let now = opts.now;
    let leeway = opts.leeway_secs;

    // expiry
    let exp = match numeric_date(&claims, "exp") {
        Ok(Some(exp)) if exp.saturating_add(leeway) <= now => Err(format!(
            "the token expired at {exp} ({} s before now {now}, leeway {leeway} s)",
            now - exp
        )),
        Ok(Some(_)) => Ok(None),
        Ok(None) => Err("the token has no `exp` claim".into()),
        Err(e) => Err(e),
    };
    checks.result("expiry", exp);

    // not_before
    let nbf = match numeric_date(&claims, "nbf") {
        Ok(Some(nbf)) if nbf > now.saturating_add(leeway) => Err(format!(
            "the token is not valid before {nbf} ({} s after now {now}, leeway {leeway} s)",
            nbf - now
        )),
        Ok(_) => Ok(None),
        Err(e) => Err(e),
    };
    checks.result("not_before", nbf);

    // issued_at
    let iat = match numeric_date(&claims, "iat") {
        Ok(Some(iat)) if iat > now.saturating_add(leeway) => Err(format!(
            "the token was issued in the future at {iat} ({} s after now {now}; check the clock)",
            iat - now
        )),
        Ok(_) => Ok(None),
        Err(e) => Err(e),
    };
    checks.result("issued_at", iat);

    // audience
    match opts.audience {
        None => warnings.push("No audience was given, so `aud` was not checked.".into()),
        Some(want) => {
            let auds: Vec<&str> = match claims.get("aud") {
                Some(Value::String(a)) => vec![a.as_str()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if auds.contains(&want) {
                checks.pass("audience", None);
            } else if auds.is_empty() {
                checks.fail(
                    "audience",
                    format!("the token has no `aud` claim; expected {want}"),
                );
            } else {
                checks.fail(
                    "audience",
                    format!("audience {} does not match the expected {want}", auds.join(", ")),
                );
            }
        }
    }

    let checks = checks.0;
    let failures: Vec<String> = checks
        .iter()
        .filter(|c| !c.passed)
        .filter_map(|c| c.reason.clone())
        .collect();
    Ok(Verification {
        valid: checks.iter().all(|c| c.passed),
        checks,
        failures,
        claims,
        header,
        issuer,
        enterprise_scoped,
        warnings,
    })
}
