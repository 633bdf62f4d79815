//! `csat demo`: a deterministic, realistic demo workspace.
//!
//! A furniture chain of 4 regions and 12 stores, 6,000 customers in the handbook's four
//! tiers, twelve months ending 2026-10, with the inputs in the shapes users really have
//! (问卷星 GBK CSV, call-centre UTF-8 CSV, keyed-in mail forms as XLSX, interview notes, a
//! complaint log, a customer file, competitor ratings, external benchmarks and an
//! improvement-action log). True effects are planted and documented in the generated
//! `README.md`, so the analysis can be checked against what is known to be there. The
//! generator is pure: it returns the files as bytes; `cmd::demo` writes them.

pub mod rng;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::period::Period;
use rng::Rng;

/// The seed of the committed `data/demo` workspace.
pub const DEFAULT_SEED: u64 = 15;

/// The config template; `{RAW}`, `{LAKE}`, `{MARTS}` and `{REPORTS}` are filled in.
pub const CONFIG_TEMPLATE: &str = include_str!("csat.toml.in");

/// The demo's config with the given paths (relative to where the file will live).
pub fn config_text(raw: &str, lake: &str, marts: &str, reports: &str) -> String {
    CONFIG_TEMPLATE
        .replace("{RAW}", raw)
        .replace("{LAKE}", lake)
        .replace("{MARTS}", marts)
        .replace("{REPORTS}", reports)
}

/// One generated file: its path relative to the workspace, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

const FIRST_MONTH: Period = Period {
    year: 2025,
    month: 11,
};
const LAST_MONTH: Period = Period {
    year: 2026,
    month: 10,
};
const N_CUSTOMERS: usize = 6000;

struct Store {
    id: &'static str,
    zh: &'static str,
    weight: f64,
    effect: f64,
}

const STORES: [Store; 12] = [
    Store {
        id: "S01",
        zh: "上海真北店",
        weight: 1.5,
        effect: 0.10,
    },
    Store {
        id: "S02",
        zh: "杭州滨江店",
        weight: 1.0,
        effect: 0.05,
    },
    Store {
        id: "S03",
        zh: "南京河西店",
        weight: 1.0,
        effect: 0.00,
    },
    Store {
        id: "S04",
        zh: "北京东四环店",
        weight: 1.4,
        effect: 0.00,
    },
    Store {
        id: "S05",
        zh: "天津河东店",
        weight: 0.9,
        effect: -0.10,
    },
    Store {
        id: "S06",
        zh: "济南历下店",
        weight: 0.8,
        effect: -0.05,
    },
    Store {
        id: "S07",
        zh: "广州天河店",
        weight: 1.3,
        effect: 0.05,
    },
    Store {
        id: "S08",
        zh: "深圳南山店",
        weight: 1.4,
        effect: 0.12,
    },
    Store {
        id: "S09",
        zh: "厦门湖里店",
        weight: 0.8,
        effect: 0.00,
    },
    Store {
        id: "S10",
        zh: "成都高新店",
        weight: 1.0,
        effect: 0.02,
    },
    Store {
        id: "S11",
        zh: "重庆江北店",
        weight: 1.0,
        effect: -0.08,
    },
    Store {
        id: "S12",
        zh: "昆明西山店",
        weight: 0.7,
        effect: -0.15,
    },
];

/// The planted drop: this store's satisfaction falls by this much (1–5 points) in this month.
pub const DROP_STORE: &str = "S03";
pub const DROP_MONTH: Period = Period {
    year: 2026,
    month: 10,
};
pub const DROP_SIZE: f64 = 0.9;

const TIERS: [(&str, f64, f64); 4] = [
    ("忠民", 0.35, 0.0),
    ("好顾客", 0.30, 0.05),
    ("主力户", 0.25, 0.08),
    ("大户", 0.10, 0.15),
];
const PRODUCT_LINES: [&str; 5] = ["沙发", "床垫", "定制橱柜", "灯饰", "地板"];

