//! Render: charts (SVG + PNG), the report model, the PDF (Typst) and HTML reports and
//! `summary.json`. Everything here returns bytes or strings; `cmd::report` writes them.

pub mod charts;
mod churn_tables;
pub mod export;
pub mod figures;
pub mod findings;
pub mod fonts;
pub mod html;
pub mod i18n;
pub mod model;
pub mod pdf;
pub mod scorecards;
mod sections;
pub mod xlsx;

use std::collections::HashMap;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum RenderError {
    #[error("chart: {0}")]
    Chart(String),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("{0}")]
    Data(String),
    #[error("summary.json: {0}")]
    Json(#[from] serde_json::Error),
}

/// Every file of one report, as bytes, by path relative to `reports/YYYY-MM/`.
pub struct Rendered {
    pub files: Vec<(String, Vec<u8>)>,
    /// Typst warnings and characters the font lacks: reported, never silent.
    pub warnings: Vec<String>,
}

/// Render the report of `inp` in its language: charts, PDF, HTML and summary.json.
pub fn report(
    inp: &model::Inputs,
    today: chrono::NaiveDate,
    logo: Option<Vec<u8>>,
    template: Option<&str>,
) -> Result<Rendered, RenderError> {
    let figs = figures::all(inp)?;
    let report = model::build(inp, &figs)?;
    let summary = model::summary(inp)?;
    let data = serde_json::to_vec_pretty(&report).map_err(RenderError::Json)?;
    let mut warnings = Vec::new();
    let text_of_report = String::from_utf8_lossy(&data).to_string();
    let missing = fonts::missing_glyphs(&text_of_report);
    if !missing.is_empty() {
        warnings.push(format!(
            "the embedded font has no glyph for {:?}; they will show as boxes in the PDF",
            missing.iter().collect::<String>()
        ));
    }
    let mut vfiles = vec![("/data.json".to_string(), data)];
    // Every chart: SVG and PNG files in the report folder, the SVG also drawn into the PDF
    // (a virtual file of the Typst world) and inlined in the HTML page.
    let mut charts: HashMap<String, String> = HashMap::new();
    let mut chart_files = Vec::new();
    let mut add = |name: &str, svg: String, png: Vec<u8>| {
        chart_files.push((format!("charts/{name}.svg"), svg.clone().into_bytes()));
        chart_files.push((format!("charts/{name}.png"), png));
        vfiles.push((format!("/charts/{name}.svg"), svg.clone().into_bytes()));
        charts.insert(format!("/charts/{name}.svg"), svg);
    };
    for (name, c) in &figs {
        add(name, c.svg()?, c.png()?);
    }
    if let Some(l) = &logo {
        vfiles.push(("/logo".to_string(), l.clone()));
    }
    let ident = format!("csat-report-{}-{}", report.period, report.lang);
    let (pdf, typst_warnings) =
        pdf::compile(template.unwrap_or(pdf::TEMPLATE), vfiles, &ident, today)?;
    warnings.extend(typst_warnings);
    let html = html::render(&report, &charts, logo.as_deref());
    let mut summary_json = serde_json::to_vec_pretty(&summary).map_err(RenderError::Json)?;
    summary_json.push(b'\n');
    let xlsx = xlsx::tables_xlsx(&report, today)?;
    let rejects = export::rejects_csv(inp.rejects, inp.lang)?;
    Ok(Rendered {
        files: [
            ("report.pdf".to_string(), pdf),
            ("report.html".to_string(), html.into_bytes()),
            ("summary.json".to_string(), summary_json),
            ("tables.xlsx".to_string(), xlsx),
            ("rejects.csv".to_string(), rejects),
        ]
        .into_iter()
        .chain(chart_files)
        .collect(),
        warnings,
    })
}
