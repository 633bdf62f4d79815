//! What a file looks like, for `csat init`: a profile of each column (how many cells are
//! filled, numbers, dates, two-valued, long text) and a guess of its role (an id, a date, a
//! store, a rating item with its observed range, NPS, a yes/no flag, a comment, personal
//! data). Pure functions over a read table; `cmd::init` turns the guesses into a config.

use super::parse;
use super::read::{Cell, RawTable};
use super::values;

/// What one column holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub index: usize,
    pub header: String,
    pub filled: usize,
    pub distinct: usize,
    /// Cells that are numbers, and of those whole numbers.
    pub numbers: usize,
    pub integers: usize,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// How many cells are 0 (a "not applicable" code on a 1–5 item).
    pub zeros: usize,
    /// Whole numbers from 0 to 10 (the answers of a rating item) and their range: a rating
    /// column with a few keying errors (-3, 44) is still a rating column.
    pub small: usize,
    pub small_min: Option<f64>,
    /// The top of their range, ignoring values held by 1% of them or fewer (a stray 7 on
    /// a 1–5 item is a keying error, not the scale's top).
    pub small_max: Option<f64>,
    /// How many cells hold each whole number 0–10.
    pub small_counts: [usize; 11],
    /// Cells that read as dates or times.
    pub times: usize,
    /// Cells that are answer labels of a 5-point scale (非常满意 … 非常不满意).
    pub labels: usize,
    /// The two values of a two-valued column, in order of first appearance.
    pub two: Option<(String, String)>,
    pub max_len: usize,
    /// Values that look like a phone number, an e-mail address or an IP address.
    pub personal: usize,
    /// Up to five distinct values, in order of first appearance.
    pub sample: Vec<String>,
    /// Every distinct value, when there are at most 60 (for catalogues).
    pub values: Option<Vec<String>>,
}

/// A guess of what a column is.
#[derive(Debug, Clone, PartialEq)]
pub enum Guess {
    /// Unique values under an id-like header.
    Id,
    /// Many repeating values under an id-like header: a reference to something else (the
    /// customer a survey or complaint is about).
    Ref,
    /// Dates and times.
    Time,
    Store,
    Region,
    Tier,
    /// A category with few values (a segment of the report).
    Segment,
    /// A rating item on `[min, max]`; `zero_missing`: 0 is rare on a scale from 1, taken as
    /// "not applicable".
    Rating {
        min: f64,
        max: f64,
        zero_missing: bool,
    },
    /// 0–10 under a recommend-like header.
    Nps,
    /// Answer labels of a 5-point scale.
    Labels,
    /// Two values: a flag (yes/no, 1/0, a two-valued answer).
    Flag(String, String),
    /// A number that is not a rating (an amount, an age, a count).
    Number,
    /// Free text.
    Comment,
    /// Names, phones, e-mail or IP addresses: never mapped.
    Personal,
    /// Nothing csat uses.
    Ignore,
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

fn has_any(header: &str, words: &[&str]) -> bool {
    let h = lower(header);
    words.iter().any(|w| h.contains(w))
}

/// Profile every column of `t` (all its rows).
pub fn profiles(t: &RawTable) -> Vec<Profile> {
    (0..t.headers.len())
        .map(|i| profile(i, &t.headers[i], t.rows.iter().map(|r| r.cells.get(i))))
        .collect()
}

fn profile<'a>(
    index: usize,
    header: &str,
    cells: impl Iterator<Item = Option<&'a Cell>>,
) -> Profile {
    let mut p = Profile {
        index,
        header: header.trim().to_string(),
        filled: 0,
        distinct: 0,
        numbers: 0,
        integers: 0,
        min: None,
        max: None,
        zeros: 0,
        small: 0,
        small_min: None,
        small_max: None,
        small_counts: [0; 11],
        times: 0,
        labels: 0,
        two: None,
        max_len: 0,
        personal: 0,
        sample: Vec::new(),
        values: None,
    };
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut all: Vec<String> = Vec::new();
    let mut counts = [0usize; 11];
    for c in cells.flatten() {
        let text = c.text().trim().to_string();
        // Blank cells and the usual "no answer" codes (问卷星's -3 for a skipped question,
        // `(空)`, 不适用) say nothing about the column's kind.
        if text.is_empty() || crate::config::DEFAULT_MISSING.contains(&text.as_str()) {
            continue;
        }
        p.filled += 1;
        p.max_len = p.max_len.max(text.chars().count());
        if let Ok(Some(x)) = parse::number(c) {
            p.numbers += 1;
            p.integers += usize::from(x.fract() == 0.0);
            p.zeros += usize::from(x == 0.0);
            p.min = Some(p.min.map_or(x, |m: f64| m.min(x)));
            p.max = Some(p.max.map_or(x, |m: f64| m.max(x)));
            if x.fract() == 0.0 && (0.0..=10.0).contains(&x) {
                p.small += 1;
                p.small_min = Some(p.small_min.map_or(x, |m: f64| m.min(x)));
                counts[x as usize] += 1;
            }
        } else if matches!(parse::time(c), Ok(Some(_))) {
            p.times += 1;
        }
        if values::is_scale_label(&text) {
            p.labels += 1;
        }
        if super::privacy::redact(&text) != text {
            p.personal += 1;
        }
        if seen.insert(text.clone()) {
            if p.sample.len() < 5 {
                p.sample.push(text.clone());
            }
            if all.len() <= 60 {
                all.push(text);
            }
        }
    }
    if let Some(top) = (0..=10).rev().find(|&v| counts[v] * 100 > p.small) {
        p.small_max = Some(top as f64);
    }
    p.small_counts = counts;
    p.distinct = seen.len();
    if p.distinct == 2 {
        p.two = Some((all[0].clone(), all[1].clone()));
    }
    if p.distinct <= 60 {
        p.values = Some(all);
    }
    p
}

