//! Charts drawn with plotters into memory: SVG as a `String`, PNG as bytes. Text uses the
//! embedded CJK font, so Chinese labels render the same on every machine.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::fonts::{register_for_charts, FAMILY};
use super::RenderError;

/// How a row of a confidence-interval chart is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flag {
    #[default]
    None,
    /// Significantly better (green), e.g. a rise vs last month.
    Up,
    /// Significantly worse (red), e.g. a drop vs last month or a competitor ahead.
    Down,
}

/// One group of a confidence-interval chart.
#[derive(Debug, Clone, PartialEq)]
pub struct CiPoint {
    pub label: String,
    pub mean: f64,
    pub ci: Option<(f64, f64)>,
    /// Answers behind the row; 0 hides the "(n=…)" (external reference values).
    pub n: usize,
    pub suppressed: bool,
    /// Text after the value, e.g. the change vs last month and its q-value.
    pub note: Option<String>,
    pub flag: Flag,
}

/// A horizontal dot-and-whisker chart: one row per group, the mean as a dot, its
/// confidence interval as a whisker, an optional reference line (the company mean, or 0
/// for gaps). Rows flagged significant are coloured; suppressed rows are grey and say so.
/// The label column is as wide as the longest label (long names are shortened with "…"),
/// and rows get thinner beyond 15 groups so 40 stores still fit one page.
#[derive(Debug, Clone, PartialEq)]
pub struct CiChart {
    pub title: String,
    pub axis: String,
    pub points: Vec<CiPoint>,
    /// The axis range: the item's scale, so differences are never visually inflated.
    pub range: (f64, f64),
    pub reference: Option<(String, f64)>,
    pub no_data: String,
    pub suppressed_label: String,
    /// A line under the chart explaining the marks.
    pub footnote: Option<String>,
    /// Decimals of the values written next to the dots.
    pub decimals: usize,
}

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

fn size(c: &CiChart) -> (u32, u32) {
    let foot = if c.footnote.is_some() { 24 } else { 0 };
    (
        WIDTH,
        110 + foot + row_height(c.points.len()) * c.points.len().max(3) as u32,
    )
}

type DrawResult<T> = Result<T, Box<dyn std::error::Error>>;

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &CiChart, s: f64) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let px = |v: f64| (v * s) as i32;
    let font = |size: f64| (FAMILY, size * s).into_font();
    if c.points.is_empty() {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let thin = c.points.len() > 15;
    let label_size = if thin { 12.0 } else { 14.0 };
    let labels: Vec<String> = c
        .points
        .iter()
        .map(|p| {
            let name = shorten(&p.label, MAX_LABEL_EM);
            if p.n > 0 {
                format!("{name} (n={})", p.n)
            } else {
                name
            }
        })
        .collect();
    let label_px = labels
        .iter()
        .map(|l| text_em(l) * label_size)
        .fold(60.0, f64::max)
        + 16.0;
    let root = match &c.footnote {
        Some(f) => {
            let (w, h) = root.dim_in_pixel();
            let (top, bottom) = root.split_vertically(h as i32 - px(24.0));
            bottom.draw_text(f, &font(12.0).color(&GREY), (px(16.0), px(2.0)))?;
            let _ = w;
            top
        }
        None => root.clone(),
    };
    let k = c.points.len() as i32;
    let mut chart = ChartBuilder::on(&root)
        .caption(&c.title, font(20.0).color(&INK))
        .margin(px(16.0))
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(label_px))
        .build_cartesian_2d(c.range.0..c.range.1, (0..k).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .x_labels(9)
        .bold_line_style(RGBColor(215, 215, 215))
        .x_desc(c.axis.as_str())
        .axis_desc_style(font(15.0).color(&INK))
        .label_style(font(label_size).color(&INK))
        .y_labels(c.points.len())
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_label_formatter(&|x| format!("{x:.1}"))
        .draw()?;
    if let Some((label, x)) = &c.reference {
        chart.draw_series(DashedLineSeries::new(
            vec![(*x, SegmentValue::Exact(0)), (*x, SegmentValue::Exact(k))],
            px(6.0) as u32,
            px(4.0) as u32,
            ShapeStyle::from(&RGBColor(200, 80, 60)).stroke_width(px(1.5) as u32),
        ))?;
        // The label sits in the empty slot above the rows, where the line ends, so that it
        // never covers the top row's value label.
        chart.draw_series(std::iter::once(
            EmptyElement::at((*x, SegmentValue::CenterOf(k)))
                + Text::new(
                    format!("{label} {x:.prec$}", prec = c.decimals),
                    (px(4.0), px(-7.0)),
                    font(13.0).color(&RGBColor(200, 80, 60)),
                ),
        ))?;
    }
    let (dot, tick, value_size) = if thin {
        (4.0, 4.0, 11.0)
    } else {
        (5.0, 6.0, 13.0)
    };
    for (i, p) in c.points.iter().enumerate() {
        let i = i as i32;
        let color = match (p.suppressed, p.flag) {
            (true, _) => GREY,
            (false, Flag::Down) => RED,
            (false, Flag::Up) => GREEN,
            (false, Flag::None) => BLUE,
        };
        let style = ShapeStyle::from(&color).stroke_width(px(2.0) as u32);
        if let Some((lo, hi)) = p.ci {
            let (lo, hi) = (lo.max(c.range.0), hi.min(c.range.1));
            chart.draw_series(std::iter::once(PathElement::new(
                vec![
                    (lo, SegmentValue::CenterOf(i)),
                    (hi, SegmentValue::CenterOf(i)),
                ],
                style,
            )))?;
            for x in [lo, hi] {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((x, SegmentValue::CenterOf(i)))
                        + PathElement::new(vec![(0, -px(tick)), (0, px(tick))], style),
                ))?;
            }
        }
        let mean = p.mean.clamp(c.range.0, c.range.1);
        chart.draw_series(std::iter::once(Circle::new(
            (mean, SegmentValue::CenterOf(i)),
            px(dot),
            color.filled(),
        )))?;
        let mut note = format!("{:.prec$}", p.mean, prec = c.decimals);
        if let Some(n) = &p.note {
            note = format!("{note}  {n}");
        }
        if p.suppressed {
            note = format!("{note} {}", c.suppressed_label);
        }
        // The value sits right of the whisker, clear of the dot and the interval; when
        // that is past the right edge's last fifth it goes left of the whisker instead.
        let right =
            p.ci.map(|(_, hi)| hi.min(c.range.1))
                .unwrap_or(mean)
                .max(mean);
        let left =
            p.ci.map(|(lo, _)| lo.max(c.range.0))
                .unwrap_or(mean)
                .min(mean);
        let span = c.range.1 - c.range.0;
        let note_em = text_em(&note) * value_size;
        let plot_w = (WIDTH as f64 - label_px - 40.0).max(100.0);
        let fits_right = (right - c.range.0) / span * plot_w + note_em + 12.0 < plot_w;
        let fits_left = (left - c.range.0) / span * plot_w - note_em - 12.0 > 0.0;
        let (at, offset) = if fits_right || !fits_left {
            (right, px(8.0))
        } else {
            (left, -px(note_em + 8.0))
        };
        chart.draw_series(std::iter::once(
            EmptyElement::at((at, SegmentValue::CenterOf(i)))
                + Text::new(
                    note,
                    (offset, -px(value_size * 0.6)),
                    font(value_size).color(&color),
                ),
        ))?;
    }
    Ok(())
}

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

