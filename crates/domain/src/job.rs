//! Background jobs: long work a user starts from a page and watches on a progress page.

use crate::code_enum;

code_enum! {
    /// What a job does; each kind is read with the permission of its area.
    pub enum JobKind {
        PlanGenerate = ("plan_generate", "Menyusun rencana dari kebutuhan"),
        PlanRegenerate = ("plan_regenerate", "Menyusun ulang rencana"),
    }
}

code_enum! {
    pub enum JobStatus {
        Running = ("running", "Sedang berjalan"),
        Done = ("done", "Selesai"),
        Failed = ("failed", "Gagal"),
    }
}

/// A running job's progress as a whole percentage of `steps` done, where the step in progress
/// counts half: a bar that moves when a step starts and never reaches 100 before the end.
pub fn percent(done: u32, steps: u32) -> u8 {
    if steps == 0 {
        return 0;
    }
    let p = (u64::from(done.min(steps)) * 200 + 100) / (u64::from(steps) * 2);
    p.min(99) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_moves_with_each_step_and_stops_short_of_done() {
        assert_eq!(percent(0, 5), 10);
        assert_eq!(percent(1, 5), 30);
        assert_eq!(percent(4, 5), 90);
        assert_eq!(percent(5, 5), 99);
        assert_eq!(percent(9, 5), 99);
        assert_eq!(percent(0, 0), 0);
    }
}
