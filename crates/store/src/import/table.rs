//! Reading uploaded spreadsheets into rows of text.

use std::io::Cursor;

use std::io::Read;

use calamine::{DataRef, Reader, Xlsx};
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
    /// "" for UTF-8 (and XLSX), else the encoding a CSV was decoded from ("Windows-1252").
    #[serde(default)]
    pub encoding: String,
}

/// What an uploaded table may hold, whatever its size on the wire says: a 1.6 KB XLSX can
/// declare a grid of 17 billion cells, and a 2 MB one can unzip to gigabytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Data rows (the header not counted).
    pub rows: usize,
    pub columns: usize,
    /// Non-empty cells in the whole table.
    pub cells: usize,
    /// Bytes of every part of an XLSX once unzipped.
    pub unzipped: u64,
    /// Parts (files) inside an XLSX.
    pub parts: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { rows: 200_000, columns: 64, cells: 4_000_000, unzipped: 512 * 1024 * 1024, parts: 2_000 }
    }
}

fn limit_error(row: usize, message: String) -> RowError {
    RowError { row, column: "-".into(), message }
}

fn thousands(n: usize) -> String {
    cakap_domain::format::int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Reads CSV (comma or semicolon, as Indonesian Excel writes it) or XLSX, chosen by file name,
/// within the default [`Limits`].
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, RowError> {
    read_table_within(file_name, bytes, &Limits::default())
}

pub fn read_table_within(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Table, RowError> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".xlsx") {
        read_xlsx(bytes, limits)
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes, limits)
    } else {
        Err(RowError { row: 0, column: "-".into(), message: "format berkas tidak didukung; unggah .csv atau .xlsx".into() })
    }
}

