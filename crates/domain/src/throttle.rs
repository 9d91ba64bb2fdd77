//! Login throttling with back-off instead of a lock (NIST SP 800-63B-4 §3.2.2, OWASP ASVS 2.2.1).
//!
//! A hard lock ("five failures lock the account for 15 minutes") lets any stranger lock out a
//! chosen victim, and a per-IP lock lets one person behind an office NAT lock out the office.
//! Here every failure only makes the next attempt of the same kind wait longer, and the rules a
//! stranger can push are kept away from users who have logged in from that address before:
//!
//! - **pair** (this login from this address): 5 free failures, then 15 s doubling to 15 min.
//!   Only the person typing there is slowed; a success resets it.
//! - **account** (this login from addresses it has never logged in from): 10 free failures in
//!   the window, then 5 s doubling to at most 60 s. A distributed guesser gets about one try a
//!   minute; the owner at a familiar address is not affected at all.
//! - **address** (any login from this address, for logins new to it): 30 free failures in the
//!   window, then 5 s doubling to at most 60 s. One guesser behind a NAT slows only newcomers,
//!   and by a minute at most.
//!
//! Refused attempts are not recorded, so hammering does not extend the wait. The second factor
//! (TOTP, recovery codes) and the old-password check share the same rules, so neither is a
//! side door for guessing.

use time::{Duration, OffsetDateTime};

/// How far back failures count.
pub const WINDOW: Duration = Duration::hours(1);
/// A success from an address makes that (login, address) pair familiar for this long.
pub const FAMILIAR_FOR: Duration = Duration::days(30);

/// Free failures, then a wait of `base` doubling per further failure, at most `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: usize,
    pub base: Duration,
    pub cap: Duration,
}

pub const PAIR: Backoff = Backoff { free: 5, base: Duration::seconds(15), cap: Duration::minutes(15) };
pub const ACCOUNT: Backoff = Backoff { free: 10, base: Duration::seconds(5), cap: Duration::seconds(60) };
pub const ADDRESS: Backoff = Backoff { free: 30, base: Duration::seconds(5), cap: Duration::seconds(60) };

impl Backoff {
    /// The wait after `fails` failures.
    #[must_use]
    pub fn wait(self, fails: usize) -> Duration {
        if fails < self.free {
            return Duration::ZERO;
        }
        // 2^20 × base is past every cap; the shift stays small whatever `fails` is.
        let doublings = (fails - self.free).min(20) as u32;
        (self.base * (1i32 << doublings)).min(self.cap)
    }
}

/// One recorded attempt, newest first in the slices below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub at: OffsetDateTime,
    pub success: bool,
}

/// The attempts the decision reads, each list newest first and within [`WINDOW`].
#[derive(Debug, Clone, Default)]
pub struct History {
    /// This login from this address.
    pub pair: Vec<Attempt>,
    /// This login from every address.
    pub account: Vec<Attempt>,
    /// Every login from this address.
    pub address: Vec<Attempt>,
    /// This login has succeeded from this address within [`FAMILIAR_FOR`].
    pub familiar: bool,
}

/// The failures of one rule and when the last of them was.
fn failures(attempts: &[Attempt], since_success: bool) -> (usize, Option<OffsetDateTime>) {
    let mut n = 0;
    let mut last = None;
    for a in attempts {
        if a.success {
            if since_success {
                break;
            }
            continue;
        }
        n += 1;
        last = last.or(Some(a.at));
    }
    (n, last)
}

/// How long until the next attempt is allowed (None: now).
#[must_use]
pub fn retry_after(h: &History, now: OffsetDateTime) -> Option<Duration> {
    let mut rules = vec![(failures(&h.pair, true), PAIR)];
    if !h.familiar {
        rules.push((failures(&h.account, false), ACCOUNT));
        rules.push((failures(&h.address, false), ADDRESS));
    }
    rules
        .into_iter()
        .filter_map(|((n, last), rule)| {
            let until = last? + rule.wait(n);
            (until > now).then(|| until - now)
        })
        .max()
}

/// The wait in whole seconds, rounded up (at least 1): what `Retry-After` says.
#[must_use]
pub fn wait_secs(d: Duration) -> i64 {
    ((d.whole_milliseconds() + 999) / 1000).max(1) as i64
}