impl_chart!(CiChart, size, draw);
impl_chart!(ControlChart, |_: &ControlChart| CONTROL_SIZE, draw_control);
impl_chart!(ParetoChart, |_: &ParetoChart| PARETO_SIZE, draw_pareto);
impl_chart!(
    SurvivalChart,
    |_: &SurvivalChart| SURVIVAL_SIZE,
    draw_survival
);

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(points: Vec<CiPoint>) -> CiChart {
        CiChart {
            title: "各区域总体满意度".into(),
            axis: "总体满意度（1–5 分）".into(),
            points,
            range: (1.0, 5.0),
            reference: Some(("全公司".into(), 3.9)),
            no_data: "本期无数据".into(),
            suppressed_label: "样本不足".into(),
            footnote: Some("红色：较上月显著下降（q < 0.05）".into()),
            decimals: 2,
        }
    }

    #[test]
    fn svg_carries_chinese_labels_as_text_in_the_embedded_family() {
        let c = chart(vec![
            CiPoint {
                label: "华东区".into(),
                mean: 4.1,
                ci: Some((3.9, 4.3)),
                n: 400,
                suppressed: false,
                note: Some("−0.27（q = 0.003）".into()),
                flag: Flag::Down,
            },
            CiPoint {
                label: "西南区".into(),
                mean: 3.2,
                ci: Some((2.5, 3.9)),
                n: 12,
                suppressed: true,
                note: None,
                flag: Flag::None,
            },
        ]);
        let s = to_svg(&c).unwrap();
        assert!(
            s.contains("华东区 (n=400)") && s.contains("样本不足"),
            "labels missing"
        );
        assert!(s.contains(FAMILY));
        assert!(
            s.contains("−0.27（q = 0.003）") && s.contains("#C82828"),
            "the significant drop is written and red"
        );
        assert!(
            s.contains("红色：较上月显著下降"),
            "the footnote explains the marks"
        );
        let png = to_png(&c).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn empty_chart_says_no_data_instead_of_failing() {
        let s = to_svg(&chart(Vec::new())).unwrap();
        assert!(s.contains("本期无数据"));
        assert!(to_png(&chart(Vec::new())).is_ok());
    }
}

/// A control chart of one measure over months: the values, the centre line, the control
/// limits of each month (they vary with n), and out-of-control months marked in red.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlChart {
    pub title: String,
    pub axis: String,
    pub months: Vec<String>,
    pub values: Vec<f64>,
    pub center: Option<f64>,
    pub limits: Vec<Option<(f64, f64)>>,
    pub out_of_control: Vec<bool>,
    /// The confidence interval of each month's value, drawn as a shaded band.
    pub band: Vec<Option<(f64, f64)>>,
    pub no_data: String,
    pub center_label: String,
}

const CONTROL_SIZE: (u32, u32) = (800, 340);

