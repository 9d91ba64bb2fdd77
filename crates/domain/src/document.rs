//! Documents people attach (a signed MoU/PKS scan today; evidence and certificates later): what
//! kinds are taken, how large, and the name a download carries. The kind is read from the
//! bytes, never from the name or the browser's content type, so a renamed HTML file cannot be
//! served back as a document.

use crate::code_enum;

code_enum! {
    /// What an attached file is, by its first bytes.
    pub enum DocumentKind {
        Pdf = ("pdf", "PDF"),
        Png = ("png", "Gambar PNG"),
        Jpeg = ("jpeg", "Gambar JPEG"),
    }
}

/// Largest attached file: a scanned, signed agreement of some dozens of pages.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// Longest file name kept (characters), extension included.
pub const FILE_NAME_MAX: usize = 120;

impl DocumentKind {
    /// The kind of `bytes` by their signature, or `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<DocumentKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(DocumentKind::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(DocumentKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(DocumentKind::Jpeg)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "application/pdf",
            DocumentKind::Png => "image/png",
            DocumentKind::Jpeg => "image/jpeg",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "pdf",
            DocumentKind::Png => "png",
            DocumentKind::Jpeg => "jpg",
        }
    }
}

/// Why an upload is refused, in the words the form shows.
pub fn check(bytes: &[u8]) -> Result<DocumentKind, String> {
    if bytes.is_empty() {
        return Err("pilih berkas yang akan diunggah".into());
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(format!("ukuran berkas {} melebihi batas {}", size_label(bytes.len() as u64), size_label(MAX_DOCUMENT_BYTES as u64)));
    }
    DocumentKind::sniff(bytes).ok_or_else(|| "berkas harus PDF, JPG atau PNG (isi berkas tidak dikenali)".into())
}

/// The name a stored file keeps: the uploaded name's last path segment with control characters,
/// quotes and separators replaced, cut to [`FILE_NAME_MAX`], ending in the extension of its real
/// kind (a PDF uploaded as `mou.exe` is kept as `mou.exe.pdf`).
pub fn clean_file_name(uploaded: &str, kind: DocumentKind) -> String {
    let last = uploaded.rsplit(['/', '\\']).next().unwrap_or("");
    let safe: String =
        last.chars().map(|c| if c.is_control() || matches!(c, '"' | '\'' | ';' | ':' | '<' | '>' | '|' | '?' | '*' | '%') { '_' } else { c }).collect();
    let safe = safe.trim();
    // Keep the uploaded extension's spelling when it already names the kind (".PDF", ".jpeg").
    let (base, ext) = match safe.rsplit_once('.') {
        Some((b, e)) if e.eq_ignore_ascii_case(kind.extension()) || (kind == DocumentKind::Jpeg && e.eq_ignore_ascii_case("jpeg")) => (b, e.to_string()),
        _ => (safe, kind.extension().to_string()),
    };
    // No hidden files: leading dots go (after the split, so ".pdf" has an empty name).
    let base: String = base.trim_start_matches('.').chars().take(FILE_NAME_MAX - ext.chars().count() - 1).collect();
    let base = base.trim_end_matches(['.', ' ']);
    format!("{}.{ext}", if base.is_empty() { "dokumen" } else { base })
}

/// "1,2 MB", "340 KB", "812 B" for a page.
pub fn size_label(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        format!("{},{} MB", tenths / 10, tenths % 10)
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_comes_from_the_bytes() {
        assert_eq!(DocumentKind::sniff(b"%PDF-1.7\n..."), Some(DocumentKind::Pdf));
        assert_eq!(DocumentKind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(DocumentKind::Png));
        assert_eq!(DocumentKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(DocumentKind::Jpeg));
        assert_eq!(DocumentKind::sniff(b"<html><script>"), None);
        assert_eq!(DocumentKind::sniff(b"PK\x03\x04"), None);
        assert!(check(b"").unwrap_err().contains("pilih berkas"));
        assert!(check(b"<svg onload=alert(1)>").unwrap_err().contains("PDF, JPG atau PNG"));
        let big = [b"%PDF-".as_slice(), &vec![0u8; MAX_DOCUMENT_BYTES]].concat();
        assert!(check(&big).unwrap_err().contains("melebihi batas 10,0 MB"), "{:?}", check(&big));
    }

    #[test]
    fn file_names_are_made_safe_and_carry_the_real_extension() {
        let pdf = DocumentKind::Pdf;
        assert_eq!(clean_file_name("MoU UNTIRTA 2026.pdf", pdf), "MoU UNTIRTA 2026.pdf");
        assert_eq!(clean_file_name("C:\\scan\\mou.PDF", pdf), "mou.PDF");
        assert_eq!(clean_file_name("../../etc/passwd", pdf), "passwd.pdf");
        assert_eq!(clean_file_name("a\"; filename=x.html", pdf), "a__ filename=x.html.pdf");
        assert_eq!(clean_file_name("", pdf), "dokumen.pdf");
        assert_eq!(clean_file_name(".pdf", pdf), "dokumen.pdf");
        assert_eq!(clean_file_name("mou.exe", pdf), "mou.exe.pdf");
        assert_eq!(clean_file_name(".htaccess", DocumentKind::Png), "htaccess.png");
        assert_eq!(clean_file_name("foto.jpeg", DocumentKind::Jpeg), "foto.jpeg");
        assert_eq!(clean_file_name("foto", DocumentKind::Jpeg), "foto.jpg");
        let long = clean_file_name(&"x".repeat(500), pdf);
        assert_eq!(long.chars().count(), FILE_NAME_MAX);
        assert!(long.ends_with(".pdf"));
        assert_eq!(clean_file_name("line\nbreak.pdf", pdf), "line_break.pdf");
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(size_label(812), "812 B");
        assert_eq!(size_label(340 * 1024 - 10), "340 KB");
        assert_eq!(size_label(1_258_291), "1,2 MB");
    }
}
