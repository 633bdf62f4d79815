//! The Pareto chart of complaint categories.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
// Ours, not plotters' prelude names of the same colours and result type.
use super::{DrawResult, BLUE};

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
    let (px, font) = canvas(root, s)?;
    let total: f64 = c.counts.iter().sum();
    if c.counts.is_empty() || total <= 0.0 {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let k = c.counts.len() as i32;
    let max = c.counts.iter().cloned().fold(0.0, f64::max) * 1.15;
    let mut chart = titled(root, &c.title, s, 40.0, 50.0)
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

impl_chart!(ParetoChart, |_: &ParetoChart| PARETO_SIZE, draw_pareto);

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
