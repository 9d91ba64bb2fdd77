//! Attendance and completion (issue "Classes, enrollment…"). A participant checks in by scanning
//! the session's QR code, which shows a code that changes every [`CODE_STEP_SECS`] seconds and is
//! accepted only while the session is open for check-in; the instructor may mark anyone. A class
//! is completed when the share of sessions attended reaches the class's rule.

crate::code_enum! {
    /// How an attendance was recorded.
    pub enum AttendanceMethod {
        Instructor = ("instructor", "Dicatat instruktur"),
        Qr = ("qr", "Pindai kode QR"),
    }
}

/// How long one check-in code shows before the next replaces it.
pub const CODE_STEP_SECS: i64 = 60;
/// Check-in opens this long before a session starts (people arrive early).
pub const OPENS_BEFORE_MINUTES: i64 = 30;
/// The default completion rule: at least 80 % of the sessions attended.
pub const DEFAULT_MIN_ATTENDANCE_PERCENT: u8 = 80;

/// Whether a participant may check in at `now` (UTC) to a session running from `starts_at` to
/// `ends_at`: from [`OPENS_BEFORE_MINUTES`] before the start until the end.
pub fn checkin_open(now: time::OffsetDateTime, starts_at: time::OffsetDateTime, ends_at: time::OffsetDateTime) -> bool {
    now >= starts_at - time::Duration::minutes(OPENS_BEFORE_MINUTES) && now < ends_at
}

/// The code step at `now`: codes are derived from the session's secret and this number (the
/// store computes them), so a code photographed and sent to a colleague stops working within
/// two steps.
pub fn code_step(now: time::OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(CODE_STEP_SECS)
}

/// Whether a code made at step `made` is still good at step `now`: the current one and the one
/// before it (a scan that started just before the code changed).
pub fn code_fresh(made: i64, now: i64) -> bool {
    made == now || made + 1 == now
}

/// Whether attending `attended` of `sessions` sessions completes a class that asks for
/// `min_percent` %. Exact in integers: 4 of 5 is 80 %, 7 of 9 is not. A class without sessions
/// cannot be completed by attendance.
pub fn completes(attended: u32, sessions: u32, min_percent: u8) -> bool {
    sessions > 0 && u64::from(attended.min(sessions)) * 100 >= u64::from(min_percent.min(100)) * u64::from(sessions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn checkin_opens_half_an_hour_before_and_closes_at_the_end() {
        let (from, to) = (datetime!(2027-03-01 08:00 UTC), datetime!(2027-03-01 10:00 UTC));
        assert!(!checkin_open(datetime!(2027-03-01 07:29:59 UTC), from, to));
        assert!(checkin_open(datetime!(2027-03-01 07:30 UTC), from, to));
        assert!(checkin_open(datetime!(2027-03-01 09:59:59 UTC), from, to));
        assert!(!checkin_open(datetime!(2027-03-01 10:00 UTC), from, to), "closed when the session ends");
    }

    #[test]
    fn a_code_lives_one_step_and_a_grace_step() {
        let s = code_step(datetime!(2027-03-01 08:00:30 UTC));
        assert_eq!(code_step(datetime!(2027-03-01 08:00:59 UTC)), s);
        assert_eq!(code_step(datetime!(2027-03-01 08:01:00 UTC)), s + 1);
        assert!(code_fresh(s, s) && code_fresh(s, s + 1));
        assert!(!code_fresh(s, s + 2), "two minutes later the photographed code is dead");
        assert!(!code_fresh(s + 1, s), "a code from the future is not accepted");
        assert_eq!(code_step(datetime!(1969-12-31 23:59:59 UTC)), -1, "steps are floored, also before 1970");
    }

    #[test]
    fn completion_is_an_exact_share_of_sessions() {
        assert!(completes(4, 5, 80));
        assert!(!completes(3, 5, 80));
        assert!(!completes(7, 9, 80), "7/9 = 77.8 %");
        assert!(completes(8, 9, 80));
        assert!(completes(1, 1, 100) && !completes(0, 1, 100));
        assert!(completes(0, 3, 0), "a rule of 0 % asks for nothing");
        assert!(!completes(0, 0, 0), "no sessions, no completion by attendance");
        assert!(completes(9, 5, 100), "attendance is capped at the sessions held");
        assert!(!completes(4, 5, 255), "a rule above 100 % is read as 100 %");
    }
}
