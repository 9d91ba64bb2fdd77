//! Competency levels, gaps and job-person match (PermenPAN-RB 38/2017; shared/DOMAIN.md,
//! "Competency model"). Pure rules used by AKPK (PP 11/2017 Pasal 206).

use serde::{Deserialize, Serialize};

use crate::code_enum;

code_enum! {
    /// The three competency families of PermenPAN-RB 38/2017.
    pub enum Family {
        Manajerial = ("manajerial", "Manajerial"),
        SosialKultural = ("sosial_kultural", "Sosial Kultural"),
        Teknis = ("teknis", "Teknis"),
    }
}

/// A competency of a tenant's dictionary: a national one (PermenPAN-RB 38/2017, read-only in the
/// tenant) or the tenant's own teknis one. `version` names the indicator texts in force.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Competency {
    pub id: i64,
    pub code: String,
    pub family: Family,
    pub name: String,
    pub description: String,
    pub national_code: Option<String>,
    pub version: i32,
    pub active: bool,
}

impl Competency {
    pub fn is_national(&self) -> bool {
        self.national_code.is_some()
    }

    /// Dictionary order: manajerial, then sosial kultural (by code), then teknis by name.
    pub fn dictionary_order(a: &Competency, b: &Competency) -> std::cmp::Ordering {
        let rank = |c: &Competency| match c.family {
            Family::Manajerial => 0,
            Family::SosialKultural => 1,
            _ => 2,
        };
        rank(a).cmp(&rank(b)).then_with(|| if rank(a) == 2 { a.name.cmp(&b.name) } else { a.code.cmp(&b.code) })
    }
}

/// The indicator text of one level (1–5) of a competency version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LevelIndicator {
    pub level: u8,
    pub indicator: String,
}

/// A proficiency level 1–5 (1 self, 2 team, 3 unit, 4 instansi, 5 national).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Level(u8);

impl Level {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    pub fn new(v: u8) -> Option<Level> {
        (Self::MIN..=Self::MAX).contains(&v).then_some(Level(v))
    }

    /// Parses "3" or "Level 3" as typed in forms and imports.
    pub fn parse(s: &str) -> Result<Level, String> {
        let t = s.trim().trim_start_matches(|c: char| c.is_alphabetic() || c.is_whitespace());
        t.parse::<u8>().ok().and_then(Level::new).ok_or_else(|| format!("level harus angka 1–5, ditemukan '{}'", s.trim()))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Level {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Level::new(v).ok_or_else(|| format!("level harus 1–5, ditemukan {v}"))
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> u8 {
        l.0
    }
}

/// Gap against a standard: required − actual, floored at 0 (exceeding a standard is no need).
pub fn gap(required: u8, actual: u8) -> u8 {
    required.saturating_sub(actual)
}

/// Job-person match over the competencies of a standard:
/// `JPM = Σ min(actual, required) / Σ required × 100` (DOMAIN.md). A competency that was never
/// assessed counts as actual 0. `None` when the standard requires nothing, and when nothing of
/// it has been assessed yet: such an employee is "belum dinilai", not "0,00 · Kurang Optimal",
/// and stays out of every JPM mean and band count.
pub fn jpm(pairs: impl IntoIterator<Item = (u8, Option<u8>)>) -> Option<f64> {
    let (mut met, mut req, mut assessed) = (0u32, 0u32, false);
    for (required, actual) in pairs {
        met += u32::from(actual.unwrap_or(0).min(required));
        req += u32::from(required);
        assessed |= required > 0 && actual.is_some_and(|a| a > 0);
    }
    (req > 0 && assessed).then(|| f64::from(met) * 100.0 / f64::from(req))
}

/// JPM bands, lower thresholds, *configurable* per tenant. Default for mapping: Optimal ≥ 90,
/// Cukup Optimal ≥ 78, else Kurang Optimal (Peraturan BRIN 3/2023 Pasal 33).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JpmBands {
    /// (lower threshold, label), highest first; a score below every threshold gets `lowest`.
    pub bands: Vec<(f64, String)>,
    pub lowest: String,
}

impl Default for JpmBands {
    fn default() -> Self {
        JpmBands { bands: vec![(90.0, "Optimal".into()), (78.0, "Cukup Optimal".into())], lowest: "Kurang Optimal".into() }
    }
}

impl JpmBands {
    /// The selection scale (Memenuhi Syarat ≥ 80, Masih Memenuhi Syarat ≥ 68), a second default.
    pub fn selection() -> Self {
        JpmBands { bands: vec![(80.0, "Memenuhi Syarat".into()), (68.0, "Masih Memenuhi Syarat".into())], lowest: "Kurang Memenuhi Syarat".into() }
    }