/// Dimensions in questionnaire order: (id, mean on 1–5, true weight in overall satisfaction).
/// The weights are the planted driver importances (they sum to 1).
pub const DIMENSIONS: [(&str, f64, f64); 7] = [
    ("friendliness", 3.9, 0.12),
    ("initiative", 3.6, 0.05),
    ("supervision", 3.4, 0.08),
    ("delivery", 3.3, 0.15),
    ("product", 3.8, 0.30),
    ("service", 3.6, 0.20),
    ("handover", 3.8, 0.10),
];
/// Item → dimension index, for q01..q09.
const ITEM_DIM: [usize; 9] = [0, 1, 2, 3, 3, 4, 4, 5, 6];

/// Competitor effects per dimension (added to ours): 美居坊 is ahead on delivery.
const COMPETITORS: [(&str, [f64; 7]); 3] = [
    ("本品牌", [0.0; 7]),
    ("美居坊", [-0.10, -0.10, -0.10, 0.45, -0.10, -0.10, -0.10]),
    ("家悦汇", [-0.20; 7]),
];

/// Churn probability over the year by worst complaint outcome: none, closed within the
/// commitment, closed late, unresolved. Complainers churn about 3× as often.
pub const CHURN_P: [f64; 4] = [0.07, 0.17, 0.30, 0.40];

struct Customer {
    id: String,
    store: usize,
    tier: usize,
    first: NaiveDate,
    last: NaiveDate,
    churn: Option<NaiveDate>,
    value: f64,
}

/// One simulated answer sheet: q01..q09 on 1–5, overall (1–5), NPS (0–10), loyalty (1–5).
struct Sheet {
    items: [f64; 9],
    overall: f64,
    nps: f64,
    loyalty: f64,
    worst_dim: usize,
}

fn clamp_round(x: f64, lo: f64, hi: f64) -> f64 {
    x.round().clamp(lo, hi)
}

fn answer(rng: &mut Rng, shift: f64, dim_shift: &[f64; 7]) -> Sheet {
    let halo = rng.normal(0.0, 0.3);
    let mut dims = [0.0; 7];
    for (k, (_, mu, _)) in DIMENSIONS.iter().enumerate() {
        dims[k] = mu + shift + dim_shift[k] + halo + rng.normal(0.0, 0.7);
    }
    let mut items = [0.0; 9];
    for (i, d) in ITEM_DIM.iter().enumerate() {
        items[i] = clamp_round(dims[*d] + rng.normal(0.0, 0.3), 1.0, 5.0);
    }
    let latent: f64 = DIMENSIONS
        .iter()
        .zip(dims)
        .map(|((_, _, b), d)| b * d)
        .sum::<f64>()
        + rng.normal(0.0, 0.25);
    let worst_dim = (0..7).min_by(|a, b| dims[*a].total_cmp(&dims[*b])).unwrap();
    Sheet {
        items,
        overall: clamp_round(latent, 1.0, 5.0),
        nps: clamp_round(2.6 * latent - 1.2 + rng.normal(0.0, 1.1), 0.0, 10.0),
        loyalty: clamp_round(0.8 * latent + 0.85 + rng.normal(0.0, 0.5), 1.0, 5.0),
        worst_dim,
    }
}

const PRAISE: [&str; 6] = [
    "整体很满意，导购很专业。",
    "送货安装都很顺利，点赞！",
    "商品质量不错，会推荐给朋友。",
    "服务周到，回访也很及时。",
    "环境好，价格也合理。",
    "安装师傅很细心，走前还打扫了卫生。",
];
const GRIPES: [&str; 7] = [
    "导购态度冷淡，问了半天没人理。",
    "希望导购能主动介绍一下优惠活动。",
    "买完之后就没人回访了。",
    "送货比约定时间晚了两天，也没有提前通知。",
    "沙发有明显色差，和样品不一致。",
    "投诉之后处理太慢，来回打了好几次电话。",
    "提货时排队太久，交接手续繁琐。",
];
const AGENTS: [&str; 6] = ["王丽", "陈静", "刘洋", "张敏", "李娜", "赵磊"];
const INTERVIEWERS: [&str; 3] = ["质量部-周婷", "质量部-吴昊", "质量部-孙悦"];

fn month_days(p: Period) -> i64 {
    p.last_day().day() as i64
}

fn random_time_in(rng: &mut Rng, p: Period, from_h: i64, to_h: i64) -> NaiveDateTime {
    let day = rng.range(1, month_days(p));
    let secs = rng.range(from_h * 3600, to_h * 3600 - 1);
    NaiveDate::from_ymd_opt(p.year, p.month, day as u32)
        .unwrap()
        .and_time(NaiveTime::MIN)
        + Duration::seconds(secs)
}

