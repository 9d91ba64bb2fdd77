//! Spreadsheet formula injection: a cell starting with `=`, `+`, `-`, `@` (or tab/CR) is run as a
//! formula by Excel and LibreOffice. Exports prefix such cells with `'` (OWASP "CSV Injection").

pub fn escape_cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::escape_cell;

    #[test]
    fn neutralises_formula_leaders_only() {
        assert_eq!(escape_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(escape_cell("+62"), "'+62");
        assert_eq!(escape_cell("-1"), "'-1");
        assert_eq!(escape_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape_cell("Budi"), "Budi");
        assert_eq!(escape_cell(""), "");
    }
}
