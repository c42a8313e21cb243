//! Echoing text safely.
//!
//! * [`shorten`]: values quoted in error messages are cut to a readable length on a character
//!   boundary, so a 100,000-character argument does not become a 100,000-character error and a
//!   multi-byte character is never split.
//! * [`redact`] / [`redact_secrets`]: the one redaction of the project. Every answer and error
//!   object of the C ABI passes through it (`github_oidc_ffi::run`), so a token in GitHub's error
//!   message, a documentation URL, a transport error or echoed input never reaches PowerShell;
//!   the module's own messages go through it too (`ghoidc_redact`).
//! * [`looks_like_token`]: whether a whole value (a host name, a URL) is a credential.

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// The most characters of a value that [`shorten`] keeps.
pub const MAX_ECHO_CHARS: usize = 100;

/// `s` unchanged when it has at most [`MAX_ECHO_CHARS`] characters, else its first
/// [`MAX_ECHO_CHARS`] characters followed by `…`.
pub fn shorten(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO_CHARS) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}…", &s[..cut]),
    }
}

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// The prefixes of GitHub's tokens: classic PAT `ghp_`, OAuth `gho_`, user-to-server `ghu_`,
/// installation / `GITHUB_TOKEN` `ghs_` (including the 2026 stateless `ghs_APPID_JWT` form),
/// refresh `ghr_`, fine-grained PAT `github_pat_`.
pub const GITHUB_TOKEN_PREFIXES: &[&str] = &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];

/// The shortest token body (after the prefix) [`redact`] removes from free text. GitHub's own
/// shortest is 36 (classic and legacy installation tokens); 20 leaves identifiers such as
/// `laughs_total` alone while no real token is that short.
pub const MIN_TOKEN_BODY: usize = 20;

/// Every secret shape, in one expression:
/// * `gh[pousr]_` + at least [`MIN_TOKEN_BODY`] of `[A-Za-z0-9._-]` (any length above: the 2026
///   stateless installation tokens are ~520 characters, JWT-shaped, with `.`, `-` and `_`;
///   GitHub's own regex omits `-`, field reports show it, so it is included);
/// * `github_pat_` + at least [`MIN_TOKEN_BODY`] of `[A-Za-z0-9_]` (fine-grained PATs: 82);
/// * a JWT / JWS / JWE: `eyJ` + at least 13 base64url characters (the shortest JOSE header,
///   `{"alg":"none"}`, is 19), then one or more `.`-separated base64url parts (one is enough:
///   a JWT cut short by [`shorten`] keeps its header and part of its payload);
/// * the value of a `token=` / `access_token=` URL query parameter, whatever its shape.
///
/// No left boundary is required, so a token glued to other text is still found.
static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"gh[pousr]_[A-Za-z0-9._\-]{20,}|github_pat_[A-Za-z0-9_]{20,}|eyJ[A-Za-z0-9_\-]{13,}\.[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]*)*|(?P<query>(?i:[?&](?:access_)?token=))[^&\s#'\x22]+",
    )
    .expect("the secret pattern is valid")
});

/// `text` with every token-shaped substring (see [`SECRET`]'s shapes: GitHub tokens of every
/// kind and length, JWTs, `token=` query values) replaced by [`REDACTED`]. Text without one is
/// returned as it is, borrowed. Dots that end a match are kept (they end the sentence, not the
/// token). Legacy 40-hex tokens are not looked for in free text (a commit SHA has the same
/// shape); [`looks_like_token`] refuses them where a name is expected.
pub fn redact(text: &str) -> Cow<'_, str> {
    SECRET.replace_all(text, |caps: &regex::Captures<'_>| {
        if let Some(key) = caps.name("query") {
            return format!("{}{REDACTED}", key.as_str());
        }
        let whole = &caps[0];
        let dots = whole.len() - whole.trim_end_matches('.').len();
        format!("{REDACTED}{}", &whole[whole.len() - dots..])
    })
}