/// At most two uploads are parsed at a time, each on a blocking thread, so parsing never holds
/// the async workers that answer every other request (`/healthz` stays quick).
static PARSERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// [`read_table`] off the async workers.
pub async fn read_table_blocking(file_name: String, bytes: Vec<u8>) -> Result<Table, RowError> {
    let _permit = PARSERS.acquire().await.map_err(|_| limit_error(0, "pembaca berkas tidak tersedia".into()))?;
    tokio::task::spawn_blocking(move || read_table(&file_name, &bytes))
        .await
        .unwrap_or_else(|_| Err(limit_error(0, "berkas tidak dapat dibaca (pembaca berhenti)".into())))
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

/// Indonesian Excel's "CSV (Comma delimited)" is Windows-1252, not UTF-8: such a file is decoded
/// from it (every byte is a character there) and the table says so; UTF-16 ("Unicode Text") and
/// binary files are refused with what to do instead.
fn decode_csv(bytes: &[u8]) -> Result<(std::borrow::Cow<'_, [u8]>, &'static str), RowError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(limit_error(
            1,
            "berkas tersimpan sebagai UTF-16 (Unicode); simpan ulang dari Excel sebagai \"CSV UTF-8\" atau \"CSV (Comma delimited)\"".into(),
        ));
    }
    if bytes.contains(&0) {
        return Err(limit_error(1, "berkas bukan teks CSV (berisi byte nol); unggah .csv atau .xlsx".into()));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_ok() {
        return Ok((bytes.into(), ""));
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    Ok((text.into_owned().into_bytes().into(), "Windows-1252"))
}

pub fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Table, RowError> {
    let (bytes, encoding) = decode_csv(bytes)?;
    let bytes: &[u8] = &bytes;
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(b"");
    let mut rdr = csv_reader(bytes, sniff_delimiter(first_line));
    let mut cells = 0usize;
    let mut rows = vec![];
    for (i, rec) in rdr.byte_records().enumerate() {
        let rec = rec.map_err(|e| RowError { row: i + 1, column: "-".into(), message: format!("CSV tidak dapat dibaca: {e}") })?;
        check_row_count(i + 1, limits)?;
        if rec.len() > limits.columns {
            return Err(limit_error(i + 1, format!("baris memiliki {} kolom; paling banyak {} kolom", thousands(rec.len()), limits.columns)));
        }
        cells += rec.iter().filter(|c| !c.is_empty()).count();
        check_cells(i + 1, cells, limits)?;
        rows.push(Ok(rec.iter().map(|c| String::from_utf8_lossy(c).trim().to_string()).collect()));
    }
    let mut table = table_from(rows.into_iter())?;
    table.encoding = encoding.to_string();
    Ok(table)
}

/// `row` is the spreadsheet row number (header = 1).
fn check_row_count(row: usize, limits: &Limits) -> Result<(), RowError> {
    if row > limits.rows + 1 {
        return Err(limit_error(row, format!("berkas memiliki lebih dari {} baris data; bagi menjadi beberapa berkas", thousands(limits.rows))));
    }
    Ok(())
}

fn check_cells(row: usize, cells: usize, limits: &Limits) -> Result<(), RowError> {
    if cells > limits.cells {
        return Err(limit_error(row, format!("berkas memiliki lebih dari {} sel berisi; bagi menjadi beberapa berkas", thousands(limits.cells))));
    }
    Ok(())
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

/// Unzips every part once into nothing, counting: the real sizes, not the ones the archive
/// declares, bound what the parser below will meet.
fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), RowError> {
    let bad = |m: String| limit_error(0, m);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(format!("berkas XLSX tidak dapat dibaca: {e}")))?;
    if zip.len() > limits.parts {
        return Err(bad(format!("berkas XLSX berisi {} bagian; paling banyak {}", thousands(zip.len()), thousands(limits.parts))));
    }
    let mut total = 0u64;
    let too_big = || bad(format!("isi berkas XLSX melebihi {} MB setelah diekstrak", limits.unzipped / (1024 * 1024)));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| bad(format!("berkas XLSX rusak: {e}")))?;
        let left = limits.unzipped.saturating_sub(total);
        let mut head = Vec::new();
        // The shared-strings table declares its size, and the parser reserves that many
        // entries up front: a count of 10^11 would abort the process, so it is read first.
        if part.name().map(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml")).unwrap_or(true) {
            (&mut part).take(4096.min(left + 1)).read_to_end(&mut head).map_err(|e| bad(format!("berkas XLSX rusak: {e}")))?;
            if declared_strings(&head).is_some_and(|n| n > limits.cells as u64) {
                return Err(bad(format!("berkas XLSX menyatakan lebih dari {} teks; paling banyak {}", thousands(limits.cells), thousands(limits.cells))));
            }
        }
        let rest =
            std::io::copy(&mut (&mut part).take(left + 1 - head.len() as u64), &mut std::io::sink()).map_err(|e| bad(format!("berkas XLSX rusak: {e}")))?;
        let n = head.len() as u64 + rest;
        total += n;
        if n > left {
            return Err(too_big());
        }
    }
    Ok(())
}

/// `uniqueCount="…"` of the `<sst>` element, when it is in the first bytes read.
fn declared_strings(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let at = text.find("uniqueCount=")? + "uniqueCount=".len();
    let digits: String = text[at..].chars().skip(1).take_while(char::is_ascii_digit).collect();
    // More digits than a u64 holds is more than any limit.
    Some(digits.parse().unwrap_or(u64::MAX))
}

pub fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Table, RowError> {
    check_zip(bytes, limits)?;
    let bad = |m: String| RowError { row: 0, column: "-".into(), message: m };
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(format!("berkas XLSX tidak dapat dibaca: {e}")))?;
    let sheet = wb.sheet_names().first().cloned().ok_or_else(|| bad("berkas XLSX tidak memiliki lembar kerja".into()))?;
    let mut reader = wb.worksheet_cells_reader(&sheet).map_err(|e| bad(format!("lembar kerja tidak dapat dibaca: {e}")))?;
    // Cells as they come (never the declared dimension, which may be the whole grid), then laid
    // out from the first used row and column, as a range would be.
    let mut cells: Vec<(u32, u32, String)> = vec![];
    let (mut min_row, mut min_col) = (u32::MAX, u32::MAX);
    while let Some(cell) = reader.next_cell().map_err(|e| bad(format!("lembar kerja tidak dapat dibaca: {e}")))? {
        let (r, c) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        if c as usize >= limits.columns {
            return Err(limit_error(r as usize + 1, format!("lembar kerja memakai lebih dari {} kolom", limits.columns)));
        }
        check_row_count(r as usize + 1, limits)?;
        check_cells(r as usize + 1, cells.len() + 1, limits)?;
        min_row = min_row.min(r);
        min_col = min_col.min(c);
        cells.push((r, c, text));
    }
    if cells.is_empty() {
        return table_from(std::iter::empty());
    }
    let height = cells.iter().map(|x| x.0).max().unwrap_or(0) - min_row + 1;
    let width = (cells.iter().map(|x| x.1).max().unwrap_or(0) - min_col + 1) as usize;
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); height as usize];
    for (r, c, text) in cells {
        let row = &mut rows[(r - min_row) as usize];
        let at = (c - min_col) as usize;
        if row.len() <= at {
            row.resize(at + 1, String::new());
        }
        row[at] = text;
    }
    // Every row as wide as the widest, as the rows of a range are (bounded: columns × rows).
    for row in &mut rows {
        row.resize(width, String::new());
    }
    table_from(rows.into_iter().map(Ok))
}

