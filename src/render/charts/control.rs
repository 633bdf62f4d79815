//! The control chart (X̄ or p): values, centre line, limits per month.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
// Ours, not plotters' prelude names of the same colours and result type.
use super::{DrawResult, BLUE};

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
    let (px, font) = canvas(root, s)?;
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
    let mut chart = titled(root, &c.title, s, 40.0, 60.0)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), (lo - pad)..(hi + pad))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .y_desc(c.axis.as_str())
        .axis_desc_style(font(14.0).color(&INK))
        .label_style(font(12.0).color(&INK))
        .x_labels(c.months.len())
        .x_label_formatter(&|x| month_label(&c.months, x))
        .draw()?;
    draw_band(&mut chart, &c.band)?;
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

/// The interval band: one shaded polygon per run of months that have an interval (a
/// lone month's interval is a narrow bar).
fn draw_band<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    band: &[Option<(f64, f64)>],
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
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
    for (i, b) in band.iter().enumerate() {
        match b {
            Some(b) => run.push((i as f64, *b)),
            None => flush(&mut run)?,
        }
    }
    flush(&mut run)?;
    Ok(())
}

impl_chart!(ControlChart, |_: &ControlChart| CONTROL_SIZE, draw_control);

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