/// "30 detik", "2 menit": the wait as the message says it (rounded up to whole units).
#[must_use]
pub fn wait_text(d: Duration) -> String {
    let secs = wait_secs(d);
    if secs < 90 { format!("{secs} detik") } else { format!("{} menit", (secs + 59) / 60) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> OffsetDateTime {
        time::macros::datetime!(2026-12-03 08:00 UTC)
    }

    fn fails(n: usize, last: OffsetDateTime) -> Vec<Attempt> {
        (0..n).map(|i| Attempt { at: last - Duration::seconds(i as i64), success: false }).collect()
    }

    #[test]
    fn waits_double_from_the_free_failures_up_to_the_cap() {
        assert_eq!(PAIR.wait(4), Duration::ZERO);
        assert_eq!(PAIR.wait(5), Duration::seconds(15));
        assert_eq!(PAIR.wait(6), Duration::seconds(30));
        assert_eq!(PAIR.wait(8), Duration::seconds(120));
        assert_eq!(PAIR.wait(11), Duration::minutes(15), "960 s capped at 15 min");
        assert_eq!(PAIR.wait(usize::MAX), Duration::minutes(15), "no overflow");
        assert_eq!(ACCOUNT.wait(10), Duration::seconds(5));
        assert_eq!(ACCOUNT.wait(14), Duration::seconds(60), "80 s capped at 60 s");
    }

    #[test]
    fn the_pair_waits_after_five_failures_and_a_success_resets_it() {
        let now = t0();
        let mut h = History { pair: fails(5, now), familiar: true, ..Default::default() };
        assert_eq!(retry_after(&h, now), Some(Duration::seconds(15)));
        assert_eq!(retry_after(&h, now + Duration::seconds(10)), Some(Duration::seconds(5)));
        assert_eq!(retry_after(&h, now + Duration::seconds(15)), None, "after the wait, one more try");
        // Failures older than a success do not count.
        h.pair = fails(2, now);
        h.pair.push(Attempt { at: now - Duration::minutes(1), success: true });
        h.pair.extend(fails(10, now - Duration::minutes(2)));
        assert_eq!(retry_after(&h, now), None);
    }

    /// The defect: five wrong passwords from anywhere locked the owner out for 15 minutes.
    #[test]
    fn a_stranger_cannot_slow_the_owner_at_a_familiar_address() {
        let now = t0();
        let stranger = fails(200, now);
        let owner = History { pair: vec![], account: stranger.clone(), address: vec![], familiar: true };
        assert_eq!(retry_after(&owner, now), None);
        // From a new address the owner waits, but a minute at most.
        let new_place = History { familiar: false, ..owner };
        assert_eq!(retry_after(&new_place, now), Some(Duration::seconds(60)));
    }

    /// The defect: twenty failures locked out everyone behind one office IP.
    #[test]
    fn one_guesser_behind_a_nat_does_not_lock_out_the_office() {
        let now = t0();
        let office = fails(29, now);
        let newcomer = History { address: office.clone(), ..Default::default() };
        assert_eq!(retry_after(&newcomer, now), None, "29 failures are free");
        let office = fails(500, now);
        let colleague = History { address: office.clone(), familiar: true, ..Default::default() };
        assert_eq!(retry_after(&colleague, now), None, "familiar users are not slowed");
        let newcomer = History { address: office, ..Default::default() };
        assert_eq!(retry_after(&newcomer, now), Some(Duration::seconds(60)));
    }

    #[test]
    fn waits_read_as_seconds_or_minutes() {
        assert_eq!(wait_text(Duration::seconds(15)), "15 detik");
        assert_eq!(wait_text(Duration::milliseconds(200)), "1 detik");
        assert_eq!(wait_text(Duration::milliseconds(14_200)), "15 detik", "rounded up, never shorter than the wait");
        assert_eq!(wait_secs(Duration::milliseconds(14_001)), 15);
        assert_eq!(wait_text(Duration::seconds(120)), "2 menit");
        assert_eq!(wait_text(Duration::seconds(899)), "15 menit");
    }
}
