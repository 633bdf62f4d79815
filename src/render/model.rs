//! The report as data: headline figures, sections, tables of formatted cells, built from
//! the marts and the ingest ledger in one language. The PDF (Typst template) and the HTML
//! page both render this one model, so they always say the same thing; `summary.json`
//! carries the same headline numbers unformatted.

use serde::Serialize;

use crate::config::{Config, Lang};
use crate::frame::{self, DataFrame};
use crate::mart::{self, MartSet};
use crate::period::Period;

use super::charts::AnyChart;
use super::i18n::{self, Msg};
use super::RenderError;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub lang: &'static str,
    pub title: String,
    pub org: String,
    pub period: String,
    pub period_long: String,
    pub logo: Option<String>,
    /// Accent colour `#rrggbb` (`[report] accent`).
    pub accent: String,
    /// Label/value pairs on the cover.
    pub cover: Vec<(String, String)>,
    pub contents: String,
    pub headlines_title: String,
    pub headlines: Vec<Headline>,
    /// The executive summary: findings ranked by importance (see `findings.rs`).
    pub findings_title: String,
    pub findings: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Headline {
    pub label: String,
    pub value: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Section {
    pub title: String,
    pub intro: Option<String>,
    /// The section's charts, in order.
    pub charts: Vec<ChartRef>,
    pub tables: Vec<Table>,
    pub notes: Vec<String>,
}

/// A chart drawn in a section: its SVG inside the report bundle, caption and width.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChartRef {
    /// `/charts/<name>.svg`.
    pub path: String,
    pub caption: String,
    /// Width on the A4 page in cm: the text width (17 cm), less for tall charts so that
    /// none is taller than 21 cm.
    pub width_cm: f64,
}

pub(super) fn with_charts(charts: Vec<ChartRef>, mut s: Section) -> Section {
    s.charts = charts;
    s
}

