//! PDF documents as Indonesian offices file them: A4, the instansi's kop on the first page,
//! tables whose rows break across pages with the header row repeated, a signature block kept
//! whole on one page, and "Halaman x dari y" on every page. Drawn with krilla in DejaVu Sans
//! Condensed (embedded and subset, so the file reads the same everywhere and its text can be
//! searched and copied).
//!
//! The layout is deliberately small: lines are broken at spaces by the fonts' advance widths
//! (ttf-parser; no kerning, which only ever makes a line a little narrower than measured), and
//! a word wider than its column is broken by characters. Pages are laid out first and drawn
//! after, so the footer knows the page count.

use std::sync::LazyLock;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

use crate::error::AppError;

const A4_SHORT: f32 = 595.28;
const A4_LONG: f32 = 841.89;
const MARGIN_X: f32 = 42.0;
const MARGIN_TOP: f32 = 40.0;
/// Room kept below the body for the footer.
const MARGIN_BOTTOM: f32 = 48.0;
const CELL_PAD: f32 = 3.0;
const TABLE_SIZE: f32 = 7.5;
const TEXT_SIZE: f32 = 9.0;
/// Most pages one document may have: a bound on the work any request can ask for.
pub const MAX_PAGES: usize = 2_000;

/// A document to lay out.
pub struct Doc {
    pub landscape: bool,
    /// The document's title: its metadata and the footer of every page.
    pub title: String,
    /// The kop: the instansi's name first (bold), then the office and its address.
    pub kop: Vec<String>,
    pub blocks: Vec<Block>,
}

pub enum Block {
    /// Centred, bold, a size up: the document's own heading under the kop.
    Title(String),
    /// Centred, normal weight.
    Subtitle(String),
    /// A section heading, bold, kept with what follows it.
    Heading(String),
    Para(String),
    Table(Table),
    Signatures(Vec<Signature>),
    /// What follows starts on a new page (an attachment, a lampiran).
    PageBreak,
    /// A QR code (its modules, row by row, `width` per row) at the left, `size` points wide,
    /// with lines of text beside it (what it opens, for people without a phone at hand).
    Qr {
        modules: Vec<bool>,
        width: usize,
        size: f32,
        beside: Vec<String>,
    },
}

pub struct Column {
    pub title: String,
    /// Relative width; the columns share the text width in these proportions.
    pub width: f32,
    /// Numbers are set flush right.
    pub right: bool,
}

impl Column {
    pub fn new(title: &str, width: f32) -> Column {
        Column { title: title.to_string(), width, right: false }
    }

    pub fn num(title: &str, width: f32) -> Column {
        Column { title: title.to_string(), width, right: true }
    }
}

pub struct Row {
    pub cells: Vec<String>,
    pub bold: bool,
}

impl Row {
    pub fn new(cells: Vec<String>) -> Row {
        Row { cells, bold: false }
    }
}

pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// One signer: lines above the space for the signature (place and date, office), the name,
/// and lines below it (NIP).
pub struct Signature {
    pub above: Vec<String>,
    pub name: String,
    pub below: Vec<String>,
}

