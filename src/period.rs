//! Reporting periods (calendar months) and how a command chooses one.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

mod span;
pub use span::{Span, SpanKind};

/// A calendar month, the unit of every partition, mart and report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1..=12).contains(&month) && (1900..=9998).contains(&year))
            .then_some(Period { year, month })
    }

    pub fn of_date(d: NaiveDate) -> Period {
        Period {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn prev(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated period")
    }

    /// The last calendar day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("validated period")
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a month; write it as YYYY-MM, for example 2026-10");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        Period::new(year, month).ok_or_else(bad)
    }
}

/// What `--period` asked for: a given month, the newest month that has data, or the
/// calendar month before the analysis date (for schedules on the 1st).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodArg {
    Month(Period),
    Latest,
    LastMonth,
}

impl FromStr for PeriodArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("latest") {
            Ok(PeriodArg::Latest)
        } else if s.trim().eq_ignore_ascii_case("last-month") {
            Ok(PeriodArg::LastMonth)
        } else {
            s.parse().map(PeriodArg::Month).map_err(|e| {
                // A quarter, half-year, year or week is a period csat cannot report yet:
                // say so, and which month of it to give, rather than "not a month".
                match s.parse::<Span>() {
                    Ok(span) if span.kind() != SpanKind::Month => {
                        let months = span.months();
                        let which = match months.as_slice() {
                            [one] => one.to_string(),
                            [first, .., last] => format!("{first} to {last}"),
                            [] => String::new(),
                        };
                        format!(
                            "`{span}` is a {}: reports of quarters, half-years, years and weeks are not available yet; give one of its months ({which}), `latest` or `last-month`",
                            match span.kind() {
                                SpanKind::Week => "week",
                                SpanKind::Quarter => "quarter",
                                SpanKind::Half => "half-year",
                                _ => "year",
                            },
                        )
                    }
                    _ => format!("{e}, `latest` or `last-month`"),
                }
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_months() {
        let p: Period = "2026-10".parse().unwrap();
        assert_eq!(
            p,
            Period {
                year: 2026,
                month: 10
            }
        );
        assert_eq!(p.to_string(), "2026-10");
        assert_eq!(p.prev().to_string(), "2026-09");
        assert_eq!(
            "2026-01".parse::<Period>().unwrap().prev().to_string(),
            "2025-12"
        );
        assert_eq!(
            "2026-12".parse::<Period>().unwrap().next().to_string(),
            "2027-01"
        );
        assert_eq!(p.last_day(), NaiveDate::from_ymd_opt(2026, 10, 31).unwrap());
        assert_eq!("2024-02".parse::<Period>().unwrap().last_day().day(), 29);
    }

    #[test]
    fn rejects_malformed_months_with_the_fix() {
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "", "latest"] {
            let err = bad.parse::<Period>().unwrap_err();
            assert!(err.contains("YYYY-MM"), "{bad}: {err}");
        }
        assert_eq!("latest".parse::<PeriodArg>().unwrap(), PeriodArg::Latest);
        assert_eq!(
            "last-month".parse::<PeriodArg>().unwrap(),
            PeriodArg::LastMonth
        );
        assert!("2026-00"
            .parse::<PeriodArg>()
            .unwrap_err()
            .contains("latest"));
        // A quarter is recognised, and the months it covers named.
        let err = "2026-Q3".parse::<PeriodArg>().unwrap_err();
        assert!(
            err.contains("is a quarter") && err.contains("2026-07 to 2026-09"),
            "{err}"
        );
    }
}