fn draw_control<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &ControlChart,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let px = |v: f64| (v * s) as i32;
    let font = |size: f64| (FAMILY, size * s).into_font();
    if c.values.is_empty() {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let mut lo = c.values.iter().cloned().fold(f64::INFINITY, f64::min);
    let mut hi = c.values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    for (l, u) in c.limits.iter().chain(c.band.iter()).flatten() {
        lo = lo.min(*l);
        hi = hi.max(*u);
    }
    let pad = ((hi - lo) * 0.1).max(1e-6);
    let n = c.values.len() as i32;
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, font(20.0).color(&INK))
        .margin(px(16.0))
        .x_label_area_size(px(40.0))
        .y_label_area_size(px(60.0))
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), (lo - pad)..(hi + pad))?;
    let months = c.months.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .y_desc(c.axis.as_str())
        .axis_desc_style(font(14.0).color(&INK))
        .label_style(font(12.0).color(&INK))
        .x_labels(months.len())
        .x_label_formatter(&|x| {
            let i = x.round() as i64;
            if (x - i as f64).abs() < 1e-6 && i >= 0 {
                months.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .draw()?;
    // The interval band: one shaded polygon per run of months that have an interval.
    let mut run: Vec<(f64, (f64, f64))> = Vec::new();
    let band_color = RGBColor(31, 94, 158).mix(0.15);
    let mut flush = |run: &mut Vec<(f64, (f64, f64))>| -> DrawResult<()> {
        if run.len() == 1 {
            let (x, (l, u)) = run[0];
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.15, l), (x + 0.15, u)],
                band_color.filled(),
            )))?;
        } else if run.len() > 1 {
            let mut poly: Vec<(f64, f64)> = run.iter().map(|(x, (_, u))| (*x, *u)).collect();
            poly.extend(run.iter().rev().map(|(x, (l, _))| (*x, *l)));
            chart.draw_series(std::iter::once(Polygon::new(poly, band_color.filled())))?;
        }
        run.clear();
        Ok(())
    };
    for (i, b) in c.band.iter().enumerate() {
        match b {
            Some(b) => run.push((i as f64, *b)),
            None => flush(&mut run)?,
        }
    }
    flush(&mut run)?;
    let limit_style = ShapeStyle::from(&RGBColor(200, 80, 60)).stroke_width(px(1.0) as u32);
    for (i, l) in c.limits.iter().enumerate() {
        if let Some((l, u)) = l {
            let x = i as f64;
            for y in [*l, *u] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x - 0.4, y), (x + 0.4, y)],
                    limit_style,
                )))?;
            }
        }
    }
    if let Some(m) = c.center {
        chart.draw_series(DashedLineSeries::new(
            vec![(-0.5, m), (n as f64 - 0.5, m)],
            px(6.0) as u32,
            px(4.0) as u32,
            ShapeStyle::from(&GREY).stroke_width(px(1.0) as u32),
        ))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("{} {:.2}", c.center_label, m),
            (-0.45, m),
            font(12.0).color(&GREY),
        )))?;
    }
    chart.draw_series(LineSeries::new(
        c.values.iter().enumerate().map(|(i, v)| (i as f64, *v)),
        ShapeStyle::from(&BLUE).stroke_width(px(2.0) as u32),
    ))?;
    for (i, v) in c.values.iter().enumerate() {
        let color = if c.out_of_control.get(i).copied().unwrap_or(false) {
            RGBColor(200, 40, 40)
        } else {
            BLUE
        };
        chart.draw_series(std::iter::once(Circle::new(
            (i as f64, *v),
            px(4.0),
            color.filled(),
        )))?;
    }
    Ok(())
}

#[cfg(test)]
mod control_tests {
    use super::*;

    #[test]
    fn control_chart_marks_out_of_control_months_and_survives_no_data() {
        let c = ControlChart {
            title: "华东区 CSI".into(),
            axis: "CSI".into(),
            months: vec!["2026-08".into(), "2026-09".into(), "2026-10".into()],
            values: vec![70.0, 71.0, 62.0],
            center: Some(70.0),
            limits: vec![Some((66.0, 74.0)), Some((66.0, 74.0)), Some((66.0, 74.0))],
            out_of_control: vec![false, false, true],
            band: vec![Some((69.0, 71.0)), None, Some((60.0, 64.0))],
            no_data: "本期无数据".into(),
            center_label: "中心线".into(),
        };
        let svg = to_svg(&c).unwrap();
        assert!(
            svg.contains("2026-10") && svg.contains("#C82828"),
            "the red out-of-control point"
        );
        assert_eq!(&to_png(&c).unwrap()[1..4], b"PNG");
        let one = ControlChart {
            months: vec!["2026-10".into()],
            values: vec![62.0],
            limits: vec![None],
            out_of_control: vec![false],
            band: vec![Some((60.0, 64.0))],
            center: None,
            ..c.clone()
        };
        let svg = to_svg(&one).unwrap();
        assert!(
            svg.contains("2026-10") && svg.contains("<circle"),
            "a single month draws its point"
        );
        let empty = ControlChart {
            values: vec![],
            months: vec![],
            limits: vec![],
            out_of_control: vec![],
            band: vec![],
            ..c
        };
        assert!(to_svg(&empty).unwrap().contains("本期无数据"));
    }
}

/// A Pareto chart: bars of counts by category (largest first) and the cumulative share.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoChart {
    pub title: String,
    pub axis: String,
    pub categories: Vec<String>,
    pub counts: Vec<f64>,
    pub no_data: String,
}

const PARETO_SIZE: (u32, u32) = (800, 360);

fn draw_pareto<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &ParetoChart,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let px = |v: f64| (v * s) as i32;
    let font = |size: f64| (FAMILY, size * s).into_font();
    let total: f64 = c.counts.iter().sum();
    if c.counts.is_empty() || total <= 0.0 {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let k = c.counts.len() as i32;
    let max = c.counts.iter().cloned().fold(0.0, f64::max) * 1.15;
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, font(20.0).color(&INK))
        .margin(px(16.0))
        .x_label_area_size(px(40.0))
        .y_label_area_size(px(50.0))
        .right_y_label_area_size(px(50.0))
        .build_cartesian_2d((0..k - 1).into_segmented(), 0.0..max)?
        .set_secondary_coord((0..k - 1).into_segmented(), 0.0..1.05);
    let cats = c.categories.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .y_desc(c.axis.as_str())
        .axis_desc_style(font(14.0).color(&INK))
        .label_style(font(13.0).color(&INK))
        .x_labels(cats.len())
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => cats.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .draw()?;
    chart
        .configure_secondary_axes()
        .label_style(font(13.0).color(&RGBColor(200, 80, 60)))
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .draw()?;
    chart.draw_series(c.counts.iter().enumerate().map(|(i, v)| {
        let i = i as i32;
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), *v),
            ],
            BLUE.mix(0.75).filled(),
        );
        bar.set_margin(0, 0, px(12.0) as u32, px(12.0) as u32);
        bar
    }))?;
    let mut cum = 0.0;
    let points: Vec<(SegmentValue<i32>, f64)> = c
        .counts
        .iter()
        .enumerate()
        .map(|(i, v)| {
            cum += v / total;
            (SegmentValue::CenterOf(i as i32), cum)
        })
        .collect();
    let red = RGBColor(200, 80, 60);
    chart.draw_secondary_series(LineSeries::new(
        points.clone(),
        ShapeStyle::from(&red).stroke_width(px(2.0) as u32),
    ))?;
    chart.draw_secondary_series(
        points
            .iter()
            .map(|p| Circle::new(p.clone(), px(4.0), red.filled())),
    )?;
    Ok(())
}

#[cfg(test)]
mod pareto_tests {
    use super::*;

