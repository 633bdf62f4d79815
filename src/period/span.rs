//! Reporting periods longer or shorter than a month (issue 16.1): a [`Span`] is a month,
//! quarter, half-year, year or ISO week. The lake stays partitioned by month; a span names
//! the days it covers and the month partitions that hold them, the span before it of the
//! same kind (the period-over-period comparison) and the same span a year earlier (the
//! year-over-year one).
//!
//! ISO weeks follow ISO 8601 as chrono implements it (`NaiveDate::from_isoywd_opt`): weeks
//! start on Monday and week 1 is the week with the year's first Thursday, so 2026-W01 starts
//! on 2025-12-29 and 2026 has a week 53.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};

use super::Period;

/// The kinds of reporting period, shortest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpanKind {
    Week,
    Month,
    Quarter,
    Half,
    Year,
}

/// One reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    /// An ISO week of an ISO week-numbering year.
    Week {
        year: i32,
        week: u32,
    },
    Month(Period),
    /// Quarter 1–4.
    Quarter {
        year: i32,
        quarter: u32,
    },
    /// Half 1–2.
    Half {
        year: i32,
        half: u32,
    },
    Year(i32),
}

/// The years a span may fall in (those of [`Period::new`]).
fn year_ok(y: i32) -> bool {
    (1900..=9998).contains(&y)
}

impl Span {
    pub fn kind(self) -> SpanKind {
        match self {
            Span::Week { .. } => SpanKind::Week,
            Span::Month(_) => SpanKind::Month,
            Span::Quarter { .. } => SpanKind::Quarter,
            Span::Half { .. } => SpanKind::Half,
            Span::Year(_) => SpanKind::Year,
        }
    }

    /// The span of `kind` holding the day `d`.
    pub fn of_date(kind: SpanKind, d: NaiveDate) -> Span {
        let (y, m) = (d.year(), d.month());
        match kind {
            SpanKind::Week => {
                let w = d.iso_week();
                Span::Week {
                    year: w.year(),
                    week: w.week(),
                }
            }
            SpanKind::Month => Span::Month(Period::of_date(d)),
            SpanKind::Quarter => Span::Quarter {
                year: y,
                quarter: (m - 1) / 3 + 1,
            },
            SpanKind::Half => Span::Half {
                year: y,
                half: (m - 1) / 6 + 1,
            },
            SpanKind::Year => Span::Year(y),
        }
    }