/// The charts of `names` that exist in `charts`, in that order.
pub fn chart_refs(charts: &[(String, AnyChart)], names: &[&str]) -> Vec<ChartRef> {
    names
        .iter()
        .filter_map(|n| charts.iter().find(|(c, _)| c == n))
        .map(|(name, c)| {
            let (w, h) = c.size();
            ChartRef {
                path: format!("/charts/{name}.svg"),
                caption: c.title().to_string(),
                width_cm: (21.0 * w as f64 / h as f64).min(17.0),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Table {
    pub caption: Option<String>,
    pub header: Vec<String>,
    /// "left" for text columns, "right" for numbers.
    pub align: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Rows shown greyed out (suppressed cells).
    pub muted: Vec<bool>,
}

/// The headline numbers, unformatted, for `summary.json` and schedulers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub period: String,
    /// Language of the findings.
    pub lang: &'static str,
    /// The executive summary's findings, ranked, exactly as the report prints them.
    pub findings: Vec<String>,
    pub data_as_of: String,
    pub generated_on: String,
    pub responses: usize,
    pub overall: Option<MeanSummary>,
    pub nps: Option<NpsSummary>,
    pub regions: Vec<RegionSummary>,
    pub rows_read: usize,
    pub rows_accepted: usize,
    pub rows_rejected: usize,
    /// Rows given up for a newer version in another file of their source (`rows_read =
    /// rows_accepted + rows_rejected + rows_superseded`).
    pub rows_superseded: usize,
    /// Answers rejected on their own in accepted rows.
    pub answers_rejected: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MeanSummary {
    pub item: String,
    pub n: usize,
    pub mean: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NpsSummary {
    pub n: usize,
    pub nps: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RegionSummary {
    pub region: String,
    pub n: usize,
    pub mean: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub suppressed: bool,
}

/// The inputs of one report.
pub struct Inputs<'a> {
    pub cfg: &'a Config,
    pub lang: Lang,
    pub period: Period,
    /// The marts of the period (the survey's when the workspace has a survey).
    pub marts: &'a MartSet,
    pub ledger: Option<&'a DataFrame>,
    pub rejects: Option<&'a DataFrame>,
    /// Notes of the analysis (e.g. a year without a holiday calendar).
    pub notes: Vec<String>,
    pub generated_on: String,
}

/// A mart read back into rows (the subset of columns the report uses).
#[derive(Debug, Clone)]
pub(super) struct SatCell {
    pub(super) segment: String,
    pub(super) value: String,
    pub(super) measure: String,
    pub(super) n: usize,
    pub(super) mean: f64,
    pub(super) ci: Option<(f64, f64)>,
    pub(super) top2: Option<(f64, f64, f64)>,
    pub(super) index: f64,
    pub(super) suppressed: bool,
    /// Change vs last month, its q-value, and whether it is significant.
    pub(super) delta: Option<f64>,
    pub(super) q: Option<f64>,
    pub(super) significant: bool,
    /// Against the rest of the company: the difference, its q-value and significance.
    pub(super) rest_delta: Option<f64>,
    pub(super) rest_q: Option<f64>,
    pub(super) rest_significant: bool,
}

#[derive(Debug, Clone)]
pub(super) struct NpsCell {
    pub(super) segment: String,
    pub(super) value: String,
    pub(super) n: usize,
    pub(super) promoters: usize,
    pub(super) passives: usize,
    pub(super) detractors: usize,
    pub(super) nps: f64,
    pub(super) ci: (f64, f64),
    pub(super) suppressed: bool,
}

pub(super) fn col_err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Data(format!(
        "a mart lacks a column the report needs ({e}); run `csat analyze` again"
    ))
}

/// Whether a mart row is an unweighted figure (marts carry raked rows too when weighting is
/// configured; the report shows the unweighted ones and says so).
fn unweighted(weighting: &str) -> bool {
    weighting != "raked"
}

/// The satisfaction cells of the report (none without a satisfaction mart).
pub(super) fn sat_of(inp: &Inputs) -> Result<Vec<SatCell>, RenderError> {
    Ok(inp
        .marts
        .satisfaction
        .as_deref()
        .map(sat_cells)
        .unwrap_or_default())
}

/// The NPS cells of the report (none without an NPS mart).
pub(super) fn nps_of(inp: &Inputs) -> Result<Vec<NpsCell>, RenderError> {
    Ok(inp.marts.nps.as_deref().map(nps_cells).unwrap_or_default())
}

pub(super) fn sat_cells(rows: &[mart::Satisfaction]) -> Vec<SatCell> {
    rows.iter()
        .filter(|r| unweighted(&r.weighting))
        .map(|r| SatCell {
            delta: r.delta,
            q: r.q_value,
            significant: r.significant == Some(true),
            rest_delta: r.vs_rest_delta,
            rest_q: r.vs_rest_q_value,
            rest_significant: r.vs_rest_significant == Some(true),
            segment: r.segment.clone(),
            value: r.segment_value.clone(),
            measure: r.measure.clone(),
            n: r.n,
            mean: r.mean,
            ci: r.ci_low.zip(r.ci_high),
            top2: r
                .top2box
                .zip(r.top2box_ci_low)
                .zip(r.top2box_ci_high)
                .map(|((a, b), c)| (a, b, c)),
            index: r.index,
            suppressed: r.suppressed,
        })
        .collect()
}

pub(super) fn nps_cells(rows: &[mart::Nps]) -> Vec<NpsCell> {
    rows.iter()
        .filter(|r| unweighted(&r.weighting))
        .map(|r| NpsCell {
            segment: r.segment.clone(),
            value: r.segment_value.clone(),
            n: r.n,
            promoters: r.promoters,
            passives: r.passives,
            detractors: r.detractors,
            nps: r.nps,
            ci: (r.ci_low, r.ci_high),
            suppressed: r.suppressed,
        })
        .collect()
}

/// The header of the top-box column: "top-2-box" when every rated item has a scale of five
/// points or more; else a name that also fits a short scale's top point (the share yes of a
/// yes/no item), explained in the appendix.
fn top_box_header(cfg: &Config, lang: Lang) -> String {
    match short_scales(cfg) {
        false => Msg::Top2Box.text(lang).into(),
        true => Msg::TopBox.text(lang).into(),
    }
}

/// Whether some rated item has a scale of fewer than five points.
pub(super) fn short_scales(cfg: &Config) -> bool {
    cfg.items
        .iter()
        .filter(|i| {
            !matches!(
                i.role,
                crate::config::Role::Comment | crate::config::Role::Nps
            )
        })
        .any(|i| crate::metrics::stats::top_box_points(i.min, i.max) == 1)
}

/// The overall item; a workspace without a survey (which may have no questionnaire) gets
/// an unnamed stand-in that matches no answer, since no survey section is built there.
pub(super) fn overall_item(cfg: &Config) -> &crate::config::Item {
    static NONE: std::sync::OnceLock<crate::config::Item> = std::sync::OnceLock::new();
    cfg.items_with_role(crate::config::Role::Overall)
        .next()
        .unwrap_or_else(|| {
            NONE.get_or_init(|| crate::config::Item {
                id: String::new(),
                zh: String::new(),
                en: String::new(),
                dimension: None,
                min: 1.0,
                max: 5.0,
                role: crate::config::Role::Overall,
                values: Default::default(),
                reverse: false,
                missing: Vec::new(),
            })
        })
}

fn period_long(p: Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{} 年 {} 月", p.year, p.month),
        Lang::En => {
            const M: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            format!("{} {}", M[p.month as usize - 1], p.year)
        }
    }
}

pub(super) fn ci_text(ci: Option<(f64, f64)>, decimals: usize) -> String {
    ci.map(|(a, b)| i18n::interval(a, b, decimals))
        .unwrap_or_else(|| "—".into())
}

fn sat_table(inp: &Inputs, cells: &[SatCell], segment: &str, measure: &str) -> Option<Table> {
    let lang = inp.lang;
    let rows: Vec<&SatCell> = cells
        .iter()
        .filter(|c| c.segment == segment && c.measure == measure)
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Table {
        caption: Some(i18n::segment_name(inp.cfg, segment, lang)),
        header: vec![
            i18n::segment_name(inp.cfg, segment, lang),
            Msg::N.text(lang).into(),
            Msg::Mean.text(lang).into(),
            Msg::Ci.text(lang).into(),
            top_box_header(inp.cfg, lang),
            Msg::Index.text(lang).into(),
        ],
        align: vec!["left", "right", "right", "right", "right", "right"],
        rows: rows
            .iter()
            .map(|c| {
                let label = inp.cfg.segment_label(segment, &c.value, lang).to_string();
                vec![
                    if c.suppressed {
                        format!("{label}{}", i18n::paren(Msg::Suppressed.text(lang), lang))
                    } else {
                        label
                    },
                    i18n::count(c.n),
                    format!("{:.2}", c.mean),
                    ci_text(c.ci, 2),
                    c.top2
                        .map(|t| i18n::percent(t.0))
                        .unwrap_or_else(|| "—".into()),
                    format!("{:.1}", c.index),
                ]
            })
            .collect(),
        muted: rows.iter().map(|c| c.suppressed).collect(),
    })
}

fn items_table(inp: &Inputs, cells: &[SatCell]) -> Table {
    let lang = inp.lang;
    let rows: Vec<(&crate::config::Item, &SatCell)> = inp
        .cfg
        .items
        .iter()
        .filter_map(|it| {
            cells
                .iter()
                .find(|c| c.segment == "all" && c.measure == it.id)
                .map(|c| (it, c))
        })
        .collect();
    Table {
        caption: Some(Msg::AllCustomers.text(lang).to_string()),
        header: vec![
            Msg::Measure.text(lang).into(),
            Msg::N.text(lang).into(),
            Msg::Mean.text(lang).into(),
            Msg::Ci.text(lang).into(),
            top_box_header(inp.cfg, lang),
        ],
        align: vec!["left", "right", "right", "right", "right"],
        rows: rows
            .iter()
            .map(|(it, c)| {
                vec![
                    format!(
                        "{}{}",
                        it.label(lang),
                        i18n::paren(&format!("{:.0}–{:.0}", it.min, it.max), lang)
                    ),
                    i18n::count(c.n),
                    format!("{:.2}", c.mean),
                    ci_text(c.ci, 2),
                    c.top2
                        .map(|t| i18n::percent(t.0))
                        .unwrap_or_else(|| "—".into()),
                ]
            })
            .collect(),
        muted: rows.iter().map(|(_, c)| c.suppressed).collect(),
    }
}

fn nps_table(inp: &Inputs, cells: &[NpsCell], segment: &str) -> Option<Table> {
    let lang = inp.lang;
    let rows: Vec<&NpsCell> = cells.iter().filter(|c| c.segment == segment).collect();
    if rows.is_empty() {
        return None;
    }
    let share = |k: usize, n: usize| {
        if n == 0 {
            "—".into()
        } else {
            i18n::percent(k as f64 / n as f64)
        }
    };
    Some(Table {
        caption: Some(i18n::segment_name(inp.cfg, segment, lang)),
        header: vec![
            i18n::segment_name(inp.cfg, segment, lang),
            Msg::N.text(lang).into(),
            Msg::Promoters.text(lang).into(),
            Msg::Passives.text(lang).into(),
            Msg::Detractors.text(lang).into(),
            Msg::Nps.text(lang).into(),
            Msg::Ci.text(lang).into(),
        ],
        align: vec!["left", "right", "right", "right", "right", "right", "right"],
        rows: rows
            .iter()
            .map(|c| {
                let label = if segment == "all" {
                    Msg::AllCustomers.text(lang).to_string()
                } else {
                    inp.cfg.segment_label(segment, &c.value, lang).to_string()
                };
                vec![
                    if c.suppressed {
                        format!("{label}{}", i18n::paren(Msg::Suppressed.text(lang), lang))
                    } else {
                        label
                    },
                    i18n::count(c.n),
                    share(c.promoters, c.n),
                    share(c.passives, c.n),
                    share(c.detractors, c.n),
                    i18n::signed(c.nps, 1),
                    i18n::interval(c.ci.0, c.ci.1, 1),
                ]
            })
            .collect(),
        muted: rows.iter().map(|c| c.suppressed).collect(),
    })
}

fn data_section(inp: &Inputs) -> Result<Section, RenderError> {
    let lang = inp.lang;
    let mut tables = Vec::new();
    let mut file_notes = Vec::new();
    if let Some(l) = inp.ledger {
        // What the ledger says of a file (superseded rows, a copy, an assumed time zone).
        let (files, notes) = (
            frame::strs(l, "file").map_err(col_err)?,
            frame::strs(l, "note").unwrap_or_else(|_| vec![None; l.height()]),
        );
        for (f, n) in files.iter().zip(notes) {
            if let (Some(f), Some(n)) = (f, n.filter(|n| !n.is_empty())) {
                file_notes.push(format!("{f}: {n}"));
            }
        }
        let s = |n| frame::strs(l, n).map_err(col_err);
        let f = |n| frame::f64s(l, n).map_err(col_err);
        let (src, file, enc) = (s("source")?, s("file")?, s("encoding")?);
        let (read, acc, rej) = (f("rows_read")?, f("accepted")?, f("rejected")?);
        // Ledgers written before answer-level rejects have no such column: none then.
        let ans = f("answers_rejected").unwrap_or_else(|_| vec![None; l.height()]);
        let n = |x: Option<f64>| i18n::count(x.unwrap_or(0.0) as usize);
        tables.push(Table {
            caption: None,
            header: vec![
                Msg::Source.text(lang).into(),
                Msg::File.text(lang).into(),
                Msg::Encoding.text(lang).into(),
                Msg::RowsRead.text(lang).into(),
                Msg::Accepted.text(lang).into(),
                Msg::Rejected.text(lang).into(),
                Msg::AnswersRejected.text(lang).into(),
            ],
            align: vec!["left", "left", "left", "right", "right", "right", "right"],
            rows: (0..l.height())
                .map(|i| {
                    vec![
                        src[i].clone().unwrap_or_default(),
                        file[i].clone().unwrap_or_default(),
                        enc[i].clone().unwrap_or_default(),
                        n(read[i]),
                        n(acc[i]),
                        n(rej[i]),
                        n(ans[i]),
                    ]
                })
                .collect(),
            muted: vec![false; l.height()],
        });
    }
    if let Some(r) = inp.rejects.filter(|r| r.height() > 0) {
        let s = |n| frame::strs(r, n).map_err(col_err);
        let (src, line, col, val) = (s("source")?, s("line")?, s("column")?, s("value")?);
        let (code, why) = (s("code")?, s("reason")?);
        let level = s("level").unwrap_or_else(|_| vec![None; r.height()]);
        let shown = r.height().min(40);
        tables.push(Table {
            caption: Some(Msg::RejectReasons.text(lang).to_string()),
            header: vec![
                Msg::Source.text(lang).into(),
                Msg::Line.text(lang).into(),
                Msg::Cell.text(lang).into(),
                Msg::Reason.text(lang).into(),
            ],
            align: vec!["left", "right", "left", "left"],
            rows: (0..shown)
                .map(|i| {
                    let v = val[i].clone().unwrap_or_default();
                    let mut label = i18n::reject_reason(code[i].as_deref().unwrap_or(""), lang);
                    if level[i].as_deref() == Some("answer") {
                        label.push_str(Msg::AnswerLevel.text(lang));
                    }
                    vec![
                        src[i].clone().unwrap_or_default(),
                        line[i].clone().unwrap_or_default(),
                        format!(
                            "{} = “{}”",
                            col[i].clone().unwrap_or_default(),
                            v.chars().take(30).collect::<String>()
                        ),
                        // The detail text is English; Chinese reports show the translated code.
                        match lang {
                            Lang::Zh => label,
                            Lang::En => format!("{label}: {}", why[i].clone().unwrap_or_default()),
                        },
                    ]
                })
                .collect(),
            muted: vec![false; shown],
        });
    }
    tables.extend(suppressed_table(inp, &sat_of(inp)?));
    Ok(Section {
        title: Msg::DataSection.text(lang).into(),
        intro: Some(Msg::DataIntro.text(lang).into()),
        charts: Vec::new(),
        tables,
        notes: appendix_notes(inp).into_iter().chain(file_notes).collect(),
    })
}

/// The appendix's notes on methods, each only where it applies (no calendar note without
/// complaints, no weighting note without a survey), then the analysis' own notes.
fn appendix_notes(inp: &Inputs) -> Vec<String> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let survey = cfg.has_survey();
    let mut notes = vec![format!(
        "{}{:.0}%{}",
        Msg::ConfidenceNote.text(lang),
        cfg.confidence * 100.0,
        i18n::paren(&format!("min n = {}", cfg.min_n), lang)
    )];
    if survey {
        notes.push(Msg::MethodsNote.text(lang).to_string());
        notes.push(Msg::Definitions.text(lang).to_string());
        notes.push(if cfg.weighting.is_some() {
            Msg::WeightingRaked.text(lang).to_string()
        } else {
            Msg::WeightingNone.text(lang).to_string()
        });
    }
    if cfg.has_kind(crate::schema::SourceKind::Complaints) {
        notes.push(Msg::CalendarNote.text(lang).to_string());
    }
    if survey {
        notes.push(Msg::SuppressedNote.text(lang).to_string());
    }
    if survey && short_scales(cfg) {
        notes.push(Msg::TopBoxNote.text(lang).to_string());
    }
    notes.extend(inp.notes.iter().cloned());
    notes
}

/// The suppressed cells of the overall item (groups below the minimum n), for the appendix.
fn suppressed_table(inp: &Inputs, cells: &[SatCell]) -> Option<Table> {
    let lang = inp.lang;
    let item = overall_item(inp.cfg);
    let rows: Vec<&SatCell> = cells
        .iter()
        .filter(|c| c.suppressed && c.measure == item.id)
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Table {
        caption: Some(format!(
            "{}{}",
            Msg::SuppressedCells.text(lang),
            i18n::paren(&i18n::count(rows.len()), lang)
        )),
        header: vec![
            Msg::Segment.text(lang).into(),
            Msg::Value.text(lang).into(),
            Msg::N.text(lang).into(),
        ],
        align: vec!["left", "left", "right"],
        muted: vec![false; rows.len().min(40)],
        rows: rows
            .iter()
            .take(40)
            .map(|c| {
                vec![
                    i18n::segment_name(inp.cfg, &c.segment, lang),
                    inp.cfg
                        .segment_label(&c.segment, &c.value, lang)
                        .to_string(),
                    i18n::count(c.n),
                ]
            })
            .collect(),
    })
}

