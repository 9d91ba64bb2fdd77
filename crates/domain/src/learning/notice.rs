//! What a user is told about their learning (issue "Classes…", Notifications): the kinds, and
//! the one sentence each says, so the in-app list and the e-mail read the same.

crate::code_enum! {
    pub enum NoticeKind {
        Nominated = ("nominated", "Usulan peserta"),
        AwaitingApproval = ("awaiting_approval", "Menunggu persetujuan Anda"),
        ApprovedByAtasan = ("approved_by_atasan", "Disetujui atasan"),
        Enrolled = ("enrolled", "Terdaftar"),
        Waitlisted = ("waitlisted", "Daftar tunggu"),
        Promoted = ("promoted", "Naik dari daftar tunggu"),
        Withdrawn = ("withdrawn", "Pengunduran diri"),
        Reminder = ("reminder", "Pengingat sesi"),
        Certificate = ("certificate", "Sertifikat terbit"),
        AssessmentDue = ("assessment_due", "Penilaian kompetensi"),
    }
}

/// Longest notification text kept (the sentences below plus a class title of at most 200).
pub const BODY_MAX: usize = 600;

impl NoticeKind {
    /// The sentence for the person concerned (`class`: the class's title; `who`: the
    /// participant's name, for notices to an approver).
    pub fn sentence(self, class: &str, who: &str) -> String {
        let s = match self {
            NoticeKind::Nominated => format!("Anda diusulkan sebagai peserta kelas \"{class}\"; usulan menunggu persetujuan."),
            NoticeKind::AwaitingApproval => format!("{who} diusulkan mengikuti kelas \"{class}\" dan menunggu persetujuan Anda."),
            NoticeKind::ApprovedByAtasan => format!("Usulan Anda mengikuti kelas \"{class}\" disetujui atasan dan menunggu persetujuan BKPSDM."),
            NoticeKind::Enrolled => format!("Anda terdaftar sebagai peserta kelas \"{class}\"."),
            NoticeKind::Waitlisted => format!("Kelas \"{class}\" penuh; Anda masuk daftar tunggu dan akan diberi tahu bila kursi tersedia."),
            NoticeKind::Promoted => format!("Kursi tersedia: Anda kini terdaftar sebagai peserta kelas \"{class}\"."),
            NoticeKind::Withdrawn => format!("Keikutsertaan Anda di kelas \"{class}\" dibatalkan."),
            NoticeKind::Reminder => format!("Sesi kelas \"{class}\" dimulai besok."),
            NoticeKind::Certificate => format!("Sertifikat kelas \"{class}\" telah terbit dan dapat diunduh."),
            // `class`: the period's name; `who`: how many staff still wait.
            NoticeKind::AssessmentDue => format!("{class}: {who} pegawai Anda belum dinilai lengkap. Mohon lengkapi penilaian kompetensi tim."),
        };
        s.chars().take(BODY_MAX).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_name_the_class_and_stay_bounded() {
        assert_eq!(
            NoticeKind::Promoted.sentence("Pelatihan Analisis Data", ""),
            "Kursi tersedia: Anda kini terdaftar sebagai peserta kelas \"Pelatihan Analisis Data\"."
        );
        assert!(NoticeKind::AwaitingApproval.sentence("K", "Siti Aminah").starts_with("Siti Aminah diusulkan"));
        assert_eq!(NoticeKind::Enrolled.sentence(&"x".repeat(5000), "").chars().count(), BODY_MAX);
    }
}