    #[test]
    fn pareto_draws_bars_and_the_cumulative_line_and_survives_no_data() {
        let c = ParetoChart {
            title: "投诉类别".into(),
            axis: "件数".into(),
            categories: vec!["产品质量".into(), "送货延误".into(), "价格争议".into()],
            counts: vec![26.0, 20.0, 3.0],
            no_data: "本期无数据".into(),
        };
        let svg = to_svg(&c).unwrap();
        assert!(svg.contains("送货延误") && svg.contains("100%"));
        assert_eq!(&to_png(&c).unwrap()[1..4], b"PNG");
        let one = ParetoChart {
            counts: vec![4.0],
            categories: vec!["产品质量".into()],
            ..c.clone()
        };
        assert!(
            to_svg(&one).unwrap().contains("产品质量"),
            "a single category still draws"
        );
        assert!(to_svg(&ParetoChart {
            counts: vec![],
            categories: vec![],
            ..c
        })
        .unwrap()
        .contains("本期无数据"));
    }
}

/// Kaplan–Meier retention curves, one per group, as steps with their confidence bands.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalChart {
    pub title: String,
    pub x_axis: String,
    pub y_axis: String,
    /// (label, points (day, survival, ci)) per group.
    pub groups: Vec<(String, Vec<(f64, f64, Option<(f64, f64)>)>)>,
    pub note: String,
    pub no_data: String,
}

const SURVIVAL_SIZE: (u32, u32) = (800, 380);
const PALETTE: [RGBColor; 5] = [
    RGBColor(31, 94, 158),
    RGBColor(60, 150, 80),
    RGBColor(230, 140, 30),
    RGBColor(200, 50, 50),
    RGBColor(120, 80, 160),
];

fn draw_survival<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &SurvivalChart,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let px = |v: f64| (v * s) as i32;
    let font = |size: f64| (FAMILY, size * s).into_font();
    let max_day = c
        .groups
        .iter()
        .flat_map(|(_, p)| p.iter().map(|x| x.0))
        .fold(0.0, f64::max);
    if c.groups.iter().all(|(_, p)| p.is_empty()) || max_day <= 0.0 {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let min_s = c
        .groups
        .iter()
        .flat_map(|(_, p)| p.iter().map(|x| x.2.map(|ci| ci.0).unwrap_or(x.1)))
        .fold(1.0, f64::min);
    let y0 = (min_s - 0.05).clamp(0.0, 0.95);
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, font(20.0).color(&INK))
        .margin(px(16.0))
        .x_label_area_size(px(40.0))
        .y_label_area_size(px(55.0))
        .build_cartesian_2d(0.0..max_day, y0..1.0)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(230, 230, 230))
        .x_desc(c.x_axis.as_str())
        .y_desc(c.y_axis.as_str())
        .axis_desc_style(font(14.0).color(&INK))
        .label_style(font(12.0).color(&INK))
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .draw()?;
    for (gi, (label, pts)) in c.groups.iter().enumerate() {
        let color = PALETTE[gi % PALETTE.len()];
        // Step function from (0, 1): horizontal to each event time, then down.
        let mut steps = vec![(0.0, 1.0)];
        let mut upper = vec![(0.0, 1.0)];
        let mut lower = vec![(0.0, 1.0)];
        let (mut prev_s, mut prev_ci) = (1.0, (1.0, 1.0));
        for (day, surv, ci) in pts {
            steps.push((*day, prev_s));
            steps.push((*day, *surv));
            let ci = ci.unwrap_or((*surv, *surv));
            upper.push((*day, prev_ci.1));
            upper.push((*day, ci.1));
            lower.push((*day, prev_ci.0));
            lower.push((*day, ci.0));
            prev_s = *surv;
            prev_ci = ci;
        }
        steps.push((max_day, prev_s));
        upper.push((max_day, prev_ci.1));
        lower.push((max_day, prev_ci.0));
        let mut band = upper.clone();
        band.extend(lower.iter().rev().cloned());
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            color.mix(0.15).filled(),
        )))?;
        chart
            .draw_series(LineSeries::new(
                steps,
                ShapeStyle::from(&color).stroke_width(px(2.0) as u32),
            ))?
            .label(label.clone())
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 18, y)],
                    ShapeStyle::from(&color).stroke_width(3),
                )
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(font(13.0).color(&INK))
        .draw()?;
    let (w, _) = root.dim_in_pixel();
    let style = font(13.0)
        .color(&INK)
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Right,
            plotters::style::text_anchor::VPos::Top,
        ));
    root.draw_text(&c.note, &style, (w as i32 - px(24.0), px(44.0)))?;
    Ok(())
}

#[cfg(test)]
mod survival_tests {
    use super::*;

    #[test]
    fn survival_chart_draws_each_group_with_its_band_and_survives_no_data() {
        let c = SurvivalChart {
            title: "按投诉处理结果的留存曲线".into(),
            x_axis: "天".into(),
            y_axis: "留存".into(),
            groups: vec![
                (
                    "未投诉".into(),
                    vec![
                        (30.0, 0.98, Some((0.97, 0.99))),
                        (200.0, 0.93, Some((0.92, 0.94))),
                    ],
                ),
                (
                    "超时结案".into(),
                    vec![(50.0, 0.9, Some((0.85, 0.94))), (120.0, 0.8, None)],
                ),
            ],
            note: "log-rank p < 0.001".into(),
            no_data: "本期无数据".into(),
        };
        let svg = to_svg(&c).unwrap();
        assert!(svg.contains("超时结案") && svg.contains("log-rank"));
        assert_eq!(&to_png(&c).unwrap()[1..4], b"PNG");
        assert!(to_svg(&SurvivalChart {
            groups: vec![],
            ..c
        })
        .unwrap()
        .contains("本期无数据"));
    }
}

