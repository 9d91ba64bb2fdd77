//! Reading uploaded spreadsheets into rows of text.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
pub use csv::StringRecord;
use serde::{Deserialize, Serialize};

/// A problem in one cell or row; `row` is the spreadsheet row number (header = row 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Baris {}, kolom {}: {}", self.row, self.column, self.message)
    }
}

/// Header plus data rows, all as trimmed text. `rows[i]` is spreadsheet row `i + 2`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Reads CSV (comma or semicolon, as Indonesian Excel writes it) or XLSX, chosen by file name.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, RowError> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".xlsx") {
        read_xlsx(bytes)
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes)
    } else {
        Err(RowError { row: 0, column: "-".into(), message: "format berkas tidak didukung; unggah .csv atau .xlsx".into() })
    }
}

/// Indonesian Excel saves CSV with `;` (the decimal separator is `,`): detect from the header.
pub fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let semis = first_line.iter().filter(|&&b| b == b';').count();
    let commas = first_line.iter().filter(|&&b| b == b',').count();
    if semis > commas { b';' } else { b',' }
}

pub fn csv_reader<R: std::io::Read>(r: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(false).from_reader(r)
}

pub fn read_csv(bytes: &[u8]) -> Result<Table, RowError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(b"");
    let mut rdr = csv_reader(bytes, sniff_delimiter(first_line));
    table_from(rdr.byte_records().enumerate().map(|(i, rec)| {
        rec.map(|rec| rec.iter().map(|c| String::from_utf8_lossy(c).trim().to_string()).collect()).map_err(|e| RowError {
            row: i + 1,
            column: "-".into(),
            message: format!("CSV tidak dapat dibaca: {e}"),
        })
    }))
}

/// The first row is the header, the rest are data; an empty file has no header.
fn table_from(rows: impl Iterator<Item = Result<Vec<String>, RowError>>) -> Result<Table, RowError> {
    let mut table = Table::default();
    for (i, cells) in rows.enumerate() {
        if i == 0 {
            table.headers = cells?;
        } else {
            table.rows.push(cells?);
        }
    }
    if table.headers.is_empty() {
        return Err(RowError { row: 1, column: "-".into(), message: "berkas kosong: baris judul tidak ditemukan".into() });
    }
    Ok(table)
}

pub fn read_xlsx(bytes: &[u8]) -> Result<Table, RowError> {
    let bad = |m: String| RowError { row: 0, column: "-".into(), message: m };
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(format!("berkas XLSX tidak dapat dibaca: {e}")))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| bad("berkas XLSX tidak memiliki lembar kerja".into()))?
        .map_err(|e| bad(format!("lembar kerja tidak dapat dibaca: {e}")))?;
    table_from(range.rows().map(|row| Ok(row.iter().map(cell_text).collect())))
}

/// Spreadsheet cells as the text a person sees: whole numbers without ".0" (a NIP typed as a
/// number), dates as ISO.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        // Excel keeps 15 significant digits: an 18-digit NIP typed as a number has already lost
        // its last digits, so it is marked for the row check to refuse rather than guessed.
        Data::Float(f) if f.fract() == 0.0 && f.abs() >= 1e15 => format!("{LOST_PRECISION}{}", *f as i128),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i128),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_serial_date(d.as_f64()).map(|d| d.to_string()).unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Prefix of a cell that was a number too long for Excel to keep exactly.
pub const LOST_PRECISION: &str = "\u{1}angka:";

/// Excel's day serial (1900 system; day 60 is the phantom 29-02-1900) to a date.
fn excel_serial_date(serial: f64) -> Option<time::Date> {
    let base = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    base.checked_add(time::Duration::days(serial.floor() as i64))
}

/// Header text reduced to lowercase letters and digits, so "Kode Kompetensi", "kode_kompetensi"
/// and "KODE KOMPETENSI" match one spelling.
pub fn norm_header(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// One expected column of an import: label shown in messages, accepted spellings (normalised)
/// and whether it must be present.
pub type ColumnSpec = (&'static str, &'static [&'static str], bool);

/// Finds each expected column in the header row; every missing required column is an error on
/// row 1 naming it.
pub fn map_columns(headers: &[String], specs: &[ColumnSpec]) -> Result<Vec<Option<usize>>, Vec<RowError>> {
    let normed: Vec<String> = headers.iter().map(|h| norm_header(h)).collect();
    let required: Vec<&str> = specs.iter().filter(|s| s.2).map(|s| s.0).collect();
    let mut errs = vec![];
    let cols = specs
        .iter()
        .map(|(label, aliases, req)| {
            let found = normed.iter().position(|h| aliases.contains(&h.as_str()));
            if found.is_none() && *req {
                errs.push(RowError {
                    row: 1,
                    column: (*label).into(),
                    message: format!("kolom '{label}' tidak ditemukan pada baris judul (kolom wajib: {})", required.join(", ")),
                });
            }
            found
        })
        .collect();
    if errs.is_empty() { Ok(cols) } else { Err(errs) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_semicolon_csv_with_bom() {
        let t = read_csv(b"\xEF\xBB\xBFNIP;Nama\n198005122005011001;Budi, S.E.\n").unwrap();
        assert_eq!(t.headers, vec!["NIP", "Nama"]);
        assert_eq!(t.rows, vec![vec!["198005122005011001".to_string(), "Budi, S.E.".to_string()]]);
    }

    #[test]
    fn excel_serials_become_dates() {
        assert_eq!(excel_serial_date(29353.0).unwrap().to_string(), "1980-05-12");
    }

    #[test]
    fn rejects_unknown_format() {
        assert!(read_table("x.pdf", b"").unwrap_err().message.contains("tidak didukung"));
    }
}