/// Build the report model.
pub fn build(inp: &Inputs, charts: &[(String, AnyChart)]) -> Result<Report, RenderError> {
    let lang = inp.lang;
    let cfg = inp.cfg;
    let sat = sat_of(inp)?;
    let nps = nps_of(inp)?;
    let item = overall_item(cfg);
    let survey = cfg.has_survey();
    let mut headlines = if survey {
        survey_headlines(inp, &sat, &nps)
    } else {
        Vec::new()
    };
    headlines.extend(complaint_headlines(inp));
    let mut sections = Vec::new();
    if survey {
        sections.extend(survey_sections(inp, charts, &sat, &nps));
    }
    let mut extra = super::sections::extra_sections(inp, charts);
    // Channels come right after the segments; the others keep their order.
    let channels_title = Msg::ChannelsSection.text(lang);
    if let Some(i) = extra.iter().position(|s| s.title == channels_title) {
        let mut ch = extra.remove(i);
        // Its own caption: the section's title is the segment's name already (issue 14.10).
        ch.tables
            .extend(sat_table(inp, &sat, "channel", &item.id).map(|mut t| {
                t.caption = Some(Msg::ChannelsSatTable.text(lang).into());
                t
            }));
        sections.push(ch);
    }
    sections.extend(extra);
    sections.extend(actions_section(inp, charts));
    sections.push(data_section(inp)?);
    let org = match lang {
        Lang::Zh => cfg.org_zh.clone(),
        Lang::En => cfg.org_en.clone(),
    };
    let mut report = Report {
        lang: lang.code(),
        title: Msg::ReportTitle.text(lang).into(),
        org,
        period: inp.period.to_string(),
        period_long: period_long(inp.period, lang),
        logo: cfg.logo.as_ref().map(|_| "/logo".to_string()),
        accent: cfg.accent.clone(),
        cover: vec![
            (Msg::Period.text(lang).into(), period_long(inp.period, lang)),
            (
                Msg::DataAsOf.text(lang).into(),
                inp.period.last_day().to_string(),
            ),
            (Msg::GeneratedOn.text(lang).into(), inp.generated_on.clone()),
        ],
        contents: Msg::Contents.text(lang).into(),
        headlines_title: Msg::Headlines.text(lang).into(),
        headlines,
        findings_title: Msg::Findings.text(lang).into(),
        findings: findings(inp),
        sections,
    };
    report.relabel_level(cfg.confidence);
    Ok(report)
}