struct Face {
    font: Font,
    metrics: ttf_parser::Face<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        // The fonts are compiled in; a failure here is a broken build, caught by every PDF test.
        Face { font: Font::new(data.into(), 0).expect("DejaVu font"), metrics: ttf_parser::Face::parse(data, 0).expect("DejaVu font") }
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let upem = f32::from(self.metrics.units_per_em());
        let units: u32 =
            text.chars().map(|c| self.metrics.glyph_index(c).and_then(|g| self.metrics.glyph_hor_advance(g)).map_or(upem as u32 / 2, u32::from)).sum();
        units as f32 * size / upem
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

static FONTS: LazyLock<Fonts> =
    LazyLock::new(|| Fonts { regular: Face::load(dejavu::sans_condensed::regular()), bold: Face::load(dejavu::sans_condensed::bold()) });

impl Fonts {
    fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

/// Lines of `text` no wider than `width` at `size`: broken at spaces, a too-long word by
/// characters; explicit newlines kept.
fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = vec![];
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if face.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if face.width(word, size) <= width {
                line = word.to_string();
                continue;
            }
            for c in word.chars() {
                line.push(c);
                if face.width(&line, size) > width && line.chars().count() > 1 {
                    let last = line.pop().unwrap_or(' ');
                    lines.push(std::mem::take(&mut line));
                    line.push(last);
                }
            }
        }
        lines.push(line);
    }
    lines
}

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Shade {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    /// A solid black rectangle (a QR module run).
    Ink {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

struct Layout {
    w: f32,
    h: f32,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout {
    fn bottom(&self) -> f32 {
        self.h - MARGIN_BOTTOM
    }

    fn text_width(&self) -> f32 {
        self.w - 2.0 * MARGIN_X
    }

    fn new_page(&mut self) -> Result<(), AppError> {
        if self.pages.len() >= MAX_PAGES {
            return Err(AppError::BadRequest(format!("Dokumen melebihi {MAX_PAGES} halaman; persempit isinya.")));
        }
        self.pages.push(vec![]);
        self.y = MARGIN_TOP;
        Ok(())
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    fn ensure(&mut self, height: f32) -> Result<(), AppError> {
        if self.y + height > self.bottom() && self.y > MARGIN_TOP {
            self.new_page()?;
        }
        Ok(())
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y + size;
        self.ops().push(Op::Text { x, y, size, bold, text: text.to_string() });
    }

    fn centred(&mut self, size: f32, bold: bool, text: &str, leading: f32) -> Result<(), AppError> {
        let fonts = &*FONTS;
        for line in wrap(fonts.face(bold), text, size, self.text_width()) {
            self.ensure(size * leading)?;
            let x = (self.w - fonts.face(bold).width(&line, size)) / 2.0;
            self.text(x, size, bold, &line);
            self.y += size * leading;
        }
        Ok(())
    }

    fn para(&mut self, size: f32, bold: bool, text: &str) -> Result<(), AppError> {
        for line in wrap(FONTS.face(bold), text, size, self.text_width()) {
            self.ensure(size * 1.35)?;
            self.text(MARGIN_X, size, bold, &line);
            self.y += size * 1.35;
        }
        Ok(())
    }

    fn qr(&mut self, modules: &[bool], width: usize, size: f32, beside: &[String]) -> Result<(), AppError> {
        if width == 0 || modules.len() != width * width {
            return Err(AppError::Internal("kode QR tidak lengkap".into()));
        }
        self.ensure(size + 8.0)?;
        let m = size / width as f32;
        let (x0, y0) = (MARGIN_X, self.y);
        // One rectangle per run of dark modules in a row: fewer paths, no hairlines between them.
        for (r, row) in modules.chunks(width).enumerate() {
            let mut c = 0;
            while c < width {
                if row[c] {
                    let start = c;
                    while c < width && row[c] {
                        c += 1;
                    }
                    self.ops().push(Op::Ink { x: x0 + start as f32 * m, y: y0 + r as f32 * m, w: (c - start) as f32 * m, h: m });
                } else {
                    c += 1;
                }
            }
        }
        let fonts = &*FONTS;
        let tx = x0 + size + 12.0;
        let tw = self.w - MARGIN_X - tx;
        let mut y = y0 + 4.0;
        for line in beside {
            for part in wrap(fonts.face(false), line, TEXT_SIZE - 0.5, tw) {
                self.ops().push(Op::Text { x: tx, y: y + TEXT_SIZE, size: TEXT_SIZE - 0.5, bold: false, text: part });
                y += TEXT_SIZE * 1.35;
            }
        }
        self.y = y0 + size.max(y - y0) + 8.0;
        Ok(())
    }

    fn kop(&mut self, kop: &[String]) {
        let fonts = &*FONTS;
        for (i, line) in kop.iter().enumerate() {
            let (size, bold) = if i == 0 { (13.0, true) } else { (9.5, i == 1) };
            let x = ((self.w - fonts.face(bold).width(line, size)) / 2.0).max(MARGIN_X);
            self.text(x, size, bold, line);
            self.y += size * 1.3;
        }
        // The double rule under a kop surat: thick, then thin.
        let (x1, x2) = (MARGIN_X, self.w - MARGIN_X);
        let y = self.y + 3.0;
        self.ops().push(Op::Line { x1, y1: y, x2, y2: y, width: 1.6 });
        self.ops().push(Op::Line { x1, y1: y + 2.6, x2, y2: y + 2.6, width: 0.5 });
        self.y = y + 14.0;
    }

    fn table(&mut self, t: &Table) -> Result<(), AppError> {
        let fonts = &*FONTS;
        let total: f32 = t.columns.iter().map(|c| c.width.max(0.1)).sum();
        let widths: Vec<f32> = t.columns.iter().map(|c| c.width.max(0.1) / total * self.text_width()).collect();
        let lh = TABLE_SIZE * 1.3;
        let cells = |texts: &[String], bold: bool| -> Vec<Vec<String>> {
            widths.iter().enumerate().map(|(i, w)| wrap(fonts.face(bold), texts.get(i).map_or("", String::as_str), TABLE_SIZE, w - 2.0 * CELL_PAD)).collect()
        };
        let header = cells(&t.columns.iter().map(|c| c.title.clone()).collect::<Vec<_>>(), true);
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * CELL_PAD;
        // The header and at least one line of the first row start on the same page.
        self.ensure(header_h + lh + 2.0 * CELL_PAD)?;
        self.row(&widths, &t.columns, &header, true, true);
        for r in &t.rows {
            let mut lines = cells(&r.cells, r.bold);
            loop {
                let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
                let h = n as f32 * lh + 2.0 * CELL_PAD;
                if self.y + h <= self.bottom() {
                    self.row(&widths, &t.columns, &lines, r.bold, false);
                    break;
                }
                // A row that does not fit: as many of its lines as do (when some do), the rest
                // on the next page under the header again.
                let fit = ((self.bottom() - self.y - 2.0 * CELL_PAD) / lh).floor().max(0.0) as usize;
                if fit >= 2 {
                    let rest: Vec<Vec<String>> = lines.iter_mut().map(|c| if c.len() > fit { c.split_off(fit) } else { vec![] }).collect();
                    self.row(&widths, &t.columns, &lines, r.bold, false);
                    lines = rest;
                }
                self.new_page()?;
                self.row(&widths, &t.columns, &header, true, true);
            }
        }
        self.y += 8.0;
        Ok(())
    }

    fn row(&mut self, widths: &[f32], columns: &[Column], lines: &[Vec<String>], bold: bool, shade: bool) {
        let fonts = &*FONTS;
        let lh = TABLE_SIZE * 1.3;
        let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = n as f32 * lh + 2.0 * CELL_PAD;
        let top = self.y;
        let right = MARGIN_X + widths.iter().sum::<f32>();
        if shade {
            self.ops().push(Op::Shade { x: MARGIN_X, y: top, w: right - MARGIN_X, h });
        }
        let mut x = MARGIN_X;
        for (i, w) in widths.iter().enumerate() {
            for (k, line) in lines.get(i).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate() {
                let tx = if columns[i].right { x + w - CELL_PAD - fonts.face(bold).width(line, TABLE_SIZE) } else { x + CELL_PAD };
                let y = top + CELL_PAD + k as f32 * lh + TABLE_SIZE;
                self.ops().push(Op::Text { x: tx, y, size: TABLE_SIZE, bold, text: line.clone() });
            }
            self.ops().push(Op::Line { x1: x, y1: top, x2: x, y2: top + h, width: 0.4 });
            x += w;
        }
        self.ops().push(Op::Line { x1: right, y1: top, x2: right, y2: top + h, width: 0.4 });
        self.ops().push(Op::Line { x1: MARGIN_X, y1: top, x2: right, y2: top, width: 0.4 });
        self.ops().push(Op::Line { x1: MARGIN_X, y1: top + h, x2: right, y2: top + h, width: 0.4 });
        self.y = top + h;
    }

    fn signatures(&mut self, signers: &[Signature]) -> Result<(), AppError> {
        let fonts = &*FONTS;
        if signers.is_empty() {
            return Ok(());
        }
        let lh = TEXT_SIZE * 1.35;
        let col = self.text_width() / signers.len() as f32;
        let lines = |s: &Signature| s.above.len() + 1 + s.below.len();
        let h = signers.iter().map(lines).max().unwrap_or(0) as f32 * lh + 56.0;
        self.y += 10.0;
        // Kept whole: a signature block is never split from its names.
        self.ensure(h)?;
        let top = self.y;
        for (i, s) in signers.iter().enumerate() {
            let centre = MARGIN_X + col * (i as f32 + 0.5);
            let mut y = top;
            let put = |ops: &mut Vec<Op>, text: &str, bold: bool, y: f32| {
                let w = fonts.face(bold).width(text, TEXT_SIZE);
                ops.push(Op::Text { x: centre - w / 2.0, y: y + TEXT_SIZE, size: TEXT_SIZE, bold, text: text.to_string() });
            };
            for a in &s.above {
                put(self.ops(), a, false, y);
                y += lh;
            }
            y += 56.0;
            put(self.ops(), &s.name, true, y);
            let w = fonts.bold.width(&s.name, TEXT_SIZE);
            self.ops().push(Op::Line { x1: centre - w / 2.0, y1: y + TEXT_SIZE + 1.5, x2: centre + w / 2.0, y2: y + TEXT_SIZE + 1.5, width: 0.5 });
            y += lh;
            for b in &s.below {
                put(self.ops(), b, false, y);
                y += lh;
            }
        }
        self.y = top + h;
        Ok(())
    }
}

/// The document as PDF bytes.
pub fn render(doc: &Doc) -> Result<Vec<u8>, AppError> {
    let (w, h) = if doc.landscape { (A4_LONG, A4_SHORT) } else { (A4_SHORT, A4_LONG) };
    let mut l = Layout { w, h, pages: vec![], y: MARGIN_TOP };
    l.new_page()?;
    if !doc.kop.is_empty() {
        l.kop(&doc.kop);
    }
    for b in &doc.blocks {
        match b {
            Block::Title(t) => l.centred(12.0, true, t, 1.35)?,
            Block::Subtitle(t) => {
                l.centred(TEXT_SIZE + 0.5, false, t, 1.35)?;
                l.y += 4.0;
            }
            Block::Heading(t) => {
                // Kept with the first lines of what follows.
                l.y += 6.0;
                l.ensure(TEXT_SIZE * 1.35 + 40.0)?;
                l.para(TEXT_SIZE + 1.0, true, t)?;
                l.y += 2.0;
            }
            Block::Para(t) => {
                l.para(TEXT_SIZE, false, t)?;
                l.y += 4.0;
            }
            Block::Table(t) => l.table(t)?,
            Block::Signatures(s) => l.signatures(s)?,
            Block::PageBreak => l.new_page()?,
            Block::Qr { modules, width, size, beside } => l.qr(modules, *width, *size, beside)?,
        }
    }
    draw(doc, &l)
}

fn draw(doc: &Doc, l: &Layout) -> Result<Vec<u8>, AppError> {
    let fonts = &*FONTS;
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(doc.title.clone()).language("id".into()).creator("Cakap".into()));
    let n = l.pages.len();
    let black = Fill { paint: rgb::Color::new(0, 0, 0).into(), ..Default::default() };
    let grey = Fill { paint: rgb::Color::new(90, 90, 90).into(), ..Default::default() };
    for (i, ops) in l.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(l.w, l.h).ok_or_else(|| AppError::Internal("ukuran halaman".into()))?;
        let mut page = document.start_page_with(settings);
        let mut s = page.surface();
        for op in ops {
            match op {
                Op::Text { x, y, size, bold, text } => {
                    s.set_fill(Some(black.clone()));
                    s.draw_text(Point::from_xy(*x, *y), fonts.face(*bold).font.clone(), *size, text, false, TextDirection::Auto);
                }
                Op::Line { x1, y1, x2, y2, width } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke { width: *width, ..Default::default() }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
                Op::Ink { x, y, w, h } => {
                    let mut pb = PathBuilder::new();
                    if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(r);
                    }
                    if let Some(path) = pb.finish() {
                        s.set_fill(Some(black.clone()));
                        s.draw_path(&path);
                    }
                }
                Op::Shade { x, y, w, h } => {
                    let mut pb = PathBuilder::new();
                    if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(r);
                    }
                    if let Some(path) = pb.finish() {
                        s.set_fill(Some(Fill { paint: rgb::Color::new(232, 236, 240).into(), ..Default::default() }));
                        s.draw_path(&path);
                    }
                }
            }
        }
        // The footer: the title at the left, the page of pages at the right.
        let footer_y = l.h - MARGIN_BOTTOM + 24.0;
        let size = 7.0;
        let mut title = doc.title.clone();
        while fonts.regular.width(&title, size) > l.text_width() * 0.7 && title.pop().is_some() {}
        let page_no = format!("Halaman {} dari {n}", i + 1);
        s.set_fill(Some(grey.clone()));
        s.draw_text(Point::from_xy(MARGIN_X, footer_y), fonts.regular.font.clone(), size, &title, false, TextDirection::Auto);
        let pw = fonts.regular.width(&page_no, size);
        s.draw_text(Point::from_xy(l.w - MARGIN_X - pw, footer_y), fonts.regular.font.clone(), size, &page_no, false, TextDirection::Auto);
        s.finish();
        page.finish();
    }
    document.finish().map_err(|e| AppError::Internal(format!("PDF: {e:?}")))
}

