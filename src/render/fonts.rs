//! The embedded fonts for the charts and the report (the faces and their metrics are
//! [`crate::font`]'s); here their registration with plotters.

use std::sync::Once;

pub use crate::font::{advance_em, missing_glyphs, BOLD, FAMILY, REGULAR};

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
