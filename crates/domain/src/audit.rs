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

/// One field of an audited change as people read it: its Indonesian label and the value before
/// and after (None where the row has no such side, e.g. a creation has no "before").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub label: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Labels of the keys the snapshots use (store: `snapshot` functions and audited inputs).
const FIELD_LABELS: &[(&str, &str)] = &[
    ("nip", "NIP"),
    ("name", "Nama"),
    ("nama", "Nama"),
    ("gender", "Jenis kelamin"),
    ("jenis_kelamin", "Jenis kelamin"),
    ("birth_date", "Tanggal lahir"),
    ("tanggal_lahir", "Tanggal lahir"),
    ("status", "Status"),
    ("golongan", "Golongan"),
    ("unit_id", "Unit kerja (ID)"),
    ("position_id", "Jabatan (ID)"),
    ("target_position_id", "Jabatan target (ID)"),
    ("employee_id", "Pegawai (ID)"),
    ("competency_id", "Kompetensi (ID)"),
    ("parent_id", "Unit induk (ID)"),
    ("email", "Surel"),
    ("active", "Aktif"),
    ("code", "Kode"),
    ("kind", "Jenis"),
    ("jenjang", "Jenjang"),
    ("criticality", "Kekritisan"),
    ("level", "Level"),
    ("method", "Metode"),
    ("assessed_on", "Tanggal penilaian"),
    ("evidence", "Catatan bukti"),
    ("rater_name", "Penilai"),
    ("year", "Tahun"),
    ("rating", "Predikat"),
    ("score", "Nilai"),
    ("source", "Sumber"),
    ("gap", "Kesenjangan"),
    ("note", "Keterangan"),
    ("reason", "Alasan"),
    ("login", "Nama pengguna"),
    ("roles", "Peran"),
    ("title", "Judul"),
    ("budget", "Pagu"),
    ("starts_on", "Tanggal mulai"),
    ("ends_on", "Tanggal selesai"),
    ("capacity", "Kapasitas"),
    ("jp", "JP"),
    ("rows", "Jumlah baris"),
    ("file", "Berkas"),
    ("inserted", "Baris baru"),
    ("updated", "Baris diperbarui"),
    ("ip", "Alamat IP"),
    ("factor", "Faktor"),
    ("visi", "Visi"),
    ("misi", "Misi"),
    ("kepala_bkpsdm", "Kepala BKPSDM"),
    ("accent_color", "Warna aksen"),
    ("min_jp_per_year", "JP minimal per tahun"),
    ("timezone", "Zona waktu"),
    ("atasan", "Atasan diingatkan"),
];

fn field_label(key: &str) -> String {
    FIELD_LABELS.iter().find(|(k, _)| *k == key).map(|(_, l)| l.to_string()).unwrap_or_else(|| key.replace('_', " "))
}

/// A value as text: dates (ISO text or the `[year, day of year]` pairs older rows hold) in words,
/// booleans as ya/tidak, codes of known lists by their labels, anything nested as compact JSON.
fn value_text(key: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    let dated = key.ends_with("_on") || key.ends_with("date") || key == "tanggal_lahir";
    match v {
        Value::Null => "-".into(),
        Value::Bool(b) => if *b { "ya" } else { "tidak" }.into(),
        Value::String(s) if dated => {
            time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).map(crate::format::date_long).unwrap_or_else(|_| s.clone())
        }
        Value::String(s) => code_label(key, s).map(str::to_string).unwrap_or_else(|| s.clone()),
        Value::Array(a) if dated && a.len() == 2 => match (a[0].as_i64(), a[1].as_i64()) {
            (Some(y), Some(d)) => i32::try_from(y)
                .ok()
                .zip(u16::try_from(d).ok())
                .and_then(|(y, d)| time::Date::from_ordinal_date(y, d).ok())
                .map(crate::format::date_long)
                .unwrap_or_else(|| v.to_string()),
            _ => v.to_string(),
        },
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// The label of a code in a known list, by the key it is stored under.
fn code_label(key: &str, code: &str) -> Option<&'static str> {
    match key {
        "method" => crate::competency::Method::from_code(code).map(|m| m.label()),
        "rating" => crate::akpk::SkpRating::from_code(code).map(|r| r.label()),
        "source" => crate::akpk::NeedSource::from_code(code).map(|r| r.label()),
        "jenjang" => crate::Jenjang::from_code(code).map(|j| j.label()),
        "status" => crate::org::EmployeeStatus::from_code(code).map(|s| s.label()),
        "gender" | "jenis_kelamin" => crate::org::Gender::from_code(code).map(|g| g.label()),
        _ => None,
    }
}