    /// Band of a score, compared at 2 decimals so 77.995 (shown as 78,00) is "Cukup Optimal".
    pub fn band(&self, score: f64) -> &str {
        let s = (score * 100.0).round() / 100.0;
        self.bands.iter().find(|(t, _)| s >= *t).map(|(_, l)| l.as_str()).unwrap_or(&self.lowest)
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.bands.windows(2).any(|w| w[0].0 <= w[1].0) {
            return Err("batas pita JPM harus menurun dari atas ke bawah".into());
        }
        if self.bands.iter().any(|(t, l)| !(0.0..=100.0).contains(t) || l.trim().is_empty()) {
            return Err("batas pita JPM harus 0–100 dan berlabel".into());
        }
        Ok(())
    }
}

code_enum! {
    /// How a level was assessed (DOMAIN.md, "Sources of levels"). `Calibration` is the
    /// planner's calibrated level after raters disagreed, kept as its own method so the raters'
    /// levels stay in the history.
    pub enum Method {
        SelfAssessment = ("self", "Penilaian Diri"),
        Supervisor = ("supervisor", "Atasan Langsung"),
        Peer = ("peer", "Rekan Kerja"),
        Assessor = ("assessor", "Assessment Center"),
        UjiKompetensi = ("uji_kompetensi", "Uji Kompetensi"),
        Calibration = ("calibration", "Kalibrasi"),
    }
}

/// The latest calibration, when no rating of another method is newer: it then decides the
/// effective level and closes the disagreement. A newer rating reopens both.
fn standing_calibration(ratings: &[Rating]) -> Option<Rating> {
    let cal = ratings.iter().filter(|r| r.method == Method::Calibration).max_by_key(|r| r.day).copied()?;
    ratings.iter().all(|r| r.method == Method::Calibration || r.day <= cal.day).then_some(cal)
}

/// One assessment of one competency: method, level, and when (days since any fixed epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rating {
    pub method: Method,
    pub level: u8,
    pub day: i32,
}

/// The effective-level rule, *configurable*: methods in order of precedence; within the first
/// method that has ratings, the latest wins. Default: assessment centre or uji kompetensi
/// (equal rank, latest of either), else supervisor, else self. Peers inform but do not decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveRule {
    pub tiers: Vec<Vec<Method>>,
}

impl Default for EffectiveRule {
    fn default() -> Self {
        EffectiveRule { tiers: vec![vec![Method::Assessor, Method::UjiKompetensi], vec![Method::Supervisor], vec![Method::SelfAssessment]] }
    }
}

impl EffectiveRule {
    /// The rules offered on the settings page: (code, label, rule).
    pub fn presets() -> Vec<(&'static str, &'static str, EffectiveRule)> {
        use Method::*;
        vec![
            ("ac_atasan_diri", "Assessment center/uji kompetensi terbaru, lalu atasan, lalu penilaian diri", EffectiveRule::default()),
            (
                "atasan_ac_diri",
                "Atasan terbaru, lalu assessment center/uji kompetensi, lalu penilaian diri",
                EffectiveRule { tiers: vec![vec![Supervisor], vec![Assessor, UjiKompetensi], vec![SelfAssessment]] },
            ),
            (
                "ac_atasan",
                "Hanya assessment center/uji kompetensi, lalu atasan (penilaian diri tidak dihitung)",
                EffectiveRule { tiers: vec![vec![Assessor, UjiKompetensi], vec![Supervisor]] },
            ),
        ]
    }

