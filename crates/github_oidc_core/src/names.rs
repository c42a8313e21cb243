//! Validation and percent-encoding of the names that go into URL paths.
//!
//! Owner, repository and enterprise names are checked before any request: GitHub names use
//! letters, digits, `-`, `_` and `.`, so anything else (`/`, `%`, spaces, control characters,
//! `.`/`..`) is rejected with a message that names the parameter. The accepted names are then
//! percent-encoded as one path segment, so nothing can change the request path.

use crate::error::{Error, Result};
use github_oidc_claims::text::shorten;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Characters left as they are in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// Validates a name and returns it percent-encoded as a single path segment.
pub fn segment(what: &str, name: &str) -> Result<String> {
    if name.is_empty() {
        return Err(Error::invalid(format!("{what} must not be empty.")));
    }
    if name.chars().count() > 100 {
        // Cut on a character boundary: slicing bytes panics inside a multi-byte character.
        let head: String = name.chars().take(20).collect();
        return Err(Error::invalid(format!(
            "{what} '{}…' is longer than 100 characters.",
            head.escape_debug()
        )));
    }
    if name == "." || name == ".." {
        return Err(Error::invalid(format!("{what} '{name}' is not a valid name.")));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        let shown = bad.escape_debug();
        let hint = if bad == '/' && what == "Owner" {
            " To address a repository, pass -Owner and -Repository separately."
        } else if bad == '/' {
            " Pass the owner in -Owner and only the repository name here."
        } else {
            ""
        };
        return Err(Error::invalid(format!(
            "{what} '{}' contains '{shown}'; GitHub names use only letters, digits, '-', '_' and '.'.{hint}",
            shorten(name).escape_debug()
        )));
    }
    Ok(utf8_percent_encode(name, SEGMENT).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_github_names() {
        assert_eq!(segment("Owner", "octo-org").unwrap(), "octo-org");
        assert_eq!(segment("Repository", "my.repo_1").unwrap(), "my.repo_1");
    }

    #[test]
    fn rejects_path_tricks() {
        for bad in [
            "../x", "a/b", "%2F", "a b", "a\nb", "..", ".", "", "a?b", "a#b", "ü",
        ] {
            let e = segment("Repository", bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{bad}");
        }
        assert!(segment("Owner", "a/b")
            .unwrap_err()
            .to_string()
            .contains("-Repository"));
    }

    #[test]
    fn long_names_with_multibyte_characters_do_not_panic() {
        // Byte 20 falls inside 'é': slicing there used to panic.
        let name = format!("{}é{}", "a".repeat(19), "b".repeat(100));
        let e = segment("Owner", &name).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
        let m = e.to_string();
        assert!(m.contains(&format!("'{}é…'", "a".repeat(19))), "{m}");
        assert!(!m.contains(&"b".repeat(100)), "{m}");
    }
}
