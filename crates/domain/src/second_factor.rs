//! The second factor: TOTP codes (RFC 6238: 6 digits, 30-second steps, SHA-1, as every
//! authenticator app expects) and one-time recovery codes for a lost phone.

/// Recovery codes issued at enrolment (and again on request; the old ones die).
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code: lowercase letters and digits without the look-alikes
/// (0/o, 1/l/i), so a code copied from paper is typed right.
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters per recovery code: 10 of 31 is about 49.5 bits, beyond guessing at the
/// throttle's pace, so a fast hash (SHA-256) is enough to store them.
pub const RECOVERY_LEN: usize = 10;
/// The longest code input read (a code with spaces and dashes); anything longer is wrong.
pub const CODE_INPUT_MAX: usize = 40;

/// What the user typed into the code field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeInput {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code, normalised (lowercase, without spaces or dashes).
    Recovery(String),
}

/// Reads the code field: six digits (spaces allowed, as apps show "123 456") are a TOTP code,
/// ten characters of the recovery alphabet (dashes and spaces allowed) a recovery code.
#[must_use]
pub fn read_code(input: &str) -> Option<CodeInput> {
    if input.chars().count() > CODE_INPUT_MAX {
        return None;
    }
    let squeezed: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect();
    if squeezed.len() == 6 && squeezed.bytes().all(|b| b.is_ascii_digit()) {
        return Some(CodeInput::Totp(squeezed));
    }
    if squeezed.len() == RECOVERY_LEN && squeezed.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
        return Some(CodeInput::Recovery(squeezed));
    }
    None
}

/// A recovery code from random bytes (one byte a character, rejection-free: the bias of
/// `byte % 31` is under 4% per character and costs under 0.1 bit of the ~49.5).
#[must_use]
pub fn recovery_code(random: [u8; RECOVERY_LEN]) -> String {
    random.iter().map(|b| RECOVERY_ALPHABET[*b as usize % RECOVERY_ALPHABET.len()] as char).collect()
}

/// "abcde-fghjk": a recovery code as it is shown and printed.
#[must_use]
pub fn show_recovery(code: &str) -> String {
    let (a, b) = code.split_at(code.len().min(5));
    format!("{a}-{b}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_typed_from_an_app_or_from_paper() {
        assert_eq!(read_code("123456"), Some(CodeInput::Totp("123456".into())));
        assert_eq!(read_code(" 123 456 "), Some(CodeInput::Totp("123456".into())));
        assert_eq!(read_code("ABCDE-FGHJK"), Some(CodeInput::Recovery("abcdefghjk".into())));
        assert_eq!(read_code("abcde fghjk"), Some(CodeInput::Recovery("abcdefghjk".into())));
        assert_eq!(read_code("12345"), None);
        assert_eq!(read_code("1234567"), None);
        assert_eq!(read_code("abcde-fghjo"), None, "o is not in the alphabet");
        assert_eq!(read_code(&"1".repeat(41)), None);
        assert_eq!(read_code(""), None);
    }

    #[test]
    fn recovery_codes_use_the_alphabet_and_read_back() {
        let code = recovery_code([0, 30, 31, 255, 7, 8, 9, 10, 11, 12]);
        assert_eq!(code.len(), RECOVERY_LEN);
        assert!(code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)));
        assert_eq!(&code[..3], "a9a", "0 → a, 30 → 9, 31 wraps to a");
        assert_eq!(read_code(&show_recovery(&code)), Some(CodeInput::Recovery(code)));
    }
}
