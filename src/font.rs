//! The embedded fonts: "Csat Sans SC", a GB2312 subset of Noto Sans CJK SC (OFL; see
//! `font/OFL.txt`). Embedded so that no machine needs fonts installed and every chart and
//! report looks the same everywhere. Below every stage: ingest asks which characters the
//! font lacks (garbled headers), render draws with it.

/// The family name as it appears in the font's name table, SVG charts and the report.
pub const FAMILY: &str = "Csat Sans SC";
pub const REGULAR: &[u8] = include_bytes!("font/CsatSansSC-Regular.otf");
pub const BOLD: &[u8] = include_bytes!("font/CsatSansSC-Bold.otf");

/// The regular face, parsed once (ttf-parser, the OpenType reader resvg and typst build).
fn face() -> &'static ttf_parser::Face<'static> {
    use std::sync::OnceLock;
    static FACE: OnceLock<ttf_parser::Face<'static>> = OnceLock::new();
    FACE.get_or_init(|| match ttf_parser::Face::parse(REGULAR, 0) {
        Ok(f) => f,
        Err(_) => unreachable!("the embedded font is a valid OpenType font (a unit test loads it)"),
    })
}

/// Characters of `text` the embedded font has no glyph for (they would print as boxes).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let face = face();
    let mut out: Vec<char> = text
        .chars()
        .filter(|c| !c.is_control() && face.glyph_index(*c).is_none())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The advance width of `c` in em, from the font's horizontal metrics (a character the font
/// lacks counts 1 em, the width of the box it would print as).
pub fn advance_em(c: char) -> f64 {
    let face = face();
    face.glyph_index(c)
        .and_then(|g| face.glyph_hor_advance(g))
        .map(|a| f64::from(a) / f64::from(face.units_per_em()))
        .unwrap_or(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_covers_report_text_and_reports_what_it_lacks() {
        assert!(
            missing_glyphs("华东区满意度 4.12 分（−0.27，q = 0.003），显著下降。NPS ±").is_empty()
        );
        // A rare character outside GB2312 and a symbol outside the subset.
        assert_eq!(missing_glyphs("䶮🙂"), vec!['䶮', '🙂']);
    }

    #[test]
    fn advances_come_from_the_font() {
        // Noto Sans CJK: ideographs and full-width punctuation are 1 em wide; its Latin is
        // proportional (an "i" is narrower than an "M").
        assert_eq!(advance_em('华'), 1.0);
        assert_eq!(advance_em('（'), 1.0);
        assert!(advance_em('i') < advance_em('M') && advance_em('M') < 1.0);
        assert_eq!(advance_em('🙂'), 1.0);
    }
}
