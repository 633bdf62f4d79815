//! Kaplan–Meier retention curves.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
// Ours, not plotters' prelude names of the same colours and result type.
use super::DrawResult;

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

fn draw_survival<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &SurvivalChart,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let (px, font) = canvas(root, s)?;
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
    let mut chart =
        titled(root, &c.title, s, 40.0, 55.0).build_cartesian_2d(0.0..max_day, y0..1.0)?;
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

impl_chart!(
    SurvivalChart,
    |_: &SurvivalChart| SURVIVAL_SIZE,
    draw_survival
);

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
