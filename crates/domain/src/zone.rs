//! Indonesia's three time zones. Every "today" and every time shown belongs to the tenant's zone
//! (UI.md: times in WIB/WITA/WIT per tenant), never to UTC: at 02:30 WIB it is still yesterday in UTC.

use time::{Date, OffsetDateTime, UtcOffset};

use crate::code_enum;

code_enum! {
    /// UU 10/1964 style zones as Indonesians name them; the code is what the tenant row stores.
    pub enum Zone {
        Wib = ("WIB", "Waktu Indonesia Barat (UTC+7)"),
        Wita = ("WITA", "Waktu Indonesia Tengah (UTC+8)"),
        Wit = ("WIT", "Waktu Indonesia Timur (UTC+9)"),
    }
}

impl Zone {
    pub fn offset(self) -> UtcOffset {
        let hours = match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        };
        UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
    }

    /// The calendar date at this instant in the zone.
    pub fn date_of(self, at: OffsetDateTime) -> Date {
        at.to_offset(self.offset()).date()
    }

    /// Today in the zone.
    pub fn today(self) -> Date {
        self.date_of(OffsetDateTime::now_utc())
    }

    /// "26-11-2026 14:05 WIT": a time for people, in the zone.
    pub fn datetime(self, at: OffsetDateTime) -> String {
        let local = at.to_offset(self.offset());
        format!("{} {:02}:{:02} {}", crate::format::date_short(local.date()), local.hour(), local.minute(), self.code())
    }

    /// "26 November 2026 14:05 WIT": the same in words, for logs and history people read back.
    pub fn datetime_long(self, at: OffsetDateTime) -> String {
        let local = at.to_offset(self.offset());
        format!("{} {:02}:{:02} {}", crate::format::date_long(local.date()), local.hour(), local.minute(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn today_follows_the_zone_not_utc() {
        // 02:30 WIB on 2 December is 19:30 UTC on 1 December.
        let at = datetime!(2026-12-01 19:30 UTC);
        assert_eq!(Zone::Wib.date_of(at), date!(2026 - 12 - 02));
        // 08:59 WIT on 2 December is still 1 December in UTC.
        let at = datetime!(2026-12-01 23:59 UTC);
        assert_eq!(Zone::Wit.date_of(at), date!(2026 - 12 - 02));
        assert_eq!(Zone::Wita.date_of(datetime!(2026-12-01 15:59 UTC)), date!(2026 - 12 - 01));
        assert_eq!(Zone::Wita.date_of(datetime!(2026-12-01 16:00 UTC)), date!(2026 - 12 - 02));
    }

    #[test]
    fn times_are_shown_in_the_zone() {
        assert_eq!(Zone::Wit.datetime(datetime!(2026-12-01 23:05 UTC)), "02-12-2026 08:05 WIT");
        assert_eq!(Zone::Wib.datetime(datetime!(2026-12-01 23:05 UTC)), "02-12-2026 06:05 WIB");
        assert_eq!(Zone::from_code("WITA"), Some(Zone::Wita));
    }
}