/// The importance–performance (IPA) quadrant of the drivers: importance (% of R²) across,
/// performance (0–100) up, split at the mean of each, quadrants labelled.
#[derive(Debug, Clone, PartialEq)]
pub struct QuadrantChart {
    pub title: String,
    pub x_axis: String,
    pub y_axis: String,
    /// (label, importance, performance)
    pub points: Vec<(String, f64, f64)>,
    /// Labels of the quadrants: fix first (top-left of importance high / performance low is
    /// bottom-right), keep up, low priority, possible overkill.
    pub quadrants: [String; 4],
    pub no_data: String,
}

const QUADRANT_SIZE: (u32, u32) = (800, 460);

fn draw_quadrant<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &QuadrantChart,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let px = |v: f64| (v * s) as i32;
    let font = |size: f64| (FAMILY, size * s).into_font();
    if c.points.is_empty() {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let n = c.points.len() as f64;
    let mean_x = 100.0 / n;
    let mean_y = c.points.iter().map(|p| p.2).sum::<f64>() / n;
    let (x0, x1) = c
        .points
        .iter()
        .fold((mean_x, mean_x), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (y0, y1) = c
        .points
        .iter()
        .fold((mean_y, mean_y), |(a, b), p| (a.min(p.2), b.max(p.2)));
    let (px_, py_) = (((x1 - x0) * 0.15).max(1.0), ((y1 - y0) * 0.15).max(1.0));
    let (xr, yr) = (
        (x0 - px_).max(0.0)..(x1 + px_),
        (y0 - py_).max(0.0)..(y1 + py_).min(100.0),
    );
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, font(20.0).color(&INK))
        .margin(px(16.0))
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(55.0))
        .build_cartesian_2d(xr.clone(), yr.clone())?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(235, 235, 235))
        .x_desc(c.x_axis.as_str())
        .y_desc(c.y_axis.as_str())
        .axis_desc_style(font(14.0).color(&INK))
        .label_style(font(12.0).color(&INK))
        .draw()?;
    let split = ShapeStyle::from(&GREY).stroke_width(px(1.0) as u32);
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(mean_x, yr.start), (mean_x, yr.end)],
        split,
    )))?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(xr.start, mean_y), (xr.end, mean_y)],
        split,
    )))?;
    // Quadrant labels in the four corners: [fix first, keep up, low priority, possible overkill].
    let corner = [
        (xr.end, yr.start, true, false),
        (xr.end, yr.end, true, true),
        (xr.start, yr.start, false, false),
        (xr.start, yr.end, false, true),
    ];
    for (label, (x, y, right, top)) in c.quadrants.iter().zip(corner) {
        let style =
            font(14.0)
                .color(&RGBColor(200, 80, 60))
                .pos(plotters::style::text_anchor::Pos::new(
                    if right {
                        plotters::style::text_anchor::HPos::Right
                    } else {
                        plotters::style::text_anchor::HPos::Left
                    },
                    if top {
                        plotters::style::text_anchor::VPos::Top
                    } else {
                        plotters::style::text_anchor::VPos::Bottom
                    },
                ));
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y))
                + Text::new(
                    label.clone(),
                    (
                        if right { -px(6.0) } else { px(6.0) },
                        if top { px(6.0) } else { -px(6.0) },
                    ),
                    style,
                ),
        ))?;
    }
    for (label, x, y) in &c.points {
        let fix = *x >= mean_x && *y < mean_y;
        let color = if fix { RGBColor(200, 40, 40) } else { BLUE };
        chart.draw_series(std::iter::once(
            EmptyElement::at((*x, *y))
                + Circle::new((0, 0), px(6.0), color.filled())
                + Text::new(label.clone(), (px(9.0), -px(7.0)), font(13.0).color(&INK)),
        ))?;
    }
    Ok(())
}

impl_chart!(
    QuadrantChart,
    |_: &QuadrantChart| QUADRANT_SIZE,
    draw_quadrant
);

#[cfg(test)]
mod quadrant_tests {
    use super::*;

    #[test]
    fn quadrant_chart_labels_points_and_quadrants() {
        let c = QuadrantChart {
            title: "重要性—表现".into(),
            x_axis: "重要性".into(),
            y_axis: "表现".into(),
            points: vec![
                ("产品质量".into(), 35.0, 70.0),
                ("送货安装经历".into(), 14.0, 57.0),
                ("服务主动性".into(), 4.0, 65.0),
            ],
            quadrants: [
                "优先改进".into(),
                "保持优势".into(),
                "次要".into(),
                "可能过度投入".into(),
            ],
            no_data: "本期无数据".into(),
        };
        let svg = to_svg(&c).unwrap();
        assert!(
            svg.contains("送货安装经历")
                && svg.contains("优先改进")
                && svg.contains("可能过度投入")
        );
        assert_eq!(&to_png(&c).unwrap()[1..4], b"PNG");
        assert!(to_svg(&QuadrantChart {
            points: vec![],
            ..c
        })
        .unwrap()
        .contains("本期无数据"));
    }
}

/// NPS by group as stacked bars of detractors, passives and promoters (shares), with the
/// NPS and its interval written beside each bar.
#[derive(Debug, Clone, PartialEq)]
pub struct NpsChart {
    pub title: String,
    /// (label, detractors, passives, promoters as shares, NPS, CI, suppressed)
    pub rows: Vec<(String, f64, f64, f64, f64, (f64, f64), bool)>,
    /// Legend labels: detractors, passives, promoters.
    pub legend: [String; 3],
    pub suppressed_label: String,
    pub no_data: String,
}

fn nps_size(c: &NpsChart) -> (u32, u32) {
    (WIDTH, 120 + ROW * c.rows.len().max(3) as u32)
}