/// The headline cards of a survey: overall satisfaction and NPS with their intervals, the
/// number of responses, and the lowest region.
fn survey_headlines(inp: &Inputs, sat: &[SatCell], nps: &[NpsCell]) -> Vec<Headline> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let item = overall_item(cfg);
    let overall = sat
        .iter()
        .find(|c| c.segment == "all" && c.measure == item.id);
    let nps_all = nps.iter().find(|c| c.segment == "all");
    let mut headlines = Vec::new();
    if let Some(o) = overall {
        headlines.push(Headline {
            label: if item.label(lang) == Msg::HeadlineOverall.text(lang) {
                item.label(lang).to_string()
            } else {
                format!(
                    "{}{}",
                    Msg::HeadlineOverall.text(lang),
                    i18n::paren(item.label(lang), lang)
                )
            },
            // A yes/no overall item is a share (its mean), written as one.
            value: if item.min == 0.0 && item.max == 1.0 {
                pct(Some(o.mean))
            } else {
                i18n::score(o.mean, lang)
            },
            detail: format!(
                "{} {} · n = {}",
                Msg::Ci.text(lang),
                match (item.min == 0.0 && item.max == 1.0, o.top2) {
                    (true, Some((_, lo, hi))) => format!("{}–{}", pct(Some(lo)), pct(Some(hi))),
                    _ => ci_text(o.ci, 2),
                },
                i18n::count(o.n)
            ),
        });
    }
    if let Some(n) = nps_all {
        headlines.push(Headline {
            label: Msg::HeadlineNps.text(lang).into(),
            value: i18n::signed(n.nps, 1),
            detail: format!(
                "{} {} · n = {}",
                Msg::Ci.text(lang),
                i18n::interval(n.ci.0, n.ci.1, 1),
                i18n::count(n.n)
            ),
        });
    }
    let responses = responses_in_period(inp).unwrap_or(0);
    headlines.push(Headline {
        label: Msg::HeadlineResponses.text(lang).into(),
        value: i18n::count(responses),
        detail: format!("{} {}", Msg::Period.text(lang), inp.period),
    });
    // A region is picked out only when it is significantly below the rest of the company;
    // otherwise the card says that no region differs (a lowest mean alone is noise).
    let regions: Vec<&SatCell> = sat
        .iter()
        .filter(|c| c.segment == "region" && c.measure == item.id && !c.suppressed)
        .collect();
    if let Some(low) = regions
        .iter()
        .filter(|c| c.rest_significant && c.rest_delta.is_some_and(|d| d < 0.0))
        .min_by(|a, b| a.mean.total_cmp(&b.mean))
    {
        headlines.push(Headline {
            label: Msg::HeadlineLowRegion.text(lang).into(),
            value: cfg.segment_label("region", &low.value, lang).to_string(),
            detail: format!(
                "{} · {} {}",
                i18n::score(low.mean, lang),
                Msg::VsRest.text(lang),
                low.rest_delta
                    .map(|d| {
                        format!(
                            "{}{}",
                            i18n::signed_plus(d, 2),
                            low.rest_q
                                .map(|q| i18n::paren(&i18n::qvalue(q), lang))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_default()
            ),
        });
    } else if regions.len() > 1 {
        headlines.push(Headline {
            label: Msg::HeadlineRegions.text(lang).into(),
            value: Msg::NoRegionDiffers.text(lang).into(),
            detail: format!(
                "{} {}",
                i18n::count(regions.len()),
                Msg::RegionsCompared.text(lang)
            ),
        });
    }
    headlines
}

/// Headline cards of a workspace without a survey: the month's complaints and the share
/// closed in time, and the churn rate of the customer file.
fn complaint_headlines(inp: &Inputs) -> Vec<Headline> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    if cfg.has_survey() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(rows) = &inp.marts.complaints {
        let all = rows.iter().find(|r| r.segment == "all");
        out.push(Headline {
            label: Msg::HeadlineComplaints.text(lang).into(),
            value: i18n::count(all.map_or(0, |r| r.count)),
            detail: format!("{} {}", Msg::Period.text(lang), inp.period),
        });
        let ct = i18n::CommitmentText::new(cfg.commitments, lang);
        let closed = all.map(|r| {
            (
                r.closed_in_time_share,
                r.closed_in_time_ci_low,
                r.closed_in_time_ci_high,
            )
        });
        let responded = all.map(|r| {
            (
                r.responded_in_time_share,
                r.responded_in_time_ci_low,
                r.responded_in_time_ci_high,
            )
        });
        for (share, label) in [
            (closed, ct.closed_header()),
            (responded, ct.responded_header()),
        ] {
            if let Some((v, lo, hi)) = share.filter(|s| s.0.is_some()) {
                out.push(Headline {
                    label,
                    value: pct(v),
                    detail: format!("{} {}–{}", Msg::Ci.text(lang), pct(lo), pct(hi)),
                });
                break;
            }
        }
    }
    let everyone = inp
        .marts
        .loyalty
        .as_ref()
        .and_then(|rows| rows.iter().find(|r| r.segment == "all"));
    if let Some(r) = everyone {
        if let (Some(rate), Some(n)) = (r.churn_rate, r.customers) {
            out.push(Headline {
                label: Msg::HeadlineChurn.text(lang).into(),
                value: pct(Some(rate)),
                detail: format!("n = {}", i18n::count(n)),
            });
        }
    }
    out
}

/// The survey's sections: satisfaction and CSI, NPS and loyalty (when the questionnaire has
/// an NPS or loyalty item, or there is a customer file), and segments.
fn survey_sections(
    inp: &Inputs,
    charts: &[(String, AnyChart)],
    sat: &[SatCell],
    nps: &[NpsCell],
) -> Vec<Section> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let item = overall_item(cfg);
    let mut seg_tables = Vec::new();
    for seg in cfg.available_segments().filter(|s| s.as_str() != "channel") {
        seg_tables.extend(sat_table(inp, sat, seg, &item.id));
    }
    let mut nps_tables = Vec::new();
    for seg in std::iter::once("all").chain(
        cfg.available_segments()
            .filter(|s| s.as_str() != "channel" || cfg.survey_channels() > 1)
            .map(String::as_str),
    ) {
        nps_tables.extend(nps_table(inp, nps, seg));
    }
    nps_tables.extend(loyalty_table(inp));
    let has_nps = cfg
        .items_with_role(crate::config::Role::Nps)
        .next()
        .is_some();
    let has_loyalty = cfg
        .items_with_role(crate::config::Role::Loyalty)
        .next()
        .is_some()
        || cfg.has_kind(crate::schema::SourceKind::Customers);
    let mut out = vec![Section {
        title: Msg::SatisfactionSection.text(lang).into(),
        intro: Some(Msg::TrendIntro.text(lang).into()),
        charts: chart_refs(charts, &["trend_overall", "trend_csi"]),
        tables: vec![items_table(inp, sat)],
        notes: Vec::new(),
    }];
    if has_nps || has_loyalty {
        out.push(Section {
            title: Msg::NpsSection.text(lang).into(),
            intro: Some(Msg::NpsIntro.text(lang).into()),
            charts: chart_refs(charts, &["nps_by_region", "nps_by_store"]),
            tables: nps_tables,
            notes: Vec::new(),
        });
    }
    let mut seg_charts = vec![
        "satisfaction_by_region".to_string(),
        "satisfaction_by_store".to_string(),
        "satisfaction_by_tier".to_string(),
    ];
    seg_charts.extend(
        cfg.custom_segments()
            .map(|f| format!("satisfaction_by_{}", f.id)),
    );
    let seg_charts: Vec<&str> = seg_charts.iter().map(String::as_str).collect();
    out.push(Section {
        title: Msg::SegmentsSection.text(lang).into(),
        intro: Some(Msg::SegmentsIntro.text(lang).into()),
        charts: chart_refs(charts, &seg_charts),
        tables: seg_tables,
        notes: vec![Msg::SuppressedNote.text(lang).into()],
    });
    out
}

