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

mod headlines;
mod plan;
mod scorecard;
mod sections;
mod summary;
mod tables;
use headlines::*;
pub use scorecard::{scorecards, Card};
use sections::*;
use summary::responses_in_period;
pub use summary::summary;
pub(super) use tables::loyalty_table;
use tables::*;

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
