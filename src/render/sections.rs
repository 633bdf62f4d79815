//! The report's sections for the marts beyond satisfaction and NPS (benchmark, drivers,
//! complaints, complaint → churn or retention, channels), each when its mart exists, read
//! from the typed mart rows.

use crate::config::Lang;
use crate::mart;

use super::charts::AnyChart;
use super::churn_tables;
use super::i18n::{self, Msg};
use super::model::{
    chart_refs, loyalty_table, measure_name, opt, pct, with_charts, Inputs, Section, Table,
};

fn dash() -> String {
    "—".into()
}

fn section(lang: Lang, title: Msg, intro: Msg, tables: Vec<Table>) -> Section {
    Section {
        title: title.text(lang).into(),
        intro: Some(intro.text(lang).into()),
        charts: Vec::new(),
        tables,
        notes: Vec::new(),
    }
}

/// A table whose first column is text and the others numbers.
fn table(header: Vec<String>, rows: Vec<Vec<String>>, text_columns: usize) -> Table {
    Table {
        caption: None,
        align: (0..header.len())
            .map(|i| if i < text_columns { "left" } else { "right" })
            .collect(),
        header,
        muted: vec![false; rows.len()],
        rows,
    }
}

/// Sections for the marts beyond satisfaction and NPS, each when its mart exists.
pub fn extra_sections(inp: &Inputs, charts: &[(String, AnyChart)]) -> Vec<Section> {
    let cfg = inp.cfg;
    let compares = cfg.has_kind(crate::schema::SourceKind::Competitor)
        || cfg.has_kind(crate::schema::SourceKind::Benchmark);
    let mut out = Vec::new();
    if let Some(rows) = inp.marts.benchmark.as_deref().filter(|_| compares) {
        out.push(benchmark_section(inp, rows, charts));
    }
    // No dimensions, no drivers model to speak of (the appendix notes why).
    if let Some(rows) = inp
        .marts
        .drivers
        .as_deref()
        .filter(|_| !cfg.dimensions.is_empty())
    {
        out.push(drivers_section(inp, rows, charts));
    }
    if let Some(rows) = &inp.marts.complaints {
        out.push(complaints_section(inp, rows, charts));
    }
    if let Some(rows) = &inp.marts.complaint_churn {
        out.push(churn_section(inp, rows, charts));
    } else if !cfg.has_survey() && inp.marts.loyalty.is_some() {
        out.push(retention_section(inp, charts));
    }
    if let Some(rows) = inp
        .marts
        .channels
        .as_deref()
        .filter(|_| cfg.survey_channels() > 1)
    {
        out.push(channels_section(inp, rows, charts));
    }
    out
}

fn benchmark_section(
    inp: &Inputs,
    rows: &[mart::Benchmark],
    charts: &[(String, AnyChart)],
) -> Section {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let interval = |lo: Option<f64>, hi: Option<f64>| {
        lo.zip(hi)
            .map(|(a, b)| i18n::interval(a, b, 2))
            .unwrap_or_else(dash)
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                measure_name(cfg, &r.measure, lang),
                cfg.segment_label("brand", &r.brand, lang).to_string(),
                r.n.map(i18n::count).unwrap_or_else(dash),
                opt(Some(r.mean), 2),
                interval(r.ci_low, r.ci_high),
                r.gap
                    .map(|g| match r.gap_basis.as_str() {
                        // A reference on another scale: the gap is on a 0–100 index.
                        "index" => format!(
                            "{} {}",
                            i18n::signed_plus(g, 1),
                            Msg::IndexPoints.text(lang)
                        ),
                        "nps" => i18n::signed_plus(g, 1),
                        _ => i18n::signed_plus(g, 2),
                    })
                    .unwrap_or_else(dash),
                interval(r.gap_ci_low, r.gap_ci_high),
                r.q_value.map(i18n::pvalue).unwrap_or_else(dash),
                r.rank.map(|k| k.to_string()).unwrap_or_else(dash),
            ]
        })
        .collect();
    let header = vec![
        t(Msg::Measure),
        t(Msg::Brand),
        t(Msg::N),
        t(Msg::Mean),
        t(Msg::Ci),
        t(Msg::Gap),
        t(Msg::GapCi),
        t(Msg::QValue),
        t(Msg::Rank),
    ];
    with_charts(
        chart_refs(charts, &["competitor_gaps"]),
        section(
            lang,
            Msg::BenchmarkSection,
            Msg::BenchmarkIntro,
            vec![table(header, cells, 2)],
        ),
    )
}