fn draw_nps<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &NpsChart,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let px = |v: f64| (v * s) as i32;
    let font = |size: f64| (FAMILY, size * s).into_font();
    if c.rows.is_empty() {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let k = c.rows.len() as i32;
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, font(20.0).color(&INK))
        .margin(px(16.0))
        .x_label_area_size(px(56.0))
        .y_label_area_size(px(150.0))
        .build_cartesian_2d(0.0..1.45, (0..k - 1).into_segmented())?;
    let labels: Vec<String> = c.rows.iter().map(|r| r.0.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(235, 235, 235))
        .label_style(font(13.0).color(&INK))
        .x_labels(6)
        .x_label_formatter(&|x| {
            if *x <= 1.0 + 1e-9 {
                format!("{:.0}%", x * 100.0)
            } else {
                String::new()
            }
        })
        .y_labels(labels.len())
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .draw()?;
    let colors = [
        RGBColor(200, 60, 50),
        RGBColor(190, 190, 190),
        RGBColor(40, 140, 80),
    ];
    for (i, (_, d, p, pr, nps, ci, sup)) in c.rows.iter().enumerate() {
        let i = i as i32;
        let mut x = 0.0;
        for (share, color) in [*d, *p, *pr].iter().zip(colors) {
            let alpha = if *sup { 0.35 } else { 0.9 };
            let mut bar = Rectangle::new(
                [
                    (x, SegmentValue::Exact(i)),
                    (x + share, SegmentValue::Exact(i + 1)),
                ],
                color.mix(alpha).filled(),
            );
            bar.set_margin(px(5.0) as u32, px(5.0) as u32, 0, 0);
            chart.draw_series(std::iter::once(bar))?;
            x += share;
        }
        let note = if *sup {
            format!("NPS {:.1} {}", nps, c.suppressed_label)
        } else {
            format!("NPS {:.1} [{:.1}, {:.1}]", nps, ci.0, ci.1)
        };
        chart.draw_series(std::iter::once(Text::new(
            note,
            (1.03, SegmentValue::CenterOf(i)),
            font(13.0).color(&INK),
        )))?;
    }
    // The legend sits under the axis, clear of the bars.
    let (_, h) = root.dim_in_pixel();
    for (j, (label, color)) in c.legend.iter().zip(colors).enumerate() {
        let x = px(170.0 + 130.0 * j as f64);
        let y = h as i32 - px(24.0);
        root.draw(&Rectangle::new(
            [(x, y), (x + px(14.0), y + px(12.0))],
            color.filled(),
        ))?;
        root.draw_text(label, &font(13.0).color(&INK), (x + px(18.0), y - px(1.0)))?;
    }
    Ok(())
}

impl_chart!(NpsChart, nps_size, draw_nps);

#[cfg(test)]
mod nps_tests {
    use super::*;

    #[test]
    fn nps_bars_stack_to_one_and_name_each_group() {
        let c = NpsChart {
            title: "各区域净推荐值".into(),
            rows: vec![
                ("华东区".into(), 0.2, 0.3, 0.5, 30.0, (20.0, 40.0), false),
                ("西南区".into(), 0.3, 0.3, 0.4, 10.0, (-5.0, 25.0), true),
            ],
            legend: ["贬损者".into(), "中立者".into(), "推荐者".into()],
            suppressed_label: "样本不足".into(),
            no_data: "本期无数据".into(),
        };
        let svg = to_svg(&c).unwrap();
        assert!(svg.contains("华东区") && svg.contains("推荐者") && svg.contains("样本不足"));
        assert_eq!(&to_png(&c).unwrap()[1..4], b"PNG");
        assert!(to_svg(&NpsChart { rows: vec![], ..c })
            .unwrap()
            .contains("本期无数据"));
    }
}

/// One panel of a handling-time histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct HistPanel {
    pub title: String,
    pub x_axis: String,
    /// Bars left to right: label under the bar, count, and whether it is the grey bar of
    /// complaints without a time (no response / not closed yet).
    pub bars: Vec<(String, f64, bool)>,
    /// The commitment as a bar boundary: the line is drawn left of bar `commitment_at`.
    pub commitment_at: usize,
    pub commitment_label: String,
    /// e.g. "24 小时内 91.5%".
    pub note: String,
}

/// Complaint handling times against the commitments: histograms of first-response hours
/// and of resolution working days, each with its commitment line in red.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramChart {
    pub title: String,
    pub y_axis: String,
    pub panels: Vec<HistPanel>,
    pub no_data: String,
}

const HIST_PANEL_H: u32 = 250;

fn hist_size(c: &HistogramChart) -> (u32, u32) {
    (WIDTH, 50 + HIST_PANEL_H * c.panels.len().max(1) as u32)
}

fn draw_hist<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &HistogramChart,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let px = |v: f64| (v * s) as i32;
    let font = |size: f64| (FAMILY, size * s).into_font();
    let total: f64 = c
        .panels
        .iter()
        .flat_map(|p| p.bars.iter().map(|b| b.1))
        .sum();
    if c.panels.is_empty() || total <= 0.0 {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let root = root.titled(&c.title, font(20.0).color(&INK))?;
    let areas = root.split_evenly((c.panels.len(), 1));
    for (area, p) in areas.iter().zip(&c.panels) {
        let k = p.bars.len().max(1) as i32;
        let max = p.bars.iter().map(|b| b.1).fold(1.0, f64::max) * 1.2;
        let mut chart = ChartBuilder::on(area)
            .caption(&p.title, font(15.0).color(&INK))
            .margin(px(10.0))
            .x_label_area_size(px(44.0))
            .y_label_area_size(px(50.0))
            .build_cartesian_2d((0..k - 1).into_segmented(), 0.0..max)?;
        let labels: Vec<String> = p.bars.iter().map(|b| b.0.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_desc(p.x_axis.as_str())
            .y_desc(c.y_axis.as_str())
            .axis_desc_style(font(13.0).color(&INK))
            .label_style(font(11.0).color(&INK))
            .x_labels(labels.len())
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .draw()?;
        chart.draw_series(p.bars.iter().enumerate().map(|(i, (_, v, missing))| {
            let i = i as i32;
            let color = if *missing {
                GREY.to_rgba()
            } else {
                BLUE.mix(0.75)
            };
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
                    (SegmentValue::Exact(i + 1), *v),
                ],
                color.filled(),
            );
            bar.set_margin(0, 0, px(2.0) as u32, px(2.0) as u32);
            bar
        }))?;
        let at = p.commitment_at as i32;
        chart.draw_series(DashedLineSeries::new(
            vec![
                (SegmentValue::Exact(at), 0.0),
                (SegmentValue::Exact(at), max),
            ],
            px(6.0) as u32,
            px(4.0) as u32,
            ShapeStyle::from(&RED).stroke_width(px(2.0) as u32),
        ))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((SegmentValue::Exact(at), max))
                + Text::new(
                    format!("{}  {}", p.commitment_label, p.note),
                    (px(6.0), px(4.0)),
                    font(13.0).color(&RED),
                ),
        ))?;
    }
    Ok(())
}

