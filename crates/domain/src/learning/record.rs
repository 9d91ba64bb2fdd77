//! Learning records outside Cakap's classes (issue "…the 20 JP ledger"): riwayat diklat/kursus
//! as SIASN keeps them (imported in bulk, exported for reporting) and external learning an
//! employee records with evidence for the atasan to approve. Both become JP in the ledger; the
//! field names SIASN uses are kept here, in one mapping (DOMAIN.md: reconstructed from public
//! integrations, not an official BKN document).

use crate::FieldError;
use crate::code_enum;
use crate::plan::catalogue::Jalur;

use super::jp::MAX_PER_ENTRY;

code_enum! {
    /// Where a record stands: an employee's external learning waits for the atasan; imported
    /// riwayat is approved as it comes.
    pub enum RecordStatus {
        Submitted = ("submitted", "Menunggu persetujuan atasan"),
        Approved = ("approved", "Disetujui"),
        Rejected = ("rejected", "Ditolak"),
    }
}

pub const TITLE_MAX: usize = 200;
pub const ORGANISER_MAX: usize = 200;
pub const CERTIFICATE_NO_MAX: usize = 100;
/// The jenis as the source file wrote it, kept for the export.
pub const KIND_TEXT_MAX: usize = 100;

/// SIASN's riwayat kursus fields, in the order the import template and the export use. The
/// NIP column is `nipBaru` as SIASN's own exports name it.
pub const SIASN_FIELDS: [&str; 9] =
    ["nipBaru", "namaKursus", "jenisKursus", "institusiPenyelenggara", "jumlahJam", "nomorSertipikat", "tahunKursus", "tanggalKursus", "tanggalSelesaiKursus"];

/// What one record says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordInput {
    pub title: String,
    pub jalur: Jalur,
    /// The jenis as written (a SIASN file's `jenisKursus`), shown and exported as it came.
    pub kind_text: String,
    pub organiser: String,
    pub certificate_no: String,
    pub started_on: time::Date,
    pub ended_on: time::Date,
    /// Whole JP (`jumlahJam`, or a duration through `jp::from_minutes`).
    pub jp: u32,
}

impl RecordInput {
    /// Every problem with the record, by field; `today` in the tenant's zone (learning is
    /// recorded once it has ended).
    pub fn check(&self, today: time::Date) -> Vec<FieldError> {
        let mut errs = vec![];
        errs.extend(crate::text::check("title", "nama diklat/kursus", &self.title, TITLE_MAX, false));
        if self.title.trim().is_empty() {
            errs.push(FieldError::new("title", "nama diklat/kursus wajib diisi"));
        }
        errs.extend(crate::text::check("organiser", "penyelenggara", &self.organiser, ORGANISER_MAX, false));
        if self.organiser.trim().is_empty() {
            errs.push(FieldError::new("organiser", "penyelenggara wajib diisi"));
        }
        errs.extend(crate::text::check("certificate_no", "nomor sertifikat", &self.certificate_no, CERTIFICATE_NO_MAX, false));
        errs.extend(crate::text::check("kind_text", "jenis", &self.kind_text, KIND_TEXT_MAX, false));
        if self.ended_on < self.started_on {
            errs.push(FieldError::new("ended_on", "tanggal selesai tidak boleh sebelum tanggal mulai"));
        }
        if self.ended_on > today {
            errs.push(FieldError::new("ended_on", "pembelajaran dicatat setelah selesai; tanggal selesai tidak boleh setelah hari ini"));
        }
        if !(1..=MAX_PER_ENTRY).contains(&self.jp) {
            errs.push(FieldError::new("jp", format!("jumlah JP harus 1–{MAX_PER_ENTRY}")));
        }
        errs
    }
}

/// The jalur a SIASN `jenisKursus` text names: a Cakap code ("KL08"), a jalur's name ("Kursus"),
/// or the words people use ("Diklat Teknis", "Bimtek", "Webinar"); None when nothing fits
/// (the import then files it under "lainnya" and keeps the text).
pub fn jalur_of(kind: &str) -> Option<Jalur> {
    let k = kind.trim();
    if k.is_empty() {
        return None;
    }
    if let Some(j) = Jalur::from_code(&k.to_ascii_uppercase()) {
        return Some(j);
    }
    let low = k.to_lowercase();
    if let Some(j) = Jalur::ALL.iter().find(|j| j.label().to_lowercase() == low) {
        return Some(*j);
    }
    let has = |w: &str| low.contains(w);
    Some(if has("struktural") || has("kepemimpinan") || has("pkp") || has("pka") || has("pkn") {
        Jalur::Kl01
    } else if has("manajerial") {
        Jalur::Kl02
    } else if has("fungsional") {
        Jalur::Kl04
    } else if has("teknis") && !has("bimbingan") && !has("bimtek") {
        Jalur::Kl03
    } else if has("bimtek") || has("bimbingan teknis") {
        Jalur::Kl10
    } else if has("seminar") || has("webinar") || has("konferensi") || has("sarasehan") {
        Jalur::Kl06
    } else if has("workshop") || has("lokakarya") {
        Jalur::Kl07
    } else if has("kursus") {
        Jalur::Kl08
    } else if has("sosialisasi") {
        Jalur::Kl11
    } else if has("e-learning") || has("elearning") {
        Jalur::Nkl03
    } else if has("magang") {
        Jalur::Nkl12
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> RecordInput {
        RecordInput {
            title: "Webinar Literasi Digital".into(),
            jalur: Jalur::Kl06,
            kind_text: "Webinar".into(),
            organiser: "Kementerian Kominfo".into(),
            certificate_no: "123/WEB/2026".into(),
            started_on: date!(2026 - 03 - 02),
            ended_on: date!(2026 - 03 - 02),
            jp: 3,
        }
    }

    #[test]
    fn a_record_is_checked_field_by_field() {
        let today = date!(2026 - 12 - 06);
        assert!(input().check(today).is_empty());
        let bad = RecordInput { title: " ".into(), organiser: String::new(), ended_on: date!(2026 - 03 - 01), jp: 0, ..input() };
        let fields: Vec<&str> = bad.check(today).iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "organiser", "ended_on", "jp"]);
        let future = RecordInput { ended_on: date!(2026 - 12 - 07), ..input() };
        assert_eq!(future.check(today)[0].field, "ended_on", "not before it has ended");
        assert_eq!(RecordInput { jp: MAX_PER_ENTRY + 1, ..input() }.check(today)[0].field, "jp");
    }

    #[test]
    fn jenis_kursus_as_people_write_it() {
        assert_eq!(jalur_of("KL08"), Some(Jalur::Kl08));
        assert_eq!(jalur_of("nkl03"), Some(Jalur::Nkl03));
        assert_eq!(jalur_of("Kursus"), Some(Jalur::Kl08));
        assert_eq!(jalur_of("Diklat Teknis"), Some(Jalur::Kl03));
        assert_eq!(jalur_of("BIMTEK Penyusunan SKP"), Some(Jalur::Kl10));
        assert_eq!(jalur_of("Bimbingan Teknis"), Some(Jalur::Kl10));
        assert_eq!(jalur_of("Webinar"), Some(Jalur::Kl06));
        assert_eq!(jalur_of("Diklatpim IV / PKP"), Some(Jalur::Kl01));
        assert_eq!(jalur_of("Pelatihan Jarak Jauh"), Some(Jalur::Nkl04));
        assert_eq!(jalur_of("Lain-lain"), None);
        assert_eq!(jalur_of("  "), None);
    }
}