fn drivers_section(inp: &Inputs, rows: &[mart::Driver], charts: &[(String, AnyChart)]) -> Section {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let q = |x: Option<&str>| match x {
        Some("fix_first") => t(Msg::FixFirst),
        Some("keep_up") => t(Msg::KeepUp),
        Some("low_priority") => t(Msg::LowPriority),
        Some("possible_overkill") => t(Msg::PossibleOverkill),
        _ => dash(),
    };
    let mut sorted: Vec<&mart::Driver> = rows.iter().collect();
    sorted.sort_by(|x, y| {
        y.importance
            .unwrap_or(0.0)
            .total_cmp(&x.importance.unwrap_or(0.0))
    });
    let cells: Vec<Vec<String>> = sorted
        .iter()
        .map(|r| {
            vec![
                measure_name(cfg, &r.attribute, lang),
                opt(r.importance, 1),
                opt(r.r, 2),
                opt(r.performance, 1),
                q(r.quadrant.as_deref()),
            ]
        })
        .collect();
    let header = vec![
        t(Msg::Measure),
        t(Msg::Importance),
        t(Msg::Correlation),
        t(Msg::Performance),
        t(Msg::Quadrant),
    ];
    let mut tab = table(header, cells, 1);
    tab.align[4] = "left";
    let mut s = section(lang, Msg::DriversSection, Msg::DriversIntro, vec![tab]);
    s.charts = chart_refs(charts, &["drivers_quadrant"]);
    // A model that could not be estimated says why, in words, where the chart would be.
    if rows.iter().all(|r| r.importance.is_none()) {
        s.notes.extend(
            inp.notes
                .iter()
                .filter(|n| n.starts_with("drivers "))
                .cloned(),
        );
    }
    if let Some((n, r2)) = rows.first().and_then(|r| Some((r.model_n, r.model_r2?))) {
        s.notes.push(format!(
            "{}: n = {}, R² = {:.3}",
            t(Msg::ModelFit),
            i18n::count(n),
            r2
        ));
    }
    s
}

fn complaints_section(
    inp: &Inputs,
    rows: &[mart::Complaints],
    charts: &[(String, AnyChart)],
) -> Section {
    let lang = inp.lang;
    let t = |m: Msg| m.text(lang).to_string();
    let ct = i18n::CommitmentText::new(inp.cfg.commitments, lang);
    // Only what the log records: a share that cannot be measured is no column (and a
    // note says why), never 0%.
    let all = rows.iter().find(|r| r.segment == "all");
    let measured =
        |n: fn(&mart::Complaints) -> Option<usize>| all.and_then(n).is_some_and(|v| v > 0);
    let (has_resp, has_close, has_disp) = (
        measured(|r| r.responded_in_time_n),
        measured(|r| r.closed_in_time_n),
        measured(|r| r.disputed_n),
    );
    type Share = fn(&mart::Complaints) -> Option<f64>;
    let shares: Vec<(String, Share)> = [
        (
            has_resp,
            ct.responded_header(),
            (|r| r.responded_in_time_share) as Share,
        ),
        (has_close, ct.closed_header(), |r| r.closed_in_time_share),
        (has_disp, t(Msg::Disputed), |r| r.disputed_share),
    ]
    .into_iter()
    .filter(|(on, _, _)| *on)
    .map(|(_, h, f)| (h, f))
    .collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| r.segment == "category" || r.segment == "all")
        .map(|r| {
            let mut row = vec![
                if r.segment == "all" {
                    t(Msg::AllCustomers)
                } else {
                    r.segment_value.clone()
                },
                i18n::count(r.count),
                pct(Some(r.share)),
                pct(Some(r.cum_share)),
                format!(
                    "{} / {}",
                    opt(r.first_response_p50_h, 1),
                    opt(r.first_response_p90_h, 1)
                ),
                format!(
                    "{} / {}",
                    opt(r.resolution_p50_days, 1),
                    opt(r.resolution_p90_days, 1)
                ),
            ];
            row.extend(shares.iter().map(|(_, f)| pct(f(r))));
            row
        })
        .collect();
    let mut header = vec![
        t(Msg::Category),
        t(Msg::Count),
        t(Msg::Share),
        t(Msg::CumShare),
        t(Msg::Response),
        ct.close_percentiles_header(),
    ];
    header.extend(shares.iter().map(|(h, _)| h.clone()));
    let mut s = Section {
        title: t(Msg::ComplaintsSection),
        intro: Some(ct.intro()),
        charts: chart_refs(charts, &["complaints_pareto", "complaint_times"]),
        tables: vec![table(header, cells, 1)],
        notes: Vec::new(),
    };
    if !has_resp {
        s.notes.push(t(Msg::ResponseNotRecorded));
    }
    if !has_close {
        s.notes.push(t(Msg::CloseNotRecorded));
    }
    s.notes.extend(not_yet_due_notes(all, lang));
    s
}

