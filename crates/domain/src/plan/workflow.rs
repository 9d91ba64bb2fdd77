//! The plan's workflow (PP 11/2017 Pasal 207: drafted for PyB, set by PPK): the planner drafts,
//! PyB submits, PPK approves or returns it with a comment. An approved version is frozen; a
//! revision is a new version, drafted and decided the same way.

use crate::code_enum;

code_enum! {
    pub enum PlanStatus {
        Draft = ("draft", "Draf"),
        Submitted = ("submitted", "Diajukan ke PPK"),
        Returned = ("returned", "Dikembalikan untuk perbaikan"),
        Approved = ("approved", "Ditetapkan"),
    }
}

code_enum! {
    /// What happened to a plan: its history, shown on the plan's page.
    pub enum PlanAction {
        Generate = ("generate", "Disusun dari kebutuhan"),
        Edit = ("edit", "Diubah"),
        Submit = ("submit", "Diajukan oleh PyB"),
        Return = ("return", "Dikembalikan oleh PPK"),
        Approve = ("approve", "Ditetapkan oleh PPK"),
        Revise = ("revise", "Revisi dibuat"),
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub &'static str);

impl PlanStatus {
    /// Whether the planner may change items, regenerate or edit the plan.
    pub fn editable(self) -> bool {
        matches!(self, PlanStatus::Draft | PlanStatus::Returned)
    }

    /// The status after `action`, or why it may not happen now. The permission to take the
    /// action (planner, PyB, PPK) is checked by the caller's role handle; this is the order.
    pub fn after(self, action: PlanAction, note: &str) -> Result<PlanStatus, Refused> {
        use PlanAction::*;
        use PlanStatus::*;
        match (self, action) {
            (Draft | Returned, Generate | Edit) => Ok(self),
            (Draft | Returned, Submit) => Ok(Submitted),
            (Submitted, Return) if note.trim().is_empty() => Err(Refused("Tuliskan alasan pengembalian agar perencana tahu apa yang harus diperbaiki.")),
            (Submitted, Return) => Ok(Returned),
            (Submitted, Approve) => Ok(Approved),
            (Approved, Revise) => Ok(Draft),
            (Approved, _) => Err(Refused("Rencana yang sudah ditetapkan tidak dapat diubah; buat revisi sebagai versi baru.")),
            (Submitted, Generate | Edit | Submit) => Err(Refused("Rencana sedang diajukan ke PPK; tunggu keputusan sebelum mengubahnya.")),
            (Draft | Returned, Return | Approve) => Err(Refused("Rencana belum diajukan oleh PyB.")),
            (_, Revise) => Err(Refused("Hanya rencana yang sudah ditetapkan yang dapat direvisi.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PlanAction::*;
    use super::PlanStatus::*;

    #[test]
    fn the_plan_moves_draft_submitted_returned_approved() {
        assert_eq!(Draft.after(Submit, ""), Ok(Submitted));
        assert_eq!(Submitted.after(Return, "Tambahkan pelatihan etika pelayanan"), Ok(Returned));
        assert_eq!(Returned.after(Edit, ""), Ok(Returned));
        assert_eq!(Returned.after(Submit, ""), Ok(Submitted));
        assert_eq!(Submitted.after(Approve, ""), Ok(Approved));
        assert_eq!(Approved.after(Revise, ""), Ok(Draft));
    }

    #[test]
    fn out_of_order_steps_are_refused() {
        assert!(Submitted.after(Return, "  ").is_err(), "a return needs its reason");
        assert!(Draft.after(Approve, "").is_err());
        assert!(Approved.after(Edit, "").is_err());
        assert!(Approved.after(Submit, "").is_err());
        assert!(Submitted.after(Generate, "").is_err());
        assert!(Draft.after(Revise, "").is_err());
        assert!(!Approved.editable() && !Submitted.editable() && Returned.editable());
    }
}
