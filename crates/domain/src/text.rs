//! Bounds on free text typed by people: a length (in characters) per field and no control
//! characters (NUL, escape, bidi overrides…), so one field can neither fill a page with
//! megabytes nor hide text. Line breaks are allowed only where a field is multi-line.

use crate::FieldError;

/// Names, titles, short labels.
pub const NAME_MAX: usize = 200;
/// Codes (unit, position, competency).
pub const CODE_MAX: usize = 40;
/// Notes, descriptions, indicators, reasons, vision and mission texts.
pub const NOTE_MAX: usize = 4000;
/// The evidence note of an assessment.
pub const EVIDENCE_MAX: usize = 2000;
/// An e-mail address (RFC 5321's limit on a path).
pub const EMAIL_MAX: usize = 254;
/// A login name.
pub const LOGIN_MAX: usize = 64;
/// A search box.
pub const SEARCH_MAX: usize = 100;
/// A NIP as typed: 18 digits, with the spaces people put between its parts.
pub const NIP_INPUT_MAX: usize = 24;

/// Characters that are never part of typed text: C0/C1 controls (tab and, in multi-line
/// fields, line breaks excepted) and the Unicode bidi overrides that reorder what is shown.
fn forbidden(c: char, multiline: bool) -> bool {
    match c {
        '\t' => false,
        '\n' | '\r' => !multiline,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        c => c.is_control(),
    }
}

/// The problem with `value` for the field `field` (label `label` in the message), or None.
pub fn check(field: &'static str, label: &str, value: &str, max: usize, multiline: bool) -> Option<FieldError> {
    let n = value.chars().count();
    if n > max {
        return Some(FieldError::new(
            field,
            format!("{label} paling panjang {} karakter (sekarang {})", crate::format::int(max as i64), crate::format::int(n as i64)),
        ));
    }
    if value.chars().any(|c| forbidden(c, multiline)) {
        return Some(FieldError::new(field, format!("{label} memuat karakter kendali yang tidak diizinkan")));
    }
    None
}

/// A reason a decision must give (a withdrawal, a revocation): written, and within
/// [`check`]'s bounds. `missing` is the message when it is blank.
pub fn reason(field: &'static str, value: &str, max: usize, missing: &str) -> Option<FieldError> {
    if value.trim().is_empty() {
        return Some(FieldError::new(field, missing));
    }
    check(field, "alasan", value, max, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert_eq!(reason("reason", " \n ", 10, "tuliskan alasan").map(|e| e.message), Some("tuliskan alasan".to_string()));
        assert!(reason("reason", &"x".repeat(11), 10, "-").unwrap().message.contains("paling panjang 10"));
        assert!(reason("reason", "Sakit", 10, "-").is_none());
    }

    #[test]
    fn length_and_control_characters_are_bounded() {
        assert!(check("name", "nama", "Kelurahan Harjosari I", NAME_MAX, false).is_none());
        let e = check("name", "nama", &"a".repeat(201), NAME_MAX, false).unwrap();
        assert_eq!(e.field, "name");
        assert!(e.message.contains("paling panjang 200 karakter (sekarang 201)"), "{}", e.message);
        assert!(check("name", "nama", "Budi\0", NAME_MAX, false).unwrap().message.contains("karakter kendali"));
        assert!(check("name", "nama", "Budi\u{202E}idub", NAME_MAX, false).is_some());
        assert!(check("name", "nama", "baris\nbaru", NAME_MAX, false).is_some());
        assert!(check("note", "catatan", "baris\r\nbaru\tdengan tab", NOTE_MAX, true).is_none());
        // Characters, not bytes: 200 letters with accents fit.
        assert!(check("name", "nama", &"é".repeat(200), NAME_MAX, false).is_none());
    }
}
