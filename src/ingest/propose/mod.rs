//! From a file's column guesses ([`super::infer`]) to a proposed source: its kind, which
//! column is which canonical field, the questionnaire items with their scales, the custom
//! fields, catalogues, and the open points a person must decide (`TODO`s). `cmd::init`
//! writes the proposal as a commented `csat.toml`.

use super::infer::{self, Guess, Profile};
use super::read::RawTable;
use std::collections::BTreeMap;

mod logs;
mod questions;

use logs::{actions, benchmark, complaints, customers};
pub use questions::{merge_items, question_text};

/// Columns a survey platform adds about the response rather than the customer's answers
/// (whole headers, compared without case): neither items nor segments.
const PLATFORM_META: &[&str] = &[
    "所用时间",
    "答题时长",
    "来源",
    "来源详情",
    "来自ip",
    "ip",
    "开始答题时间",
    "总分",
    "status",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "recorded date",
    "responseid",
    "response id",
    "distributionchannel",
    "distribution channel",
    "userlanguage",
    "user language",
    "startdate",
    "start date",
    "ipaddress",
    "ip address",
    "locationlatitude",
    "locationlongitude",
    "location latitude",
    "location longitude",
    "collector id",
    "start date (utc)",
    "lastpage",
    "startlanguage",
    "seed",
    "datestamp",
];

/// A questionnaire item proposed from a column.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemPlan {
    pub id: String,
    pub header: String,
    pub min: f64,
    pub max: f64,
    /// rating, nps, overall or comment.
    pub role: &'static str,
    /// Answer codes that mean "no answer" for this item (`0` on a 1–5 item).
    pub missing: Vec<String>,
    /// A value map for two-valued answers (`satisfied` → 1).
    pub values: Vec<(String, f64)>,
    pub note: Option<String>,
}

/// A custom field (`[[fields]]`) proposed from a column.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPlan {
    pub id: String,
    pub header: String,
    /// segment or number.
    pub ty: &'static str,
}

/// One file as a source.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourcePlan {
    pub name: String,
    pub kind: &'static str,
    pub file_name: String,
    pub preset: &'static str,
    pub encoding: &'static str,
    /// Canonical field → header (or `@line`).
    pub columns: Vec<(String, String)>,
    pub items: Vec<ItemPlan>,
    pub fields: Vec<FieldPlan>,
    /// Segment → the values seen (for a catalogue).
    pub catalogs: Vec<(String, Vec<String>)>,
    /// `period = …` for a file without a date column, with why.
    pub period: Option<(String, String)>,
    /// Columns left out, with why (personal data, nothing csat uses).
    pub skipped: Vec<(String, String)>,
    /// Open points a person must decide.
    pub todos: Vec<String>,
    /// Suggested churn-model controls (customer files).
    pub controls: Vec<String>,
}

