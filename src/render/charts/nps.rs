//! NPS by group as stacked bars.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
// Ours, not plotters' prelude names of the same colours and result type.
use super::DrawResult;

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
    let (px, font) = canvas(root, s)?;
    if c.rows.is_empty() {
        return no_data(root, &c.title, &c.no_data, s);
    }
    let k = c.rows.len() as i32;
    let mut chart = titled(root, &c.title, s, 56.0, 150.0)
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