/// Header words of columns holding personal data (names, phone numbers, e-mail, IP).
const PERSONAL_WORDS: &[&str] = &[
    "姓名", "name", "电话", "手机", "phone", "mobile", "email", "e-mail", "邮箱", "ip",
];
/// Header words of a region column.
const REGION_WORDS: &[&str] = &[
    "区域",
    "大区",
    "region",
    "geography",
    "省份",
    "state",
    "province",
];
/// Header words of a customer tier column.
const TIER_WORDS: &[&str] = &[
    "等级",
    "会员级别",
    "tier",
    "segment",
    "客户类型",
    "customer type",
    "class",
];
/// Header words of a column asking for opinions (a comment).
const COMMENT_WORDS: &[&str] = &[
    "意见",
    "建议",
    "备注",
    "纪要",
    "评论",
    "评价内容",
    "comment",
    "feedback",
    "remark",
    "note",
    "describ",
    "narrative",
    "描述",
    "内容",
];

/// The guess for one profiled column (`rows`: the file's data rows).
pub fn guess(p: &Profile, rows: usize) -> Guess {
    let h = &p.header;
    if p.filled == 0 {
        return Guess::Ignore;
    }
    let most = |n: usize| n * 10 >= p.filled * 9;
    let id_like = has_any(h, &["id", "编号", "序号", "单号", "号码", "no.", "number"]);
    // An id first: a column of unique numbers under an id header is not a phone number,
    // though its digit runs look like one.
    if id_like
        && p.distinct == p.filled
        && p.filled * 10 >= rows * 9
        && !has_any(h, &["电话", "手机", "phone", "mobile", "email", "邮箱"])
    {
        return Guess::Id;
    }
    if has_any(h, PERSONAL_WORDS) && !has_any(h, &["id", "编号", "store", "门店"])
        || p.personal * 2 > p.filled
    {
        return Guess::Personal;
    }
    if most(p.times) && p.numbers * 2 < p.filled {
        return Guess::Time;
    }
    if has_any(h, &["门店", "店铺", "store", "branch", "dealer", "经销商"]) {
        return Guess::Store;
    }
    if has_any(h, REGION_WORDS) {
        return Guess::Region;
    }
    if has_any(h, TIER_WORDS) && p.distinct <= 12 {
        return Guess::Tier;
    }
    // Sentences are comments even when a few of them repeat (a template answer); a header
    // that asks for opinions marks a comment too. Before two-valued flags: two repeated
    // sentences are not a yes/no answer (but "Neutral or dissatisfied" may be one).
    let asks = has_any(h, COMMENT_WORDS);
    let sentences = p
        .sample
        .iter()
        .any(|s| s.contains(['，', '。', '！', '？', '；']));
    if p.max_len >= 8 && (asks || sentences) {
        return Guess::Comment;
    }
    if let Some((a, b)) = &p.two {
        return Guess::Flag(a.clone(), b.clone());
    }
    if most(p.labels) {
        return Guess::Labels;
    }
    if id_like && p.distinct * 2 > p.filled && !most(p.times) {
        return Guess::Ref;
    }
    if let Some(r) = scale_answers(p, id_like) {
        return r;
    }
    if most(p.numbers) {
        return Guess::Number;
    }
    if p.max_len >= 20 {
        return Guess::Comment;
    }
    if p.distinct <= 20 && p.distinct * 5 <= p.filled {
        return Guess::Segment;
    }
    if p.max_len >= 8 {
        return Guess::Comment;
    }
    Guess::Ignore
}

