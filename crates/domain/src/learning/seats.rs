//! Seats of a class with reservations (issue "…managers may reserve seats for their unit and
//! name people later"): a unit's reserved seats are held for its staff (the unit and the units
//! below it) until they are named; everyone else competes for the seats nobody reserved.

/// A unit's reservation in a class, with how many of its staff hold seats now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The unit's path (`/12/40/`): its staff are those whose unit path starts with it.
    pub unit_path: String,
    pub seats: u32,
    /// Seat holders from the unit's subtree (counted against the reservation, up to `seats`).
    pub used: u32,
}

impl Reservation {
    pub fn left(&self) -> u32 {
        self.seats.saturating_sub(self.used)
    }

    pub fn covers(&self, unit_path: &str) -> bool {
        unit_path.starts_with(&self.unit_path)
    }
}

/// Whether someone from the unit at `unit_path` gets a seat now: in a reservation of theirs
/// that has room, or else in the seats that are neither taken (`taken`: every seat holder) nor
/// held back for a unit.
pub fn has_seat(capacity: u32, taken: u32, reservations: &[Reservation], unit_path: &str) -> bool {
    if reservations.iter().any(|r| r.covers(unit_path) && r.left() > 0) {
        return true;
    }
    let held_back: u32 = reservations.iter().map(Reservation::left).sum();
    taken.saturating_add(held_back) < capacity
}

/// Why a set of reservations cannot stand: more seats reserved than the class has, or a unit
/// reserved twice or inside another reserved unit (its staff would count twice).
pub fn check(capacity: u32, reservations: &[Reservation]) -> Option<String> {
    let total: u32 = reservations.iter().map(|r| r.seats).sum();
    if total > capacity {
        return Some(format!("kursi yang dipesan ({total}) melebihi kapasitas kelas ({capacity})"));
    }
    for (i, r) in reservations.iter().enumerate() {
        if reservations[..i].iter().any(|o| o.unit_path == r.unit_path) {
            return Some("unit ini sudah memesan kursi di kelas ini; ubah jumlahnya".into());
        }
        if reservations.iter().any(|o| o.unit_path != r.unit_path && r.unit_path.starts_with(&o.unit_path)) {
            return Some("unit ini berada di bawah unit yang sudah memesan kursi; tambahkan pada pesanan unit itu".into());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(path: &str, seats: u32, used: u32) -> Reservation {
        Reservation { unit_path: path.into(), seats, used }
    }

    #[test]
    fn reserved_seats_wait_for_their_unit() {
        // 10 seats; Kecamatan /1/5/ holds 4, of which 1 is named; 6 others are seated.
        let res = [r("/1/5/", 4, 1)];
        // taken = 7 (6 + 1); held back = 3; 7 + 3 = 10: no seat for outsiders…
        assert!(!has_seat(10, 7, &res, "/1/9/"));
        // …but the kecamatan's staff (and a kelurahan below it) still get one.
        assert!(has_seat(10, 7, &res, "/1/5/"));
        assert!(has_seat(10, 7, &res, "/1/5/22/"));
        // With one seat free beyond the reservation, an outsider is seated.
        assert!(has_seat(10, 6, &res, "/1/9/"));
        // A reservation used up is no longer held back; its unit competes like the others.
        let full = [r("/1/5/", 4, 4)];
        assert!(has_seat(10, 9, &full, "/1/5/"));
        assert!(!has_seat(10, 10, &full, "/1/5/"));
        // No reservations: the plain rule.
        assert!(has_seat(30, 29, &[], "/1/") && !has_seat(30, 30, &[], "/1/"));
    }

    #[test]
    fn reservations_fit_the_class() {
        assert_eq!(check(10, &[r("/1/5/", 4, 0), r("/1/6/", 6, 0)]), None);
        assert!(check(10, &[r("/1/5/", 4, 0), r("/1/6/", 7, 0)]).unwrap().contains("melebihi kapasitas"));
        assert!(check(10, &[r("/1/5/", 1, 0), r("/1/5/", 1, 0)]).is_some());
        assert!(check(10, &[r("/1/5/", 1, 0), r("/1/5/22/", 1, 0)]).unwrap().contains("di bawah unit"));
    }
}
