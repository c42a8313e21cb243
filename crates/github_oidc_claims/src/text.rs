//! Echoing user input safely: values quoted in error messages are cut to a readable length on
//! a character boundary, so a 100,000-character argument does not become a 100,000-character
//! error and a multi-byte character is never split.

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
}
