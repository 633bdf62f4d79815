//! The scorecard PDFs: one A4 page per card of [`model::scorecards`] in its own file, and
//! every card in one combined file (with a bookmark per card).

use super::model::{self, Card};
use super::{fonts, pdf, RenderError};

/// The layout of every card (`scorecard.typ`).
pub const TEMPLATE: &str = include_str!("scorecard.typ");

/// `scorecards/<card>.pdf` for every card and `scorecards/scorecards.pdf` with them all, by
/// path relative to the report folder; `None` when the marts have no store or region rows.
pub fn render(
    inp: &model::Inputs,
    today: chrono::NaiveDate,
) -> Result<Option<super::Rendered>, RenderError> {
    let Some(deck) = model::scorecards(inp) else {
        return Ok(None);
    };
    let mut warnings = Vec::new();
    let data = |cards: &[Card]| -> Result<Vec<u8>, RenderError> {
        let mut v = serde_json::to_value(&deck)?;
        v["cards"] = serde_json::to_value(cards)?;
        Ok(serde_json::to_vec(&v)?)
    };
    let all = data(&deck.cards)?;
    let missing = fonts::missing_glyphs(&String::from_utf8_lossy(&all));
    if !missing.is_empty() {
        warnings.push(format!(
            "the embedded font has no glyph for {:?}; they will show as boxes in the scorecards",
            missing.iter().collect::<String>()
        ));
    }
    let mut files = Vec::new();
    let mut compile = |name: &str, json: Vec<u8>| -> Result<(), RenderError> {
        let ident = format!("csat-scorecard-{}-{}-{name}", deck.period, deck.lang);
        let (bytes, w) = pdf::compile(TEMPLATE, vec![("/data.json".into(), json)], &ident, today)?;
        warnings.extend(w);
        files.push((format!("scorecards/{name}.pdf"), bytes));
        Ok(())
    };
    compile("scorecards", all)?;
    for c in &deck.cards {
        compile(&c.file, data(std::slice::from_ref(c))?)?;
    }
    Ok(Some(super::Rendered { files, warnings }))
}
