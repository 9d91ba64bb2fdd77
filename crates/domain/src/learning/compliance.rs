//! Compliance with the 20 JP a year (PP 11/2017 Pasal 203(4)): per unit, how many ASN reached
//! it, how many have some JP, how many none, and how many JP the unit is short in all. The
//! dashboard groups employees by the child of the chosen unit their own unit lies under.

use super::jp::MINIMUM_PER_YEAR;

/// One group's count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub people: u32,
    /// At 20 JP or more.
    pub at_minimum: u32,
    /// Between 1 and 19 JP.
    pub some: u32,
    /// No JP this year.
    pub none: u32,
    /// JP still missing, summed over the people below 20.
    pub short_jp: u64,
}

impl Tally {
    /// Counts one person with `jp` this year.
    pub fn add(&mut self, jp: u32) {
        self.people += 1;
        if jp >= MINIMUM_PER_YEAR {
            self.at_minimum += 1;
        } else {
            self.short_jp += u64::from(MINIMUM_PER_YEAR - jp);
            if jp == 0 {
                self.none += 1;
            } else {
                self.some += 1;
            }
        }
    }

    /// Adds another group's count (the instansi's total).
    pub fn merge(&mut self, o: &Tally) {
        self.people += o.people;
        self.at_minimum += o.at_minimum;
        self.some += o.some;
        self.none += o.none;
        self.short_jp += o.short_jp;
    }

    /// The share at 20 JP or more, in tenths of a percent (rounded half up), so pages and
    /// exports print the same "33,3%"; 0 for an empty group.
    pub fn share_permille(&self) -> u32 {
        if self.people == 0 {
            return 0;
        }
        ((u64::from(self.at_minimum) * 2000 + u64::from(self.people)) / (2 * u64::from(self.people))) as u32
    }

    /// "33,3%".
    pub fn share_label(&self) -> String {
        let p = self.share_permille();
        format!("{},{}%", p / 10, p % 10)
    }
}

/// The group an employee's unit falls in below the unit at `parent_path` (paths are `/12/40/`):
/// the id of the parent's child on the way down, or the parent's own id for its own staff; None
/// for a unit outside the parent's subtree.
pub fn group_of(unit_path: &str, parent_path: &str) -> Option<i64> {
    let rest = unit_path.strip_prefix(parent_path)?;
    match rest.split('/').next().filter(|s| !s.is_empty()) {
        Some(child) => child.parse().ok(),
        None => parent_path.trim_end_matches('/').rsplit('/').next()?.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_of_three_hand_worked() {
        // 24 JP (met), 12 JP (8 short), 0 JP (20 short).
        let mut t = Tally::default();
        for jp in [24, 12, 0] {
            t.add(jp);
        }
        assert_eq!(t, Tally { people: 3, at_minimum: 1, some: 1, none: 1, short_jp: 28 });
        assert_eq!(t.share_permille(), 333);
        assert_eq!(t.share_label(), "33,3%");
        // Exactly 20 is met; 2 of 3 rounds 666.67 up to 66,7%.
        t.add(20);
        let mut two_of_three = Tally::default();
        for jp in [20, 20, 19] {
            two_of_three.add(jp);
        }
        assert_eq!(two_of_three.share_label(), "66,7%");
        assert_eq!(Tally::default().share_label(), "0,0%");
        let mut all = Tally::default();
        all.merge(&t);
        all.merge(&two_of_three);
        assert_eq!((all.people, all.at_minimum, all.short_jp), (7, 4, 29));
    }

    #[test]
    fn staff_fall_in_the_child_unit_on_their_way_down() {
        assert_eq!(group_of("/1/12/40/", "/1/"), Some(12));
        assert_eq!(group_of("/1/12/", "/1/"), Some(12));
        assert_eq!(group_of("/1/", "/1/"), Some(1), "the parent's own staff");
        assert_eq!(group_of("/2/12/", "/1/"), None, "another subtree");
        assert_eq!(group_of("/1/12/40/", "/1/12/"), Some(40));
        assert_eq!(group_of("/11/", "/1/"), None, "a prefix of digits is not a parent");
        assert_eq!(group_of("/12/40/", "/"), Some(12), "the instansi's groups are its root units");
    }
}
