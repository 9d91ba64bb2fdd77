//! id-ID formats (shared/UI.md): "26 November 2026", "26-11-2026", "1.234.567", "83,33", "Rp 1.500.000".

use time::Date;

pub const MONTHS: [&str; 12] = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];

/// "26 November 2026", for pages.
/// A date as ISO 8601 (`2026-12-03`) in JSON, where `time`'s own format would be
/// `[2026, 337]` (year, day of year): what the API and audit rows show people and programs.
pub fn iso_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
}

pub fn date_long(d: Date) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month() as usize - 1], d.year())
}

/// "26-11-2026", for tables and exports read by people.
pub fn date_short(d: Date) -> String {
    format!("{:02}-{:02}-{:04}", d.day(), d.month() as u8, d.year())
}

/// Parses the formats people type or spreadsheets hold: ISO `2026-11-26`, `26-11-2026`, `26/11/2026`.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() != 3 {
        return None;
    }
    let n: Vec<i32> = parts.iter().map(|p| p.parse::<i32>().ok()).collect::<Option<_>>()?;
    let (y, m, d) = if parts[0].len() == 4 {
        (n[0], n[1], n[2])
    } else if parts[2].len() == 4 {
        (n[2], n[1], n[0])
    } else {
        return None;
    };
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

/// A decimal as typed in Indonesia ("55,5") or by a machine ("55.5").
pub fn parse_decimal(s: &str) -> Option<f64> {
    s.trim().replace(',', ".").parse().ok()
}

/// "1.234.567"
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// "83,33" with the given decimals.
pub fn decimal(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    let whole = int(whole.parse::<i64>().unwrap_or(0));
    if frac.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole},{frac}") }
}

/// "Rp 1.500.000"
pub fn rupiah(n: i64) -> String {
    format!("Rp {}", int(n))
}

/// Rupiah as people type them: "750.000.000", "Rp 750.000.000", "750000000". Dots only as
/// thousands separators (groups of three), no decimals (rupiah have no cents in budgets); at
/// most 16 digits, so no sum of two overflows.
pub fn parse_rupiah(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = s.strip_prefix("Rp").or_else(|| s.strip_prefix("rp")).or_else(|| s.strip_prefix("RP")).unwrap_or(s).trim();
    if s.is_empty() || s.len() > 24 {
        return None;
    }
    let groups: Vec<&str> = s.split('.').collect();
    let grouped_ok = groups.len() == 1 || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let digits: String = groups.concat();
    if !grouped_ok || digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn formats_as_ui_md_says() {
        assert_eq!(date_long(date!(2026 - 11 - 26)), "26 November 2026");
        assert_eq!(date_short(date!(2026 - 01 - 05)), "05-01-2026");
        assert_eq!(int(1234567), "1.234.567");
        assert_eq!(int(-1000), "-1.000");
        assert_eq!(int(999), "999");
        assert_eq!(decimal(83.3333, 2), "83,33");
        assert_eq!(decimal(1234.5, 1), "1.234,5");
        assert_eq!(rupiah(1_500_000), "Rp 1.500.000");
    }

    #[test]
    fn parses_rupiah_as_typed() {
        assert_eq!(parse_rupiah("750.000.000"), Some(750_000_000));
        assert_eq!(parse_rupiah("Rp 750.000.000"), Some(750_000_000));
        assert_eq!(parse_rupiah(" 937500000 "), Some(937_500_000));
        assert_eq!(parse_rupiah("7.50"), None, "a decimal point is not a thousands separator");
        assert_eq!(parse_rupiah("75.0000"), None);
        assert_eq!(parse_rupiah("-5"), None);
        assert_eq!(parse_rupiah("99999999999999999"), None, "17 digits");
        assert_eq!(parse_rupiah(""), None);
    }

    #[test]
    fn parses_decimals_with_either_separator() {
        assert_eq!(parse_decimal(" 55,5 "), Some(55.5));
        assert_eq!(parse_decimal("85.25"), Some(85.25));
        assert_eq!(parse_decimal("lima"), None);
    }

    #[test]
    fn parses_common_date_forms() {
        assert_eq!(parse_date("2026-11-26"), Some(date!(2026 - 11 - 26)));
        assert_eq!(parse_date("26-11-2026"), Some(date!(2026 - 11 - 26)));
        assert_eq!(parse_date("26/11/2026"), Some(date!(2026 - 11 - 26)));
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("kemarin"), None);
    }
}