fn months() -> Vec<Period> {
    let mut out = vec![FIRST_MONTH];
    while *out.last().unwrap() < LAST_MONTH {
        out.push(out.last().unwrap().next());
    }
    out
}

fn end_date() -> NaiveDate {
    LAST_MONTH.last_day()
}

fn add_working_days(t: NaiveDateTime, days: f64) -> NaiveDateTime {
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

fn working_days_between(a: NaiveDateTime, b: NaiveDateTime) -> f64 {
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

fn csv_bytes(headers: &[&str], rows: &[Vec<String>], crlf: bool) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    w.write_record(headers).expect("in-memory write");
    for r in rows {
        w.write_record(r).expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

fn gbk(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    let (out, _, unmappable) = encoding_rs::GBK.encode(&text);
    if unmappable {
        return Err("demo text has a character outside GBK".into());
    }
    Ok(out.into_owned())
}

fn with_bom(mut bytes: Vec<u8>) -> Vec<u8> {
    let mut out = b"\xef\xbb\xbf".to_vec();
    out.append(&mut bytes);
    out
}

fn fmt_score(x: f64) -> String {
    format!("{}", x as i64)
}

struct World {
    customers: Vec<Customer>,
    complaints: Vec<Vec<String>>,
    /// Every respondent count is multiplied by this (`csat demo --scale`).
    scale: usize,
}

fn make_customers(rng: &mut Rng, scale: usize) -> Vec<Customer> {
    let store_w: Vec<f64> = STORES.iter().map(|s| s.weight).collect();
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

/// Complaints, and the churn they cause: returns the complaint log rows.
fn make_complaints_and_churn(rng: &mut Rng, customers: &mut [Customer]) -> Vec<Vec<String>> {
    let cats = [
        ("送货延误", 0.25),
        ("安装质量", 0.20),
        ("产品质量", 0.25),
        ("服务态度", 0.12),
        ("价格争议", 0.08),
        ("售后维修", 0.10),
    ];
    let cat_w: Vec<f64> = cats.iter().map(|c| c.1).collect();
    let chans = [
        ("400热线", 0.4),
        ("门店", 0.3),
        ("微信", 0.2),
        ("网络", 0.1),
    ];
    let chan_w: Vec<f64> = chans.iter().map(|c| c.1).collect();
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
            let received = begin + Duration::seconds(rng.range(8 * 3600, year_secs - 1));
            if received.date() < c.first {
                continue;
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
            worst = worst.max(outcome);
            first_complaint =
                Some(first_complaint.map_or(received, |f: NaiveDateTime| f.min(received)));
            let cat = cats[rng.weighted(&cat_w)].0;
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
            events.push((
                received,
                ci,
                vec![
                    String::new(), // id, numbered after sorting by time
                    c.id.clone(),
                    f(received),
                    chans[rng.weighted(&chan_w)].0.to_string(),
                    cat.to_string(),
                    if severe { "重大" } else { "一般" }.to_string(),
                    STORES[c.store].zh.to_string(),
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
            ));
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

fn active_customer<'a>(rng: &mut Rng, customers: &'a [Customer], at: NaiveDate) -> &'a Customer {
    loop {
        let c = &customers[rng.range(0, customers.len() as i64 - 1) as usize];
        if c.first <= at && c.churn.is_none_or(|d| d > at) {
            return c;
        }
    }
}

fn store_shift(store: usize, p: Period) -> f64 {
    let s = &STORES[store];
    s.effect
        - if s.id == DROP_STORE && p == DROP_MONTH {
            DROP_SIZE
        } else {
            0.0
        }
}

fn comment(rng: &mut Rng, sheet: &Sheet) -> String {
    if sheet.overall <= 3.0 {
        GRIPES[sheet.worst_dim].to_string()
    } else {
        rng.pick(&PRAISE).to_string()
    }
}

fn web_survey(rng: &mut Rng, w: &World) -> Result<Vec<u8>, String> {
    let headers = [
        "序号",
        "提交答卷时间",
        "所用时间",
        "来源",
        "来源详情",
        "来自IP",
        "1、您的会员编号",
        "2、您在哪家门店购物？",
        "3、您购买的主要商品类别",
        "4、导购人员热情友好",
        "5、导购人员主动介绍推荐",
        "6、售后回访及时",
        "7、送货准时",
        "8、安装规范整洁",
        "9、商品质量可靠",
        "10、商品与描述一致",
        "11、问题处理专业高效",
        "12、提货交接顺畅",
        "13、总体满意度",
        "14、您向亲友推荐本品牌的可能性有多大？",
        "15、您是否愿意再次在本品牌购买？",
        "16、您对我们还有哪些意见和建议？",
    ];
    let sources = [
        ("手机提交", "微信"),
        ("手机提交", "直接访问"),
        ("电脑提交", "链接"),
    ];
    let cities = [
        "上海", "杭州", "南京", "北京", "天津", "济南", "广州", "深圳", "厦门", "成都", "重庆",
        "昆明",
    ];
    let mut rows = Vec::new();
    let mut n = 0;
    for p in months() {
        let mut batch: Vec<(NaiveDateTime, Vec<String>)> = Vec::new();
        for _ in 0..520 * w.scale {
            let t = random_time_in(rng, p, 8, 23);
            let c = active_customer(rng, &w.customers, t.date());
            let tier_eff = TIERS[c.tier].2;
            let s = answer(rng, store_shift(c.store, p) + tier_eff, &[0.0; 7]);
            let (src, detail) = *rng.pick(&sources);
            let mut r = vec![
                String::new(),
                t.format("%Y/%-m/%-d %H:%M:%S").to_string(),
                format!("{}秒", rng.range(60, 600)),
                src.to_string(),
                detail.to_string(),
                format!(
                    "{}.{}.{}.{}({})",
                    rng.range(36, 223),
                    rng.range(0, 255),
                    rng.range(0, 255),
                    rng.range(1, 254),
                    cities[c.store]
                ),
                c.id.clone(),
                STORES[c.store].zh.to_string(),
                rng.pick(&PRODUCT_LINES).to_string(),
            ];
            for (i, x) in s.items.iter().enumerate() {
                // 问卷星 writes -3 for a question the respondent skipped (installation
                // does not apply to every purchase).
                let skipped = (i == 4 && rng.chance(0.08)) || rng.chance(0.01);
                r.push(if skipped { "-3".into() } else { fmt_score(*x) });
            }
            r.push(fmt_score(s.overall));
            r.push(fmt_score(s.nps));
            r.push(fmt_score(s.loyalty));
            r.push(if rng.chance(0.3) {
                comment(rng, &s)
            } else {
                "(空)".into()
            });
            batch.push((t, r));
        }
        batch.sort_by_key(|a| a.0);
        for (_, mut r) in batch {
            n += 1;
            r[0] = n.to_string();
            rows.push(r);
        }
    }
    // Planted bad rows (documented in README.md): two out-of-range scores, an unknown
    // store, an impossible date.
    rows[400][12] = "7".into();
    rows[5500][12] = "7".into();
    rows[1200][7] = "苏州园区店".into();
    rows[2300][1] = "2026/2/30 10:15:00".into();
    gbk(csv_bytes(&headers, &rows, true))
}

fn phone_sheet(rng: &mut Rng, w: &World) -> Vec<u8> {
    let headers = [
        "回访编号",
        "会员编号",
        "回访时间",
        "回访专员",
        "售后回访及时",
        "送货准时",
        "安装规范",
        "问题处理",
        "总体满意度",
        "推荐意愿(0-10)",
        "备注",
    ];
    let mut rows = Vec::new();
    let mut n = 0;
    for p in months() {
        let mut batch = Vec::new();
        for _ in 0..120 * w.scale {
            let t = random_time_in(rng, p, 9, 18);
            let c = active_customer(rng, &w.customers, t.date());
            // Mode effect: people are kinder to a voice on the phone.
            let s = answer(
                rng,
                store_shift(c.store, p) + TIERS[c.tier].2 + 0.15,
                &[0.0; 7],
            );
            let note = if s.overall <= 2.0 {
                comment(rng, &s)
            } else {
                String::new()
            };
            batch.push((
                t,
                vec![
                    String::new(),
                    c.id.clone(),
                    t.format("%Y/%m/%d %H:%M").to_string(),
                    rng.pick(&AGENTS).to_string(),
                    fmt_score(s.items[2]),
                    fmt_score(s.items[3]),
                    fmt_score(s.items[4]),
                    fmt_score(s.items[7]),
                    fmt_score(s.overall),
                    fmt_score(s.nps),
                    note,
                ],
            ));
        }
        batch.sort_by_key(|a| a.0);
        for (t, mut r) in batch {
            n += 1;
            r[0] = format!("HF{}{:04}", t.format("%Y%m"), n);
            rows.push(r);
        }
    }
    rows[150][2] = "2026-13-02 09:30".into();
    rows[900][9] = "11".into();
    csv_bytes(&headers, &rows, false)
}

fn mail_workbook(rng: &mut Rng, w: &World) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let headers = [
        "问卷编号",
        "会员编号",
        "回寄日期",
        "Q1热情友好",
        "Q2主动推荐",
        "Q4送货准时",
        "Q6质量可靠",
        "Q8问题处理",
        "Q10总体满意",
        "Q11推荐意愿",
        "Q12再次购买",
    ];
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 11, 1).map_err(e)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("质量部"),
    );
    let ws = wb.add_worksheet();
    ws.set_name("录入").map_err(e)?;
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(e)?;
    }
    let mut row = 1u32;
    for p in months() {
        for _ in 0..25 * w.scale {
            let t = random_time_in(rng, p, 0, 24);
            let c = active_customer(rng, &w.customers, t.date());
            let s = answer(
                rng,
                store_shift(c.store, p) + TIERS[c.tier].2 - 0.10,
                &[0.0; 7],
            );
            ws.write_string(row, 0, format!("YJ{}{:03}", t.format("%y%m"), row))
                .map_err(e)?;
            ws.write_string(row, 1, &c.id).map_err(e)?;
            let d = t.date();
            let xd = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                .map_err(e)?;
            ws.write_datetime_with_format(row, 2, &xd, &date_fmt)
                .map_err(e)?;
            let vals = [
                s.items[0], s.items[1], s.items[3], s.items[5], s.items[7], s.overall, s.nps,
                s.loyalty,
            ];
            for (k, v) in vals.iter().enumerate() {
                // Paper forms come back with many blanks and the odd "不适用".
                if rng.chance(0.15) {
                    continue;
                }
                if rng.chance(0.03) {
                    ws.write_string(row, 3 + k as u16, "不适用").map_err(e)?;
                } else {
                    ws.write_number(row, 3 + k as u16, *v).map_err(e)?;
                }
            }
            row += 1;
        }
    }
    wb.save_to_buffer().map_err(e)
}

fn interviews(rng: &mut Rng, w: &World) -> Vec<u8> {
    let headers = [
        "访谈编号",
        "会员编号",
        "访谈日期",
        "访谈员",
        "门店",
        "总体满意度",
        "再次购买意愿",
        "访谈纪要",
    ];
    let notes = [
        "顾客对整体购物体验满意，重点提到导购专业、样品丰富；建议增加周末送货时段。",
        "顾客反映送货延误两次，每次都需要自己打电话催问；对商品质量本身比较认可。",
        "大户客户，整屋定制。认为设计方案好，但安装团队之间衔接不畅，工期拖了一周。",
        "顾客曾投诉沙发色差，门店先行赔付后更换，处理结果满意，表示会继续购买。",
        "顾客觉得价格偏高，但售后回访及时，问题处理专业，愿意推荐给朋友。",
    ];
    let mut rows = Vec::new();
    let mut n = 0;
    for p in months() {
        for _ in 0..4 * w.scale {
            n += 1;
            let t = random_time_in(rng, p, 10, 17);
            let c = active_customer(rng, &w.customers, t.date());
            let s = answer(rng, store_shift(c.store, p) + TIERS[c.tier].2, &[0.0; 7]);
            rows.push(vec![
                format!("FT{:03}", n),
                c.id.clone(),
                t.format("%Y-%m-%d").to_string(),
                rng.pick(&INTERVIEWERS).to_string(),
                STORES[c.store].zh.to_string(),
                fmt_score(s.overall),
                fmt_score(s.loyalty),
                rng.pick(&notes).to_string(),
            ]);
        }
    }
    csv_bytes(&headers, &rows, false)
}

fn competitor_survey(rng: &mut Rng, scale: usize) -> Vec<u8> {
    let headers = [
        "调查编号",
        "调查日期",
        "品牌",
        "热情友好",
        "送货准时",
        "质量可靠",
        "问题处理",
        "提货交接",
        "总体满意度",
    ];
    let mut rows = Vec::new();
    let mut n = 0;
    for p in months() {
        for (brand, shift) in &COMPETITORS {
            for _ in 0..120 * scale {
                n += 1;
                let t = random_time_in(rng, p, 9, 21);
                let s = answer(rng, 0.0, shift);
                rows.push(vec![
                    format!("JP{:05}", n),
                    t.format("%Y-%m-%d").to_string(),
                    brand.to_string(),
                    fmt_score(s.items[0]),
                    fmt_score(s.items[3]),
                    fmt_score(s.items[5]),
                    fmt_score(s.items[7]),
                    fmt_score(s.items[8]),
                    fmt_score(s.overall),
                ]);
            }
        }
    }
    csv_bytes(&headers, &rows, false)
}

fn customer_file(w: &World) -> Vec<u8> {
    let headers = [
        "会员编号",
        "所属门店",
        "会员等级",
        "首次购买日期",
        "最近购买日期",
        "是否流失",
        "流失日期",
        "累计消费金额",
    ];
    let mut rows: Vec<Vec<String>> = w
        .customers
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                STORES[c.store].zh.to_string(),
                TIERS[c.tier].0.to_string(),
                c.first.format("%Y-%m-%d").to_string(),
                c.last.format("%Y-%m-%d").to_string(),
                if c.churn.is_some() { "是" } else { "否" }.to_string(),
                c.churn
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                format!("{:.2}", c.value),
            ]
        })
        .collect();
    // Planted: a churn date keyed in before the first purchase.
    rows[4321][6] = "2021-05-01".into();
    rows[4321][5] = "是".into();
    with_bom(csv_bytes(&headers, &rows, true))
}

