//! Handling-time histograms against the commitments.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
// Ours, not plotters' prelude names of the same colours and result type.
use super::{DrawResult, BLUE, RED};

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
    let (px, font) = canvas(root, s)?;
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

impl_chart!(HistogramChart, hist_size, draw_hist);

#[cfg(test)]
mod tests {
    use super::*;

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
}
