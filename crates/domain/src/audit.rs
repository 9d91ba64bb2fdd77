//! What an audit row is about. One enum, so an audited entity cannot lack its Indonesian label
//! on the audit page (the page's filter lists `AuditEntity::ALL`).

use crate::code_enum;

code_enum! {
    pub enum AuditEntity {
        Tenant = ("tenant", "Instansi"),
        Settings = ("settings", "Pengaturan"),
        Unit = ("unit", "Unit"),
        Position = ("position", "Jabatan"),
        Employee = ("employee", "Pegawai"),
        User = ("user", "Pengguna"),
        UserRole = ("user_role", "Peran"),
        ApiToken = ("api_token", "Token API"),
        Import = ("import", "Impor"),
        Competency = ("competency", "Kompetensi"),
        PositionStandard = ("position_standard", "Standar Kompetensi Jabatan"),
        Assessment = ("assessment", "Penilaian Kompetensi"),
        AssessmentPeriod = ("assessment_period", "Periode Penilaian"),
        PerformanceRating = ("performance_rating", "Predikat Kinerja (SKP)"),
        PriorityCompetency = ("priority_competency", "Kompetensi Prioritas"),
        Need = ("need", "Kebutuhan Pengembangan"),
        Partner = ("partner", "Mitra"),
        Agreement = ("agreement", "Perjanjian Kerja Sama (MoU/PKS)"),
        AgreementDocument = ("agreement_document", "Dokumen Perjanjian"),
        Program = ("program", "Program Pengembangan"),
        Plan = ("plan", "Rencana Pengembangan Kompetensi"),
        Offering = ("offering", "Kelas Pelatihan"),
        Enrollment = ("enrollment", "Peserta Kelas"),
        Certificate = ("certificate", "Sertifikat"),
        LearningRecord = ("learning_record", "Riwayat/Pembelajaran Eksternal"),
        Placement = ("placement", "Magang/Penugasan"),
    }
}

code_enum! {
    /// The parts of a tenant's data that caches depend on. Every audited write bumps the
    /// revision of its entity's area in the same transaction (`store::revision`), so a cache
    /// that remembers the revisions it was built from knows exactly when it is stale, whoever
    /// wrote (a page, the API, the CLI, another server process).
    pub enum Area {
        Org = ("org", "Organisasi dan pegawai"),
        Access = ("access", "Pengguna dan peran"),
        Competency = ("competency", "Kamus dan standar kompetensi"),
        Akpk = ("akpk", "Penilaian dan kebutuhan"),
        Plan = ("plan", "Katalog dan rencana"),
        Learning = ("learning", "Kelas dan peserta"),
    }
}

impl AuditEntity {
    /// The area whose cached views a change of this entity makes stale.
    pub fn area(self) -> Area {
        use AuditEntity::*;
        match self {
            Tenant | Settings | Unit | Position | Employee | Import => Area::Org,
            User | UserRole | ApiToken => Area::Access,
            Competency | PositionStandard | PriorityCompetency => Area::Competency,
            Assessment | AssessmentPeriod | PerformanceRating | Need => Area::Akpk,
            Partner | Agreement | AgreementDocument | Program | Plan => Area::Plan,
            Offering | Enrollment | Certificate | LearningRecord | Placement => Area::Learning,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_has_an_entity_and_employee_changes_are_org() {
        for area in Area::ALL {
            assert!(AuditEntity::ALL.iter().any(|e| e.area() == *area), "{area:?} has no entity");
        }
        assert_eq!(AuditEntity::Employee.area(), Area::Org);
        assert_eq!(AuditEntity::Assessment.area(), Area::Akpk);
    }
}
