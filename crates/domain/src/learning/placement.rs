//! Workplace learning (the nonklasikal jalur of issue "…magang"): magang, detasering, coaching
//! and mentoring. BKPSDM sets it up with a host (often a partner), a period, a mentor and
//! learning goals; the employee keeps a logbook and writes the final report; the mentor grades
//! it. A graded placement of "sesuai" or "melampaui" counts its JP in the ledger for the year it
//! ended; "kurang" counts none (the goals were not met).

use crate::FieldError;
use crate::code_enum;
use crate::plan::catalogue::Jalur;

code_enum! {
    pub enum PlacementKind {
        Magang = ("magang", "Magang/praktik kerja"),
        Detasering = ("detasering", "Detasering"),
        Coaching = ("coaching", "Coaching"),
        Mentoring = ("mentoring", "Mentoring"),
    }
}

code_enum! {
    pub enum PlacementStatus {
        Running = ("running", "Berjalan"),
        Reported = ("reported", "Laporan akhir diserahkan"),
        Graded = ("graded", "Dinilai"),
    }
}

code_enum! {
    /// The mentor's grade, in the words of LAN's aksi perubahan.
    pub enum Grade {
        Kurang = ("kurang", "Kurang"),
        Sesuai = ("sesuai", "Sesuai"),
        Melampaui = ("melampaui", "Melampaui"),
    }
}

pub const HOST_MAX: usize = 200;
pub const MENTOR_MAX: usize = 200;
pub const GOALS_MAX: usize = 4_000;
pub const LOG_MAX: usize = 2_000;
pub const REPORT_MAX: usize = 20_000;
/// Most logbook entries one placement keeps (a year of working days and then some).
pub const MAX_LOG_ENTRIES: u64 = 400;
/// The longest placement: a year (a detasering may last that long).
pub const MAX_DAYS: i64 = 366;

impl PlacementKind {
    /// The jalur it is recorded under (Peraturan LAN 10/2018, nonklasikal).
    pub fn jalur(self) -> Jalur {
        match self {
            PlacementKind::Magang => Jalur::Nkl12,
            PlacementKind::Detasering => Jalur::Nkl05,
            PlacementKind::Coaching => Jalur::Nkl01,
            PlacementKind::Mentoring => Jalur::Nkl02,
        }
    }
}

impl Grade {
    /// Whether the placement's JP count.
    pub fn counts(self) -> bool {
        self != Grade::Kurang
    }
}

/// What BKPSDM types for a new placement.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlacementInput {
    pub employee_id: i64,
    pub kind: PlacementKind,
    pub partner_id: Option<i64>,
    pub host: String,
    pub mentor: String,
    pub mentor_user_id: Option<i64>,
    pub starts_on: time::Date,
    pub ends_on: time::Date,
    pub jp: u32,
    pub goals: String,
}

impl PlacementInput {
    pub fn check(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        for (field, label, value, max, multiline) in [
            ("host", "tempat/instansi tujuan", &self.host, HOST_MAX, false),
            ("mentor", "mentor/pembimbing", &self.mentor, MENTOR_MAX, false),
            ("goals", "tujuan pembelajaran", &self.goals, GOALS_MAX, true),
        ] {
            errs.extend(crate::text::check(field, label, value, max, multiline));
            if value.trim().is_empty() {
                errs.push(FieldError::new(field, format!("{label} wajib diisi")));
            }
        }
        if self.ends_on < self.starts_on {
            errs.push(FieldError::new("ends_on", "tanggal selesai tidak boleh sebelum tanggal mulai"));
        } else if (self.ends_on - self.starts_on).whole_days() > MAX_DAYS {
            errs.push(FieldError::new("ends_on", "penugasan paling lama satu tahun"));
        }
        if !(1..=super::jp::MAX_PER_ENTRY).contains(&self.jp) {
            errs.push(FieldError::new("jp", format!("JP harus 1–{}", super::jp::MAX_PER_ENTRY)));
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_placement_names_host_mentor_goals_and_a_bounded_period() {
        let ok = PlacementInput {
            employee_id: 1,
            kind: PlacementKind::Magang,
            partner_id: None,
            host: "Universitas Sultan Ageng Tirtayasa".into(),
            mentor: "Dr. Rina".into(),
            mentor_user_id: None,
            starts_on: date!(2027 - 02 - 01),
            ends_on: date!(2027 - 03 - 31),
            jp: 60,
            goals: "Menyusun dasbor data pelayanan".into(),
        };
        assert!(ok.check().is_empty());
        let bad = PlacementInput { host: " ".into(), goals: String::new(), ends_on: date!(2028 - 03 - 01), jp: 0, ..ok.clone() };
        let fields: Vec<&str> = bad.check().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["host", "goals", "ends_on", "jp"]);
        assert_eq!(PlacementKind::Magang.jalur(), Jalur::Nkl12);
        assert!(Grade::Sesuai.counts() && Grade::Melampaui.counts() && !Grade::Kurang.counts());
    }
}
