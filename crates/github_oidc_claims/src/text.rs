//! Text helpers for messages that echo what a caller gave.

/// At most this many characters of a caller's value are echoed in a message.
pub const ECHO_LIMIT: usize = 100;

/// A caller's value as a message may echo it: at most [`ECHO_LIMIT`] characters, then `…`.
/// Cuts on a character boundary, never inside a multi-byte character.
pub fn shorten(s: &str) -> String {
    match s.char_indices().nth(ECHO_LIMIT) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        assert_eq!(shorten("abc"), "abc");
        let long = "é".repeat(150);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), ECHO_LIMIT + 1);
        assert!(short.ends_with('…'));
        assert_eq!(shorten(&"x".repeat(100)), "x".repeat(100));
    }
}
