//! The embedded fonts: "Csat Sans SC", a GB2312 subset of Noto Sans CJK SC (OFL; see
//! `font/OFL.txt`). Embedded so that no machine needs fonts installed and every chart and
//! report looks the same everywhere.

use std::sync::Once;

/// The family name as it appears in the font's name table, SVG charts and the report.
pub const FAMILY: &str = "Csat Sans SC";
pub const REGULAR: &[u8] = include_bytes!("font/CsatSansSC-Regular.otf");
pub const BOLD: &[u8] = include_bytes!("font/CsatSansSC-Bold.otf");

/// Register the regular face with plotters (its `ab_glyph` text path only draws fonts
/// registered this way). Safe to call many times.
pub fn register_for_charts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (style, bytes) in [
            (plotters::style::FontStyle::Normal, REGULAR),
            (plotters::style::FontStyle::Bold, BOLD),
        ] {
            if plotters::style::register_font(FAMILY, style, bytes).is_err() {
                unreachable!("the embedded font is a valid OpenType font (a unit test loads it)");
            }
        }
    });
}

/// Characters of `text` the embedded font has no glyph for (they would print as boxes).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    use std::sync::OnceLock;
    static CMAP: OnceLock<Vec<(u32, u32)>> = OnceLock::new();
    let ranges = CMAP.get_or_init(|| cmap_ranges(REGULAR));
    let mut out: Vec<char> = text
        .chars()
        .filter(|c| {
            !c.is_control() && !ranges.iter().any(|(a, b)| (*a..=*b).contains(&(*c as u32)))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Code point ranges of the font's format-4 or format-12 cmap subtable (enough to answer
/// "does the font have this character"; a full OpenType parser is not needed).
fn cmap_ranges(font: &[u8]) -> Vec<(u32, u32)> {
    let u16_at = |o: usize| u16::from_be_bytes([font[o], font[o + 1]]) as usize;
    let u32_at =
        |o: usize| u32::from_be_bytes([font[o], font[o + 1], font[o + 2], font[o + 3]]) as usize;
    let num_tables = u16_at(4);
    let Some(cmap) = (0..num_tables)
        .map(|i| 12 + 16 * i)
        .find(|&r| &font[r..r + 4] == b"cmap")
        .map(|r| u32_at(r + 8))
    else {
        return Vec::new();
    };
    let mut best = Vec::new();
    for i in 0..u16_at(cmap + 2) {
        let sub = cmap + u32_at(cmap + 4 + 8 * i + 4);
        let mut ranges = Vec::new();
        match u16_at(sub) {
            4 => {
                let segs = u16_at(sub + 6) / 2;
                for s in 0..segs {
                    let end = u16_at(sub + 14 + 2 * s) as u32;
                    let start = u16_at(sub + 16 + 2 * segs + 2 * s) as u32;
                    if start != 0xFFFF {
                        ranges.push((start, end));
                    }
                }
            }
            12 => {
                let groups = u32_at(sub + 12);
                for g in 0..groups {
                    let o = sub + 16 + 12 * g;
                    ranges.push((u32_at(o) as u32, u32_at(o + 4) as u32));
                }
            }
            _ => {}
        }
        if ranges.len() > best.len() {
            best = ranges;
        }
    }
    best
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
}