/// Complaints whose commitment had not run out by the log's last recorded event are
/// neither met nor failed: said, with their number.
fn not_yet_due_notes(all: Option<&mart::Complaints>, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    for (k, zh, en) in [
        (
            all.and_then(|r| r.responded_not_yet_due),
            "尚未回复",
            "not yet answered",
        ),
        (
            all.and_then(|r| r.closed_not_yet_due),
            "尚未结案",
            "still open",
        ),
    ] {
        let k = k.unwrap_or(0);
        if k > 0 {
            notes.push(match lang {
                Lang::Zh => format!("{k} 件投诉{zh}、但承诺时限在投诉记录的最后日期尚未届满：不计入达标率的分母（既非达标也非超时）。"),
                Lang::En => format!("{k} complaints {en} whose commitment had not run out by the log's last recorded date are left out of the share met (neither met nor missed)."),
            });
        }
    }
    notes
}

fn churn_section(
    inp: &Inputs,
    rows: &[mart::ComplaintChurn],
    charts: &[(String, AnyChart)],
) -> Section {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let label = |x: &str| match x {
        "none" => t(Msg::GroupNone),
        "any" => t(Msg::GroupAny),
        "closed_within_commitment" => t(Msg::GroupWithin),
        "closed_late" => t(Msg::GroupLate),
        "unresolved" => t(Msg::GroupUnresolved),
        other => other
            .split_once(':')
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| other.to_string()),
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                label(&r.group),
                i18n::count(r.customers),
                i18n::count(r.churned),
                pct(r.churn_rate),
                r.ci_low
                    .zip(r.ci_high)
                    .map(|(a, b)| format!("{}–{}", i18n::percent(a), i18n::percent(b)))
                    .unwrap_or_else(dash),
                r.rr_vs_none.map(|v| format!("{v:.2}")).unwrap_or_else(dash),
                r.rr_ci_low
                    .zip(r.rr_ci_high)
                    .map(|(a, b)| format!("{a:.2}–{b:.2}"))
                    .unwrap_or_else(dash),
                r.p_value.map(i18n::pvalue).unwrap_or_else(dash),
            ]
        })
        .collect();
    let header = vec![
        t(Msg::Group),
        t(Msg::Customers),
        t(Msg::Churned),
        t(Msg::ChurnRate),
        t(Msg::Ci),
        t(Msg::RelativeRisk),
        t(Msg::Ci),
        t(Msg::PValue),
    ];
    let mut s = section(
        lang,
        Msg::ChurnSection,
        Msg::ChurnIntro,
        vec![table(header, cells, 1)],
    );
    s.charts = chart_refs(charts, &["survival"]);
    if !cfg.has_survey() {
        // Without a survey the churn by segment stands here (else in the loyalty table).
        s.tables.extend(loyalty_table(inp));
    }
    s.tables.extend(churn_tables::model_table(inp));
    s.tables.extend(churn_tables::hazard_table(inp));
    s.notes.extend(churn_tables::hazard_note(inp));
    s.notes.extend(
        inp.notes
            .iter()
            .filter(|n| n.starts_with("survival ") || n.starts_with("churn model "))
            .cloned(),
    );
    s
}

/// A customer file alone: churn and retention by segment, and the retention curve.
fn retention_section(inp: &Inputs, charts: &[(String, AnyChart)]) -> Section {
    let mut s = section(
        inp.lang,
        Msg::RetentionSection,
        Msg::RetentionIntro,
        loyalty_table(inp).into_iter().collect(),
    );
    s.charts = chart_refs(charts, &["survival"]);
    s.notes.extend(
        inp.notes
            .iter()
            .filter(|n| n.starts_with("survival "))
            .cloned(),
    );
    s
}

fn channels_section(
    inp: &Inputs,
    rows: &[mart::Channel],
    charts: &[(String, AnyChart)],
) -> Section {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                cfg.segment_label("channel", &r.channel, lang).to_string(),
                i18n::count(r.responses),
                r.invitations
                    .map(|v| i18n::count(v as usize))
                    .unwrap_or_else(dash),
                pct(r.response_rate),
                opt(r.mean, 2),
                r.ci_low
                    .zip(r.ci_high)
                    .map(|(a, b)| i18n::interval(a, b, 2))
                    .unwrap_or_else(dash),
                r.diff_vs_reference
                    .map(|d| i18n::signed_plus(d, 2))
                    .unwrap_or_else(dash),
                r.q_value.map(i18n::pvalue).unwrap_or_else(dash),
            ]
        })
        .collect();
    let header = vec![
        t(Msg::Channel),
        t(Msg::N),
        t(Msg::Invitations),
        t(Msg::ResponseRate),
        t(Msg::Mean),
        t(Msg::Ci),
        t(Msg::DiffVsReference),
        t(Msg::QValue),
    ];
    with_charts(
        chart_refs(charts, &["channels_trend", "satisfaction_by_channel"]),
        section(
            lang,
            Msg::ChannelsSection,
            Msg::ChannelsIntro,
            vec![table(header, cells, 1)],
        ),
    )
}