fn complaint_log(w: &World) -> Vec<u8> {
    let headers = [
        "投诉编号",
        "会员编号",
        "受理时间",
        "投诉渠道",
        "投诉类别",
        "严重程度",
        "门店",
        "首次响应时间",
        "结案时间",
        "处理状态",
        "先行赔偿金额",
        "处理满意度",
    ];
    let mut rows = w.complaints.clone();
    // Planted: an unknown store, and a case closed before it was received.
    rows[100][6] = "无锡惠山店".into();
    let received =
        NaiveDateTime::parse_from_str(&rows[200][2], "%Y-%m-%d %H:%M").expect("we wrote it");
    rows[200][8] = (received - Duration::days(365))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    with_bom(csv_bytes(&headers, &rows, true))
}

fn benchmarks() -> Vec<u8> {
    let headers = ["期间", "指标", "参照", "数值", "量表下限", "量表上限"];
    let mut rows = Vec::new();
    for (i, p) in months().into_iter().enumerate() {
        let drift = i as f64 * 0.005;
        for (measure, reference, v, lo, hi) in [
            ("q10", "行业平均", 3.85 + drift, 1.0, 5.0),
            ("q10", "行业领先", 4.30 + drift, 1.0, 5.0),
            ("q04", "行业平均", 3.70, 1.0, 5.0),
            ("q04", "行业领先", 4.25, 1.0, 5.0),
            ("nps", "行业平均", 18.0 + 10.0 * drift, -100.0, 100.0),
            ("nps", "行业领先", 42.0, -100.0, 100.0),
        ] {
            rows.push(vec![
                p.to_string(),
                measure.into(),
                reference.into(),
                format!("{v:.2}"),
                format!("{lo}"),
                format!("{hi}"),
            ]);
        }
    }
    csv_bytes(&headers, &rows, false)
}

