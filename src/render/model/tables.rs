//! The report's tables: satisfaction by segment, the items, NPS, loyalty and the cells
//! suppressed for too few answers, with their headers in the report's language.

use super::*;

/// The header of the top-box column: "top-2-box" when every rated item has a scale of five
/// points or more; else a name that also fits a short scale's top point (the share yes of a
/// yes/no item), explained in the appendix.
pub(super) fn top_box_header(cfg: &Config, lang: Lang) -> String {
    match short_scales(cfg) {
        false => Msg::Top2Box.text(lang).into(),
        true => Msg::TopBox.text(lang).into(),
    }
}

/// Whether some rated item has a scale of fewer than five points.
pub(super) fn short_scales(cfg: &Config) -> bool {
    cfg.items
        .iter()
        .filter(|i| {
            !matches!(
                i.role,
                crate::config::Role::Comment | crate::config::Role::Nps
            )
        })
        .any(|i| crate::metrics::stats::top_box_points(i.min, i.max) == 1)
}

pub(super) fn ci_text(ci: Option<(f64, f64)>, decimals: usize) -> String {
    ci.map(|(a, b)| i18n::interval(a, b, decimals))
        .unwrap_or_else(|| "—".into())
}

pub(super) fn sat_table(
    inp: &Inputs,
    cells: &[SatCell],
    segment: &str,
    measure: &str,
) -> Option<Table> {
    let lang = inp.lang;
    let rows: Vec<&SatCell> = cells
        .iter()
        .filter(|c| c.segment == segment && c.measure == measure)
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Table {
        caption: Some(i18n::segment_name(inp.cfg, segment, lang)),
        header: vec![
            i18n::segment_name(inp.cfg, segment, lang),
            Msg::N.text(lang).into(),
            Msg::Mean.text(lang).into(),
            Msg::Ci.text(lang).into(),
            top_box_header(inp.cfg, lang),
            Msg::Index.text(lang).into(),
        ],
        align: vec!["left", "right", "right", "right", "right", "right"],
        rows: rows
            .iter()
            .map(|c| {
                let label = inp.cfg.segment_label(segment, &c.value, lang).to_string();
                vec![
                    if c.suppressed {
                        format!("{label}{}", i18n::paren(Msg::Suppressed.text(lang), lang))
                    } else {
                        label
                    },
                    i18n::count(c.n),
                    format!("{:.2}", c.mean),
                    ci_text(c.ci, 2),
                    c.top2
                        .map(|t| i18n::percent(t.0))
                        .unwrap_or_else(|| "—".into()),
                    format!("{:.1}", c.index),
                ]
            })
            .collect(),
        muted: rows.iter().map(|c| c.suppressed).collect(),
    })
}

pub(super) fn items_table(inp: &Inputs, cells: &[SatCell]) -> Table {
    let lang = inp.lang;
    let rows: Vec<(&crate::config::Item, &SatCell)> = inp
        .cfg
        .items
        .iter()
        .filter_map(|it| {
            cells
                .iter()
                .find(|c| c.segment == "all" && c.measure == it.id)
                .map(|c| (it, c))
        })
        .collect();
    Table {
        caption: Some(Msg::AllCustomers.text(lang).to_string()),
        header: vec![
            Msg::Measure.text(lang).into(),
            Msg::N.text(lang).into(),
            Msg::Mean.text(lang).into(),
            Msg::Ci.text(lang).into(),
            top_box_header(inp.cfg, lang),
        ],
        align: vec!["left", "right", "right", "right", "right"],
        rows: rows
            .iter()
            .map(|(it, c)| {
                vec![
                    format!(
                        "{}{}",
                        it.label(lang),
                        i18n::paren(&format!("{:.0}–{:.0}", it.min, it.max), lang)
                    ),
                    i18n::count(c.n),
                    format!("{:.2}", c.mean),
                    ci_text(c.ci, 2),
                    c.top2
                        .map(|t| i18n::percent(t.0))
                        .unwrap_or_else(|| "—".into()),
                ]
            })
            .collect(),
        muted: rows.iter().map(|(_, c)| c.suppressed).collect(),
    }
}