/// A PDF as a download.
pub fn download(file_name: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let disposition = format!("inline; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_long_words_by_characters() {
        let f = &FONTS.regular;
        let lines = wrap(f, "Analisis kebijakan publik untuk perencana", 8.0, 60.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| f.width(l, 8.0) <= 60.0), "{lines:?}");
        assert_eq!(lines.join(" "), "Analisis kebijakan publik untuk perencana");
        let long = "x".repeat(200);
        let lines = wrap(f, &long, 8.0, 50.0);
        assert!(lines.len() > 3 && lines.iter().all(|l| f.width(l, 8.0) <= 50.0));
        assert_eq!(lines.concat(), long);
        assert_eq!(wrap(f, "a\nb", 8.0, 100.0), ["a", "b"]);
    }

    fn doc(rows: usize, cell: &str) -> Doc {
        Doc {
            landscape: true,
            title: "Uji".into(),
            kop: vec!["PEMERINTAH KOTA UJI".into()],
            blocks: vec![
                Block::Table(Table {
                    columns: vec![Column::new("No", 1.0), Column::new("Isi", 8.0)],
                    rows: (0..rows).map(|i| Row::new(vec![i.to_string(), cell.to_string()])).collect(),
                }),
                Block::Signatures(vec![Signature { above: vec!["Kepala".into()], name: "Nama".into(), below: vec!["NIP 1".into()] }]),
            ],
        }
    }

    fn pages(pdf: &[u8]) -> usize {
        let s = String::from_utf8_lossy(pdf);
        s.matches("/Type /Page").count() - s.matches("/Type /Pages").count()
    }

    #[test]
    fn tables_break_across_pages_and_a_row_taller_than_a_page_is_split() {
        let one = render(&doc(5, "pendek")).unwrap();
        assert!(one.starts_with(b"%PDF-"));
        assert_eq!(pages(&one), 1);
        let many = render(&doc(200, "pendek")).unwrap();
        assert!(pages(&many) >= 5, "{}", pages(&many));
        // One cell of 9,000 words (~300 lines): split over pages rather than lost or looping.
        let tall = render(&doc(1, &"kata ".repeat(9000))).unwrap();
        assert!(pages(&tall) >= 5, "{}", pages(&tall));
    }

    #[test]
    fn the_page_count_is_bounded() {
        let err = render(&doc(120_000, "baris")).unwrap_err();
        assert!(matches!(err, AppError::BadRequest(m) if m.contains("2000 halaman")));
    }
}
