//! Who is promoted when a seat in a class frees (issue "Classes, enrollment…"): first come by
//! default, or, where the planner chooses, the person whose need is most urgent or who lacks
//! the most JP this year. Ties always fall back to first come, then to the enrollment id, so
//! the order is total and the same on every run and database.

use crate::code_enum;
use crate::learning::jp;

code_enum! {
    /// The order a class's waitlist is served in (the planner's choice per class).
    pub enum WaitlistOrder {
        FirstCome = ("first_come", "Urutan pendaftaran"),
        NeedPriority = ("need_priority", "Prioritas kebutuhan tertinggi"),
        JpShortfall = ("jp_shortfall", "Kekurangan JP tahun ini terbesar"),
    }
}

/// One person on a waitlist, with what the orders compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub enrollment_id: i64,
    /// When they joined the waitlist (UTC); earlier first.
    pub since: time::OffsetDateTime,
    /// Their highest need priority (0–100) among the competencies the program develops.
    pub need_priority: u8,
    /// JP they have in the ledger this year.
    pub jp_this_year: u32,
}

impl WaitlistOrder {
    /// Whether `a` is served before `b`.
    pub fn cmp(self, a: &Waiting, b: &Waiting) -> std::cmp::Ordering {
        let first = match self {
            WaitlistOrder::FirstCome => std::cmp::Ordering::Equal,
            WaitlistOrder::NeedPriority => b.need_priority.cmp(&a.need_priority),
            WaitlistOrder::JpShortfall => jp::shortfall(b.jp_this_year).cmp(&jp::shortfall(a.jp_this_year)),
        };
        first.then(a.since.cmp(&b.since)).then(a.enrollment_id.cmp(&b.enrollment_id))
    }

    /// The waitlist in the order seats are offered.
    pub fn sort(self, list: &mut [Waiting]) {
        list.sort_by(|a, b| self.cmp(a, b));
    }

    /// Who gets the next free seat.
    pub fn next(self, list: &[Waiting]) -> Option<&Waiting> {
        list.iter().min_by(|a, b| self.cmp(a, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn w(id: i64, since: time::OffsetDateTime, priority: u8, jp: u32) -> Waiting {
        Waiting { enrollment_id: id, since, need_priority: priority, jp_this_year: jp }
    }

    /// Four people: Ani came first with a low priority and 30 JP; Budi second, priority 80,
    /// 4 JP; Citra third, priority 80, 12 JP; Dedi at the same moment as Citra with a smaller
    /// id, priority 10, 0 JP.
    fn people() -> Vec<Waiting> {
        vec![
            w(4, datetime!(2027-03-01 08:00:02 UTC), 80, 12),
            w(2, datetime!(2027-03-01 08:00:01 UTC), 80, 4),
            w(1, datetime!(2027-03-01 08:00:00 UTC), 20, 30),
            w(3, datetime!(2027-03-01 08:00:02 UTC), 10, 0),
        ]
    }

    fn order(o: WaitlistOrder) -> Vec<i64> {
        let mut l = people();
        o.sort(&mut l);
        l.iter().map(|x| x.enrollment_id).collect()
    }

    #[test]
    fn first_come_is_the_default_and_ties_go_to_the_smaller_id() {
        assert_eq!(order(WaitlistOrder::FirstCome), vec![1, 2, 3, 4]);
    }

    #[test]
    fn need_priority_puts_the_most_urgent_first_then_first_come() {
        // 80 (Budi, earlier), 80 (Citra), 20 (Ani), 10 (Dedi).
        assert_eq!(order(WaitlistOrder::NeedPriority), vec![2, 4, 1, 3]);
    }

    #[test]
    fn jp_shortfall_puts_who_lacks_most_first() {
        // Shortfalls: Dedi 20, Budi 16, Citra 8, Ani 0 (30 JP is past the minimum).
        assert_eq!(order(WaitlistOrder::JpShortfall), vec![3, 2, 4, 1]);
        // Everyone at or above 20 JP: first come decides.
        let mut l = vec![w(9, datetime!(2027-01-02 0:00 UTC), 50, 25), w(8, datetime!(2027-01-01 0:00 UTC), 50, 40)];
        WaitlistOrder::JpShortfall.sort(&mut l);
        assert_eq!(l[0].enrollment_id, 8);
    }

    #[test]
    fn next_is_the_head_of_the_order() {
        let l = people();
        assert_eq!(WaitlistOrder::FirstCome.next(&l).map(|x| x.enrollment_id), Some(1));
        assert_eq!(WaitlistOrder::NeedPriority.next(&l).map(|x| x.enrollment_id), Some(2));
        assert_eq!(WaitlistOrder::JpShortfall.next(&l).map(|x| x.enrollment_id), Some(3));
        assert_eq!(WaitlistOrder::FirstCome.next(&[]), None);
    }
}