/// The catalogue writes intervals as "95%"; with another `[thresholds] confidence` every
/// text of the report says that level instead (e.g. "90%").
fn relabel_level(text: &mut String, confidence: f64) {
    let level = format!("{}%", (confidence * 1000.0).round() / 10.0);
    if level != "95%" && text.contains("95%") {
        *text = text.replace("95%", &level);
    }
}

impl Report {
    fn relabel_level(&mut self, confidence: f64) {
        let f = |t: &mut String| relabel_level(t, confidence);
        self.findings.iter_mut().for_each(f);
        for h in &mut self.headlines {
            f(&mut h.label);
            f(&mut h.detail);
        }
        for s in &mut self.sections {
            f(&mut s.title);
            s.intro.iter_mut().for_each(f);
            s.notes.iter_mut().for_each(f);
            s.charts.iter_mut().for_each(|c| f(&mut c.caption));
            for t in &mut s.tables {
                t.caption.iter_mut().for_each(f);
                t.header.iter_mut().for_each(f);
                t.rows.iter_mut().flatten().for_each(f);
            }
        }
    }
}

/// The findings of the executive summary (at most 8), from all marts of the period.
fn findings(inp: &Inputs) -> Vec<String> {
    super::findings::findings(inp.cfg, inp.lang, inp.marts, 8)
        .into_iter()
        .map(|f| {
            let mut t = f.text;
            relabel_level(&mut t, inp.cfg.confidence);
            t
        })
        .collect()
}