/// Spreadsheet cells as the text a person sees: whole numbers without ".0" (a NIP typed as a
/// number), dates as ISO.
fn cell_text(c: &DataRef<'_>) -> String {
    match c {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        // Excel keeps 15 significant digits: an 18-digit NIP typed as a number has already lost
        // its last digits, so it is marked for the row check to refuse rather than guessed.
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() >= 1e15 => format!("{LOST_PRECISION}{}", *f as i128),
        DataRef::Float(f) if f.fract() == 0.0 => format!("{}", *f as i128),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => excel_serial_date(d.as_f64()).map(|d| d.to_string()).unwrap_or_else(|| d.to_string()),
        DataRef::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// Prefix of a cell that was a number too long for Excel to keep exactly.
pub const LOST_PRECISION: &str = "\u{1}angka:";

/// Excel's day serial (1900 system; day 60 is the phantom 29-02-1900) to a date.
fn excel_serial_date(serial: f64) -> Option<time::Date> {
    // Excel's last date is 9999-12-31 (serial 2,958,465); beyond it a day count would overflow.
    if !(0.0..=2_958_465.0).contains(&serial) {
        return None;
    }
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
        let t = read_csv(b"\xEF\xBB\xBFNIP;Nama\n198005122005011001;Budi, S.E.\n", &Limits::default()).unwrap();
        assert_eq!(t.headers, vec!["NIP", "Nama"]);
        assert_eq!(t.rows, vec![vec!["198005122005011001".to_string(), "Budi, S.E.".to_string()]]);
    }

    /// The defect: Windows-1252 files (what Indonesian Excel writes for "CSV (Comma
    /// delimited)") imported as garbled text.
    #[test]
    fn windows_1252_csv_is_decoded_and_said_so() {
        // "Désa Sukamaju" and "Ny. Siti’s" in Windows-1252: é = 0xE9, ’ = 0x92.
        let t = read_csv(b"Nama;Unit\nD\xE9sa Sukamaju;Ny. Siti\x92s\n", &Limits::default()).unwrap();
        assert_eq!(t.rows[0], vec!["Désa Sukamaju".to_string(), "Ny. Siti’s".to_string()]);
        assert_eq!(t.encoding, "Windows-1252");
        assert_eq!(read_csv("Nama\nDésa\n".as_bytes(), &Limits::default()).unwrap().encoding, "");
        let e = read_csv(b"\xFF\xFEN\x00a\x00", &Limits::default()).unwrap_err();
        assert!(e.message.contains("UTF-16"), "{e}");
        assert!(read_csv(b"PK\x03\x04\x00\x00", &Limits::default()).unwrap_err().message.contains("bukan teks CSV"));
    }

    #[test]
    fn excel_serials_become_dates() {
        assert_eq!(excel_serial_date(29353.0).unwrap().to_string(), "1980-05-12");
    }

    fn xlsx(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, c, v) in cells {
            ws.write_string(*r, *c, *v).unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_reads_from_the_first_used_cell_with_rows_of_equal_width() {
        let t = read_table("a.xlsx", &xlsx(&[(1, 1, "NIP"), (1, 2, "Nama"), (2, 1, "1"), (3, 2, "Budi")])).unwrap();
        assert_eq!(t.headers, vec!["NIP", "Nama"]);
        assert_eq!(t.rows, vec![vec!["1".to_string(), String::new()], vec![String::new(), "Budi".to_string()]]);
    }

    /// The defect: a sheet with cells at A1 and XFD1048576 (1.6 KB) made the reader allocate
    /// the whole grid (~550 GB) and the process abort.
    #[test]
    fn a_sheet_spanning_the_grid_is_refused_without_allocating_it() {
        let bytes = xlsx(&[(0, 0, "NIP"), (1_048_575, 16_383, "x")]);
        assert!(bytes.len() < 10_000);
        let e = read_table("bom.xlsx", &bytes).unwrap_err();
        assert!(e.message.contains("lebih dari 64 kolom"), "{e}");
        let e = read_table("bom.xlsx", &xlsx(&[(0, 0, "NIP"), (1_048_575, 0, "x")])).unwrap_err();
        assert!(e.message.contains("lebih dari 200.000 baris data"), "{e}");
        assert_eq!(e.row, 1_048_576);
    }

    #[test]
    fn what_an_xlsx_unzips_to_is_bounded() {
        // 6 MB of distinct but repetitive texts (Excel allows 32,767 characters a cell)
        // compress to a few tens of kilobytes.
        let texts: Vec<String> = (0..200).map(|i| format!("{i:03}{}", "A".repeat(30_000))).collect();
        let mut cells = vec![(0, 0, "NIP")];
        cells.extend(texts.iter().enumerate().map(|(i, t)| (i as u32 + 1, 0, t.as_str())));
        let bytes = xlsx(&cells);
        assert!(bytes.len() < 200_000, "{}", bytes.len());
        let small = Limits { unzipped: 1024 * 1024, ..Limits::default() };
        let e = read_table_within("zip.xlsx", &bytes, &small).unwrap_err();
        assert!(e.message.contains("melebihi 1 MB setelah diekstrak"), "{e}");
        let t = read_table("zip.xlsx", &bytes).unwrap();
        assert_eq!((t.rows.len(), t.rows[199][0].as_str()), (200, texts[199].as_str()));
    }

    /// The parser reserves the declared number of shared strings before reading one.
    #[test]
    fn a_declared_shared_string_count_is_checked_before_parsing() {
        let original = xlsx(&[(0, 0, "NIP"), (1, 0, "Budi")]);
        let mut src = zip::ZipArchive::new(Cursor::new(&original)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..src.len() {
            let mut part = src.by_index(i).unwrap();
            let name = part.name().unwrap().to_string();
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            if name.ends_with("sharedStrings.xml") {
                text = text.replacen("uniqueCount=\"", "uniqueCount=\"99999999999", 1);
            }
            out.start_file(name, zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).unwrap();
            std::io::Write::write_all(&mut out, text.as_bytes()).unwrap();
        }
        let bomb = out.finish().unwrap().into_inner();
        let e = read_table("sst.xlsx", &bomb).unwrap_err();
        assert!(e.message.contains("menyatakan lebih dari 4.000.000 teks"), "{e}");
        assert_eq!(read_table("ok.xlsx", &original).unwrap().rows, vec![vec!["Budi".to_string()]]);
    }

    #[test]
    fn csv_rows_columns_and_cells_are_bounded() {
        let limits = Limits { rows: 2, columns: 3, cells: 9, ..Limits::default() };
        assert!(read_csv(b"a,b,c\n1,2,3\n4,5,6\n", &limits).is_ok());
        let e = read_csv(b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n", &limits).unwrap_err();
        assert!(e.message.contains("lebih dari 2 baris data") && e.row == 4, "{e}");
        let e = read_csv(b"a,b,c,d\n", &limits).unwrap_err();
        assert!(e.message.contains("4 kolom; paling banyak 3"), "{e}");
        let e = read_csv(b"a,b,c\n1,2,3\n", &Limits { cells: 5, ..limits }).unwrap_err();
        assert!(e.message.contains("lebih dari 5 sel"), "{e}");
        // Commas alone are empty cells: they count as columns, not as cells.
        let e = read_csv(&[b','; 1000], &Limits::default()).unwrap_err();
        assert!(e.message.contains("1.001 kolom"), "{e}");
    }

    #[test]
    fn a_date_serial_beyond_excel_is_no_date() {
        assert_eq!(excel_serial_date(1e300), None);
        assert_eq!(excel_serial_date(-1.0), None);
    }

    #[test]
    fn rejects_unknown_format() {
        assert!(read_table("x.pdf", b"").unwrap_err().message.contains("tidak didukung"));
    }
}

/// Fuzzing the upload readers (OWASP ASVS 12.1, 12.2): random bytes, random CSV, and valid
/// XLSX files with random bytes overwritten, read under tight and default limits. Whatever
/// comes in, a reader returns a table within the limits or an error with a message; it never
/// panics and never returns more than it may. CI runs a few hundred cases; a long run is one
/// command (docs/SECURITY.md): `CAKAP_FUZZ_CASES=20000 cargo test --release -p cakap-store fuzz_`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn cases(default: u32) -> u32 {
        std::env::var("CAKAP_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    const TIGHT: Limits = Limits { rows: 5, columns: 4, cells: 12, unzipped: 64 * 1024, parts: 20 };

    fn holds(res: &Result<Table, RowError>, limits: &Limits) {
        match res {
            Ok(t) => {
                assert!(t.rows.len() <= limits.rows, "{} rows over {}", t.rows.len(), limits.rows);
                assert!(t.headers.len() <= limits.columns, "{} columns over {}", t.headers.len(), limits.columns);
                assert!(t.rows.iter().all(|r| r.len() <= limits.columns));
                let cells: usize = t.rows.iter().map(|r| r.iter().filter(|c| !c.is_empty()).count()).sum();
                assert!(cells <= limits.cells, "{cells} cells over {}", limits.cells);
            }
            Err(e) => assert!(!e.message.trim().is_empty(), "an error says what went wrong"),
        }
    }

    /// A small valid workbook: a header and `rows` rows of `cols` columns.
    fn workbook(rows: u32, cols: u16) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for c in 0..cols {
            ws.write_string(0, c, format!("Kolom {c}")).unwrap();
            for r in 1..=rows {
                ws.write_string(r, c, format!("nilai {r}-{c}")).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }

    /// CSV-ish text: cells of letters, digits, quotes, separators, line breaks, NUL and
    /// bytes that are not UTF-8.
    fn csvish() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"\"".to_vec()),
            Just(b";".to_vec()),
            Just(b",".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\0".to_vec()),
            Just(vec![0xE9]),
            Just(vec![0xFF, 0xFE]),
            Just(b"\xEF\xBB\xBF".to_vec()),
            "[A-Za-z0-9 =+@-]{0,12}".prop_map(String::into_bytes),
        ];
        proptest::collection::vec(piece, 0..200).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(96), ..ProptestConfig::default() })]

        #[test]
        fn fuzz_random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            for name in ["x.csv", "x.xlsx"] {
                holds(&read_table_within(name, &bytes, &TIGHT), &TIGHT);
                holds(&read_table(name, &bytes), &Limits::default());
            }
        }

        #[test]
        fn fuzz_csv_text_stays_within_limits(bytes in csvish()) {
            holds(&read_csv(&bytes, &TIGHT), &TIGHT);
            holds(&read_csv(&bytes, &Limits::default()), &Limits::default());
        }

        #[test]
        fn fuzz_damaged_workbooks_never_panic(
            rows in 0u32..12,
            cols in 1u16..6,
            hits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..24),
        ) {
            let mut bytes = workbook(rows, cols);
            for (at, b) in hits {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            holds(&read_xlsx(&bytes, &TIGHT), &TIGHT);
            holds(&read_xlsx(&bytes, &Limits::default()), &Limits::default());
        }
    }

    /// The undamaged workbook reads back, so the damaged runs above start from a real file.
    #[test]
    fn the_fuzzed_workbook_reads_when_intact() {
        let t = read_xlsx(&workbook(3, 2), &Limits::default()).unwrap();
        assert_eq!(t.headers, vec!["Kolom 0", "Kolom 1"]);
        assert_eq!(t.rows.len(), 3);
        assert!(read_xlsx(&workbook(9, 2), &TIGHT).is_err(), "9 rows are over the tight limit of 5");
    }
}
