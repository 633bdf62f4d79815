//! The report as data: headline figures, sections, tables of formatted cells, built from
//! the marts and the ingest ledger in one language. The PDF (Typst template) and the HTML
//! page both render this one model, so they always say the same thing; `summary.json`
//! carries the same headline numbers unformatted.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{Config, Lang};
use crate::frame::{self, DataFrame};
use crate::period::Period;

use super::chart::{CiChart, CiPoint};
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
    /// Path of the chart inside the report bundle (`/charts/<name>.svg`).
    pub chart: Option<String>,
    pub chart_caption: Option<String>,
    pub tables: Vec<Table>,
    pub notes: Vec<String>,
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
    pub data_as_of: String,
    pub generated_on: String,
    pub responses: usize,
    pub overall: Option<MeanSummary>,
    pub nps: Option<NpsSummary>,
    pub regions: Vec<RegionSummary>,
    pub rows_read: usize,
    pub rows_accepted: usize,
    pub rows_rejected: usize,
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
    pub satisfaction: &'a DataFrame,
    pub nps: &'a DataFrame,
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
struct SatCell {
    segment: String,
    value: String,
    measure: String,
    n: usize,
    mean: f64,
    ci: Option<(f64, f64)>,
    top2: Option<(f64, f64, f64)>,
    index: f64,
    suppressed: bool,
}

#[derive(Debug, Clone)]
struct NpsCell {
    segment: String,
    value: String,
    n: usize,
    promoters: usize,
    passives: usize,
    detractors: usize,
    nps: f64,
    ci: (f64, f64),
    suppressed: bool,
}