    /// The first day of the span.
    pub fn first_day(self) -> NaiveDate {
        let ymd = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("validated span");
        match self {
            Span::Week { year, week } => {
                NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).expect("validated span")
            }
            Span::Month(p) => p.first_day(),
            Span::Quarter { year, quarter } => ymd(year, 3 * quarter - 2),
            Span::Half { year, half } => ymd(year, 6 * half - 5),
            Span::Year(year) => ymd(year, 1),
        }
    }

    /// The last day of the span.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("validated span")
    }

    /// The span of the same kind that follows this one.
    pub fn next(self) -> Span {
        match self {
            Span::Week { .. } => {
                Span::of_date(SpanKind::Week, self.first_day() + chrono::Duration::days(7))
            }
            Span::Month(p) => Span::Month(p.next()),
            Span::Quarter { year, quarter: 4 } => Span::Quarter {
                year: year + 1,
                quarter: 1,
            },
            Span::Quarter { year, quarter } => Span::Quarter {
                year,
                quarter: quarter + 1,
            },
            Span::Half { year, half: 2 } => Span::Half {
                year: year + 1,
                half: 1,
            },
            Span::Half { year, half } => Span::Half {
                year,
                half: half + 1,
            },
            Span::Year(year) => Span::Year(year + 1),
        }
    }

    /// The span of the same kind before this one (the period-over-period comparison).
    pub fn prev(self) -> Span {
        Span::of_date(
            self.kind(),
            self.first_day().pred_opt().expect("validated span"),
        )
    }

    /// The same span a year earlier (the year-over-year comparison): `None` for week 53 of
    /// a year whose predecessor has 52 weeks, and for a year before 1900.
    pub fn year_ago(self) -> Option<Span> {
        let s = match self {
            Span::Week { year, week } => Span::Week {
                year: year - 1,
                week,
            },
            Span::Month(p) => Span::Month(Period::new(p.year - 1, p.month)?),
            Span::Quarter { year, quarter } => Span::Quarter {
                year: year - 1,
                quarter,
            },
            Span::Half { year, half } => Span::Half {
                year: year - 1,
                half,
            },
            Span::Year(year) => Span::Year(year - 1),
        };
        s.valid().then_some(s)
    }

    /// Whether the span exists (a year in range, a quarter 1–4, a week the ISO year has).
    fn valid(self) -> bool {
        match self {
            Span::Week { year, week } => {
                year_ok(year) && NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).is_some()
            }
            Span::Month(p) => Period::new(p.year, p.month).is_some(),
            Span::Quarter { year, quarter } => year_ok(year) && (1..=4).contains(&quarter),
            Span::Half { year, half } => year_ok(year) && (1..=2).contains(&half),
            Span::Year(year) => year_ok(year),
        }
    }

    /// Whether the day `d` falls in the span.
    pub fn contains(self, d: NaiveDate) -> bool {
        self.first_day() <= d && d <= self.last_day()
    }

    /// The month partitions holding the span's days, oldest first: one for a month, three
    /// for a quarter, twelve for a year, one or two for a week (a week across a month's end
    /// reads both months and keeps its own days).
    pub fn months(self) -> Vec<Period> {
        let (first, last) = (
            Period::of_date(self.first_day()),
            Period::of_date(self.last_day()),
        );
        let mut out = vec![first];
        while *out.last().expect("one month") < last {
            let next = out.last().expect("one month").next();
            out.push(next);
        }
        out
    }

    /// The `n` spans of the same kind ending with this one, oldest first (a trend).
    pub fn trailing(self, n: usize) -> Vec<Span> {
        let mut out = vec![self];
        for _ in 1..n {
            let prev = out.last().expect("one span").prev();
            out.push(prev);
        }
        out.reverse();
        out
    }

    /// The span of `kind` before the one holding the analysis date `as_of`, as `last-month`
    /// is the calendar month before it (for schedules: `last-quarter` on 1 October is Q3).
    pub fn before(kind: SpanKind, as_of: NaiveDate) -> Span {
        Span::of_date(kind, as_of).prev()
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Span::Week { year, week } => write!(f, "{year:04}-W{week:02}"),
            Span::Month(p) => write!(f, "{p}"),
            Span::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Span::Half { year, half } => write!(f, "{year:04}-H{half}"),
            Span::Year(year) => write!(f, "{year:04}"),
        }
    }
}

impl FromStr for Span {
    type Err = String;

    /// `2026-10`, `2026-Q3`, `2026-H1`, `2026` or `2026-W43` (letters in either case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || {
            format!(
                "`{s}` is not a reporting period; write a month 2026-10, a quarter 2026-Q3, a half-year 2026-H1, a year 2026 or an ISO week 2026-W43"
            )
        };
        let number = |x: &str, digits: std::ops::RangeInclusive<usize>| -> Result<u32, String> {
            if digits.contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit()) {
                x.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let span = match t.split_once('-') {
            None => Span::Year(number(t, 4..=4)? as i32),
            Some((y, rest)) => {
                let year = number(y, 4..=4)? as i32;
                let (tag, num) = rest.split_at(rest.chars().next().map_or(0, |c| {
                    if c.is_ascii_alphabetic() {
                        1
                    } else {
                        0
                    }
                }));
                match tag.to_ascii_uppercase().as_str() {
                    "" => return t.parse::<Period>().map(Span::Month).map_err(|_| bad()),
                    "Q" => Span::Quarter {
                        year,
                        quarter: number(num, 1..=1)?,
                    },
                    "H" => Span::Half {
                        year,
                        half: number(num, 1..=1)?,
                    },
                    "W" => Span::Week {
                        year,
                        week: number(num, 2..=2)?,
                    },
                    _ => return Err(bad()),
                }
            }
        };
        if span.valid() {
            Ok(span)
        } else {
            Err(match span {
                Span::Week { year, week } => format!(
                    "`{s}`: ISO year {year} has no week {week} (weeks run to 52, or 53 in long years such as 2026)"
                ),
                _ => bad(),
            })
        }
    }
}

#[cfg(test)]
mod tests;