pub(super) fn nps_table(inp: &Inputs, cells: &[NpsCell], segment: &str) -> Option<Table> {
    let lang = inp.lang;
    let rows: Vec<&NpsCell> = cells.iter().filter(|c| c.segment == segment).collect();
    if rows.is_empty() {
        return None;
    }
    let share = |k: usize, n: usize| {
        if n == 0 {
            "—".into()
        } else {
            i18n::percent(k as f64 / n as f64)
        }
    };
    Some(Table {
        caption: Some(i18n::segment_name(inp.cfg, segment, lang)),
        header: vec![
            i18n::segment_name(inp.cfg, segment, lang),
            Msg::N.text(lang).into(),
            Msg::Promoters.text(lang).into(),
            Msg::Passives.text(lang).into(),
            Msg::Detractors.text(lang).into(),
            Msg::Nps.text(lang).into(),
            Msg::Ci.text(lang).into(),
        ],
        align: vec!["left", "right", "right", "right", "right", "right", "right"],
        rows: rows
            .iter()
            .map(|c| {
                let label = if segment == "all" {
                    Msg::AllCustomers.text(lang).to_string()
                } else {
                    inp.cfg.segment_label(segment, &c.value, lang).to_string()
                };
                vec![
                    if c.suppressed {
                        format!("{label}{}", i18n::paren(Msg::Suppressed.text(lang), lang))
                    } else {
                        label
                    },
                    i18n::count(c.n),
                    share(c.promoters, c.n),
                    share(c.passives, c.n),
                    share(c.detractors, c.n),
                    i18n::signed(c.nps, 1),
                    i18n::interval(c.ci.0, c.ci.1, 1),
                ]
            })
            .collect(),
        muted: rows.iter().map(|c| c.suppressed).collect(),
    })
}

/// The suppressed cells of the overall item (groups below the minimum n), for the appendix.
pub(super) fn suppressed_table(inp: &Inputs, cells: &[SatCell]) -> Option<Table> {
    let lang = inp.lang;
    let item = overall_item(inp.cfg);
    let rows: Vec<&SatCell> = cells
        .iter()
        .filter(|c| c.suppressed && c.measure == item.id)
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Table {
        caption: Some(format!(
            "{}{}",
            Msg::SuppressedCells.text(lang),
            i18n::paren(&i18n::count(rows.len()), lang)
        )),
        header: vec![
            Msg::Segment.text(lang).into(),
            Msg::Value.text(lang).into(),
            Msg::N.text(lang).into(),
        ],
        align: vec!["left", "left", "right"],
        muted: vec![false; rows.len().min(40)],
        rows: rows
            .iter()
            .take(40)
            .map(|c| {
                vec![
                    i18n::segment_name(inp.cfg, &c.segment, lang),
                    inp.cfg
                        .segment_label(&c.segment, &c.value, lang)
                        .to_string(),
                    i18n::count(c.n),
                ]
            })
            .collect(),
    })
}

/// Loyalty index and customer churn by segment, from the loyalty mart.
pub(in crate::render) fn loyalty_table(inp: &Inputs) -> Option<Table> {
    let lang = inp.lang;
    let t = |m: Msg| m.text(lang).to_string();
    let shown: Vec<&crate::mart::Loyalty> = inp
        .marts
        .loyalty
        .as_ref()?
        .iter()
        .filter(|r| {
            matches!(r.segment.as_str(), "all" | "region" | "tier")
                || inp.cfg.field(&r.segment).is_some()
        })
        .collect();
    if shown.is_empty() {
        return None;
    }
    let count = |v: Option<usize>| v.map(i18n::count).unwrap_or_else(|| "—".into());
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|r| {
            vec![
                if r.segment == "all" {
                    t(Msg::AllCustomers)
                } else {
                    format!(
                        "{} · {}",
                        i18n::segment_name(inp.cfg, &r.segment, lang),
                        inp.cfg.segment_label(&r.segment, &r.segment_value, lang)
                    )
                },
                count(r.n),
                opt(r.loyalty_index, 1),
                ci_text(r.loyalty_ci_low.zip(r.loyalty_ci_high), 1),
                count(r.customers),
                pct(r.churn_rate),
                r.churn_ci_low
                    .zip(r.churn_ci_high)
                    .map(|(a, b)| format!("{}–{}", i18n::percent(a), i18n::percent(b)))
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let mut table = Table {
        caption: Some(t(Msg::LoyaltyTable)),
        header: vec![
            t(Msg::Segment),
            t(Msg::N),
            t(Msg::LoyaltyIndex),
            t(Msg::Ci),
            t(Msg::Customers),
            t(Msg::ChurnRate),
            t(Msg::Ci),
        ],
        align: vec!["left", "right", "right", "right", "right", "right", "right"],
        muted: shown.iter().map(|r| r.suppressed == Some(true)).collect(),
        rows,
    };
    if !inp.cfg.has_survey() {
        // A customer file alone: churn and retention, no survey index columns of dashes.
        table.caption = Some(t(Msg::RetentionTable));
        for row in std::iter::once(&mut table.header).chain(table.rows.iter_mut()) {
            row.drain(1..4);
        }
        table.align.drain(1..4);
    }
    Some(table)
}
