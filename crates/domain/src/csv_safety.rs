//! Spreadsheet formula injection: a cell starting with `=`, `+`, `-`, `@` (or tab/CR) is run as a
//! formula by Excel and LibreOffice. Exports prefix such cells with `'` (OWASP "CSV Injection").
//!
//! A file is opened with the reader's list separator, not the writer's: Indonesian Excel splits
//! on `;`, English Excel on `,`, and quoting does not survive a mismatch (text after a closing
//! quote runs on to the next separator of the reader's choice). So every place where either
//! separator could start a cell is treated as the start of a cell: `Budi;=1+2;` becomes
//! `Budi;'=1+2;`.

/// Characters that make a cell a formula when they come first.
fn is_leader(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
}

/// Characters a reader may split cells on.
fn is_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '\t' | '\n' | '\r' | '|')
}

pub fn escape_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let starts = formula_starts(s);
    if starts.is_empty() {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + starts.len());
    let mut last = 0;
    for at in starts {
        out.push_str(&s[last..at]);
        out.push('\'');
        last = at;
    }
    out.push_str(&s[last..]);
    out.into()
}

/// Byte offsets of formula leaders where a cell could start: the beginning and after each
/// separator, past spaces and quotes.
fn formula_starts(s: &str) -> Vec<usize> {
    let mut at_start = true;
    let mut starts = vec![];
    for (i, c) in s.char_indices() {
        if at_start && (c == ' ' || c == '"') {
            continue;
        }
        if at_start && is_leader(c) {
            starts.push(i);
        }
        at_start = is_separator(c);
    }
    starts
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
        assert_eq!(escape_cell("Budi, S.E."), "Budi, S.E.");
        assert_eq!(escape_cell(""), "");
    }

    /// The defect: only the first character was looked at, so in Indonesian Excel (list
    /// separator `;`) a name like `Budi;=1+2;` became a formula cell.
    #[test]
    fn a_formula_after_either_separator_is_neutralised() {
        assert_eq!(escape_cell("Budi;=1+2;"), "Budi;'=1+2;");
        assert_eq!(escape_cell("Budi,=1+2"), "Budi,'=1+2");
        assert_eq!(escape_cell("a; \"=cmd|' /C calc'!A0"), "a; \"'=cmd|' /C calc'!A0");
        assert_eq!(escape_cell("x\n@SUM(A1)"), "x\n'@SUM(A1)");
        assert_eq!(escape_cell("Jl. Merdeka 5; RT 01"), "Jl. Merdeka 5; RT 01");
        assert_eq!(escape_cell("＝1+1"), "'＝1+1");
    }
}
