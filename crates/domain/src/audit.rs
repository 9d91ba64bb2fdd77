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
        PerformanceRating = ("performance_rating", "Predikat Kinerja (SKP)"),
        PriorityCompetency = ("priority_competency", "Kompetensi Prioritas"),
        Need = ("need", "Kebutuhan Pengembangan"),
    }
}
