//! Survey channels over months: mix and means.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
// Ours, not plotters' prelude names of the same colours and result type.
use super::DrawResult;

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
    let (px, font) = canvas(root, s)?;
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
    draw_mix(&top, c, &totals, s)?;
    draw_means(&bottom, c, s)?;
    Ok(())
}

/// The upper panel: the legend, then each month's answers split by channel (stacked
/// shares of the month's `totals`).
fn draw_mix<DB: DrawingBackend>(
    top: &DrawingArea<DB, Shift>,
    c: &ChannelTrendChart,
    totals: &[f64],
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let (px, font) = measures(s);
    let m = c.months.len();
    let fmt = |x: &f64| month_label(&c.months, x);
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
    Ok(())
}

/// The lower panel: each channel's monthly mean with its interval, the channels side by
/// side within a month.
fn draw_means<DB: DrawingBackend>(
    bottom: &DrawingArea<DB, Shift>,
    c: &ChannelTrendChart,
    s: f64,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let (px, font) = measures(s);
    let m = c.months.len();
    let fmt = |x: &f64| month_label(&c.months, x);
    let mut means = ChartBuilder::on(bottom)
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

impl_chart!(
    ChannelTrendChart,
    |_: &ChannelTrendChart| CHANNEL_SIZE,
    draw_channels
);

#[cfg(test)]
mod tests {
    use super::*;

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
