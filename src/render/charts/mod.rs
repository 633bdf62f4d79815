//! Charts drawn with plotters into memory: SVG as a `String`, PNG as bytes. Text uses the
//! embedded CJK font, so Chinese labels render the same on every machine.
//!
//! One file per chart kind, each with its tests; here what they share: sizes and colours,
//! label widths, the [`Chart`] trait, SVG and PNG output, the "no data" panel, and
//! [`AnyChart`], the report's list of charts.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::fonts::{register_for_charts, FAMILY};
use super::RenderError;

macro_rules! impl_chart {
    ($ty:ty, $size:expr, $draw:ident) => {
        impl Chart for $ty {
            fn size(&self) -> (u32, u32) {
                $size(self)
            }
            fn draw<DB: DrawingBackend>(
                &self,
                root: &DrawingArea<DB, Shift>,
                scale: f64,
            ) -> DrawResult<()>
            where
                DB::ErrorType: 'static,
            {
                $draw(root, self, scale)
            }
        }
    };
}

mod channels;
mod ci;
mod control;
mod histogram;
mod nps;
mod pareto;
mod quadrant;
mod survival;

pub use channels::ChannelTrendChart;
pub use ci::{CiChart, CiPoint, Flag};
pub use control::ControlChart;
pub use histogram::{HistPanel, HistogramChart};
pub use nps::NpsChart;
pub use pareto::ParetoChart;
pub use quadrant::QuadrantChart;
pub use survival::SurvivalChart;

const WIDTH: u32 = 800;
const ROW: u32 = 42;
const THIN_ROW: u32 = 26;
const BLUE: RGBColor = RGBColor(31, 94, 158);
const GREY: RGBColor = RGBColor(160, 160, 160);
const INK: RGBColor = RGBColor(40, 40, 40);
const RED: RGBColor = RGBColor(200, 40, 40);
const GREEN: RGBColor = RGBColor(30, 130, 60);
/// Longest label, in em, before it is shortened with "…".
const MAX_LABEL_EM: f64 = 16.0;

/// Width of `text` in em, from the embedded font's advances (no kerning: labels are short).
pub fn text_em(text: &str) -> f64 {
    text.chars().map(super::fonts::advance_em).sum()
}

/// `text` shortened to at most `max_em` em, ending in "…" when cut.
pub fn shorten(text: &str, max_em: f64) -> String {
    if text_em(text) <= max_em {
        return text.to_string();
    }
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let cw = super::fonts::advance_em(c);
        if w + cw > max_em - 1.0 {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

fn row_height(k: usize) -> u32 {
    if k > 15 {
        THIN_ROW
    } else {
        ROW
    }
}

type DrawResult<T> = Result<T, Box<dyn std::error::Error>>;

/// A chart that draws itself on any plotters backend at a scale factor (1 for SVG, 2 for
/// the PNG, which is rendered at twice the size for sharp display).
pub trait Chart {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, scale: f64) -> DrawResult<()>
    where
        DB::ErrorType: 'static;
}

/// The chart as an SVG document (text stays text, in the embedded font's family).
pub fn to_svg<C: Chart>(c: &C) -> Result<String, RenderError> {
    register_for_charts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, c.size()).into_drawing_area();
        c.draw(&root, 1.0)
            .map_err(|e| RenderError::Chart(e.to_string()))?;
        root.present()
            .map_err(|e| RenderError::Chart(e.to_string()))?;
    }
    Ok(out)
}

/// The chart as a PNG at twice its SVG size, rasterised from its SVG by resvg (with the
/// embedded font) rather than drawn by plotters' bitmap backend: that backend places each
/// glyph without its left side bearing, so full-width punctuation and many CJK characters
/// were spaced wrongly (`四象限(  IPA)`). resvg shapes the text as a browser shows the SVG,
/// so the PNG and the SVG are the same picture.
pub fn to_png<C: Chart>(c: &C) -> Result<Vec<u8>, RenderError> {
    let svg = to_svg(c)?;
    svg_to_png(&svg, 2.0)
}

/// The fonts an SVG chart names: the embedded regular and bold, and nothing of the
/// machine's (the same pixels on every machine).
fn chart_fonts() -> std::sync::Arc<resvg::usvg::fontdb::Database> {
    static DB: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(super::fonts::REGULAR.to_vec());
        db.load_font_data(super::fonts::BOLD.to_vec());
        db.set_sans_serif_family(super::fonts::FAMILY);
        std::sync::Arc::new(db)
    })
    .clone()
}