/// A lake-safe id from a header: its ASCII letters and digits in lower case, `_` between
/// words; `fallback` when the header has none (a Chinese header).
pub fn slug(header: &str, fallback: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in header.chars() {
        if c.is_ascii_alphanumeric() {
            // CamelCase words are separated too: SatisfactionScore → satisfaction_score.
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            prev_lower = false;
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        fallback.to_string()
    } else {
        out
    }
}

pub(crate) fn has(h: &str, words: &[&str]) -> bool {
    let h = h.to_lowercase();
    words.iter().any(|w| h.contains(w))
}

/// Whether the first of two answers is the positive one ("satisfied", "yes", "是", "1").
fn positive_first(a: &str, b: &str) -> bool {
    let pos = |s: &str| {
        let s = s.to_lowercase();
        let negative = s.contains("dis")
            || s.contains("不")
            || s.contains("未")
            || s == "no"
            || s == "0"
            || s == "否"
            || s.contains("neutral");
        !negative
            && (s.contains("satisf")
                || s.contains("满意")
                || s == "yes"
                || s == "1"
                || s == "是"
                || s == "true"
                || s == "y")
    };
    pos(a) || !pos(b)
}

/// The month in a file's name, as `from-file-name` can read it, if any.
fn month_in_name(name: &str) -> bool {
    super::parse::month_in_name(name).is_ok()
}

/// Propose a source for the file `file_name` read as `t` (its layout `preset`);
/// `last_month`: the month to date a file without dates by, when its name has none.
pub fn propose(
    file_name: &str,
    t: &RawTable,
    preset: super::preset::Preset,
    meta: &BTreeMap<&'static str, usize>,
    last_month: &str,
    item_base: usize,
) -> SourcePlan {
    let profiles = infer::profiles(t);
    let guesses: Vec<Guess> = profiles
        .iter()
        .map(|p| infer::guess(p, t.rows.len()))
        .collect();
    let kind = infer::kind_of(file_name, &profiles, &guesses);
    let stem = std::path::Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut plan = SourcePlan {
        name: slug(&stem, kind),
        kind,
        file_name: file_name.to_string(),
        preset: preset.name(),
        encoding: t.encoding,
        ..SourcePlan::default()
    };
    let cols: Vec<(&Profile, &Guess)> = profiles.iter().zip(&guesses).collect();
    match kind {
        "complaints" => complaints(&mut plan, &cols),
        "customers" => customers(&mut plan, &cols),
        "benchmark" => benchmark(&mut plan, &cols),
        "actions" => actions(&mut plan, &cols),
        _ => survey(&mut plan, &cols, meta, item_base),
    }
    date_if_needed(&mut plan, file_name, last_month);
    plan
}

/// Leave the column `p` out, with why: personal data, a reference to another record, or
/// nothing csat uses.
pub(crate) fn skip(plan: &mut SourcePlan, p: &Profile, g: &Guess) {
    let why = match g {
        Guess::Personal => "personal data: never read",
        Guess::Ref => "repeating ids (a reference to another record): not used",
        _ => "not used (no role guessed)",
    };
    plan.skipped.push((p.header.clone(), why.into()));
}

/// Map `field` to the column `p`, and catalogue its values when they are few.
pub(crate) fn map(plan: &mut SourcePlan, field: &str, p: &Profile) {
    plan.columns.push((field.to_string(), p.header.clone()));
    if matches!(field, "store" | "region" | "tier" | "brand") {
        if let Some(v) = &p.values {
            plan.catalogs.push((field.to_string(), v.clone()));
        }
    }
}

pub(crate) fn custom(plan: &mut SourcePlan, p: &Profile, ty: &'static str) {
    let mut id = slug(&p.header, &format!("field_{}", p.index + 1));
    // Not a built-in name (a column called Tenure is not csat's derived tenure).
    if crate::config::reserved_field_ids().contains(id.as_str()) {
        id.push_str("_col");
    }
    plan.fields.push(FieldPlan {
        id: id.clone(),
        header: p.header.clone(),
        ty,
    });
    plan.columns.push((id, p.header.clone()));
}

fn survey(
    plan: &mut SourcePlan,
    cols: &[(&Profile, &Guess)],
    meta: &BTreeMap<&'static str, usize>,
    item_base: usize,
) {
    let platform = plan.preset != "generic";
    let mut n = item_base;
    let mut next_id = || {
        n += 1;
        format!("q{n:02}")
    };
    for (p, g) in cols {
        let h = p.header.as_str();
        if let Some((field, _)) = meta.iter().find(|(_, c)| **c == p.index) {
            let why = format!("read by the {} layout as {field}", plan.preset);
            plan.skipped.push((h.to_string(), why));
            continue;
        }
        if platform && PLATFORM_META.contains(&h.trim().to_lowercase().as_str()) {
            let why = format!("{} metadata about the response, not an answer", plan.preset);
            plan.skipped.push((h.to_string(), why));
            continue;
        }
        let customer_words = ["会员", "customer", "客户", "member"];
        match g {
            // The customer a response is about: repeating ids, or unique ones once the
            // response has its own id.
            Guess::Id | Guess::Ref
                if has(h, &customer_words)
                    && !plan.columns.iter().any(|c| c.0 == "customer_id")
                    && (**g == Guess::Ref
                        || platform
                        || plan.columns.iter().any(|c| c.0 == "response_id")) =>
            {
                map(plan, "customer_id", p)
            }
            Guess::Id if !platform && !plan.columns.iter().any(|c| c.0 == "response_id") => {
                if has(h, &customer_words) {
                    map(plan, "customer_id", p);
                } else {
                    map(plan, "response_id", p);
                }
            }
            Guess::Time if !platform && !plan.columns.iter().any(|c| c.0 == "survey_time") => {
                map(plan, "survey_time", p)
            }
            Guess::Segment | Guess::Flag(..) | Guess::Tier
                if plan.kind == "competitor"
                    && has(h, &["品牌", "brand", "竞品", "competitor"]) =>
            {
                map(plan, "brand", p)
            }
            _ if !platform
                && has(
                    h,
                    &["专员", "访谈员", "调查员", "坐席", "interviewer", "agent"],
                ) =>
            {
                map(plan, "interviewer", p)
            }
            Guess::Store => map(plan, "store", p),
            Guess::Region => map(plan, "region", p),
            Guess::Tier | Guess::Segment => custom(plan, p, "segment"),
            Guess::Rating { .. } | Guess::Labels | Guess::Nps | Guess::Comment => {
                let it = item(p, g, next_id());
                plan.items.push(it);
            }
            Guess::Flag(a, b) if has(h, &["satisf", "满意", "overall", "总体"]) => {
                let it = yes_no_item(p, a, b, next_id());
                plan.items.push(it);
            }
            Guess::Flag(..) => custom(plan, p, "segment"),
            _ => skip(plan, p, g),
        }
    }
    pick_overall(plan);
    if !platform && !plan.columns.iter().any(|c| c.0 == "response_id") {
        plan.columns
            .push(("response_id".into(), crate::schema::LINE.into()));
        plan.todos
            .push("no id column: each row is a response numbered by its line".into());
    }
}

/// The questionnaire item for a rating, label, NPS or comment column.
fn item(p: &Profile, g: &Guess, id: String) -> ItemPlan {
    let (min, max, role, missing, note) = match g {
        Guess::Rating {
            min,
            max,
            zero_missing,
        } => (
            *min,
            *max,
            "rating",
            if *zero_missing {
                vec!["0".into()]
            } else {
                Vec::new()
            },
            rating_note(p, *zero_missing, *max),
        ),
        Guess::Labels => (
            1.0,
            5.0,
            "rating",
            Vec::new(),
            Some(
                "answers are 5-point labels (非常满意 … 非常不满意): read with the built-in scale"
                    .into(),
            ),
        ),
        Guess::Nps => (0.0, 10.0, "nps", Vec::new(), None),
        _ => (0.0, 0.0, "comment", Vec::new(), None),
    };
    ItemPlan {
        id,
        header: p.header.clone(),
        min,
        max,
        role,
        missing,
        values: Vec::new(),
        note,
    }
}

/// A two-valued satisfaction answer as a 0/1 item (its mean is the share positive).
fn yes_no_item(p: &Profile, a: &str, b: &str, id: String) -> ItemPlan {
    let (yes, no) = if positive_first(a, b) { (a, b) } else { (b, a) };
    ItemPlan {
        id,
        header: p.header.clone(),
        min: 0.0,
        max: 1.0,
        role: "rating",
        missing: Vec::new(),
        values: vec![(yes.to_string(), 1.0), (no.to_string(), 0.0)],
        note: Some(format!(
            "a yes/no answer: `{yes}` = 1, `{no}` = 0 (its share is the share `{yes}`)"
        )),
    }
}

/// What a person should know about a proposed rating item: a 0 taken as "not applicable",
/// answers above the scale's top that will be rejected.
fn rating_note(p: &Profile, zero_missing: bool, max: f64) -> Option<String> {
    let mut notes = Vec::new();
    if zero_missing {
        notes.push(format!("0 appears in {} of {} answers: taken as \"not applicable\"; remove missing if 0 is a real answer", p.zeros, p.filled));
    }
    let strays: usize = (0..=10)
        .filter(|&v| v as f64 > max)
        .map(|v| p.small_counts[v])
        .sum();
    if strays > 0 {
        notes.push(format!("{strays} answers above {max} look like keying errors and will be rejected answer by answer; widen the scale if they are real"));
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// The overall item: the rating whose header says overall/satisfaction, else the last
/// rating (marked TODO).
fn pick_overall(plan: &mut SourcePlan) {
    let rated = |i: &ItemPlan| i.role == "rating";
    let by_header = plan.items.iter().position(|i| {
        rated(i)
            && has(
                &i.header,
                &["总体", "整体", "overall", "satisfaction", "满意度"],
            )
            && !has(&i.header, &["dis"])
    });
    let chosen = by_header.or_else(|| plan.items.iter().rposition(rated));
    if let Some(i) = chosen {
        plan.items[i].role = "overall";
        if by_header.is_none() {
            plan.todos.push(format!(
                "no item says it is the overall satisfaction; `{}` is taken as overall: move role = \"overall\" to the right item",
                plan.items[i].header
            ));
        }
    } else {
        plan.todos.push("no rating item found: map the questionnaire's items in [[questionnaire.items]] and [sources.items]".into());
    }
}

/// A file without a date column is dated by the month in its name, else by `last_month`
/// (marked TODO).
fn date_if_needed(plan: &mut SourcePlan, file_name: &str, last_month: &str) {
    let time_field = match plan.kind {
        "survey" | "phone" | "mail" | "interview" | "competitor" => Some("survey_time"),
        "complaints" => Some("received_at"),
        _ => None,
    };
    // Customer files, benchmark tables and action logs are dated by their own columns.
    let Some(f) = time_field else {
        return;
    };
    let dated =
        plan.preset != "generic" && f == "survey_time" || plan.columns.iter().any(|c| c.0 == f);
    if dated {
        return;
    }
    if month_in_name(file_name) {
        plan.period = Some((
            crate::config::FROM_FILE_NAME.into(),
            "the file has no date column; its month is taken from its name".into(),
        ));
    } else {
        plan.period = Some((
            last_month.into(),
            format!("TODO: the file has no date column: set the month it covers (taken as {last_month})"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, header: &str, role: &'static str) -> ItemPlan {
        ItemPlan {
            id: id.into(),
            header: header.into(),
            min: 1.0,
            max: 5.0,
            role,
            missing: Vec::new(),
            values: Vec::new(),
            note: None,
        }
    }

    fn plan(items: Vec<ItemPlan>) -> SourcePlan {
        SourcePlan {
            name: "s".into(),
            kind: "survey",
            file_name: "s.csv".into(),
            preset: "generic",
            encoding: "utf-8",
            items,
            ..SourcePlan::default()
        }
    }

    #[test]
    fn slugs_are_lake_safe_ids() {
        assert_eq!(slug("SatisfactionScore", "f"), "satisfaction_score");
        assert_eq!(slug("Call  Failure", "f"), "call_failure");
        assert_eq!(slug("会员等级", "field_3"), "field_3");
        assert_eq!(slug("3、类别", "field_3"), "field_3");
        assert_eq!(question_text("13、总体满意度"), "总体满意度");
        assert_eq!(question_text("Q10总体满意"), "总体满意");
        assert_eq!(question_text("Quality"), "Quality");
        assert_eq!(question_text("2024"), "2024");
    }

    #[test]
    fn one_questionnaire_across_files() {
        let mut plans = vec![
            plan(vec![
                item("q01", "4、导购人员热情友好", "rating"),
                item("q02", "9、价格合理", "rating"),
                item("q03", "13、总体满意度", "overall"),
            ]),
            plan(vec![
                item("q01", "Q1热情友好", "rating"),
                item("q02", "价格", "rating"),
                item("q03", "Q10总体满意", "overall"),
                item("q04", "备注", "comment"),
            ]),
        ];
        merge_items(&mut plans);
        let ids = |p: &SourcePlan| p.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&plans[0]), ["q01", "q02", "q03"]);
        // 热情友好 is in 导购人员热情友好; 价格 (two characters) is too short to tell; the
        // overall items are one item whatever their words.
        assert_eq!(ids(&plans[1]), ["q01", "q04", "q03", "q05"]);
    }

    #[test]
    fn a_rating_note_counts_the_answers_above_the_scale() {
        let mut csv = String::from("送货\n");
        for i in 0..200 {
            csv.push_str(&format!("{}\n", if i < 2 { 7 } else { i % 5 + 1 }));
        }
        let t = super::super::read::read_csv_bytes(csv.as_bytes(), crate::config::Encoding::Auto)
            .unwrap();
        let p = &infer::profiles(&t)[0];
        assert_eq!(
            infer::guess(p, 200),
            Guess::Rating {
                min: 1.0,
                max: 5.0,
                zero_missing: false
            }
        );
        let note = rating_note(p, false, 5.0).unwrap();
        assert!(note.starts_with("2 answers above 5"), "{note}");
        assert_eq!(rating_note(p, false, 7.0), None);
    }
}
