//! The report as data: headline figures, sections, tables of formatted cells, built from
//! the marts and the ingest ledger in one language. The PDF (Typst template) and the HTML
//! page both render this one model, so they always say the same thing; `summary.json`
//! carries the same headline numbers unformatted.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{Config, Lang};
use crate::frame::{self, DataFrame};
use crate::period::Period;

use super::chart::AnyChart;
use super::churn_tables;
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

fn with_charts(charts: Vec<ChartRef>, mut s: Section) -> Section {
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
    /// The survey marts, when the workspace has a survey and the period's analysis made them.
    pub satisfaction: Option<&'a DataFrame>,
    pub nps: Option<&'a DataFrame>,
    pub ledger: Option<&'a DataFrame>,
    pub rejects: Option<&'a DataFrame>,
    /// Notes of the analysis (e.g. a year without a holiday calendar).
    pub notes: Vec<String>,
    /// The other marts of the period, by name, when present.
    pub marts: BTreeMap<&'static str, DataFrame>,
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

/// Which rows are the unweighted figures (marts carry raked rows too when weighting is
/// configured; the report shows the unweighted ones and says so).
fn unweighted_rows(df: &DataFrame) -> Result<Vec<bool>, RenderError> {
    if !frame::has_column(df, "weighting") {
        return Ok(vec![true; df.height()]);
    }
    Ok(frame::strs(df, "weighting")
        .map_err(col_err)?
        .iter()
        .map(|w| w.as_deref() != Some("raked"))
        .collect())
}

/// The satisfaction cells of the report (none without a satisfaction mart).
pub(super) fn sat_of(inp: &Inputs) -> Result<Vec<SatCell>, RenderError> {
    inp.satisfaction.map_or(Ok(Vec::new()), sat_cells)
}

/// The NPS cells of the report (none without an NPS mart).
pub(super) fn nps_of(inp: &Inputs) -> Result<Vec<NpsCell>, RenderError> {
    inp.nps.map_or(Ok(Vec::new()), nps_cells)
}

pub(super) fn sat_cells(df: &DataFrame) -> Result<Vec<SatCell>, RenderError> {
    let s = |n| frame::strs(df, n).map_err(col_err);
    let f = |n| frame::f64s(df, n).map_err(col_err);
    let (seg, val, measure) = (s("segment")?, s("segment_value")?, s("measure")?);
    let (n, mean, lo, hi) = (f("n")?, f("mean")?, f("ci_low")?, f("ci_high")?);
    let (t, tlo, thi, idx) = (
        f("top2box")?,
        f("top2box_ci_low")?,
        f("top2box_ci_high")?,
        f("index")?,
    );
    let sup = frame::bools(df, "suppressed").map_err(col_err)?;
    let delta = frame::f64s(df, "delta").unwrap_or_else(|_| vec![None; df.height()]);
    let qv = frame::f64s(df, "q_value").unwrap_or_else(|_| vec![None; df.height()]);
    let sig = frame::bools(df, "significant").unwrap_or_else(|_| vec![None; df.height()]);
    let rest_delta = frame::f64s(df, "vs_rest_delta").unwrap_or_else(|_| vec![None; df.height()]);
    let rest_q = frame::f64s(df, "vs_rest_q_value").unwrap_or_else(|_| vec![None; df.height()]);
    let rest_sig =
        frame::bools(df, "vs_rest_significant").unwrap_or_else(|_| vec![None; df.height()]);
    let weighting = unweighted_rows(df)?;
    Ok((0..df.height())
        .filter(|&i| weighting[i])
        .map(|i| SatCell {
            delta: delta[i],
            q: qv[i],
            significant: sig[i] == Some(true),
            rest_delta: rest_delta[i],
            rest_q: rest_q[i],
            rest_significant: rest_sig[i] == Some(true),
            segment: seg[i].clone().unwrap_or_default(),
            value: val[i].clone().unwrap_or_default(),
            measure: measure[i].clone().unwrap_or_default(),
            n: n[i].unwrap_or(0.0) as usize,
            mean: mean[i].unwrap_or(f64::NAN),
            ci: lo[i].zip(hi[i]),
            top2: t[i].zip(tlo[i]).zip(thi[i]).map(|((a, b), c)| (a, b, c)),
            index: idx[i].unwrap_or(f64::NAN),
            suppressed: sup[i].unwrap_or(false),
        })
        .collect())
}

pub(super) fn nps_cells(df: &DataFrame) -> Result<Vec<NpsCell>, RenderError> {
    let s = |n| frame::strs(df, n).map_err(col_err);
    let f = |n| frame::f64s(df, n).map_err(col_err);
    let (seg, val) = (s("segment")?, s("segment_value")?);
    let (n, p, pa, d) = (f("n")?, f("promoters")?, f("passives")?, f("detractors")?);
    let (v, lo, hi) = (f("nps")?, f("ci_low")?, f("ci_high")?);
    let sup = frame::bools(df, "suppressed").map_err(col_err)?;
    let u = |x: Option<f64>| x.unwrap_or(0.0) as usize;
    let weighting = unweighted_rows(df)?;
    Ok((0..df.height())
        .filter(|&i| weighting[i])
        .map(|i| NpsCell {
            segment: seg[i].clone().unwrap_or_default(),
            value: val[i].clone().unwrap_or_default(),
            n: u(n[i]),
            promoters: u(p[i]),
            passives: u(pa[i]),
            detractors: u(d[i]),
            nps: v[i].unwrap_or(f64::NAN),
            ci: (lo[i].unwrap_or(f64::NAN), hi[i].unwrap_or(f64::NAN)),
            suppressed: sup[i].unwrap_or(false),
        })
        .collect())
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
    let mut extra = extra_sections(inp, charts);
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
    if let Some(df) = inp.marts.get("complaints") {
        let c = Cols(df);
        let seg = c.s("segment");
        let all = (0..df.height()).find(|&i| seg[i] == "all");
        let n = all.and_then(|i| c.f("count")[i]).unwrap_or(0.0);
        out.push(Headline {
            label: Msg::HeadlineComplaints.text(lang).into(),
            value: i18n::count(n as usize),
            detail: format!("{} {}", Msg::Period.text(lang), inp.period),
        });
        let ct = i18n::CommitmentText::new(cfg.commitments, lang);
        for (col, label) in [
            ("closed_in_time", ct.closed_header()),
            ("responded_in_time", ct.responded_header()),
        ] {
            if let Some(i) = all.filter(|i| c.f(&format!("{col}_share"))[*i].is_some()) {
                let (v, lo, hi) = (
                    c.f(&format!("{col}_share"))[i],
                    c.f(&format!("{col}_ci_low"))[i],
                    c.f(&format!("{col}_ci_high"))[i],
                );
                out.push(Headline {
                    label,
                    value: pct(v),
                    detail: format!("{} {}–{}", Msg::Ci.text(lang), pct(lo), pct(hi)),
                });
                break;
            }
        }
    }
    if let Some(df) = inp.marts.get("loyalty") {
        let c = Cols(df);
        let seg = c.s("segment");
        if let Some(i) = (0..df.height()).find(|&i| seg[i] == "all") {
            if let (Some(r), Some(n)) = (c.f("churn_rate")[i], c.f("customers")[i]) {
                out.push(Headline {
                    label: Msg::HeadlineChurn.text(lang).into(),
                    value: pct(Some(r)),
                    detail: format!("n = {}", i18n::count(n as usize)),
                });
            }
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
    let mut all: BTreeMap<&str, &DataFrame> = inp.marts.iter().map(|(k, v)| (*k, v)).collect();
    if let Some(df) = inp.satisfaction {
        all.insert("satisfaction", df);
    }
    if let Some(df) = inp.nps {
        all.insert("nps", df);
    }
    super::findings::findings(inp.cfg, inp.lang, &all, 8)
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
    let df = inp.marts.get("channels")?;
    let k = Cols(df).f("responses");
    Some(k.iter().map(|x| x.unwrap_or(0.0) as usize).sum())
}

/// Columns of a mart as strings/numbers for the section tables (missing columns read as
/// empty, so an older mart does not break the report).
pub(super) struct Cols<'a>(pub(super) &'a DataFrame);

impl Cols<'_> {
    pub(super) fn s(&self, c: &str) -> Vec<String> {
        frame::strs(self.0, c)
            .map(|v| v.into_iter().map(|x| x.unwrap_or_default()).collect())
            .unwrap_or_else(|_| vec![String::new(); self.0.height()])
    }
    pub(super) fn f(&self, c: &str) -> Vec<Option<f64>> {
        frame::f64s(self.0, c).unwrap_or_else(|_| vec![None; self.0.height()])
    }
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
fn loyalty_table(inp: &Inputs) -> Option<Table> {
    let df = inp.marts.get("loyalty")?;
    let lang = inp.lang;
    let t = |m: Msg| m.text(lang).to_string();
    let c = Cols(df);
    let (seg, val, n, li, llo, lhi, cust, rate, clo, chi) = (
        c.s("segment"),
        c.s("segment_value"),
        c.f("n"),
        c.f("loyalty_index"),
        c.f("loyalty_ci_low"),
        c.f("loyalty_ci_high"),
        c.f("customers"),
        c.f("churn_rate"),
        c.f("churn_ci_low"),
        c.f("churn_ci_high"),
    );
    let sup = frame::bools(df, "suppressed").unwrap_or_else(|_| vec![None; df.height()]);
    let idx: Vec<usize> = (0..df.height())
        .filter(|&i| {
            seg[i] == "all"
                || seg[i] == "region"
                || seg[i] == "tier"
                || inp.cfg.field(&seg[i]).is_some()
        })
        .collect();
    if idx.is_empty() {
        return None;
    }
    let rows: Vec<Vec<String>> = idx
        .iter()
        .map(|&i| {
            vec![
                if seg[i] == "all" {
                    t(Msg::AllCustomers)
                } else {
                    format!(
                        "{} · {}",
                        i18n::segment_name(inp.cfg, &seg[i], lang),
                        inp.cfg.segment_label(&seg[i], &val[i], lang)
                    )
                },
                n[i].map(|v| i18n::count(v as usize))
                    .unwrap_or_else(|| "—".into()),
                opt(li[i], 1),
                ci_text(llo[i].zip(lhi[i]), 1),
                cust[i]
                    .map(|v| i18n::count(v as usize))
                    .unwrap_or_else(|| "—".into()),
                pct(rate[i]),
                clo[i]
                    .zip(chi[i])
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
        muted: idx.iter().map(|&i| sup[i] == Some(true)).collect(),
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
    let df = inp.marts.get("actions")?;
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let c = Cols(df);
    let (id, title, measure, store, owner, opened, closed, status, note) = (
        c.s("action_id"),
        c.s("title"),
        c.s("measure"),
        c.s("store"),
        c.s("owner"),
        c.s("opened"),
        c.s("closed"),
        c.s("status"),
        c.s("status_note"),
    );
    let (bm, am, d, lo, hi, p) = (
        c.f("before_mean"),
        c.f("after_mean"),
        c.f("diff"),
        c.f("diff_ci_low"),
        c.f("diff_ci_high"),
        c.f("p_value"),
    );
    let rows: Vec<Vec<String>> = (0..df.height())
        .map(|i| {
            let scope = if store[i].is_empty() {
                String::new()
            } else {
                i18n::paren(cfg.segment_label("store", &store[i], lang), lang)
            };
            let state = match note[i].as_str() {
                "open" => t(Msg::StatusOpen),
                "too_early" => t(Msg::StatusTooEarly),
                "no_data_before" => t(Msg::StatusNoBefore),
                "no_data_after" => t(Msg::StatusNoAfter),
                "not_a_survey_measure" => t(Msg::StatusNotSurvey),
                _ if status[i] == "closed" => t(Msg::StatusClosed),
                _ => t(Msg::StatusOpen),
            };
            let target = if cfg.item(&measure[i]).is_some()
                || measure[i] == "csi"
                || cfg.dimensions.iter().any(|x| x.id == measure[i])
            {
                measure_name(cfg, &measure[i], lang)
            } else {
                measure[i].clone()
            };
            vec![
                format!("{} {}{} · {}", id[i], title[i], scope, target),
                owner[i].clone(),
                format!(
                    "{} – {}",
                    opened[i],
                    if closed[i].is_empty() {
                        "…"
                    } else {
                        closed[i].as_str()
                    }
                ),
                opt(bm[i], 2),
                opt(am[i], 2),
                match d[i] {
                    Some(v) => format!(
                        "{} {}",
                        i18n::signed_plus(v, 2),
                        ci_text(lo[i].zip(hi[i]), 2)
                    ),
                    None => "—".into(),
                },
                p[i].map(i18n::pvalue).unwrap_or_else(|| "—".into()),
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

/// Sections for the marts beyond satisfaction and NPS, each when its mart exists.
pub fn extra_sections(inp: &Inputs, charts: &[(String, AnyChart)]) -> Vec<Section> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let mut out = Vec::new();
    let section = |title: Msg, intro: Msg, tables: Vec<Table>| Section {
        title: title.text(lang).into(),
        intro: Some(intro.text(lang).into()),
        charts: Vec::new(),
        tables,
        notes: Vec::new(),
    };
    let compares = cfg.has_kind(crate::schema::SourceKind::Competitor)
        || cfg.has_kind(crate::schema::SourceKind::Benchmark);
    if let Some(df) = inp.marts.get("benchmark").filter(|_| compares) {
        let c = Cols(df);
        let (m, brand, n, mean, lo, hi) = (
            c.s("measure"),
            c.s("brand"),
            c.f("n"),
            c.f("mean"),
            c.f("ci_low"),
            c.f("ci_high"),
        );
        let (gap, glo, ghi, q, rank) = (
            c.f("gap"),
            c.f("gap_ci_low"),
            c.f("gap_ci_high"),
            c.f("q_value"),
            c.f("rank"),
        );
        let basis = c.s("gap_basis");
        let rows: Vec<Vec<String>> = (0..df.height())
            .map(|i| {
                vec![
                    measure_name(cfg, &m[i], lang),
                    cfg.segment_label("brand", &brand[i], lang).to_string(),
                    n[i].map(|v| i18n::count(v as usize))
                        .unwrap_or_else(|| "—".into()),
                    opt(mean[i], 2),
                    lo[i]
                        .zip(hi[i])
                        .map(|(a, b)| i18n::interval(a, b, 2))
                        .unwrap_or_else(|| "—".into()),
                    gap[i]
                        .map(|g| match basis[i].as_str() {
                            // A reference on another scale: the gap is on a 0–100 index.
                            "index" => format!(
                                "{} {}",
                                i18n::signed_plus(g, 1),
                                Msg::IndexPoints.text(lang)
                            ),
                            "nps" => i18n::signed_plus(g, 1),
                            _ => i18n::signed_plus(g, 2),
                        })
                        .unwrap_or_else(|| "—".into()),
                    glo[i]
                        .zip(ghi[i])
                        .map(|(a, b)| i18n::interval(a, b, 2))
                        .unwrap_or_else(|| "—".into()),
                    q[i].map(i18n::pvalue).unwrap_or_else(|| "—".into()),
                    rank[i]
                        .map(|r| format!("{}", r as u64))
                        .unwrap_or_else(|| "—".into()),
                ]
            })
            .collect();
        out.push(with_charts(
            chart_refs(charts, &["competitor_gaps"]),
            section(
                Msg::BenchmarkSection,
                Msg::BenchmarkIntro,
                vec![Table {
                    caption: None,
                    header: vec![
                        t(Msg::Measure),
                        t(Msg::Brand),
                        t(Msg::N),
                        t(Msg::Mean),
                        t(Msg::Ci),
                        t(Msg::Gap),
                        t(Msg::GapCi),
                        t(Msg::QValue),
                        t(Msg::Rank),
                    ],
                    align: vec![
                        "left", "left", "right", "right", "right", "right", "right", "right",
                        "right",
                    ],
                    muted: vec![false; rows.len()],
                    rows,
                }],
            ),
        ));
    }
    // No dimensions, no drivers model to speak of (the appendix notes why).
    if let Some(df) = inp
        .marts
        .get("drivers")
        .filter(|_| !cfg.dimensions.is_empty())
    {
        let c = Cols(df);
        let (a, imp, r, perf, quad) = (
            c.s("attribute"),
            c.f("importance"),
            c.f("r"),
            c.f("performance"),
            c.s("quadrant"),
        );
        let q = |x: &str| match x {
            "fix_first" => t(Msg::FixFirst),
            "keep_up" => t(Msg::KeepUp),
            "low_priority" => t(Msg::LowPriority),
            "possible_overkill" => t(Msg::PossibleOverkill),
            _ => "—".into(),
        };
        let mut idx: Vec<usize> = (0..df.height()).collect();
        idx.sort_by(|&x, &y| imp[y].unwrap_or(0.0).total_cmp(&imp[x].unwrap_or(0.0)));
        let rows: Vec<Vec<String>> = idx
            .iter()
            .map(|&i| {
                vec![
                    measure_name(cfg, &a[i], lang),
                    opt(imp[i], 1),
                    opt(r[i], 2),
                    opt(perf[i], 1),
                    q(&quad[i]),
                ]
            })
            .collect();
        let mut s = section(
            Msg::DriversSection,
            Msg::DriversIntro,
            vec![Table {
                caption: None,
                header: vec![
                    t(Msg::Measure),
                    t(Msg::Importance),
                    t(Msg::Correlation),
                    t(Msg::Performance),
                    t(Msg::Quadrant),
                ],
                align: vec!["left", "right", "right", "right", "left"],
                muted: vec![false; rows.len()],
                rows,
            }],
        );
        s.charts = chart_refs(charts, &["drivers_quadrant"]);
        // A model that could not be estimated says why, in words, where the chart would be.
        if imp.iter().all(Option::is_none) {
            s.notes.extend(
                inp.notes
                    .iter()
                    .filter(|n| n.starts_with("drivers "))
                    .cloned(),
            );
        }
        if let (Some(n), Some(r2)) = (
            c.f("model_n").first().copied().flatten(),
            c.f("model_r2").first().copied().flatten(),
        ) {
            s.notes.push(format!(
                "{}: n = {}, R² = {:.3}",
                t(Msg::ModelFit),
                i18n::count(n as usize),
                r2
            ));
        }
        out.push(s);
    }
    if let Some(df) = inp.marts.get("complaints") {
        let c = Cols(df);
        let (seg, val, n, share, cum) = (
            c.s("segment"),
            c.s("segment_value"),
            c.f("count"),
            c.f("share"),
            c.f("cum_share"),
        );
        let (r50, r90, d50, d90) = (
            c.f("first_response_p50_h"),
            c.f("first_response_p90_h"),
            c.f("resolution_p50_days"),
            c.f("resolution_p90_days"),
        );
        let ct = i18n::CommitmentText::new(inp.cfg.commitments, lang);
        // Only what the log records: a share that cannot be measured is no column (and a
        // note says why), never 0%.
        let all = (0..df.height()).find(|&i| seg[i] == "all");
        let measured = |n: &str| all.is_some_and(|i| c.f(n)[i].is_some_and(|v| v > 0.0));
        let (has_resp, has_close, has_disp) = (
            measured("responded_in_time_n"),
            measured("closed_in_time_n"),
            measured("disputed_n"),
        );
        let shares: Vec<(String, Vec<Option<f64>>)> = [
            (has_resp, ct.responded_header(), "responded_in_time_share"),
            (has_close, ct.closed_header(), "closed_in_time_share"),
            (has_disp, t(Msg::Disputed), "disputed_share"),
        ]
        .into_iter()
        .filter(|(on, _, _)| *on)
        .map(|(_, h, col)| (h, c.f(col)))
        .collect();
        let rows: Vec<Vec<String>> = (0..df.height())
            .filter(|&i| seg[i] == "category" || seg[i] == "all")
            .map(|i| {
                let mut row = vec![
                    if seg[i] == "all" {
                        t(Msg::AllCustomers)
                    } else {
                        val[i].clone()
                    },
                    n[i].map(|v| i18n::count(v as usize)).unwrap_or_default(),
                    pct(share[i]),
                    pct(cum[i]),
                    format!("{} / {}", opt(r50[i], 1), opt(r90[i], 1)),
                    format!("{} / {}", opt(d50[i], 1), opt(d90[i], 1)),
                ];
                row.extend(shares.iter().map(|(_, v)| pct(v[i])));
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
        let mut complaints_section = Section {
            title: t(Msg::ComplaintsSection),
            intro: Some(ct.intro()),
            charts: Vec::new(),
            tables: vec![Table {
                caption: None,
                align: std::iter::once("left")
                    .chain(std::iter::repeat_n("right", header.len() - 1))
                    .collect(),
                header,
                muted: vec![false; rows.len()],
                rows,
            }],
            notes: Vec::new(),
        };
        if !has_resp {
            complaints_section.notes.push(t(Msg::ResponseNotRecorded));
        }
        if !has_close {
            complaints_section.notes.push(t(Msg::CloseNotRecorded));
        }
        // Complaints whose commitment had not run out by the log's last recorded event are
        // neither met nor failed: said, with their number.
        for (col, zh, en) in [
            ("responded_not_yet_due", "尚未回复", "not yet answered"),
            ("closed_not_yet_due", "尚未结案", "still open"),
        ] {
            let k = all.and_then(|i| c.f(col)[i]).unwrap_or(0.0) as usize;
            if k > 0 {
                complaints_section.notes.push(match lang {
                    Lang::Zh => format!("{k} 件投诉{zh}、但承诺时限在投诉记录的最后日期尚未届满：不计入达标率的分母（既非达标也非超时）。"),
                    Lang::En => format!("{k} complaints {en} whose commitment had not run out by the log's last recorded date are left out of the share met (neither met nor missed)."),
                });
            }
        }
        complaints_section.charts = chart_refs(charts, &["complaints_pareto", "complaint_times"]);
        out.push(complaints_section);
    }
    if let Some(df) = inp.marts.get("complaint_churn") {
        let c = Cols(df);
        let (g, n, k, rate, lo, hi, rr, rlo, rhi, p) = (
            c.s("group"),
            c.f("customers"),
            c.f("churned"),
            c.f("churn_rate"),
            c.f("ci_low"),
            c.f("ci_high"),
            c.f("rr_vs_none"),
            c.f("rr_ci_low"),
            c.f("rr_ci_high"),
            c.f("p_value"),
        );
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
        let rows: Vec<Vec<String>> = (0..df.height())
            .map(|i| {
                vec![
                    label(&g[i]),
                    n[i].map(|v| i18n::count(v as usize)).unwrap_or_default(),
                    k[i].map(|v| i18n::count(v as usize)).unwrap_or_default(),
                    pct(rate[i]),
                    lo[i]
                        .zip(hi[i])
                        .map(|(a, b)| format!("{}–{}", i18n::percent(a), i18n::percent(b)))
                        .unwrap_or_else(|| "—".into()),
                    rr[i]
                        .map(|v| format!("{v:.2}"))
                        .unwrap_or_else(|| "—".into()),
                    rlo[i]
                        .zip(rhi[i])
                        .map(|(a, b)| format!("{a:.2}–{b:.2}"))
                        .unwrap_or_else(|| "—".into()),
                    p[i].map(i18n::pvalue).unwrap_or_else(|| "—".into()),
                ]
            })
            .collect();
        let mut churn_section = section(
            Msg::ChurnSection,
            Msg::ChurnIntro,
            vec![Table {
                caption: None,
                header: vec![
                    t(Msg::Group),
                    t(Msg::Customers),
                    t(Msg::Churned),
                    t(Msg::ChurnRate),
                    t(Msg::Ci),
                    t(Msg::RelativeRisk),
                    t(Msg::Ci),
                    t(Msg::PValue),
                ],
                align: vec![
                    "left", "right", "right", "right", "right", "right", "right", "right",
                ],
                muted: vec![false; rows.len()],
                rows,
            }],
        );
        churn_section.charts = chart_refs(charts, &["survival"]);
        if !cfg.has_survey() {
            // Without a survey the churn by segment stands here (else in the loyalty table).
            churn_section.tables.extend(loyalty_table(inp));
        }
        churn_section.tables.extend(churn_tables::model_table(inp));
        churn_section.tables.extend(churn_tables::hazard_table(inp));
        churn_section.notes.extend(churn_tables::hazard_note(inp));
        churn_section.notes.extend(
            inp.notes
                .iter()
                .filter(|n| n.starts_with("survival ") || n.starts_with("churn model "))
                .cloned(),
        );
        out.push(churn_section);
    } else if !cfg.has_survey() && inp.marts.contains_key("loyalty") {
        // A customer file alone: churn and retention by segment, and the retention curve.
        let mut s = section(
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
        out.push(s);
    }
    if let Some(df) = inp
        .marts
        .get("channels")
        .filter(|_| cfg.survey_channels() > 1)
    {
        let c = Cols(df);
        let (ch, n, inv, rate, mean, lo, hi, diff, q) = (
            c.s("channel"),
            c.f("responses"),
            c.f("invitations"),
            c.f("response_rate"),
            c.f("mean"),
            c.f("ci_low"),
            c.f("ci_high"),
            c.f("diff_vs_reference"),
            c.f("q_value"),
        );
        let rows: Vec<Vec<String>> = (0..df.height())
            .map(|i| {
                vec![
                    cfg.segment_label("channel", &ch[i], lang).to_string(),
                    n[i].map(|v| i18n::count(v as usize)).unwrap_or_default(),
                    inv[i]
                        .map(|v| i18n::count(v as usize))
                        .unwrap_or_else(|| "—".into()),
                    pct(rate[i]),
                    opt(mean[i], 2),
                    lo[i]
                        .zip(hi[i])
                        .map(|(a, b)| i18n::interval(a, b, 2))
                        .unwrap_or_else(|| "—".into()),
                    diff[i]
                        .map(|d| i18n::signed_plus(d, 2))
                        .unwrap_or_else(|| "—".into()),
                    q[i].map(i18n::pvalue).unwrap_or_else(|| "—".into()),
                ]
            })
            .collect();
        out.push(with_charts(
            chart_refs(charts, &["channels_trend", "satisfaction_by_channel"]),
            section(
                Msg::ChannelsSection,
                Msg::ChannelsIntro,
                vec![Table {
                    caption: None,
                    header: vec![
                        t(Msg::Channel),
                        t(Msg::N),
                        t(Msg::Invitations),
                        t(Msg::ResponseRate),
                        t(Msg::Mean),
                        t(Msg::Ci),
                        t(Msg::DiffVsReference),
                        t(Msg::QValue),
                    ],
                    align: vec![
                        "left", "right", "right", "right", "right", "right", "right", "right",
                    ],
                    muted: vec![false; rows.len()],
                    rows,
                }],
            ),
        ));
    }
    out
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