fn actions() -> Vec<u8> {
    let headers = [
        "编号",
        "改进措施",
        "目标指标",
        "门店",
        "责任人",
        "开始日期",
        "完成日期",
        "状态",
    ];
    let rows = [
        [
            "GJ2511-01",
            "送货时段预约制，超时短信自动告知",
            "q04",
            "",
            "物流部 马强",
            "2025-11-10",
            "2026-01-15",
            "已完成",
        ],
        [
            "GJ2512-01",
            "安装工完工自检表与清洁标准",
            "q05",
            "",
            "服务部 郑洁",
            "2025-12-01",
            "2026-02-28",
            "已完成",
        ],
        [
            "GJ2601-01",
            "导购主动服务话术培训",
            "q02",
            "S05",
            "天津河东店 店长",
            "2026-01-05",
            "2026-03-31",
            "已完成",
        ],
        [
            "GJ2603-01",
            "售后48小时回访制度",
            "q03",
            "",
            "客服中心 林芳",
            "2026-03-01",
            "2026-05-31",
            "已完成",
        ],
        [
            "GJ2605-01",
            "投诉首次响应4小时内机制",
            "handling",
            "",
            "客服中心 林芳",
            "2026-05-10",
            "2026-07-31",
            "已完成",
        ],
        [
            "GJ2607-01",
            "样品色差对照卡",
            "q07",
            "S12",
            "昆明西山店 店长",
            "2026-07-01",
            "",
            "进行中",
        ],
        [
            "GJ2609-01",
            "提货区扩容与叫号系统",
            "q09",
            "S08",
            "深圳南山店 店长",
            "2026-09-01",
            "",
            "进行中",
        ],
        [
            "GJ2610-01",
            "南京河西店服务质量专项整改",
            "q10",
            "S03",
            "华东区 区域经理",
            "2026-10-28",
            "",
            "进行中",
        ],
    ];
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect();
    csv_bytes(&headers, &rows, false)
}