/// An SVG drawn at `scale` on white, as an RGB PNG.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    use resvg::{tiny_skia, usvg};
    let err = |e: String| RenderError::Chart(format!("PNG: {e}"));
    let opt = usvg::Options {
        fontdb: chart_fonts(),
        font_family: super::fonts::FAMILY.to_string(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| err(e.to_string()))?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).round() as u32,
        (size.height() * scale).round() as u32,
    );
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).ok_or_else(|| err(format!("no {w}×{h} canvas")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // On an opaque white canvas every pixel has alpha 255, so the premultiplied RGBA is
    // plain RGB.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().map_err(|e| err(e.to_string()))?;
        wr.write_image_data(&rgb).map_err(|e| err(e.to_string()))?;
    }
    Ok(bytes)
}

/// The two measures every chart draws with at scale `s`: lengths in pixels (`px`) and the
/// embedded font at a size (`font`).
#[allow(clippy::type_complexity)]
fn measures(
    s: f64,
) -> (
    impl Fn(f64) -> i32 + Copy,
    impl Fn(f64) -> FontDesc<'static> + Copy,
) {
    (
        move |v: f64| (v * s) as i32,
        move |size: f64| (FAMILY, size * s).into_font(),
    )
}

/// A chart's white canvas, with its [`measures`].
#[allow(clippy::type_complexity)]
fn canvas<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: f64,
) -> DrawResult<(
    impl Fn(f64) -> i32 + Copy,
    impl Fn(f64) -> FontDesc<'static> + Copy,
)>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    Ok(measures(s))
}

/// The frame of a chart's plot: `title` as its caption, the common margin, and label
/// areas of `x_area` and `y_area` pixels (before scaling by `s`).
fn titled<'a, 'b, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &'b str,
    s: f64,
    x_area: f64,
    y_area: f64,
) -> ChartBuilder<'a, 'b, DB> {
    let (px, font) = measures(s);
    let mut b = ChartBuilder::on(root);
    b.caption(title, font(20.0).color(&INK))
        .margin(px(16.0))
        .x_label_area_size(px(x_area))
        .y_label_area_size(px(y_area));
    b
}

/// The x-axis label at `x`: the month at a whole index, nothing between.
fn month_label(months: &[String], x: &f64) -> String {
    let i = x.round() as i64;
    if (x - i as f64).abs() < 1e-6 && i >= 0 {
        months.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

/// The panel of a chart without data: its title and a centred message, never a blank image.
fn no_data<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let font = |size: f64| (FAMILY, size * s).into_font();
    root.draw_text(
        title,
        &font(20.0).color(&INK),
        ((20.0 * s) as i32, (16.0 * s) as i32),
    )?;
    let (w, h) = root.dim_in_pixel();
    let style = font(18.0)
        .color(&GREY)
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ));
    root.draw_text(message, &style, (w as i32 / 2, h as i32 / 2))?;
    Ok(())
}

const PALETTE: [RGBColor; 5] = [
    RGBColor(31, 94, 158),
    RGBColor(60, 150, 80),
    RGBColor(230, 140, 30),
    RGBColor(200, 50, 50),
    RGBColor(120, 80, 160),
];

/// Any chart of the report, so the report can hold them in one list.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyChart {
    Ci(CiChart),
    Control(ControlChart),
    Pareto(ParetoChart),
    Survival(SurvivalChart),
    Quadrant(QuadrantChart),
    Nps(NpsChart),
    Histogram(HistogramChart),
    Channels(ChannelTrendChart),
}

macro_rules! dispatch {
    ($self:ident, $c:ident => $e:expr) => {
        match $self {
            AnyChart::Ci($c) => $e,
            AnyChart::Control($c) => $e,
            AnyChart::Pareto($c) => $e,
            AnyChart::Survival($c) => $e,
            AnyChart::Quadrant($c) => $e,
            AnyChart::Nps($c) => $e,
            AnyChart::Histogram($c) => $e,
            AnyChart::Channels($c) => $e,
        }
    };
}

impl AnyChart {
    pub fn title(&self) -> &str {
        dispatch!(self, c => &c.title)
    }
    pub fn size(&self) -> (u32, u32) {
        dispatch!(self, c => c.size())
    }
    pub fn svg(&self) -> Result<String, RenderError> {
        dispatch!(self, c => to_svg(c))
    }
    pub fn png(&self) -> Result<Vec<u8>, RenderError> {
        dispatch!(self, c => to_png(c))
    }
}

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn data_in_chart_text_is_escaped_in_the_svg() {
        // Complaint categories come from the raw complaint log: a hostile one must stay text
        // when the SVG is inlined in report.html.
        let c = ParetoChart {
            title: "投诉类别".into(),
            axis: "件数".into(),
            categories: vec!["<script>alert(1)</script>".into(), "A&B \"q\"".into()],
            counts: vec![3.0, 2.0],
            no_data: "无".into(),
        };
        let svg = to_svg(&c).unwrap();
        assert!(!svg.contains("<script>"), "unescaped markup in the SVG");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
    }
}
