//! AKPK (Analisis Kesenjangan Kompetensi dan Kinerja, PP 11/2017 Pasal 206): performance ratings
//! and the priority of a development need. Pure rules; the store feeds them.

use serde::{Deserialize, Serialize};

use crate::code_enum;

code_enum! {
    /// SKP performance rating per year (DOMAIN.md, "Performance"), best first.
    pub enum SkpRating {
        SangatBaik = ("sangat_baik", "Sangat Baik"),
        Baik = ("baik", "Baik"),
        ButuhPerbaikan = ("butuh_perbaikan", "Butuh Perbaikan"),
        Kurang = ("kurang", "Kurang"),
        SangatKurang = ("sangat_kurang", "Sangat Kurang"),
    }
}

impl SkpRating {
    /// Performance gap against the expected "Baik": 0 at Baik or better, 1–3 below it.
    pub fn gap(self) -> u8 {
        match self {
            SkpRating::SangatBaik | SkpRating::Baik => 0,
            SkpRating::ButuhPerbaikan => 1,
            SkpRating::Kurang => 2,
            SkpRating::SangatKurang => 3,
        }
    }
}

code_enum! {
    /// Where a development need comes from (DATA-MODEL.md `need.source`).
    pub enum NeedSource {
        GapHeld = ("gap_held", "Kesenjangan jabatan saat ini"),
        GapTarget = ("gap_target", "Kesenjangan jabatan target"),
        Policy = ("policy", "Prioritas kebijakan"),
        Community = ("community", "Masukan masyarakat"),
        Manual = ("manual", "Ditambahkan perencana"),
    }
}

code_enum! {
    /// Why a competency is a priority of the instansi (seeds: policy tied to the vision/mission).
    pub enum PrioritySource {
        VisiMisi = ("visi_misi", "Visi dan misi"),
        ProgramPrioritas = ("program_prioritas", "Program prioritas"),
        Pimpinan = ("pimpinan", "Arahan pimpinan"),
    }
}

/// What the priority of one need weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedFacts {
    /// Levels missing (required − effective, 1–4); a hand-added need states its own.
    pub gap: u8,
    /// Criticality of the position the need is measured against, 1 (low) to 3 (high).
    pub criticality: u8,
    /// Latest SKP rating of the employee, if any.
    pub skp: Option<SkpRating>,
    /// The competency is one of the instansi's priority competencies.
    pub policy: bool,
    /// Measured against the target position (a future need) rather than the one held.
    pub target: bool,
}

/// Weights of the priority score, *configurable* per tenant; they sum to 100 so a need scores
/// 0–100. Default: gap 40, criticality 20, performance 20, policy 20; needs against the target
/// position count 75 % (they matter, but after the job held today).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PriorityWeights {
    pub gap: u8,
    pub criticality: u8,
    pub performance: u8,
    pub policy: u8,
    pub target_percent: u8,
}

impl Default for PriorityWeights {
    fn default() -> Self {
        PriorityWeights { gap: 40, criticality: 20, performance: 20, policy: 20, target_percent: 75 }
    }
}

impl PriorityWeights {
    pub fn validate(&self) -> Result<(), String> {
        let sum = u32::from(self.gap) + u32::from(self.criticality) + u32::from(self.performance) + u32::from(self.policy);
        if sum != 100 {
            return Err(format!("bobot prioritas harus berjumlah 100, sekarang {sum}"));
        }
        if self.target_percent > 100 {
            return Err("bobot kebutuhan jabatan target harus 0–100 %".into());
        }
        Ok(())
    }

    /// Priority 0–100 (higher first):
    /// `(w_gap·min(gap,4)/4 + w_crit·(crit−1)/2 + w_perf·perf + w_policy·[policy]) × (target? t% : 1)`,
    /// where `perf` is the SKP gap / 3 (Baik or better 0, Sangat Kurang 1) and an unknown SKP
    /// counts ⅓ (neither rewarded nor punished as badly as a poor rating). Rounded half up.
    pub fn priority(&self, f: NeedFacts) -> u8 {
        let gap = f64::from(f.gap.min(4)) / 4.0;
        let crit = f64::from(f.criticality.clamp(1, 3) - 1) / 2.0;
        let perf = f.skp.map(|s| f64::from(s.gap()) / 3.0).unwrap_or(1.0 / 3.0);
        let pol = if f.policy { 1.0 } else { 0.0 };
        let mut score = f64::from(self.gap) * gap + f64::from(self.criticality) * crit + f64::from(self.performance) * perf + f64::from(self.policy) * pol;
        if f.target {
            score *= f64::from(self.target_percent) / 100.0;
        }
        // The epsilon keeps exact halves (e.g. 62.5) from rounding down through float error.
        (score + 1e-9).round().clamp(0.0, 100.0) as u8
    }
}

