//! Time zones of timestamps: a fixed offset (`+08:00`, `UTC+8`, `-0530`) or an IANA name
//! (`Asia/Shanghai`, `America/Denver`, with its daylight saving time), so that an export's
//! local times become the workspace's local times correctly on both sides of a clock change.

use chrono::{FixedOffset, LocalResult, NaiveDateTime, TimeZone};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    Fixed(FixedOffset),
    /// A zone of the IANA database (chrono-tz, the version polars already builds).
    Named(chrono_tz::Tz),
}

impl Zone {
    /// The default of the workspace: China Standard Time.
    pub fn china() -> Zone {
        Zone::Fixed(FixedOffset::east_opt(8 * 3600).expect("valid offset"))
    }

    /// Parse `+08:00`, `+0800`, `+8`, `UTC+8`, `GMT-5`, `UTC`/`Z`, or an IANA name.
    pub fn parse(s: &str) -> Result<Zone, String> {
        let s = s.trim();
        if matches!(s, "UTC" | "Z" | "GMT" | "Etc/UTC" | "Etc/GMT") {
            return Ok(Zone::Fixed(FixedOffset::east_opt(0).expect("valid offset")));
        }
        if let Ok(tz) = s.parse::<chrono_tz::Tz>() {
            return Ok(Zone::Named(tz));
        }
        let t = s.trim_start_matches("UTC").trim_start_matches("GMT");
        let (sign, body) = match t.chars().next() {
            Some('+') => (1, &t[1..]),
            Some('-') => (-1, &t[1..]),
            _ => {
                return Err(format!(
                    "time zone `{s}` is neither an offset such as +08:00 nor a zone name such as Asia/Shanghai or America/Denver"
                ))
            }
        };
        let (h, m) = match body.split_once(':') {
            Some((h, m)) => (h.parse::<i32>(), m.parse::<i32>()),
            None if body.len() == 4 => (body[..2].parse::<i32>(), body[2..].parse::<i32>()),
            None => (body.parse::<i32>(), Ok(0)),
        };
        match (h, m) {
            (Ok(h), Ok(m)) if h <= 14 && (0..60).contains(&m) => Ok(Zone::Fixed(
                FixedOffset::east_opt(sign * (h * 3600 + m * 60)).expect("checked range"),
            )),
            _ => Err(format!("time zone `{s}` is not an offset like +08:00")),
        }
    }

    /// The UTC time of a local time of this zone. A local time that occurs twice (the hour
    /// repeated when clocks go back) is read as the first; one that does not occur (the hour
    /// skipped when clocks go forward) as the same wall-clock time an hour later, as a clock
    /// not yet put forward would show it.
    pub fn utc_of(&self, local: NaiveDateTime) -> NaiveDateTime {
        match self {
            Zone::Fixed(o) => local - chrono::Duration::seconds(o.local_minus_utc() as i64),
            Zone::Named(tz) => match tz.from_local_datetime(&local) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.naive_utc(),
                LocalResult::None => {
                    match tz.from_local_datetime(&(local + chrono::Duration::hours(1))) {
                        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.naive_utc(),
                        LocalResult::None => local,
                    }
                }
            },
        }
    }

    /// The local time of this zone at a UTC time.
    pub fn local_of(&self, utc: NaiveDateTime) -> NaiveDateTime {
        match self {
            Zone::Fixed(o) => utc + chrono::Duration::seconds(o.local_minus_utc() as i64),
            Zone::Named(tz) => tz.from_utc_datetime(&utc).naive_local(),
        }
    }

    /// As a person writes it: `+08:00`, `America/Denver`.
    pub fn name(&self) -> String {
        match self {
            Zone::Fixed(o) => o.to_string(),
            Zone::Named(tz) => tz.name().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn offsets_and_names() {
        let off = |s: &str| match Zone::parse(s).unwrap() {
            Zone::Fixed(o) => o.local_minus_utc(),
            Zone::Named(_) => panic!("{s} is an offset"),
        };
        assert_eq!(off("+08:00"), 8 * 3600);
        assert_eq!(off("UTC+8"), 8 * 3600);
        assert_eq!(off("-0530"), -(5 * 3600 + 1800));
        assert_eq!(off("UTC"), 0);
        assert!(matches!(Zone::parse("America/Denver"), Ok(Zone::Named(_))));
        assert!(Zone::parse("Mars/Olympus")
            .unwrap_err()
            .contains("zone name"));
        assert!(Zone::parse("+25:00").is_err());
    }

    #[test]
    fn named_zones_follow_daylight_saving_time() {
        // America/Denver: MST (UTC−7) in winter, MDT (UTC−6) from 2026-03-08 02:00 to
        // 2026-11-01 02:00 (US rules; the tz database gives the same).
        let denver = Zone::parse("America/Denver").unwrap();
        assert_eq!(denver.utc_of(t("2026-01-15 09:00")), t("2026-01-15 16:00"));
        assert_eq!(denver.utc_of(t("2026-07-15 09:00")), t("2026-07-15 15:00"));
        // 02:30 on 2026-03-08 does not exist: read as 03:30 MDT.
        assert_eq!(denver.utc_of(t("2026-03-08 02:30")), t("2026-03-08 09:30"));
        // 01:30 on 2026-11-01 happens twice: the first, MDT.
        assert_eq!(denver.utc_of(t("2026-11-01 01:30")), t("2026-11-01 07:30"));
        // And into China Standard Time.
        let cst = Zone::china();
        assert_eq!(
            cst.local_of(denver.utc_of(t("2026-07-15 09:00"))),
            t("2026-07-15 23:00")
        );
        assert_eq!(
            Zone::parse("Asia/Shanghai")
                .unwrap()
                .utc_of(t("2026-07-15 08:00")),
            t("2026-07-15 00:00")
        );
    }
}