/// [`redact`], after replacing every exact occurrence of each of `secrets` (the tokens a request
/// carried, whatever their shape) by [`REDACTED`]. Secrets shorter than 4 characters are not
/// looked for (they would garble the text and cannot be told from ordinary words).
pub fn redact_secrets<'a>(text: &'a str, secrets: &[&str]) -> Cow<'a, str> {
    let mut owned: Option<String> = None;
    for secret in secrets
        .iter()
        .map(|s| s.trim())
        .filter(|s| s.chars().count() >= 4)
    {
        let current = owned.as_deref().unwrap_or(text);
        if current.contains(secret) {
            owned = Some(current.replace(secret, REDACTED));
        }
    }
    match owned {
        None => redact(text),
        Some(s) => Cow::Owned(redact(&s).into_owned()),
    }
}

/// Whether a whole string looks like a credential rather than a name: a GitHub token (any of
/// [`GITHUB_TOKEN_PREFIXES`], any length), a legacy 40-hex token or a JWT (`eyJ….….…`, such as
/// an Actions ID token). A `Bearer ` or `token ` prefix is looked through. Where a name or URL
/// is expected, such a value is refused without being echoed; free text goes through [`redact`].
pub fn looks_like_token(s: &str) -> bool {
    let mut s = s.trim();
    for scheme in ["Bearer ", "bearer ", "token ", "Token "] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest.trim_start();
        }
    }
    let b64url = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    // A host name label starting with `eyJ` is not mistaken for a JOSE header (at least 16).
    let jwt = s.starts_with("eyJ") && {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() == 3
            && parts[0].len() >= 16
            && parts[..2].iter().all(|p| b64url(p))
            && (parts[2].is_empty() || b64url(parts[2]))
    };
    GITHUB_TOKEN_PREFIXES.iter().any(|p| s.starts_with(p))
        || (s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        || jwt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_kept() {
        assert_eq!(shorten(""), "");
        assert_eq!(shorten("octo-org"), "octo-org");
        let exactly = "é".repeat(MAX_ECHO_CHARS);
        assert_eq!(shorten(&exactly), exactly);
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let long = format!("{}{}", "a".repeat(99), "é".repeat(100_000));
        let s = shorten(&long);
        assert_eq!(s.chars().count(), MAX_ECHO_CHARS + 1);
        assert!(s.starts_with(&"a".repeat(99)));
        assert!(s.ends_with("é…"), "{s}");
        let emoji = "😀".repeat(MAX_ECHO_CHARS + 1);
        assert_eq!(shorten(&emoji), format!("{}…", "😀".repeat(MAX_ECHO_CHARS)));
    }

    /// Token-shaped strings, built at run time (no realistic literal in the source).
    fn shapes() -> Vec<String> {
        let b64 = |n: usize| "aB3_x-Y9".repeat(n / 8 + 1)[..n].to_string();
        let jwt = format!("eyJ{}.{}.{}", b64(33), b64(120), b64(342));
        vec![
            format!("gh{}_{}", "p", "A1b2".repeat(9)),
            format!("gh{}_{}", "o", "x".repeat(36)),
            format!("gh{}_{}", "u", "x".repeat(36)),
            format!("gh{}_{}", "s", "x".repeat(36)),
            format!("gh{}_{}", "r", "x".repeat(36)),
            format!("github_{}_11ABCDEFG0{}_{}", "pat", "y".repeat(12), "z".repeat(59)),
            // The 2026 stateless installation token: ghs_APPID_JWT, ~520 characters.
            format!("gh{}_123456_{jwt}", "s"),
            jwt,
            format!("eyJ{}.{}.", b64(20), b64(40)),
            // A JWT cut short (as `shorten` echoes a long value): header and part of the payload.
            format!("eyJ{}.{}", b64(33), b64(60)),
        ]
    }

    #[test]
    fn every_shape_is_redacted_in_free_text() {
        for t in shapes() {
            for text in [
                t.clone(),
                format!("Bad credentials: {t}"),
                format!("Authorization: Bearer {t}."),
                format!("https://api.github.com/x?token={t}&a=1"),
                format!("see https://docs.github.com/rest/{t}/y"),
                format!("\"{t}\""),
                format!("glued{t}glued"),
            ] {
                let r = redact(&text);
                assert!(!r.contains(&t), "{text} -> {r}");
                assert!(r.contains(REDACTED), "{text} -> {r}");
            }
            if !t.starts_with("eyJ") || t.matches('.').count() == 2 {
                assert!(looks_like_token(&t), "{t}");
            }
        }
        let stateless = &shapes()[6];
        assert!(stateless.len() > 500, "{}", stateless.len());
    }

    #[test]
    fn messages_stay_informative() {
        let t = &shapes()[0];
        assert_eq!(
            redact(&format!(
                "GitHub API GET https://x/y: Bad credentials {t}. See https://docs"
            )),
            format!("GitHub API GET https://x/y: Bad credentials {REDACTED}. See https://docs")
        );
        assert_eq!(
            redact("https://h/x?per_page=1&access_token=s3cr3t-value#f"),
            format!("https://h/x?per_page=1&access_token={REDACTED}#f")
        );
        assert_eq!(
            redact_secrets("echo test-admin-token here", &["test-admin-token", "", "ab"]),
            format!("echo {REDACTED} here")
        );
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        for s in [
            "",
            "GitHub API GET https://api.github.com/repos/octo-org/octo-repo/actions/oidc/customization/sub: Not Found (404)",
            "https://docs.github.com/rest/actions/oidc#get-the-customization-template-for-an-oidc-subject-claim-for-a-repository",
            "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main",
            "invalid claim key `repository_owner_id`: use job_workflow_ref, laughs_total, ghs_short",
            "eyJ.example.com and eyJhbGci.example.com are hosts",
            "commit 0123456789abcdef0123456789abcdef01234567, token 12 bytes, tokens=3",
            "ghes.corp:8443 github_pat_short github.com",
        ] {
            assert!(matches!(redact(s), Cow::Borrowed(_)), "{s}");
        }
    }

    use proptest::prelude::*;

    fn token_strategy() -> impl Strategy<Value = String> {
        let body = |chars: &'static str, min: usize, max: usize| {
            proptest::collection::vec(
                proptest::sample::select(chars.chars().collect::<Vec<_>>()),
                min..max,
            )
            .prop_map(|v| v.into_iter().collect::<String>())
        };
        const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        const STATELESS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        prop_oneof![
            (
                proptest::sample::select(vec!['p', 'o', 'u', 's', 'r']),
                body(STATELESS, 20, 600)
            )
                .prop_map(|(c, b)| format!("gh{c}_{}", b.trim_end_matches('.'))),
            body(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_",
                20,
                100
            )
            .prop_map(|b| format!("github_{}_{b}", "pat")),
            (body(B64, 13, 80), body(B64, 1, 300), body(B64, 0, 400))
                .prop_map(|(h, p, s)| format!("eyJ{h}.{p}.{s}")),
        ]
        .prop_filter("a token ends with a token character", |t| !t.ends_with('.'))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// A token embedded anywhere in arbitrary text is always removed.
        #[test]
        fn an_embedded_token_never_survives(before in "\\PC{0,80}", token in token_strategy(), after in "\\PC{0,80}") {
            let text = format!("{before}{token}{after}");
            let r = redact(&text);
            prop_assert!(!r.contains(&token), "{} -> {}", text, r);
            prop_assert!(r.contains(REDACTED));
        }

        /// Text without a token shape is returned as it is.
        #[test]
        fn ordinary_text_is_kept(text in "[ -~\\p{L}]{0,300}") {
            let lower = text.to_ascii_lowercase();
            prop_assume!(!["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "eyj", "token="].iter().any(|m| lower.contains(m)));
            prop_assert_eq!(redact(&text), Cow::Borrowed(text.as_str()));
        }

        /// Redaction never panics and is idempotent.
        #[test]
        fn redaction_is_stable(text in "\\PC{0,400}") {
            let once = redact(&text).into_owned();
            prop_assert_eq!(redact(&once).into_owned(), once.clone());
        }
    }
}