/// Survey channels over months: the mix of answers (stacked shares) on top, the mean of
/// the overall item per channel with its interval below (the mode effect over time).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelTrendChart {
    pub title: String,
    pub mix_axis: String,
    pub mean_axis: String,
    pub months: Vec<String>,
    /// Per channel: name and, per month, (answers, mean, interval).
    pub channels: Vec<(String, Vec<Option<(f64, f64, Option<(f64, f64)>)>>)>,
    /// The item's scale.
    pub range: (f64, f64),
    pub no_data: String,
}

const CHANNEL_SIZE: (u32, u32) = (800, 560);

fn draw_channels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &ChannelTrendChart,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let px = |v: f64| (v * s) as i32;
    let font = |size: f64| (FAMILY, size * s).into_font();
    let m = c.months.len();
    let totals: Vec<f64> = (0..m)
        .map(|i| {
            c.channels
                .iter()
                .filter_map(|(_, v)| v.get(i).copied().flatten().map(|x| x.0))
                .sum()
        })
        .collect();
    if m == 0 || totals.iter().sum::<f64>() <= 0.0 {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let root = root.titled(&c.title, font(20.0).color(&INK))?;
    let (top, bottom) = root.split_vertically(px(200.0));
    let months = c.months.clone();
    let fmt = move |x: &f64| {
        let i = x.round() as i64;
        if (x - i as f64).abs() < 1e-6 && i >= 0 {
            months.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    // Legend along the top of the mix panel.
    let mut x = px(70.0);
    for (j, (name, _)) in c.channels.iter().enumerate() {
        let col = PALETTE[j % PALETTE.len()];
        top.draw(&Rectangle::new(
            [(x, px(4.0)), (x + px(12.0), px(16.0))],
            col.filled(),
        ))?;
        top.draw_text(name, &font(12.0).color(&INK), (x + px(16.0), px(3.0)))?;
        x += px(28.0 + text_em(name) * 12.0);
    }
    let top = top.margin(px(22.0), 0, 0, 0);
    let mut mix = ChartBuilder::on(&top)
        .margin(px(10.0))
        .x_label_area_size(px(24.0))
        .y_label_area_size(px(60.0))
        .build_cartesian_2d(-0.5f64..(m as f64 - 0.5), 0.0..1.0)?;
    mix.configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .y_desc(c.mix_axis.as_str())
        .axis_desc_style(font(13.0).color(&INK))
        .label_style(font(11.0).color(&INK))
        .x_labels(m)
        .x_label_formatter(&fmt)
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .draw()?;
    for (i, total) in totals.iter().enumerate() {
        if *total <= 0.0 {
            continue;
        }
        let mut y = 0.0;
        for (j, (_, v)) in c.channels.iter().enumerate() {
            let k = v.get(i).copied().flatten().map(|x| x.0).unwrap_or(0.0);
            let h = k / total;
            let x = i as f64;
            mix.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.35, y), (x + 0.35, y + h)],
                PALETTE[j % PALETTE.len()].mix(0.85).filled(),
            )))?;
            y += h;
        }
    }
    let mut means = ChartBuilder::on(&bottom)
        .margin(px(10.0))
        .x_label_area_size(px(30.0))
        .y_label_area_size(px(60.0))
        .build_cartesian_2d(-0.5f64..(m as f64 - 0.5), c.range.0..c.range.1)?;
    means
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .y_desc(c.mean_axis.as_str())
        .axis_desc_style(font(13.0).color(&INK))
        .label_style(font(11.0).color(&INK))
        .x_labels(m)
        .x_label_formatter(&fmt)
        .y_label_formatter(&|v| format!("{v:.1}"))
        .draw()?;
    let nch = c.channels.len().max(1) as f64;
    for (j, (_, v)) in c.channels.iter().enumerate() {
        let col = PALETTE[j % PALETTE.len()];
        // Channels side by side within a month so their intervals do not hide each other.
        let dx = (j as f64 - (nch - 1.0) / 2.0) * 0.12;
        let pts: Vec<(f64, f64)> = v
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.map(|x| (i as f64 + dx, x.1)))
            .collect();
        means.draw_series(LineSeries::new(
            pts.clone(),
            ShapeStyle::from(&col).stroke_width(px(1.5) as u32),
        ))?;
        for (i, x) in v.iter().enumerate() {
            let Some((_, mean, ci)) = x else { continue };
            let xi = i as f64 + dx;
            if let Some((lo, hi)) = ci {
                let (lo, hi) = (lo.max(c.range.0), hi.min(c.range.1));
                means.draw_series(std::iter::once(PathElement::new(
                    vec![(xi, lo), (xi, hi)],
                    ShapeStyle::from(&col.mix(0.6)).stroke_width(px(1.0) as u32),
                )))?;
            }
            means.draw_series(std::iter::once(Circle::new(
                (xi, mean.clamp(c.range.0, c.range.1)),
                px(3.0),
                col.filled(),
            )))?;
        }
    }
    Ok(())
}

impl_chart!(HistogramChart, hist_size, draw_hist);

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
impl_chart!(
    ChannelTrendChart,
    |_: &ChannelTrendChart| CHANNEL_SIZE,
    draw_channels
);

#[cfg(test)]
mod more_tests {
    use super::*;

    fn ci_point(label: &str, mean: f64) -> CiPoint {
        CiPoint {
            label: label.into(),
            mean,
            ci: Some((mean - 0.2, mean + 0.2)),
            n: 120,
            suppressed: false,
            note: None,
            flag: Flag::None,
        }
    }

