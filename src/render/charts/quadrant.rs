//! The importance–performance quadrant of the drivers.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
// Ours, not plotters' prelude names of the same colours and result type.
use super::{DrawResult, BLUE};

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
    let (px, font) = canvas(root, s)?;
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
    let mut chart =
        titled(root, &c.title, s, 44.0, 55.0).build_cartesian_2d(xr.clone(), yr.clone())?;
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
