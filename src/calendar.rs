//! Working days: weekends and public holidays skipped, make-up working days (调休) counted,
//! from calendars shipped as data (`data/calendars/china.toml`, with their official source).
//! For a year without a calendar only weekends are skipped, and the caller is told so.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

/// The calendar shipped with csat.
pub const CHINA: &str = include_str!("../data/calendars/china.toml");

#[derive(Debug, Deserialize)]
struct RawCalendar {
    years: BTreeMap<i32, RawYear>,
}

#[derive(Debug, Deserialize)]
struct RawYear {
    source: String,
    holidays: Vec<NaiveDate>,
    workdays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    /// Year → the document its days come from.
    pub sources: BTreeMap<i32, String>,
}

impl Calendar {
    pub fn parse(text: &str) -> Result<Calendar, String> {
        let raw: RawCalendar = toml::from_str(text).map_err(|e| format!("calendar: {e}"))?;
        let mut c = Calendar::default();
        for (year, y) in raw.years {
            for d in y.holidays.iter().chain(&y.workdays) {
                if d.year() != year {
                    return Err(format!("calendar year {year} lists {d}"));
                }
            }
            c.holidays.extend(y.holidays);
            c.workdays.extend(y.workdays);
            c.sources.insert(year, y.source);
        }
        Ok(c)
    }

    pub fn china() -> Calendar {
        Calendar::parse(CHINA).expect("the shipped calendar parses (a unit test checks it)")
    }

    pub fn covers(&self, year: i32) -> bool {
        self.sources.contains_key(&year)
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Working days after `from` up to and including `to` (0 when closed on the day it was
    /// received, or before). A complaint received on a Friday and closed the next Tuesday
    /// took 2 working days.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.succ_opt().expect("date in range");
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn shipped_calendar_parses_and_names_its_sources() {
        let c = Calendar::china();
        assert!(c.covers(2025) && c.covers(2026) && !c.covers(2027));
        assert!(c.sources[&2026].contains("2026年部分节假日安排"));
    }

    #[test]
    fn spring_festival_2026_and_its_make_up_days() {
        // Holiday 2026-02-15 (Sun) … 02-23 (Mon); make-up working days Sat 02-14 and Sat 02-28.
        let c = Calendar::china();
        assert!(c.is_working_day(d("2026-02-14")), "Saturday make-up day");
        assert!(!c.is_working_day(d("2026-02-16")) && !c.is_working_day(d("2026-02-23")));
        assert!(c.is_working_day(d("2026-02-24")) && c.is_working_day(d("2026-02-28")));
        // Received Fri 02-13: Sat 02-14 (worked), then nothing until Tue 02-24, Wed 02-25.
        assert_eq!(c.working_days_between(d("2026-02-13"), d("2026-02-25")), 3);
        // Without the calendar (weekends only) the same span would be 8 working days.
        let plain = Calendar::default();
        assert_eq!(
            plain.working_days_between(d("2026-02-13"), d("2026-02-25")),
            8
        );
    }

    #[test]
    fn national_day_2026_and_its_make_up_days() {
        // Holiday 10-01 (Thu) … 10-07 (Wed); make-up days Sun 09-20 and Sat 10-10.
        let c = Calendar::china();
        assert!(c.is_working_day(d("2026-09-20")) && c.is_working_day(d("2026-10-10")));
        assert_eq!(c.working_days_between(d("2026-09-30"), d("2026-10-09")), 2);
        assert_eq!(
            c.working_days_between(d("2026-10-09"), d("2026-10-12")),
            2,
            "Sat 10-10 worked, Sun 10-11 not, Mon 10-12 worked"
        );
        // 2025: Spring Festival 01-28 … 02-04 with make-up Sun 01-26 and Sat 02-08.
        assert!(c.is_working_day(d("2025-01-26")) && !c.is_working_day(d("2025-02-03")));
        assert_eq!(c.working_days_between(d("2025-01-27"), d("2025-02-06")), 2);
        assert_eq!(c.working_days_between(d("2026-03-02"), d("2026-03-02")), 0);
    }
}
