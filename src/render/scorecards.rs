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
    let Some(mut deck) = model::scorecards(inp) else {
        return Ok(None);
    };
    let mut warnings = Vec::new();
    // The deck's shared fields once, then each file's cards (serialising the whole deck for
    // every page made the pages quadratic in the stores).
    let cards = std::mem::take(&mut deck.cards);
    let mut head = serde_json::to_value(&deck)?;
    let mut data = |cards: &[Card]| -> Result<Vec<u8>, RenderError> {
        head["cards"] = serde_json::to_value(cards)?;
        Ok(serde_json::to_vec(&head)?)
    };
    let all = data(&cards)?;
    let missing = fonts::missing_glyphs(&String::from_utf8_lossy(&all));
    if !missing.is_empty() {
        warnings.push(format!(
            "the embedded font has no glyph for {:?}; they will show as boxes in the scorecards",
            missing.iter().collect::<String>()
        ));
    }
    // Every file's data first (small), then the PDFs on two threads, the combined file
    // first as the costliest; files and warnings in this order whichever finishes first.
    let mut jobs: Vec<(String, Vec<u8>, usize)> = vec![("scorecards".into(), all, cards.len())];
    for c in &cards {
        jobs.push((c.file.clone(), data(std::slice::from_ref(c))?, 1));
    }
    let started = std::time::Instant::now();
    let compiled = crate::parallel::map(
        &jobs,
        |(_, _, pages)| *pages as u64,
        |(name, json, _)| {
            let ident = format!("csat-scorecard-{}-{}-{name}", deck.period, deck.lang);
            pdf::compile(
                TEMPLATE,
                vec![("/data.json".into(), json.clone())],
                &ident,
                today,
            )
        },
    );
    let mut files = Vec::with_capacity(jobs.len());
    for ((name, ..), out) in jobs.iter().zip(compiled) {
        let (bytes, w) = out?;
        warnings.extend(w);
        files.push((format!("scorecards/{name}.pdf"), bytes));
    }
    // Where the time goes (`csat -v report --scorecards`).
    tracing::info!(
        cards = cards.len(),
        ms = started.elapsed().as_millis() as u64,
        "scorecards"
    );
    Ok(Some(super::Rendered { files, warnings }))
}
