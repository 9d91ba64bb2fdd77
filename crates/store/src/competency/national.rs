//! The national manajerial (8) and sosial kultural (1) dictionary of PermenPAN-RB 38/2017,
//! shipped as seed data in Bahasa Indonesia (`seed/competency_national.json`). It becomes the
//! reference tables every tenant reads; a later version of the text is a new `version`, so past
//! assessments keep the indicator text they were made against.

use cakap_domain::competency::Family;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Dictionary {
    pub source: String,
    pub version: i32,
    pub competencies: Vec<NationalCompetency>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NationalCompetency {
    pub code: String,
    pub family: Family,
    pub name: String,
    pub description: String,
    /// Indicator text for levels 1..=5, in order.
    pub levels: Vec<String>,
}

const SEED: &str = include_str!("../../seed/competency_national.json");

/// The shipped dictionary. Panics only if the file in the repository is malformed, which the
/// test below rules out.
pub fn dictionary() -> Dictionary {
    serde_json::from_str(SEED).expect("seed/competency_national.json is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_dictionary_is_complete() {
        let d = dictionary();
        let man: Vec<_> = d.competencies.iter().filter(|c| c.family == Family::Manajerial).map(|c| c.name.as_str()).collect();
        assert_eq!(
            man,
            [
                "Integritas",
                "Kerjasama",
                "Komunikasi",
                "Orientasi pada Hasil",
                "Pelayanan Publik",
                "Pengembangan Diri dan Orang Lain",
                "Mengelola Perubahan",
                "Pengambilan Keputusan"
            ]
        );
        let sk: Vec<_> = d.competencies.iter().filter(|c| c.family == Family::SosialKultural).map(|c| c.name.as_str()).collect();
        assert_eq!(sk, ["Perekat Bangsa"]);
        for c in &d.competencies {
            assert_eq!(c.levels.len(), 5, "{}", c.name);
            assert!(c.levels.iter().all(|l| l.len() > 10) && c.description.len() > 50, "{}", c.name);
        }
        let mut codes: Vec<_> = d.competencies.iter().map(|c| &c.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), 9);
    }
}