    /// Code of the preset this rule equals, if any.
    pub fn preset_code(&self) -> Option<&'static str> {
        Self::presets().into_iter().find(|(_, _, r)| r == self).map(|(c, _, _)| c)
    }

    pub fn effective(&self, ratings: &[Rating]) -> Option<Rating> {
        standing_calibration(ratings)
            .or_else(|| self.tiers.iter().find_map(|tier| ratings.iter().filter(|r| tier.contains(&r.method)).max_by_key(|r| r.day).copied()))
    }
}

/// The latest rating of each method, in the order the methods first appear. Ratings come in the
/// order they were made: of two on the same day the later one counts, as in
/// [`EffectiveRule::effective`].
pub fn latest_per_method(ratings: &[Rating]) -> Vec<Rating> {
    let mut latest: Vec<Rating> = vec![];
    for r in ratings {
        match latest.iter_mut().find(|l| l.method == r.method) {
            Some(l) if l.day <= r.day => *l = *r,
            Some(_) => {}
            None => latest.push(*r),
        }
    }
    latest
}

/// Raters disagree by ≥ 2 levels (latest per method compared): the employee goes to the
/// planner's "perlu kalibrasi" list.
pub fn needs_calibration(ratings: &[Rating]) -> bool {
    if standing_calibration(ratings).is_some() {
        return false;
    }
    let others: Vec<Rating> = ratings.iter().filter(|r| r.method != Method::Calibration).copied().collect();
    let latest = latest_per_method(&others);
    let (lo, hi) = latest.iter().fold((u8::MAX, 0), |(lo, hi), r| (lo.min(r.level), hi.max(r.level)));
    latest.len() >= 2 && hi - lo >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gap_is_floored_at_zero() {
        assert_eq!(gap(3, 1), 2);
        assert_eq!(gap(3, 3), 0);
        assert_eq!(gap(2, 4), 0);
    }

    #[test]
    fn jpm_hand_worked() {
        // Administrator standard: 9 competencies at 3 → Σ required = 27.
        // Actual: 3,3,2,4,3,2,3,1 and Perekat Bangsa not assessed (counts 0).
        // Σ min = 3+3+2+3+3+2+3+1+0 = 20 → 20/27 × 100 = 74.07 → Kurang Optimal.
        let actual = [Some(3), Some(3), Some(2), Some(4), Some(3), Some(2), Some(3), Some(1), None];
        let score = jpm(actual.iter().map(|a| (3u8, *a))).unwrap();
        assert!((score - 74.074).abs() < 0.01, "{score}");
        assert_eq!(JpmBands::default().band(score), "Kurang Optimal");
        assert_eq!(JpmBands::default().band(90.0), "Optimal");
        assert_eq!(JpmBands::default().band(77.995), "Cukup Optimal");
        assert_eq!(JpmBands::default().band(77.99), "Kurang Optimal");
        assert_eq!(JpmBands::selection().band(68.0), "Masih Memenuhi Syarat");
        assert_eq!(jpm(std::iter::empty()), None);
        // Nothing assessed yet: no score at all (the defect showed "0,00 · Kurang Optimal").
        assert_eq!(jpm([(3, None), (3, None)]), None);
        assert_eq!(jpm([(3, None), (3, Some(3))]), Some(50.0));
    }

    #[test]
    fn a_calibration_decides_and_closes_the_disagreement_until_a_newer_rating() {
        let r = |method, level, day| Rating { method, level, day };
        let mut ratings = vec![r(Method::SelfAssessment, 5, 1), r(Method::Supervisor, 2, 2)];
        assert!(needs_calibration(&ratings));
        ratings.push(r(Method::Calibration, 3, 3));
        assert!(!needs_calibration(&ratings), "closed by the calibration");
        assert_eq!(EffectiveRule::default().effective(&ratings).unwrap().level, 3, "the calibrated level decides");
        ratings.push(r(Method::Supervisor, 1, 4));
        assert!(needs_calibration(&ratings), "a newer rating reopens it (self 5, supervisor 1)");
        assert_eq!(EffectiveRule::default().effective(&ratings).unwrap().level, 1, "and the rule decides again");
    }

    #[test]
    fn of_two_ratings_on_one_day_the_later_counts_everywhere() {
        let r = |method, level, day| Rating { method, level, day };
        let ratings = [r(Method::SelfAssessment, 3, 7), r(Method::SelfAssessment, 4, 7), r(Method::Assessor, 2, 7)];
        assert_eq!(latest_per_method(&ratings)[0].level, 4);
        let only_self = EffectiveRule { tiers: vec![vec![Method::SelfAssessment]] };
        assert_eq!(only_self.effective(&ratings).unwrap().level, 4);
        assert!(needs_calibration(&ratings), "4 against 2");
    }

    #[test]
    fn effective_level_follows_the_rule() {
        let r = |method, level, day| Rating { method, level, day };
        let ratings = [r(Method::SelfAssessment, 4, 10), r(Method::Supervisor, 2, 5), r(Method::Assessor, 3, 1), r(Method::UjiKompetensi, 2, 3)];
        // Assessor and uji kompetensi share the top tier: the later one (day 3) wins.
        assert_eq!(EffectiveRule::default().effective(&ratings).unwrap().level, 2);
        assert_eq!(EffectiveRule::default().effective(&ratings[..2]).unwrap().method, Method::Supervisor);
        assert_eq!(EffectiveRule::default().effective(&[r(Method::Peer, 5, 1)]), None);
        assert!(needs_calibration(&ratings), "self 4 vs supervisor 2");
        assert!(!needs_calibration(&[r(Method::SelfAssessment, 3, 1), r(Method::Supervisor, 2, 2)]));
        // An old self-rating superseded by a newer one does not count.
        assert!(!needs_calibration(&[r(Method::SelfAssessment, 5, 1), r(Method::SelfAssessment, 3, 9), r(Method::Supervisor, 2, 2)]));
    }

    #[test]
    fn levels_parse() {
        assert_eq!(Level::parse(" Level 3").unwrap().get(), 3);
        assert!(Level::parse("6").unwrap_err().contains("1–5"));
        assert!(JpmBands { bands: vec![(78.0, "a".into()), (90.0, "b".into())], lowest: "c".into() }.validate().is_err());
    }

    proptest! {
        #[test]
        fn jpm_is_a_percentage_and_full_when_every_standard_is_met(
            pairs in proptest::collection::vec((1u8..=5, proptest::option::of(0u8..=5)), 1..12)
        ) {
            let assessed = pairs.iter().any(|(_, a)| a.is_some_and(|a| a > 0));
            match jpm(pairs.iter().copied()) {
                Some(s) => prop_assert!(assessed && (0.0..=100.0).contains(&s)),
                None => prop_assert!(!assessed, "an assessed standard has a JPM"),
            }
            let met = jpm(pairs.iter().map(|(r, _)| (*r, Some(*r)))).unwrap();
            prop_assert!((met - 100.0).abs() < 1e-9);
        }
    }
}

