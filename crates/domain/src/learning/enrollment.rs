//! An enrollment's states (issue "Classes, enrollment…").

use crate::code_enum;

code_enum! {
    pub enum EnrollmentStatus {
        Nominated = ("nominated", "Menunggu persetujuan atasan"),
        Approved = ("approved", "Menunggu persetujuan BKPSDM"),
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

code_enum! {
    /// Who must agree before a nomination takes a seat (set per class).
    pub enum Approval {
        None = ("none", "Tanpa persetujuan"),
        Atasan = ("atasan", "Persetujuan atasan langsung"),
        AtasanBkpsdm = ("atasan_bkpsdm", "Persetujuan atasan, lalu BKPSDM"),
    }
}

code_enum! {
    /// Who put a person forward for a class, or who approves a stage.
    pub enum Nominator {
        Own = ("own", "Pendaftaran mandiri"),
        Atasan = ("atasan", "Atasan langsung"),
        Bkpsdm = ("bkpsdm", "BKPSDM"),
    }
}

/// Where a nomination stands: waiting for the atasan (status `Nominated`), waiting for BKPSDM
/// (`Approved`), or through every stage and given a seat or a waitlist place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    AwaitAtasan,
    AwaitBkpsdm,
    Seat,
}

impl Stage {
    /// The status an enrollment waiting at this stage has (None: it gets a seat or waits for one).
    pub fn waiting_status(self) -> Option<EnrollmentStatus> {
        match self {
            Stage::AwaitAtasan => Some(EnrollmentStatus::Nominated),
            Stage::AwaitBkpsdm => Some(EnrollmentStatus::Approved),
            Stage::Seat => None,
        }
    }
}

impl Approval {
    /// The stage a new nomination starts at. The nominator's own stage is taken as given (an
    /// atasan who nominates has agreed); BKPSDM's nomination still needs the atasan's consent,
    /// who knows whether the person can leave their work, and then nothing more.
    pub fn after_nomination(self, by: Nominator) -> Stage {
        match (self, by) {
            (Approval::None, _) => Stage::Seat,
            (Approval::Atasan, Nominator::Atasan) => Stage::Seat,
            (Approval::Atasan, _) => Stage::AwaitAtasan,
            (Approval::AtasanBkpsdm, Nominator::Atasan) => Stage::AwaitBkpsdm,
            (Approval::AtasanBkpsdm, _) => Stage::AwaitAtasan,
        }
    }

    /// The next stage when `by` approves an enrollment waiting in `status`, nominated by
    /// `nominator`; a message when `by` is not the one it waits for.
    pub fn after_approval(self, nominator: Nominator, status: EnrollmentStatus, by: Nominator) -> Result<Stage, &'static str> {
        match (status, by) {
            (EnrollmentStatus::Nominated, Nominator::Atasan) => {
                Ok(if self == Approval::AtasanBkpsdm && nominator != Nominator::Bkpsdm { Stage::AwaitBkpsdm } else { Stage::Seat })
            }
            (EnrollmentStatus::Nominated, _) => Err("usulan ini menunggu persetujuan atasan langsung"),
            (EnrollmentStatus::Approved, Nominator::Bkpsdm) => Ok(Stage::Seat),
            (EnrollmentStatus::Approved, _) => Err("usulan ini menunggu persetujuan BKPSDM"),
            _ => Err("tidak ada persetujuan yang ditunggu untuk peserta ini"),
        }
    }
}

impl EnrollmentStatus {
    /// Whether the enrollment holds one of the class's seats. A nomination still waiting for
    /// an approval does not: seats go to people who may come, and the waitlist keeps its order.
    pub fn holds_seat(self) -> bool {
        matches!(self, EnrollmentStatus::Enrolled | EnrollmentStatus::Completed | EnrollmentStatus::Failed)
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
        assert_eq!(holding, ["enrolled", "completed", "failed"]);
        assert!(EnrollmentStatus::Waitlisted.may_withdraw() && !EnrollmentStatus::Completed.may_withdraw() && !EnrollmentStatus::Withdrawn.may_withdraw());
    }

    #[test]
    fn nominations_pass_the_stages_the_class_asks() {
        use Nominator::*;
        // Hand-worked: (class approval, nominator) → first stage.
        assert_eq!(Approval::None.after_nomination(Own), Stage::Seat);
        assert_eq!(Approval::Atasan.after_nomination(Own), Stage::AwaitAtasan);
        assert_eq!(Approval::Atasan.after_nomination(Atasan), Stage::Seat);
        assert_eq!(Approval::Atasan.after_nomination(Bkpsdm), Stage::AwaitAtasan);
        assert_eq!(Approval::AtasanBkpsdm.after_nomination(Own), Stage::AwaitAtasan);
        assert_eq!(Approval::AtasanBkpsdm.after_nomination(Atasan), Stage::AwaitBkpsdm);
        assert_eq!(Approval::AtasanBkpsdm.after_nomination(Bkpsdm), Stage::AwaitAtasan);
        // Self-registration in a two-stage class: atasan, then BKPSDM, then a seat.
        let two = Approval::AtasanBkpsdm;
        assert_eq!(two.after_approval(Own, EnrollmentStatus::Nominated, Atasan), Ok(Stage::AwaitBkpsdm));
        assert_eq!(two.after_approval(Own, EnrollmentStatus::Approved, Bkpsdm), Ok(Stage::Seat));
        // BKPSDM's own nomination needs only the atasan.
        assert_eq!(two.after_approval(Bkpsdm, EnrollmentStatus::Nominated, Atasan), Ok(Stage::Seat));
        // Out of turn.
        assert!(two.after_approval(Own, EnrollmentStatus::Nominated, Bkpsdm).is_err());
        assert!(two.after_approval(Own, EnrollmentStatus::Approved, Atasan).is_err());
        assert!(two.after_approval(Own, EnrollmentStatus::Enrolled, Bkpsdm).is_err());
        assert_eq!(Stage::AwaitBkpsdm.waiting_status(), Some(EnrollmentStatus::Approved));
    }
}