/// The headline numbers of a period and the findings in the report's language.
pub fn summary(inp: &Inputs) -> Result<Summary, RenderError> {
    let sat = sat_of(inp)?;
    let nps = nps_of(inp)?;
    let item = overall_item(inp.cfg);
    let overall = sat
        .iter()
        .find(|c| c.segment == "all" && c.measure == item.id);
    let total = |name: &str| -> usize {
        inp.ledger
            .and_then(|l| frame::f64s(l, name).ok())
            .map(|v| v.iter().flatten().sum::<f64>() as usize)
            .unwrap_or(0)
    };
    Ok(Summary {
        period: inp.period.to_string(),
        lang: inp.lang.code(),
        findings: findings(inp),
        data_as_of: inp.period.last_day().to_string(),
        generated_on: inp.generated_on.clone(),
        responses: responses_in_period(inp).unwrap_or(0),
        overall: overall.map(|o| MeanSummary {
            item: item.id.clone(),
            n: o.n,
            mean: o.mean,
            ci_low: o.ci.map(|c| c.0),
            ci_high: o.ci.map(|c| c.1),
        }),
        nps: nps.iter().find(|c| c.segment == "all").map(|n| NpsSummary {
            n: n.n,
            nps: n.nps,
            ci_low: n.ci.0,
            ci_high: n.ci.1,
        }),
        regions: sat
            .iter()
            .filter(|c| c.segment == "region" && c.measure == item.id)
            .map(|c| RegionSummary {
                region: c.value.clone(),
                n: c.n,
                mean: c.mean,
                ci_low: c.ci.map(|x| x.0),
                ci_high: c.ci.map(|x| x.1),
                suppressed: c.suppressed,
            })
            .collect(),
        rows_read: total("rows_read"),
        rows_accepted: total("accepted"),
        rows_rejected: total("rejected"),
        rows_superseded: total("superseded"),
        answers_rejected: total("answers_rejected"),
    })
}

