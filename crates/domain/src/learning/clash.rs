//! Clashes between class sessions (issue "Classes, enrollment…"): an instructor, a room or a
//! participant in two sessions at once. Sessions are half-open intervals [start, end): one
//! ending at 10:00 and the next starting at 10:00 do not clash.

use std::collections::BTreeMap;

/// Who or what cannot be in two places at once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holder {
    Instructor(i64),
    /// A room by its name as typed, compared without case or extra spaces.
    Room(String),
    Participant(i64),
}

impl Holder {
    /// A room's key: "Aula  Lt. 2" and "aula lt. 2" are the same room; an online session
    /// (no room) has none.
    pub fn room(name: &str) -> Option<Holder> {
        let key = name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        (!key.is_empty()).then_some(Holder::Room(key))
    }
}

/// A session as the check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub session_id: i64,
    pub starts_at: time::OffsetDateTime,
    pub ends_at: time::OffsetDateTime,
    pub holders: Vec<Holder>,
}

/// Two sessions that overlap for one holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub holder: Holder,
    pub first: i64,
    pub second: i64,
}

/// At most this many clashes are reported (a page lists them; more says nothing new).
pub const MAX_CLASHES: usize = 1_000;

/// Every pair of overlapping sessions per holder, by holder, then by the later session's
/// start; at most [`MAX_CLASHES`]. A sweep keeps the holder's sessions still running at each
/// start, so the cost is the sort plus the pairs found.
pub fn clashes(slots: &[Slot]) -> Vec<Clash> {
    let mut by: BTreeMap<&Holder, Vec<&Slot>> = BTreeMap::new();
    for s in slots {
        for h in &s.holders {
            by.entry(h).or_default().push(s);
        }
    }
    let mut out = vec![];
    for (h, mut list) in by {
        list.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.session_id.cmp(&b.session_id)));
        list.dedup_by_key(|s| s.session_id);
        let mut running: Vec<&Slot> = vec![];
        for s in list {
            running.retain(|r| r.ends_at > s.starts_at);
            for r in &running {
                if out.len() == MAX_CLASHES {
                    return out;
                }
                out.push(Clash { holder: h.clone(), first: r.session_id, second: s.session_id });
            }
            running.push(s);
        }
    }
    out
}

/// A session's own times make sense: it ends after it starts and lasts at most a day (a
/// multi-day class is several sessions).
pub fn check_times(starts_at: time::OffsetDateTime, ends_at: time::OffsetDateTime) -> Result<(), &'static str> {
    if ends_at <= starts_at {
        return Err("waktu selesai harus setelah waktu mulai");
    }
    if ends_at - starts_at > time::Duration::hours(24) {
        return Err("satu sesi paling lama 24 jam; bagi kelas beberapa hari menjadi beberapa sesi");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn slot(id: i64, from: time::OffsetDateTime, to: time::OffsetDateTime, holders: Vec<Holder>) -> Slot {
        Slot { session_id: id, starts_at: from, ends_at: to, holders }
    }

    #[test]
    fn back_to_back_sessions_do_not_clash_overlapping_ones_do() {
        let widya = Holder::Instructor(7);
        let s = [
            slot(1, datetime!(2027-03-01 08:00 UTC), datetime!(2027-03-01 10:00 UTC), vec![widya.clone()]),
            slot(2, datetime!(2027-03-01 10:00 UTC), datetime!(2027-03-01 12:00 UTC), vec![widya.clone()]),
            slot(3, datetime!(2027-03-01 11:30 UTC), datetime!(2027-03-01 13:00 UTC), vec![widya.clone()]),
        ];
        assert_eq!(clashes(&s), vec![Clash { holder: widya, first: 2, second: 3 }]);
    }

    #[test]
    fn a_long_session_clashes_with_each_inside_it() {
        // Session 1 runs all day; 2 and 3 sit inside it, one after the other.
        let p = Holder::Participant(42);
        let s = [
            slot(1, datetime!(2027-03-01 08:00 UTC), datetime!(2027-03-01 16:00 UTC), vec![p.clone()]),
            slot(2, datetime!(2027-03-01 09:00 UTC), datetime!(2027-03-01 10:00 UTC), vec![p.clone()]),
            slot(3, datetime!(2027-03-01 13:00 UTC), datetime!(2027-03-01 14:00 UTC), vec![p.clone()]),
        ];
        let c: Vec<(i64, i64)> = clashes(&s).iter().map(|c| (c.first, c.second)).collect();
        assert_eq!(c, vec![(1, 2), (1, 3)]);
    }

    #[test]
    fn every_overlapping_pair_is_found_not_only_the_longest() {
        // 1: 08–16, 2: 09–15, 3: 13–14: all three pairs overlap.
        let p = Holder::Participant(1);
        let s = [
            slot(1, datetime!(2027-03-01 08:00 UTC), datetime!(2027-03-01 16:00 UTC), vec![p.clone()]),
            slot(2, datetime!(2027-03-01 09:00 UTC), datetime!(2027-03-01 15:00 UTC), vec![p.clone()]),
            slot(3, datetime!(2027-03-01 13:00 UTC), datetime!(2027-03-01 14:00 UTC), vec![p.clone()]),
        ];
        let c: Vec<(i64, i64)> = clashes(&s).iter().map(|c| (c.first, c.second)).collect();
        assert_eq!(c, vec![(1, 2), (1, 3), (2, 3)]);
    }

    #[test]
    fn the_report_is_bounded() {
        // 100 sessions at the same time: 4,950 pairs, reported up to the bound.
        let t = datetime!(2027-03-01 08:00 UTC);
        let s: Vec<Slot> = (0..100).map(|i| slot(i, t, t + time::Duration::hours(1), vec![Holder::Instructor(1)])).collect();
        assert_eq!(clashes(&s).len(), MAX_CLASHES);
    }

    #[test]
    fn holders_are_separate_and_rooms_ignore_case_and_spaces() {
        let s = [
            slot(1, datetime!(2027-03-01 08:00 UTC), datetime!(2027-03-01 10:00 UTC), vec![Holder::Instructor(1), Holder::room("Aula  Lt. 2").unwrap()]),
            slot(2, datetime!(2027-03-01 09:00 UTC), datetime!(2027-03-01 11:00 UTC), vec![Holder::Instructor(2), Holder::room("aula lt. 2").unwrap()]),
        ];
        assert_eq!(clashes(&s), vec![Clash { holder: Holder::Room("aula lt. 2".into()), first: 1, second: 2 }]);
        assert_eq!(Holder::room("   "), None, "an online session has no room");
    }

    #[test]
    fn session_times_are_checked() {
        let t = datetime!(2027-03-01 08:00 UTC);
        assert!(check_times(t, t).is_err());
        assert!(check_times(t, t - time::Duration::minutes(1)).is_err());
        assert!(check_times(t, t + time::Duration::hours(25)).unwrap_err().contains("24 jam"));
        assert_eq!(check_times(t, t + time::Duration::hours(2)), Ok(()));
    }
}