/// Label of a priority score for lists: Tinggi ≥ 60, Sedang ≥ 35, else Rendah.
/// Priorities from here up are "tinggi" (the Beranda count, the list's filter).
pub const HIGH_PRIORITY: u8 = 60;
/// Priorities from here up to [`HIGH_PRIORITY`] are "sedang".
pub const MEDIUM_PRIORITY: u8 = 35;

pub fn priority_label(p: u8) -> &'static str {
    match p {
        HIGH_PRIORITY.. => "Tinggi",
        MEDIUM_PRIORITY..HIGH_PRIORITY => "Sedang",
        _ => "Rendah",
    }
}

/// One recorded assessment, as the store hands it out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    pub id: i64,
    pub employee_id: i64,
    pub competency_id: i64,
    /// The indicator version the level was judged against.
    pub competency_version: i32,
    pub level: u8,
    pub method: crate::competency::Method,
    pub rater_name: String,
    #[serde(serialize_with = "crate::format::iso_date")]
    pub assessed_on: time::Date,
    pub evidence: String,
}

/// What is known of a rater and the employee rated, for [`methods_for`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RaterFacts {
    /// The rater is the employee.
    pub is_self: bool,
    /// The rater holds a supervisor grant whose unit subtree contains the employee's unit.
    pub supervises: bool,
    /// The rater records results of others (planner, admin: `Permission::ManageNeeds`).
    pub records_results: bool,
}