/// What an audit row's snapshots say, field by field: for a change with both sides, only the
/// fields that differ; otherwise every field of the side there is. A snapshot that is not a JSON
/// object is one field, "Data".
pub fn describe(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    use serde_json::Value;
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<Value>(s).ok());
    let (b, a) = (parse(before), parse(after));
    let as_map = |v: &Option<Value>| -> Option<Vec<(String, Value)>> {
        match v {
            Some(Value::Object(m)) => Some(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            Some(Value::Null) | None => None,
            Some(other) => Some(vec![("Data".to_string(), other.clone())]),
        }
    };
    let (bm, am) = (as_map(&b), as_map(&a));
    let mut keys: Vec<String> = vec![];
    for (k, _) in bm.iter().flatten().chain(am.iter().flatten()) {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    // In the order of the label list (related fields together), unknown keys last.
    keys.sort_by_key(|k| FIELD_LABELS.iter().position(|(x, _)| x == k).unwrap_or(usize::MAX));
    let get = |m: &Option<Vec<(String, Value)>>, k: &str| m.as_ref().and_then(|m| m.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone()));
    keys.into_iter()
        .filter_map(|k| {
            let (bv, av) = (get(&bm, &k), get(&am, &k));
            if bm.is_some() && am.is_some() && bv == av {
                return None;
            }
            Some(FieldChange { label: field_label(&k), before: bv.map(|v| value_text(&k, &v)), after: av.map(|v| value_text(&k, &v)) })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_in_indonesian_with_only_what_differs() {
        let before = r#"{"nip":"199001012015031002","name":"Siti","birth_date":"1990-01-01","active":true,"status":"pns"}"#;
        let after = r#"{"nip":"199001012015031002","name":"Siti Aminah","birth_date":"1990-01-01","active":false,"status":"pppk"}"#;
        let d = describe(Some(before), Some(after));
        assert_eq!(
            d,
            vec![
                FieldChange { label: "Nama".into(), before: Some("Siti".into()), after: Some("Siti Aminah".into()) },
                FieldChange { label: "Status".into(), before: Some("PNS".into()), after: Some("PPPK".into()) },
                FieldChange { label: "Aktif".into(), before: Some("ya".into()), after: Some("tidak".into()) },
            ]
        );
        // A creation: every field, dates in words (the old [year, day] form too), codes by label.
        let created = describe(None, Some(r#"{"assessed_on":[2026,335],"method":"supervisor","level":3,"evidence":null}"#));
        assert_eq!(created[0], FieldChange { label: "Level".into(), before: None, after: Some("3".into()) });
        assert_eq!(created[1].after.as_deref(), Some("Atasan Langsung"));
        assert_eq!(created[2], FieldChange { label: "Tanggal penilaian".into(), before: None, after: Some("1 Desember 2026".into()) });
        assert_eq!(created[3].after.as_deref(), Some("-"));
        assert!(describe(None, None).is_empty());
        assert_eq!(describe(None, Some("[1,2]"))[0].label, "Data");
        assert_eq!(describe(None, Some(r#"{"unknown_key":1}"#))[0].label, "unknown key");
    }

    #[test]
    fn every_area_has_an_entity_and_employee_changes_are_org() {
        for area in Area::ALL {
            assert!(AuditEntity::ALL.iter().any(|e| e.area() == *area), "{area:?} has no entity");
        }
        assert_eq!(AuditEntity::Employee.area(), Area::Org);
        assert_eq!(AuditEntity::Assessment.area(), Area::Akpk);
    }
}