/// Answers of a rating item: whole numbers 0–10 in at least 95% of the cells (the rest
/// are keying errors, rejected answer by answer), an NPS item when its header asks for a
/// recommendation.
fn scale_answers(p: &Profile, id_like: bool) -> Option<Guess> {
    let h = &p.header;
    if p.small * 20 >= p.filled * 19 && p.filled > 0 {
        let (min, max) = (p.small_min.unwrap_or(0.0), p.small_max.unwrap_or(0.0));
        let recommend = has_any(h, &["推荐", "recommend", "nps"]);
        if recommend && min >= 0.0 && max <= 10.0 && max > 5.0 {
            return Some(Guess::Nps);
        }
        if min >= 0.0 && (3.0..=10.0).contains(&max) && p.distinct <= 11 && !id_like {
            // A 0 on an otherwise 1-based short scale is the usual "not applicable" code.
            let zero_missing = min == 0.0 && max <= 7.0 && p.zeros * 5 < p.filled;
            let min = if zero_missing { 1.0 } else { min.min(1.0) };
            return Some(Guess::Rating {
                min,
                max: scale_top(max),
                zero_missing,
            });
        }
    }
    None
}

/// The top of the scale an observed maximum belongs to (a 1–5 item where nobody gave 5 is
/// still 1–5).
fn scale_top(max: f64) -> f64 {
    match max as i64 {
        3..=5 => 5.0,
        6 | 7 => 7.0,
        _ => 10.0,
    }
}

