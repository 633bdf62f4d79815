//! The demo's simulated world: customers of the twelve stores, their complaints and who
//! churned (with the planted complaint → churn effect), and the calendar helpers the files
//! share.

use super::*;

pub(super) fn months() -> Vec<Period> {
    let mut out = vec![FIRST_MONTH];
    while *out.last().unwrap() < LAST_MONTH {
        out.push(out.last().unwrap().next());
    }
    out
}

pub(super) fn end_date() -> NaiveDate {
    LAST_MONTH.last_day()
}

pub(super) fn month_days(p: Period) -> i64 {
    p.last_day().day() as i64
}

pub(super) fn random_time_in(rng: &mut Rng, p: Period, from_h: i64, to_h: i64) -> NaiveDateTime {
    let day = rng.range(1, month_days(p));
    let secs = rng.range(from_h * 3600, to_h * 3600 - 1);
    NaiveDate::from_ymd_opt(p.year, p.month, day as u32)
        .unwrap()
        .and_time(NaiveTime::MIN)
        + Duration::seconds(secs)
}

pub(super) fn add_working_days(t: NaiveDateTime, days: f64) -> NaiveDateTime {
    let whole = days.floor() as i64;
    let mut d = t;
    let mut left = whole;
    while left > 0 {
        d += Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d + Duration::seconds(((days - whole as f64) * 8.0 * 3600.0) as i64)
}

pub(super) fn working_days_between(a: NaiveDateTime, b: NaiveDateTime) -> f64 {
    let mut n = 0.0;
    let mut d = a.date();
    while d < b.date() {
        d += Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            n += 1.0;
        }
    }
    n
}

pub(super) fn make_customers(rng: &mut Rng, scale: usize, stores: &[Store]) -> Vec<Customer> {
    let store_w: Vec<f64> = stores.iter().map(|s| s.weight).collect();
    let tier_w: Vec<f64> = TIERS.iter().map(|t| t.1).collect();
    let start = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    let span = (NaiveDate::from_ymd_opt(2026, 9, 30).unwrap() - start).num_days();
    (0..N_CUSTOMERS * scale)
        .map(|i| {
            let tier = rng.weighted(&tier_w);
            let first = start + Duration::days(rng.range(0, span));
            Customer {
                id: format!("M{:06}", 100001 + i),
                store: rng.weighted(&store_w),
                tier,
                first,
                last: first,
                churn: None,
                value: (rng.range(3_000, 30_000) as f64) * [1.0, 1.6, 3.0, 8.0][tier],
            }
        })
        .collect()
}

/// The demo's complaint categories and how often each occurs.
const CATEGORIES: [(&str, f64); 6] = [
    ("送货延误", 0.25),
    ("安装质量", 0.20),
    ("产品质量", 0.25),
    ("服务态度", 0.12),
    ("价格争议", 0.08),
    ("售后维修", 0.10),
];

/// The channels complaints arrive through and their shares.
const CHANNELS: [(&str, f64); 4] = [
    ("400热线", 0.4),
    ("门店", 0.3),
    ("微信", 0.2),
    ("网络", 0.1),
];

fn weights(table: &[(&str, f64)]) -> Vec<f64> {
    table.iter().map(|c| c.1).collect()
}