/// The demo's README: what each file is, what was planted, which rows are bad on purpose.
pub fn readme(seed: u64, scale: usize) -> String {
    let dims: Vec<String> = DIMENSIONS
        .iter()
        .map(|(id, mu, b)| format!("| {id} | {mu:.1} | {b:.2} |"))
        .collect();
    let args = if scale == 1 {
        format!("--seed {seed}")
    } else {
        format!("--seed {seed} --scale {scale}")
    };
    let customers = N_CUSTOMERS * scale;
    let sized = if scale == 1 {
        String::new()
    } else {
        format!(
            "\nScaled {scale}× for benchmarks: {scale}× the customers, survey respondents, calls, mail forms,\ninterviews and competitor ratings (complaints follow the customers); the same stores,\ncatalogue, months, planted effects and bad rows.\n"
        )
    };
    format!(
        r#"# Demo workspace (generated by `csat demo {args}`)

Do not edit by hand: `csat demo --out data/demo {args}` regenerates every file here
byte for byte (a test checks that it does). Everything is fictional.
{sized}
A furniture chain of 4 regions and 12 stores, {customers} customers in the handbook's four tiers
(忠民, 好顾客, 主力户, 大户), twelve months {FIRST_MONTH} … {LAST_MONTH}.

| file | what it stands for | format |
|---|---|---|
| `raw/wjx_满意度调查_202511-202610.csv` | 问卷星 web survey export, option codes, `-3` = skipped, `(空)` = no comment | GBK CSV, CRLF |
| `raw/电话回访记录.csv` | call-centre follow-up sheet | UTF-8 CSV |
| `raw/邮寄问卷录入.xlsx` | keyed-in paper forms: blanks and `不适用` | XLSX, sheet `录入`, date cells |
| `raw/深入访谈记录.csv` | in-depth interview notes | UTF-8 CSV |
| `raw/竞品对比调查.csv` | market survey rating our brand and two competitors | UTF-8 CSV |
| `raw/投诉登记表.csv` | complaint log | UTF-8 CSV with BOM |
| `raw/顾客档案.csv` | customer file (store, tier, purchases, churn) | UTF-8 CSV with BOM |
| `raw/行业对标.csv` | external benchmarks (industry average, leader) | UTF-8 CSV |
| `raw/持续改进记录表.csv` | improvement actions | UTF-8 CSV |
| `csat.toml` | the workspace configuration | TOML |

## Planted effects (what the analysis should find)
1. **Store drop**: {DROP_STORE} 南京河西店 loses {DROP_SIZE} points (1–5 scale) on every dimension in
   {DROP_MONTH}, through the latent satisfaction of every answer from that store.
2. **Complaints → churn**: yearly churn probability is {c0:.2} without complaints, {c1:.2} when every
   complaint was closed within 3 working days, {c2:.2} when one was closed late and {c3:.2} when one is
   unresolved (about three times the base rate for complainers overall). Churn dates fall 7–120
   days after the first complaint.
3. **Drivers**: overall satisfaction = Σ weight × dimension + noise, with the weights below
   (product and service quality matter most; delivery is important and weakest).
4. **Competitors**: 美居坊 is 0.45 points ahead of us on delivery and 0.10 behind elsewhere;
   家悦汇 is 0.20 behind on everything.
5. **Mode effects**: phone answers are 0.15 points kinder, mail answers 0.10 harsher.
6. **Store baselines**: stores differ by fixed effects between −0.15 (S12) and +0.12 (S08)
   every month, so segment-vs-rest comparisons may show them; nothing else changes from month
   to month.

The drivers model uses the complete answers of the trailing quarter (2026-08 … 2026-10).

| dimension | mean (1–5) | true weight |
|---|---|---|
{dims}

## Rows and answers that are bad on purpose (ingest must reject exactly these)
A bad answer rejects that answer only (the response's other answers count); a bad id, date
or segment rejects the row.

| file | row | rejected | problem |
|---|---|---|---|
| web survey | 序号 401, 5501 | the answer | item 7 (送货准时) = 7 on a 1–5 scale |
| web survey | 序号 1201 | the row | store `苏州园区店` is not in the catalogue |
| web survey | 序号 2301 | the row | submitted `2026/2/30 10:15:00`, not a date |
| phone sheet | 151st call | the row | call time `2026-13-02 09:30`, not a date |
| phone sheet | 901st call | the answer | NPS 11 on a 0–10 scale |
| complaint log | TS00101 | the row | store `无锡惠山店` is not in the catalogue |
| complaint log | TS00201 | the row | closed a year before it was received |
| customer file | M104322 | the row | churn date 2021-05-01 before the first purchase |
"#,
        c0 = CHURN_P[0],
        c1 = CHURN_P[1],
        c2 = CHURN_P[2],
        c3 = CHURN_P[3],
        dims = dims.join("\n"),
    )
}

/// The largest `--scale`: ×1000 is about 6.8 M survey rows and 60 M answers, far past a
/// single machine's monthly volume; beyond it the generator's own memory becomes the limit.
pub const MAX_SCALE: usize = 1000;

/// Generate the demo workspace for `seed`, with every respondent count multiplied by
/// `scale` (1 = the committed demo). Same seed and scale, same bytes.
pub fn generate(seed: u64, scale: usize) -> Result<Vec<DemoFile>, String> {
    if !(1..=MAX_SCALE).contains(&scale) {
        return Err(format!(
            "--scale {scale}: use a whole number from 1 to {MAX_SCALE}"
        ));
    }
    let mut rng = Rng::new(seed);
    let mut customers = make_customers(&mut rng, scale);
    let complaints = make_complaints_and_churn(&mut rng, &mut customers);
    let world = World {
        customers,
        complaints,
        scale,
    };
    let f = |path: &str, bytes: Vec<u8>| DemoFile {
        path: path.to_string(),
        bytes,
    };
    Ok(vec![
        f("README.md", readme(seed, scale).into_bytes()),
        f(
            "csat.toml",
            config_text("raw", "lake", "marts", "reports").into_bytes(),
        ),
        f(
            "raw/wjx_满意度调查_202511-202610.csv",
            web_survey(&mut rng, &world)?,
        ),
        f("raw/电话回访记录.csv", phone_sheet(&mut rng, &world)),
        f("raw/邮寄问卷录入.xlsx", mail_workbook(&mut rng, &world)?),
        f("raw/深入访谈记录.csv", interviews(&mut rng, &world)),
        f("raw/竞品对比调查.csv", competitor_survey(&mut rng, scale)),
        f("raw/投诉登记表.csv", complaint_log(&world)),
        f("raw/顾客档案.csv", customer_file(&world)),
        f("raw/行业对标.csv", benchmarks()),
        f("raw/持续改进记录表.csv", actions()),
    ])
}