/// What kind of source a file is, from its headers, guesses and name: a benchmark table
/// (a measure, a reference and a value), an improvement-action log (an action and its
/// owner), a customer file (a churn flag or date), a complaint log (two complaint words in
/// its headers, or one and no ratings), a competitor survey (ratings by brand), a survey
/// (ratings; a phone, mail or interview survey when the file's name says so), else a
/// customer file.
pub fn kind_of(file_name: &str, profiles: &[Profile], guesses: &[Guess]) -> &'static str {
    let any =
        |f: &dyn Fn(&Profile, &Guess) -> bool| profiles.iter().zip(guesses).any(|(p, g)| f(p, g));
    let header = |words: &[&str]| profiles.iter().any(|p| has_any(&p.header, words));
    if header(&["参照", "对标", "reference", "benchmark"]) && header(&["指标", "measure", "metric"])
    {
        return "benchmark";
    }
    if header(&["措施", "改进", "action"]) && header(&["责任人", "负责人", "owner"]) {
        return "actions";
    }
    let churn = any(&|p, g| {
        matches!(g, Guess::Flag(..) | Guess::Time)
            && has_any(&p.header, &["churn", "流失", "exited", "attrition"])
    });
    let complaint_words = [
        "投诉",
        "complaint",
        "issue",
        "timely",
        "disputed",
        "受理",
        "结案",
        "赔偿",
    ];
    let complaint = profiles
        .iter()
        .filter(|p| has_any(&p.header, &complaint_words))
        .count();
    let ratings = any(&|_, g| matches!(g, Guess::Rating { .. } | Guess::Nps | Guess::Labels));
    let brand = any(&|p, g| {
        matches!(g, Guess::Segment | Guess::Flag(..) | Guess::Tier)
            && has_any(&p.header, &["品牌", "brand", "竞品", "competitor"])
    });
    let name = lower(file_name);
    let named = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if churn {
        "customers"
    } else if complaint >= 2 || complaint == 1 && !ratings {
        "complaints"
    } else if ratings && brand {
        "competitor"
    } else if ratings && named(&["电话", "回访", "phone", "call"]) {
        "phone"
    } else if ratings && named(&["邮寄", "信函", "mail", "postal"]) {
        "mail"
    } else if ratings && named(&["访谈", "interview"]) {
        "interview"
    } else if ratings {
        "survey"
    } else {
        "customers"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Encoding;
    use crate::ingest::read::read_csv_bytes;

    fn guesses(csv: &str) -> Vec<(String, Guess)> {
        let t = read_csv_bytes(csv.as_bytes(), Encoding::Auto).unwrap();
        let ps = profiles(&t);
        ps.iter()
            .map(|p| (p.header.clone(), guess(p, t.rows.len())))
            .collect()
    }

    #[test]
    fn columns_are_guessed_from_their_headers_and_values() {
        let mut csv = String::from("编号,提交时间,门店,手机,送货,推荐意愿,意见,是否会员,满意\n");
        for i in 0..30 {
            csv.push_str(&format!(
                "{i},2026-10-{:02} 10:00,店{},1381234{:04},{},{},这是第{i}条很长的意见内容,{},{}\n",
                i % 28 + 1,
                i % 3,
                i,
                if i % 7 == 0 { 0 } else { i % 5 + 1 },
                i % 11,
                if i % 2 == 0 { "是" } else { "否" },
                ["非常满意", "满意", "一般"][i % 3]
            ));
        }
        let g = guesses(&csv);
        let by = |h: &str| g.iter().find(|(x, _)| x == h).unwrap().1.clone();
        assert_eq!(by("编号"), Guess::Id);
        assert_eq!(by("提交时间"), Guess::Time);
        assert_eq!(by("门店"), Guess::Store);
        assert_eq!(by("手机"), Guess::Personal);
        assert_eq!(
            by("送货"),
            Guess::Rating {
                min: 1.0,
                max: 5.0,
                zero_missing: true
            }
        );
        assert_eq!(by("推荐意愿"), Guess::Nps);
        assert_eq!(by("意见"), Guess::Comment);
        assert_eq!(by("是否会员"), Guess::Flag("是".into(), "否".into()));
        assert_eq!(by("满意"), Guess::Labels);
    }

    #[test]
    fn no_answer_codes_and_template_sentences_do_not_mislead() {
        let mut csv = String::from("安装规范,留言\n");
        for i in 0..40 {
            // 问卷星's -3 (skipped) in a quarter of the cells; three repeated sentences.
            let score = if i % 4 == 0 {
                "-3".to_string()
            } else {
                (i % 5 + 1).to_string()
            };
            let words = [
                "送货安装都很顺利，点赞！",
                "(空)",
                "送货比约定时间晚了两天，也没有提前通知。",
            ];
            csv.push_str(&format!("{score},{}\n", words[i % 3]));
        }
        let g = guesses(&csv);
        assert_eq!(
            g[0].1,
            Guess::Rating {
                min: 1.0,
                max: 5.0,
                zero_missing: false
            }
        );
        assert_eq!(g[1].1, Guess::Comment);
    }
}