    #[test]
    fn forty_long_named_stores_stay_on_one_legible_chart() {
        let points: Vec<CiPoint> = (0..40)
            .map(|i| {
                ci_point(
                    &format!("华东大区上海市浦东新区张江高科技园区旗舰体验店第{i}号"),
                    3.0 + (i % 10) as f64 * 0.1,
                )
            })
            .collect();
        let c = CiChart {
            title: "各门店总体满意度".into(),
            axis: "总体满意度（1–5 分）".into(),
            points,
            range: (1.0, 5.0),
            reference: None,
            no_data: "本期无数据".into(),
            suppressed_label: "样本不足".into(),
            footnote: None,
            decimals: 2,
        };
        let (w, h) = c.size();
        assert_eq!(w, WIDTH);
        assert!(h <= 1300, "thin rows keep 40 stores to about one page: {h}");
        let svg = to_svg(&c).unwrap();
        // Every store is labelled, shortened with an ellipsis but still distinguishable
        // by its n and position; no label is wider than the label column.
        assert_eq!(svg.matches("(n=120)").count(), 40, "every row labelled");
        assert!(svg.contains('…'), "long names are shortened");
        assert!(
            !svg.contains("旗舰体验店第39号"),
            "the full name would not fit"
        );
        assert!(
            shorten(
                "华东大区上海市浦东新区张江高科技园区旗舰体验店第39号",
                MAX_LABEL_EM
            )
            .chars()
            .count()
                <= MAX_LABEL_EM as usize
        );
        assert_eq!(shorten("南京河西店", MAX_LABEL_EM), "南京河西店");
        assert_eq!(&to_png(&c).unwrap()[1..4], b"PNG");
    }

    #[test]
    fn a_value_near_the_right_edge_is_written_left_of_its_whisker() {
        let c = CiChart {
            title: "t".into(),
            axis: "a".into(),
            points: vec![ci_point("甲", 4.9)],
            range: (1.0, 5.0),
            reference: None,
            no_data: "无".into(),
            suppressed_label: "s".into(),
            footnote: None,
            decimals: 2,
        };
        let svg = to_svg(&c).unwrap();
        let num = |s: &str, key: &str| -> f64 {
            let i = s.rfind(key).unwrap() + key.len();
            s[i..].split('"').next().unwrap().parse().unwrap()
        };
        let at = svg.find("\n4.90\n").expect("the value is written");
        let text_x = num(&svg[..at], "<text x=\"");
        let dot_x = num(&svg, "<circle cx=\"");
        assert!(text_x < dot_x, "value at {text_x}, dot at {dot_x}");
    }

    fn hist() -> HistogramChart {
        HistogramChart {
            title: "投诉处理时长".into(),
            y_axis: "件数".into(),
            panels: vec![
                HistPanel {
                    title: "首次响应（小时）".into(),
                    x_axis: "小时".into(),
                    bars: vec![
                        ("0".into(), 30.0, false),
                        ("4".into(), 10.0, false),
                        ("≥72".into(), 1.0, false),
                        ("未响应".into(), 2.0, true),
                    ],
                    commitment_at: 2,
                    commitment_label: "承诺 24 小时".into(),
                    note: "达成 91.5%".into(),
                },
                HistPanel {
                    title: "结案（工作日）".into(),
                    x_axis: "工作日".into(),
                    bars: vec![("0".into(), 5.0, false), ("未结案".into(), 8.0, true)],
                    commitment_at: 1,
                    commitment_label: "承诺 3 个工作日".into(),
                    note: "达成 73.2%".into(),
                },
            ],
            no_data: "本期无数据".into(),
        }
    }

    #[test]
    fn handling_histograms_draw_the_commitment_lines_and_survive_no_data() {
        let svg = to_svg(&hist()).unwrap();
        for t in [
            "投诉处理时长",
            "承诺 24 小时",
            "承诺 3 个工作日",
            "未结案",
            "达成 73.2%",
        ] {
            assert!(svg.contains(t), "{t}");
        }
        assert!(svg.contains("#C82828"), "the commitment line is red");
        assert_eq!(&to_png(&hist()).unwrap()[1..4], b"PNG");
        let empty = HistogramChart {
            panels: vec![],
            ..hist()
        };
        assert!(to_svg(&empty).unwrap().contains("本期无数据"));
        let zero = HistogramChart {
            panels: vec![HistPanel {
                bars: vec![("0".into(), 0.0, false)],
                ..hist().panels[0].clone()
            }],
            ..hist()
        };
        assert!(
            to_svg(&zero).unwrap().contains("本期无数据"),
            "all-zero counts: no data"
        );
    }

    #[test]
    fn channel_trend_draws_mix_and_means_for_one_or_many_months() {
        let c = ChannelTrendChart {
            title: "调查渠道构成与均值".into(),
            mix_axis: "构成".into(),
            mean_axis: "均值".into(),
            months: vec!["2026-09".into(), "2026-10".into()],
            channels: vec![
                (
                    "网络".into(),
                    vec![
                        Some((500.0, 3.7, Some((3.6, 3.8)))),
                        Some((510.0, 3.6, None)),
                    ],
                ),
                (
                    "电话".into(),
                    vec![None, Some((120.0, 3.8, Some((3.6, 4.0))))],
                ),
            ],
            range: (1.0, 5.0),
            no_data: "本期无数据".into(),
        };
        let svg = to_svg(&c).unwrap();
        for t in ["调查渠道构成与均值", "网络", "电话", "2026-10", "100%"] {
            assert!(svg.contains(t), "{t}");
        }
        assert_eq!(&to_png(&c).unwrap()[1..4], b"PNG");
        let one = ChannelTrendChart {
            months: vec!["2026-10".into()],
            channels: vec![("网络".into(), vec![Some((5.0, 3.0, None))])],
            ..c.clone()
        };
        assert!(to_svg(&one).unwrap().contains("2026-10"));
        let empty = ChannelTrendChart {
            months: vec![],
            channels: vec![],
            ..c
        };
        assert!(to_svg(&empty).unwrap().contains("本期无数据"));
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