/// The methods a rater may record for an employee (DOMAIN.md "Sources of levels"): the employee
/// rates herself, the atasan rates staff in the supervised unit subtree, and planners record
/// assessment-centre, uji kompetensi and peer results. Nobody rates a supervisor judgement for
/// themselves.
#[must_use]
pub fn methods_for(f: RaterFacts) -> Vec<crate::competency::Method> {
    use crate::competency::Method;
    let mut m = vec![];
    if f.is_self {
        m.push(Method::SelfAssessment);
    } else if f.supervises {
        m.push(Method::Supervisor);
    }
    if f.records_results {
        m.extend([Method::Assessor, Method::UjiKompetensi, Method::Peer]);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(gap: u8, criticality: u8, skp: Option<SkpRating>, policy: bool, target: bool) -> NeedFacts {
        NeedFacts { gap, criticality, skp, policy, target }
    }

    #[test]
    fn priority_hand_worked() {
        let w = PriorityWeights::default();
        // Gap 2 of 4 → 40·0.5 = 20; criticality 3 → 20; SKP Kurang (gap 2/3) → 13.33;
        // priority competency → 20. Total 73.33 → 73.
        assert_eq!(w.priority(facts(2, 3, Some(SkpRating::Kurang), true, false)), 73);
        // Same need against the target position: 73.33 × 0.75 = 55.
        assert_eq!(w.priority(facts(2, 3, Some(SkpRating::Kurang), true, true)), 55);
        // Gap 1, criticality 1, SKP Sangat Baik, not a priority: 10.
        assert_eq!(w.priority(facts(1, 1, Some(SkpRating::SangatBaik), false, false)), 10);
        // Unknown SKP counts a third of the weight: 10 + 6.67 = 16.67 → 17.
        assert_eq!(w.priority(facts(1, 1, None, false, false)), 17);
        // Everything at its worst is 100; gaps beyond 4 do not exceed it.
        assert_eq!(w.priority(facts(9, 3, Some(SkpRating::SangatKurang), true, false)), 100);
        // Criticality 2 is half: gap 1 (10) + 10 + Baik (0) = 20.
        assert_eq!(w.priority(facts(1, 2, Some(SkpRating::Baik), false, false)), 20);
    }

    #[test]
    fn a_larger_gap_never_lowers_priority() {
        let w = PriorityWeights::default();
        for skp in [None, Some(SkpRating::Baik), Some(SkpRating::SangatKurang)] {
            for crit in 1..=3 {
                for g in 1..4 {
                    assert!(w.priority(facts(g + 1, crit, skp, false, false)) >= w.priority(facts(g, crit, skp, false, false)));
                    assert!(w.priority(facts(g, crit, skp, true, false)) > w.priority(facts(g, crit, skp, false, false)));
                }
            }
        }
    }

    #[test]
    fn weights_must_sum_to_100() {
        assert!(PriorityWeights::default().validate().is_ok());
        let bad = PriorityWeights { gap: 50, ..Default::default() };
        assert!(bad.validate().unwrap_err().contains("110"));
        assert_eq!(priority_label(73), "Tinggi");
        assert_eq!(priority_label(35), "Sedang");
        assert_eq!(priority_label(34), "Rendah");
    }

    #[test]
    fn skp_gap_against_baik() {
        assert_eq!(SkpRating::parse_loose("butuh perbaikan"), Some(SkpRating::ButuhPerbaikan));
        assert_eq!(SkpRating::Baik.gap(), 0);
        assert_eq!(SkpRating::SangatKurang.gap(), 3);
    }

    #[test]
    fn who_may_rate_with_which_method() {
        use crate::competency::Method::*;
        assert_eq!(methods_for(RaterFacts { is_self: true, ..Default::default() }), vec![SelfAssessment]);
        assert_eq!(methods_for(RaterFacts { supervises: true, ..Default::default() }), vec![Supervisor]);
        // A supervisor rating herself gives a self-assessment, not a supervisor judgement.
        assert_eq!(methods_for(RaterFacts { is_self: true, supervises: true, records_results: false }), vec![SelfAssessment]);
        assert_eq!(methods_for(RaterFacts { records_results: true, ..Default::default() }), vec![Assessor, UjiKompetensi, Peer]);
        assert!(methods_for(RaterFacts::default()).is_empty());
    }
}

/// Longest name of an assessment period.
pub const PERIOD_NAME_MAX: usize = 100;

/// Longest assessment period a tenant may set (a year and a day: "Penilaian 2027").
pub const PERIOD_MAX_DAYS: i64 = 366;

/// Checks an assessment period's name and dates: named (at most 100 characters), ending on or
/// after it starts, at most [`PERIOD_MAX_DAYS`] long.
pub fn check_period(name: &str, starts_on: time::Date, ends_on: time::Date) -> Vec<crate::FieldError> {
    let mut errs = vec![];
    errs.extend(crate::text::check("name", "nama periode", name, PERIOD_NAME_MAX, false));
    if name.trim().is_empty() {
        errs.push(crate::FieldError::new("name", "nama periode wajib diisi, mis. Penilaian 2027 Semester I"));
    }
    if ends_on < starts_on {
        errs.push(crate::FieldError::new("ends_on", "tanggal selesai tidak boleh sebelum tanggal mulai"));
    } else if (ends_on - starts_on).whole_days() > PERIOD_MAX_DAYS {
        errs.push(crate::FieldError::new("ends_on", format!("periode paling lama {PERIOD_MAX_DAYS} hari")));
    }
    errs
}

#[cfg(test)]
mod period_tests {
    use time::macros::date;

    #[test]
    fn a_period_is_named_ordered_and_at_most_a_year() {
        assert!(super::check_period("Penilaian 2027 Semester I", date!(2027 - 01 - 01), date!(2027 - 06 - 30)).is_empty());
        let fields = |errs: Vec<crate::FieldError>| errs.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(super::check_period(" ", date!(2027 - 01 - 01), date!(2027 - 06 - 30))), ["name"]);
        assert_eq!(fields(super::check_period("P", date!(2027 - 06 - 30), date!(2027 - 01 - 01))), ["ends_on"]);
        assert_eq!(fields(super::check_period("P", date!(2027 - 01 - 01), date!(2028 - 06 - 30))), ["ends_on"]);
        assert_eq!(fields(super::check_period(&"x".repeat(101), date!(2027 - 01 - 01), date!(2027 - 01 - 02))), ["name"]);
    }
}
