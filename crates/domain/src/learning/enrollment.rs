//! An enrollment's states (issue "Classes, enrollment…").

use crate::code_enum;

code_enum! {
    pub enum EnrollmentStatus {
        Nominated = ("nominated", "Diusulkan"),
        Approved = ("approved", "Disetujui"),
        Enrolled = ("enrolled", "Terdaftar"),
        Waitlisted = ("waitlisted", "Daftar tunggu"),
        Completed = ("completed", "Selesai"),
        Failed = ("failed", "Tidak lulus"),
        Withdrawn = ("withdrawn", "Mengundurkan diri"),
    }
}

code_enum! {
    pub enum OfferingStatus {
        Open = ("open", "Pendaftaran dibuka"),
        Running = ("running", "Berlangsung"),
        Done = ("done", "Selesai"),
        Cancelled = ("cancelled", "Dibatalkan"),
    }
}

impl EnrollmentStatus {
    /// Whether the enrollment holds one of the class's seats (an approved nomination does:
    /// the seat is kept for them while they wait to be enrolled).
    pub fn holds_seat(self) -> bool {
        matches!(self, EnrollmentStatus::Approved | EnrollmentStatus::Enrolled | EnrollmentStatus::Completed | EnrollmentStatus::Failed)
    }

    /// Whether a person in this state may still withdraw.
    pub fn may_withdraw(self) -> bool {
        matches!(self, EnrollmentStatus::Nominated | EnrollmentStatus::Approved | EnrollmentStatus::Enrolled | EnrollmentStatus::Waitlisted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_are_held_from_approval_to_the_end() {
        let holding: Vec<_> = EnrollmentStatus::ALL.iter().filter(|s| s.holds_seat()).map(|s| s.code()).collect();
        assert_eq!(holding, ["approved", "enrolled", "completed", "failed"]);
        assert!(EnrollmentStatus::Waitlisted.may_withdraw() && !EnrollmentStatus::Completed.may_withdraw() && !EnrollmentStatus::Withdrawn.may_withdraw());
    }
}
