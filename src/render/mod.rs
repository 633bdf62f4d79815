//! Render: charts (SVG + PNG), the report model, the PDF (Typst) and HTML reports and
//! `summary.json`. Everything here returns bytes or strings; `cmd::report` writes them.

pub mod chart;
pub mod findings;
pub mod fonts;
pub mod html;
pub mod i18n;
pub mod model;
pub mod pdf;

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
    Json(String),
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
) -> Result<Rendered, RenderError> {
    let chart = model::region_chart(inp)?;
    let svg = chart::svg(&chart)?;
    let png = chart::png(&chart)?;
    let report = model::build(inp)?;
    let summary = model::summary(inp)?;
    let data = serde_json::to_vec_pretty(&report).map_err(|e| RenderError::Json(e.to_string()))?;
    let mut warnings = Vec::new();
    let text_of_report = String::from_utf8_lossy(&data).to_string();
    let missing = fonts::missing_glyphs(&text_of_report);
    if !missing.is_empty() {
        warnings.push(format!(
            "the embedded font has no glyph for {:?}; they will show as boxes in the PDF",
            missing.iter().collect::<String>()
        ));
    }
    let chart_path = "/charts/satisfaction_by_region.svg".to_string();
    let mut vfiles = vec![
        ("/data.json".to_string(), data),
        (chart_path.clone(), svg.clone().into_bytes()),
    ];
    let mut charts: HashMap<String, String> = [(chart_path, svg.clone())].into_iter().collect();
    let mut chart_files = Vec::new();
    if let Some(p) = model::pareto_chart(inp) {
        let psvg = chart::pareto_svg(&p)?;
        chart_files.push((
            "charts/complaints_pareto.png".to_string(),
            chart::pareto_png(&p)?,
        ));
        chart_files.push((
            "charts/complaints_pareto.svg".to_string(),
            psvg.clone().into_bytes(),
        ));
        vfiles.push((
            "/charts/complaints_pareto.svg".to_string(),
            psvg.clone().into_bytes(),
        ));
        charts.insert("/charts/complaints_pareto.svg".to_string(), psvg);
    }
    if let Some(k) = model::survival_chart(inp) {
        let ksvg = chart::survival_svg(&k)?;
        chart_files.push(("charts/survival.png".to_string(), chart::survival_png(&k)?));
        chart_files.push(("charts/survival.svg".to_string(), ksvg.clone().into_bytes()));
        vfiles.push((
            "/charts/survival.svg".to_string(),
            ksvg.clone().into_bytes(),
        ));
        charts.insert("/charts/survival.svg".to_string(), ksvg);
    }
    if let Some(t) = model::trend_chart(inp) {
        let tsvg = chart::control_svg(&t)?;
        chart_files.push(("charts/trend_csi.png".to_string(), chart::control_png(&t)?));
        chart_files.push((
            "charts/trend_csi.svg".to_string(),
            tsvg.clone().into_bytes(),
        ));
        vfiles.push((
            "/charts/trend_csi.svg".to_string(),
            tsvg.clone().into_bytes(),
        ));
        charts.insert("/charts/trend_csi.svg".to_string(), tsvg);
    }
    if let Some(l) = logo {
        vfiles.push(("/logo".to_string(), l));
    }
    let ident = format!("csat-report-{}-{}", report.period, report.lang);
    let (pdf, typst_warnings) = pdf::compile(pdf::TEMPLATE, vfiles, &ident, today)?;
    warnings.extend(typst_warnings);
    let html = html::render(&report, &charts);
    let mut summary_json =
        serde_json::to_vec_pretty(&summary).map_err(|e| RenderError::Json(e.to_string()))?;
    summary_json.push(b'\n');
    Ok(Rendered {
        files: vec![
            ("report.pdf".to_string(), pdf),
            ("report.html".to_string(), html.into_bytes()),
            ("summary.json".to_string(), summary_json),
            (
                "charts/satisfaction_by_region.svg".to_string(),
                svg.into_bytes(),
            ),
            ("charts/satisfaction_by_region.png".to_string(), png),
        ]
        .into_iter()
        .chain(chart_files)
        .collect(),
        warnings,
    })
}