/// The period's responses (with at least one scored answer, whether or not they answered
/// the overall item): the channels mart's responses, summed over channels.
fn responses_in_period(inp: &Inputs) -> Option<usize> {
    Some(
        inp.marts
            .channels
            .as_ref()?
            .iter()
            .map(|r| r.responses)
            .sum(),
    )
}

pub(super) fn opt(x: Option<f64>, d: usize) -> String {
    x.map(|v| i18n::signed(v, d)).unwrap_or_else(|| "—".into())
}

pub(super) fn pct(x: Option<f64>) -> String {
    x.map(i18n::percent).unwrap_or_else(|| "—".into())
}

pub(super) fn measure_name(cfg: &Config, m: &str, lang: Lang) -> String {
    cfg.item(m)
        .map(|i| i.label(lang).to_string())
        .or_else(|| {
            cfg.dimensions.iter().find(|d| d.id == m).map(|d| {
                if lang == Lang::Zh {
                    d.zh.clone()
                } else {
                    d.en.clone()
                }
            })
        })
        .unwrap_or_else(|| m.to_uppercase())
}

/// Loyalty index and customer churn by segment, from the loyalty mart.
pub(super) fn loyalty_table(inp: &Inputs) -> Option<Table> {
    let lang = inp.lang;
    let t = |m: Msg| m.text(lang).to_string();
    let shown: Vec<&crate::mart::Loyalty> = inp
        .marts
        .loyalty
        .as_ref()?
        .iter()
        .filter(|r| {
            matches!(r.segment.as_str(), "all" | "region" | "tier")
                || inp.cfg.field(&r.segment).is_some()
        })
        .collect();
    if shown.is_empty() {
        return None;
    }
    let count = |v: Option<usize>| v.map(i18n::count).unwrap_or_else(|| "—".into());
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|r| {
            vec![
                if r.segment == "all" {
                    t(Msg::AllCustomers)
                } else {
                    format!(
                        "{} · {}",
                        i18n::segment_name(inp.cfg, &r.segment, lang),
                        inp.cfg.segment_label(&r.segment, &r.segment_value, lang)
                    )
                },
                count(r.n),
                opt(r.loyalty_index, 1),
                ci_text(r.loyalty_ci_low.zip(r.loyalty_ci_high), 1),
                count(r.customers),
                pct(r.churn_rate),
                r.churn_ci_low
                    .zip(r.churn_ci_high)
                    .map(|(a, b)| format!("{}–{}", i18n::percent(a), i18n::percent(b)))
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let mut table = Table {
        caption: Some(t(Msg::LoyaltyTable)),
        header: vec![
            t(Msg::Segment),
            t(Msg::N),
            t(Msg::LoyaltyIndex),
            t(Msg::Ci),
            t(Msg::Customers),
            t(Msg::ChurnRate),
            t(Msg::Ci),
        ],
        align: vec!["left", "right", "right", "right", "right", "right", "right"],
        muted: shown.iter().map(|r| r.suppressed == Some(true)).collect(),
        rows,
    };
    if !inp.cfg.has_survey() {
        // A customer file alone: churn and retention, no survey index columns of dashes.
        table.caption = Some(t(Msg::RetentionTable));
        for row in std::iter::once(&mut table.header).chain(table.rows.iter_mut()) {
            row.drain(1..4);
        }
        table.align.drain(1..4);
    }
    Some(table)
}

/// The improvement actions: each action with its target measure before and after (see the
/// actions mart), open actions with their baseline, and the chart of closed ones.
fn actions_section(inp: &Inputs, charts: &[(String, AnyChart)]) -> Option<Section> {
    let actions = inp.marts.actions.as_ref()?;
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let rows: Vec<Vec<String>> = actions
        .iter()
        .map(|r| {
            let scope = match r.store.as_deref().filter(|s| !s.is_empty()) {
                None => String::new(),
                Some(s) => i18n::paren(cfg.segment_label("store", s, lang), lang),
            };
            let state = match r.status_note.as_deref().unwrap_or_default() {
                "open" => t(Msg::StatusOpen),
                "too_early" => t(Msg::StatusTooEarly),
                "no_data_before" => t(Msg::StatusNoBefore),
                "no_data_after" => t(Msg::StatusNoAfter),
                "not_a_survey_measure" => t(Msg::StatusNotSurvey),
                _ if r.status == "closed" => t(Msg::StatusClosed),
                _ => t(Msg::StatusOpen),
            };
            let m = &r.measure;
            let target =
                if cfg.item(m).is_some() || m == "csi" || cfg.dimensions.iter().any(|x| &x.id == m)
                {
                    measure_name(cfg, m, lang)
                } else {
                    m.clone()
                };
            vec![
                format!("{} {}{} · {}", r.action_id, r.title, scope, target),
                r.owner.clone().unwrap_or_default(),
                format!(
                    "{} – {}",
                    r.opened.as_deref().unwrap_or_default(),
                    r.closed.as_deref().filter(|c| !c.is_empty()).unwrap_or("…")
                ),
                opt(r.before_mean, 2),
                opt(r.after_mean, 2),
                match r.diff {
                    Some(v) => format!(
                        "{} {}",
                        i18n::signed_plus(v, 2),
                        ci_text(r.diff_ci_low.zip(r.diff_ci_high), 2)
                    ),
                    None => "—".into(),
                },
                r.p_value.map(i18n::pvalue).unwrap_or_else(|| "—".into()),
                state,
            ]
        })
        .collect();
    Some(Section {
        title: t(Msg::ActionsSection),
        intro: Some(t(Msg::ActionsIntro)),
        charts: chart_refs(charts, &["actions"]),
        tables: vec![Table {
            caption: None,
            header: vec![
                format!("{} · {}", t(Msg::Action), t(Msg::Measure)),
                t(Msg::Owner),
                format!("{}–{}", t(Msg::Opened), t(Msg::Closed)),
                t(Msg::Before),
                t(Msg::After),
                format!("{} ({})", t(Msg::Change), t(Msg::Ci)),
                t(Msg::PValue),
                t(Msg::Status),
            ],
            // The dates are short: right-aligned columns take their natural width, leaving
            // the room to the action's description.
            align: vec![
                "left", "left", "right", "right", "right", "right", "right", "left",
            ],
            muted: vec![false; rows.len()],
            rows,
        }],
        notes: vec![t(Msg::ActionsFootnote)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_labels_follow_the_configured_confidence() {
        let mut t = "95% 置信区间 [3.66, 3.75]".to_string();
        relabel_level(&mut t, 0.90);
        assert_eq!(t, "90% 置信区间 [3.66, 3.75]");
        let mut t = "95% CI".to_string();
        relabel_level(&mut t, 0.995);
        assert_eq!(t, "99.5% CI");
        let mut t = "95% CI".to_string();
        relabel_level(&mut t, 0.95);
        assert_eq!(t, "95% CI");
    }
}