/// Default required level per jenjang, *configurable* per tenant (DOMAIN.md: common practice,
/// not set by PermenPAN-RB 38/2017). The keterampilan jenjang are not in DOMAIN.md; Cakap's
/// default puts penyelia at 2 and the others at 1 until a tenant says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardDefaults(pub Vec<(crate::org::Jenjang, u8)>);

impl Default for StandardDefaults {
    fn default() -> Self {
        use crate::org::Jenjang::*;
        StandardDefaults(vec![
            (JptUtama, 5),
            (JptMadya, 5),
            (JptPratama, 4),
            (Administrator, 3),
            (Pengawas, 2),
            (Pelaksana, 1),
            (AhliUtama, 4),
            (AhliMadya, 3),
            (AhliMuda, 2),
            (AhliPertama, 1),
            (Penyelia, 2),
            (Mahir, 1),
            (Terampil, 1),
            (Pemula, 1),
        ])
    }
}

impl StandardDefaults {
    pub fn required(&self, j: crate::org::Jenjang) -> Option<u8> {
        self.0.iter().find(|(k, _)| *k == j).map(|(_, l)| *l)
    }
}

#[cfg(test)]
mod default_tests {
    use super::*;
    use crate::org::Jenjang;

    #[test]
    fn every_jenjang_has_a_default() {
        let d = StandardDefaults::default();
        for j in Jenjang::ALL {
            assert!(d.required(*j).is_some(), "{j:?}");
        }
        assert_eq!(d.required(Jenjang::JptPratama), Some(4));
        assert_eq!(d.required(Jenjang::AhliMuda), Some(2));
    }
}
