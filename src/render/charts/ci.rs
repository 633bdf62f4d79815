//! The confidence-interval chart: one row per group or difference, its mean and interval,
//! marked rows, an optional reference line.

use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
// Ours, not plotters' prelude names of the same colours and result type.
use super::{DrawResult, BLUE, GREEN, RED};

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

fn size(c: &CiChart) -> (u32, u32) {
    let foot = if c.footnote.is_some() { 24 } else { 0 };
    (
        WIDTH,
        110 + foot + row_height(c.points.len()) * c.points.len().max(3) as u32,
    )
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &CiChart, s: f64) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let (px, font) = canvas(root, s)?;
    if c.points.is_empty() {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let thin = c.points.len() > 15;
    let label_size = if thin { 12.0 } else { 14.0 };
    let labels = row_labels(c);
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
    let mut chart = titled(&root, &c.title, s, 44.0, label_px)
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
        draw_reference(&mut chart, c, label, *x, k, s)?;
    }
    for (i, p) in c.points.iter().enumerate() {
        draw_point(&mut chart, c, i as i32, p, label_px, s)?;
    }
    Ok(())
}

/// The coordinates of a confidence-interval chart: values across, one segment per row.
type CiCoord = Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordi32>>;

/// Each row's label, shortened, with its number of answers when it has one.
fn row_labels(c: &CiChart) -> Vec<String> {
    c.points
        .iter()
        .map(|p| {
            let name = shorten(&p.label, MAX_LABEL_EM);
            if p.n > 0 {
                format!("{name} (n={})", p.n)
            } else {
                name
            }
        })
        .collect()
}

/// The dashed reference line at `x` over the `k` rows, labelled above them.
fn draw_reference<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, CiCoord>,
    c: &CiChart,
    label: &str,
    x: f64,
    k: i32,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let (px, font) = measures(s);
    chart.draw_series(DashedLineSeries::new(
        vec![(x, SegmentValue::Exact(0)), (x, SegmentValue::Exact(k))],
        px(6.0) as u32,
        px(4.0) as u32,
        ShapeStyle::from(&RGBColor(200, 80, 60)).stroke_width(px(1.5) as u32),
    ))?;
    // The label sits in the empty slot above the rows, where the line ends, so that it
    // never covers the top row's value label.
    chart.draw_series(std::iter::once(
        EmptyElement::at((x, SegmentValue::CenterOf(k)))
            + Text::new(
                format!("{label} {x:.prec$}", prec = c.decimals),
                (px(4.0), px(-7.0)),
                font(13.0).color(&RGBColor(200, 80, 60)),
            ),
    ))?;
    Ok(())
}

/// Row `i`: its interval as a whisker, its mean as a dot coloured by its mark, and its
/// value (with note) beside the whisker where it fits.
fn draw_point<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, CiCoord>,
    c: &CiChart,
    i: i32,
    p: &CiPoint,
    label_px: f64,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let (px, font) = measures(s);
    let thin = c.points.len() > 15;
    let (dot, tick, value_size) = if thin {
        (4.0, 4.0, 11.0)
    } else {
        (5.0, 6.0, 13.0)
    };
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
    Ok(())
}

impl_chart!(CiChart, size, draw);
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

#[cfg(test)]
mod layout_tests {
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
}