/// Complaints, and the churn they cause: returns the complaint log rows.
pub(super) fn make_complaints_and_churn(
    rng: &mut Rng,
    customers: &mut [Customer],
    stores: &[Store],
) -> Vec<Vec<String>> {
    let begin = FIRST_MONTH.first_day().and_time(NaiveTime::MIN);
    let year_secs = (end_date() - FIRST_MONTH.first_day()).num_days() * 86_400;
    let end = end_date().and_hms_opt(23, 59, 59).unwrap();
    let mut rows = Vec::new();
    let mut events: Vec<(NaiveDateTime, usize, Vec<String>)> = Vec::new();
    for (ci, c) in customers.iter_mut().enumerate() {
        let n_complaints = if rng.chance(0.12) {
            if rng.chance(0.15) {
                2
            } else {
                1
            }
        } else {
            0
        };
        // Worst outcome: 0 none, 1 within commitment, 2 late, 3 unresolved.
        let mut worst = 0;
        let mut first_complaint: Option<NaiveDateTime> = None;
        for _ in 0..n_complaints {
            let Some((received, outcome, row)) = complaint(rng, c, stores, begin, year_secs, end)
            else {
                continue;
            };
            worst = worst.max(outcome);
            first_complaint =
                Some(first_complaint.map_or(received, |f: NaiveDateTime| f.min(received)));
            events.push((received, ci, row));
        }
        // Churn, caused after the first complaint for complainers.
        if rng.chance(CHURN_P[worst]) {
            let date = match first_complaint {
                Some(t) => t.date() + Duration::days(rng.range(7, 120)),
                None => FIRST_MONTH.first_day() + Duration::days(rng.range(0, 364)),
            };
            if date <= end_date() && date > c.first {
                c.churn = Some(date);
            }
        }
        c.last = match c.churn {
            Some(d) => (d - Duration::days(rng.range(60, 300))).max(c.first),
            None => (end_date() - Duration::days(rng.range(0, 300))).max(c.first),
        };
    }
    events.sort_by_key(|a| (a.0, a.1));
    for (i, (_, _, mut r)) in events.into_iter().enumerate() {
        r[0] = format!("TS{:05}", i + 1);
        rows.push(r);
    }
    rows
}

/// One complaint of customer `c` received in the demo's year (none if before the customer's
/// first purchase): its receipt, its outcome (1 within commitment, 2 late, 3 unresolved)
/// and its log row (the id numbered later).
fn complaint(
    rng: &mut Rng,
    c: &Customer,
    stores: &[Store],
    begin: NaiveDateTime,
    year_secs: i64,
    end: NaiveDateTime,
) -> Option<(NaiveDateTime, usize, Vec<String>)> {
    let received = begin + Duration::seconds(rng.range(8 * 3600, year_secs - 1));
    if received.date() < c.first {
        return None;
    }
    let first_h = 0.5 + 30.0 * rng.uniform().powi(3);
    let first_resp = received + Duration::seconds((first_h * 3600.0) as i64);
    let wd = 0.3 + 6.0 * rng.uniform().powi(2);
    let mut closed = Some(add_working_days(received, wd));
    let unresolved = rng.chance(0.06);
    if unresolved || closed.is_some_and(|t| t > end) {
        closed = None;
    }
    let outcome = match closed {
        None => 3,
        Some(t) if working_days_between(received, t) <= 3.0 => 1,
        Some(_) => 2,
    };
    let cat = CATEGORIES[rng.weighted(&weights(&CATEGORIES))].0;
    let severe = rng.chance(0.15);
    let satisfaction = match outcome {
        1 => rng.range(4, 5).to_string(),
        2 => rng.range(2, 4).to_string(),
        _ => String::new(),
    };
    let comp = if rng.chance(0.10) {
        (rng.range(2, 30) * 100).to_string()
    } else {
        String::new()
    };
    let f = |t: NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
    Some((
        received,
        outcome,
        vec![
            String::new(), // id, numbered after sorting by time
            c.id.clone(),
            f(received),
            CHANNELS[rng.weighted(&weights(&CHANNELS))].0.to_string(),
            cat.to_string(),
            if severe { "重大" } else { "一般" }.to_string(),
            stores[c.store].zh.clone(),
            if first_resp <= end {
                f(first_resp)
            } else {
                String::new()
            },
            closed.map(f).unwrap_or_default(),
            if closed.is_some() {
                "已结案"
            } else {
                "处理中"
            }
            .to_string(),
            comp,
            satisfaction,
        ],
    ))
}

pub(super) fn active_customer<'a>(
    rng: &mut Rng,
    customers: &'a [Customer],
    at: NaiveDate,
) -> &'a Customer {
    loop {
        let c = &customers[rng.range(0, customers.len() as i64 - 1) as usize];
        if c.first <= at && c.churn.is_none_or(|d| d > at) {
            return c;
        }
    }
}

pub(super) fn store_shift(stores: &[Store], store: usize, p: Period) -> f64 {
    let s = &stores[store];
    s.effect
        - if s.id == DROP_STORE && p == DROP_MONTH {
            DROP_SIZE
        } else {
            0.0
        }
}