fn col_err(e: impl std::fmt::Display) -> RenderError {
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

fn sat_cells(df: &DataFrame) -> Result<Vec<SatCell>, RenderError> {
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
    let weighting = unweighted_rows(df)?;
    Ok((0..df.height())
        .filter(|&i| weighting[i])
        .map(|i| SatCell {
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

fn nps_cells(df: &DataFrame) -> Result<Vec<NpsCell>, RenderError> {
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

fn overall_item(cfg: &Config) -> &crate::config::Item {
    cfg.items_with_role(crate::config::Role::Overall)
        .next()
        .expect("validated: one overall item")
}

/// The "satisfaction by region" chart of the overall item.
pub fn region_chart(inp: &Inputs) -> Result<CiChart, RenderError> {
    let cells = sat_cells(inp.satisfaction)?;
    let item = overall_item(inp.cfg);
    let lang = inp.lang;
    let points = cells
        .iter()
        .filter(|c| c.segment == "region" && c.measure == item.id)
        .map(|c| CiPoint {
            label: inp.cfg.segment_label("region", &c.value, lang).to_string(),
            mean: c.mean,
            ci: c.ci,
            n: c.n,
            suppressed: c.suppressed,
        })
        .collect();
    let reference = cells
        .iter()
        .find(|c| c.segment == "all" && c.measure == item.id)
        .map(|c| (Msg::CompanyAverage.text(lang).to_string(), c.mean));
    Ok(CiChart {
        title: Msg::ChartRegionTitle.text(lang).to_string(),
        axis: Msg::ChartRegionAxis.text(lang).to_string(),
        points,
        range: (item.min, item.max),
        reference,
        no_data: Msg::NoData.text(lang).to_string(),
        suppressed_label: Msg::Suppressed.text(lang).to_string(),
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

fn ci_text(ci: Option<(f64, f64)>, decimals: usize) -> String {
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
        caption: Some(i18n::segment_name(segment, lang).to_string()),
        header: vec![
            i18n::segment_name(segment, lang).to_string(),
            Msg::N.text(lang).into(),
            Msg::Mean.text(lang).into(),
            Msg::Ci.text(lang).into(),
            Msg::Top2Box.text(lang).into(),
            Msg::Index.text(lang).into(),
        ],
        align: vec!["left", "right", "right", "right", "right", "right"],
        rows: rows
            .iter()
            .map(|c| {
                let label = inp.cfg.segment_label(segment, &c.value, lang).to_string();
                vec![
                    if c.suppressed {
                        format!("{label}（{}）", Msg::Suppressed.text(lang))
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
            Msg::Top2Box.text(lang).into(),
        ],
        align: vec!["left", "right", "right", "right", "right"],
        rows: rows
            .iter()
            .map(|(it, c)| {
                vec![
                    format!("{}（{:.0}–{:.0}）", it.label(lang), it.min, it.max),
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
        caption: Some(i18n::segment_name(segment, lang).to_string()),
        header: vec![
            i18n::segment_name(segment, lang).to_string(),
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
                        format!("{label}（{}）", Msg::Suppressed.text(lang))
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
    if let Some(l) = inp.ledger {
        let s = |n| frame::strs(l, n).map_err(col_err);
        let f = |n| frame::f64s(l, n).map_err(col_err);
        let (src, file, enc) = (s("source")?, s("file")?, s("encoding")?);
        let (read, acc, rej) = (f("rows_read")?, f("accepted")?, f("rejected")?);
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
            ],
            align: vec!["left", "left", "left", "right", "right", "right"],
            rows: (0..l.height())
                .map(|i| {
                    vec![
                        src[i].clone().unwrap_or_default(),
                        file[i].clone().unwrap_or_default(),
                        enc[i].clone().unwrap_or_default(),
                        n(read[i]),
                        n(acc[i]),
                        n(rej[i]),
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
                    let label = i18n::reject_reason(code[i].as_deref().unwrap_or(""), lang);
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
    Ok(Section {
        title: Msg::DataSection.text(lang).into(),
        intro: Some(Msg::DataIntro.text(lang).into()),
        chart: None,
        chart_caption: None,
        tables,
        notes: [
            Msg::MethodsNote.text(lang).to_string(),
            Msg::SuppressedNote.text(lang).to_string(),
        ]
        .into_iter()
        .chain(inp.notes.iter().cloned())
        .collect(),
    })
}

/// Build the report model.
pub fn build(inp: &Inputs) -> Result<Report, RenderError> {
    let lang = inp.lang;
    let cfg = inp.cfg;
    let sat = sat_cells(inp.satisfaction)?;
    let nps = nps_cells(inp.nps)?;
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
                    "{}（{}）",
                    Msg::HeadlineOverall.text(lang),
                    item.label(lang)
                )
            },
            value: i18n::score(o.mean, lang),
            detail: format!(
                "{} {} · n = {}",
                Msg::Ci.text(lang),
                ci_text(o.ci, 2),
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
    let responses = overall.map(|o| o.n).unwrap_or(0);
    headlines.push(Headline {
        label: Msg::HeadlineResponses.text(lang).into(),
        value: i18n::count(responses),
        detail: format!("{} {}", Msg::Period.text(lang), inp.period),
    });
    if let Some(low) = sat
        .iter()
        .filter(|c| c.segment == "region" && c.measure == item.id && !c.suppressed)
        .min_by(|a, b| a.mean.total_cmp(&b.mean))
    {
        headlines.push(Headline {
            label: Msg::HeadlineLowestRegion.text(lang).into(),
            value: cfg.segment_label("region", &low.value, lang).to_string(),
            detail: format!(
                "{} · {} {}",
                i18n::score(low.mean, lang),
                Msg::Ci.text(lang),
                ci_text(low.ci, 2)
            ),
        });
    }

    let mut sat_tables = vec![items_table(inp, &sat)];
    for seg in &cfg.report_segments {
        sat_tables.extend(sat_table(inp, &sat, seg, &item.id));
    }
    let mut nps_tables = Vec::new();
    for seg in std::iter::once("all").chain(cfg.report_segments.iter().map(String::as_str)) {
        nps_tables.extend(nps_table(inp, &nps, seg));
    }
    let sections = vec![
        Section {
            title: Msg::SatisfactionSection.text(lang).into(),
            intro: Some(Msg::SatisfactionIntro.text(lang).into()),
            chart: Some("/charts/satisfaction_by_region.svg".into()),
            chart_caption: Some(Msg::ChartRegionTitle.text(lang).into()),
            tables: sat_tables,
            notes: vec![Msg::SuppressedNote.text(lang).into()],
        },
        Section {
            title: Msg::NpsSection.text(lang).into(),
            intro: Some(Msg::NpsIntro.text(lang).into()),
            chart: None,
            chart_caption: None,
            tables: nps_tables,
            notes: Vec::new(),
        },
        data_section(inp)?,
    ];
    let org = match lang {
        Lang::Zh => cfg.org_zh.clone(),
        Lang::En => cfg.org_en.clone(),
    };
    Ok(Report {
        lang: lang.code(),
        title: Msg::ReportTitle.text(lang).into(),
        org,
        period: inp.period.to_string(),
        period_long: period_long(inp.period, lang),
        logo: cfg.logo.as_ref().map(|_| "/logo".to_string()),
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
        findings: {
            let mut all: BTreeMap<&str, &DataFrame> =
                inp.marts.iter().map(|(k, v)| (*k, v)).collect();
            all.insert("satisfaction", inp.satisfaction);
            all.insert("nps", inp.nps);
            super::findings::findings(cfg, lang, &all, 8)
                .into_iter()
                .map(|f| f.text)
                .collect()
        },
        sections,
    })
}

/// The headline numbers of a period (language-independent).
pub fn summary(inp: &Inputs) -> Result<Summary, RenderError> {
    let sat = sat_cells(inp.satisfaction)?;
    let nps = nps_cells(inp.nps)?;
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
        data_as_of: inp.period.last_day().to_string(),
        generated_on: inp.generated_on.clone(),
        responses: overall.map(|o| o.n).unwrap_or(0),
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
    })
}
