//! The blocks of a card below its tiles: a region's stores, the items against the peers,
//! complaint handling, improvement actions and the 13-month trend.

use super::*;

/// A region's stores, the best overall item first (those with too few answers last): all of
/// them up to ten, else the five best and the five weakest, so the page stays one page.
pub(super) fn region_stores<'a>(
    cx: &Ctx<'a>,
    s: &Scope<'a>,
    overall: &str,
) -> (Vec<Marked>, Option<String>) {
    let (cfg, lang) = (cx.inp.cfg, cx.inp.lang);
    let mut rows: Vec<(&str, &Satisfaction)> = cfg
        .catalog
        .get("store")
        .into_iter()
        .flatten()
        .filter(|e| e.region.as_deref() == Some(s.id))
        .filter_map(|e| {
            let scope = Scope {
                kind: CardKind::Store,
                segment: "store",
                id: e.id.as_str(),
            };
            cx.sat(&scope, overall).map(|r| (e.id.as_str(), r))
        })
        .collect();
    rows.sort_by(|a, b| {
        a.1.suppressed
            .cmp(&b.1.suppressed)
            .then(b.1.mean.total_cmp(&a.1.mean))
            .then(a.0.cmp(b.0))
    });
    let total = rows.len();
    let shown: Vec<(&str, &Satisfaction)> = if total > 10 {
        rows[..5]
            .iter()
            .chain(&rows[total - 5..])
            .copied()
            .collect()
    } else {
        rows
    };
    let marked = shown
        .iter()
        .map(|(id, r)| {
            let nps = cx.nps.get(&("store", *id));
            let complaints = cx.complaints.get(&("store", *id)).map_or(0, |c| c.count);
            Marked {
                cells: vec![
                    cfg.segment_label("store", id, lang).to_string(),
                    i18n::count(r.n),
                    if r.suppressed {
                        format!("{} ({})", i18n::signed(r.mean, 2), i18n::not_ranked(lang))
                    } else {
                        i18n::signed(r.mean, 2)
                    },
                    change_text(r.delta, r.significant, 2).unwrap_or_else(|| "—".into()),
                    nps.map_or_else(|| "—".into(), |n| i18n::signed(n.nps, 1)),
                    if cx.inp.marts.complaints.is_some() {
                        i18n::count(complaints)
                    } else {
                        "—".into()
                    },
                ],
                tone: tone(r.delta, r.significant),
            }
        })
        .collect();
    let note = (total > 10).then(|| i18n::region_stores_more(total, lang));
    (marked, note)
}

/// The rating items against the card's peers, the one furthest below them first; items the
/// mart does not compare (too few answers) after them, the lowest mean first.
pub(super) fn weakest<'a>(cx: &Ctx<'a>, s: &Scope<'a>) -> Vec<Marked> {
    let cfg = cx.inp.cfg;
    let mut items: Vec<&Satisfaction> = cx
        .rows(s)
        .iter()
        .copied()
        .filter(|r| r.measure_kind == "item")
        .filter(|r| cfg.item(&r.measure).is_some_and(|i| i.role == Role::Rating))
        .collect();
    items.sort_by(|a, b| {
        let key = |r: &Satisfaction| (r.vs_rest_delta.is_none(), r.vs_rest_delta.unwrap_or(r.mean));
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(a.measure.cmp(&b.measure))
    });
    items
        .iter()
        .map(|r| {
            let others = r.vs_rest_delta.map(|g| r.mean - g);
            Marked {
                cells: vec![
                    measure_name(cfg, &r.measure, cx.inp.lang),
                    i18n::signed(r.mean, 2),
                    opt(others, 2),
                    change_text(r.vs_rest_delta, r.vs_rest_significant, 2)
                        .unwrap_or_else(|| "—".into()),
                    pct(r.top2box),
                ],
                tone: tone(r.vs_rest_delta, r.vs_rest_significant),
            }
        })
        .collect()
}

/// The complaint block: count, the two commitments, open complaints and the rate.
pub(super) fn complaint_lines<'a>(cx: &Ctx<'a>, s: &Scope<'a>) -> (Vec<Marked>, Option<String>) {
    let (cfg, lang) = (cx.inp.cfg, cx.inp.lang);
    if cx.inp.marts.complaints.is_none() {
        return (Vec::new(), Some(i18n::no_complaint_log(lang).into()));
    }
    let alpha = 1.0 - cfg.confidence;
    let row: Option<&Complaints> = cx.complaints.get(&(s.segment, s.id)).copied();
    let labels = i18n::complaints_labels(lang);
    let text = i18n::CommitmentText::new(cfg.commitments, lang);
    let na = || i18n::not_available(lang).to_string();
    let line = |label: String, value: String, detail: String, tone| Marked {
        cells: vec![label, value, detail],
        tone,
    };
    let Some(r) = row else {
        // The log has no complaint of this store or region in the month.
        return (
            vec![line(labels[0].into(), "0".into(), String::new(), "")],
            None,
        );
    };
    // A share with the complaints it is over and its change against last month.
    let share =
        |label: String, v: Option<f64>, n: Option<usize>, prev: Option<f64>, q: Option<f64>| {
            let delta = v.zip(prev).map(|(a, b)| a - b);
            let sig = q.map(|q| q < alpha);
            let mark = if sig == Some(true) { " ●" } else { "" };
            let detail = match (n, prev) {
                (Some(n), Some(p)) => format!(
                    "{} · {}{mark}",
                    i18n::of_n(n, lang),
                    i18n::last_month_share(&i18n::percent(p), lang)
                ),
                (Some(n), None) => i18n::of_n(n, lang),
                _ => String::new(),
            };
            line(
                label,
                v.map_or_else(na, i18n::percent),
                detail,
                tone(delta, sig),
            )
        };
    let mut lines = vec![
        line(
            labels[0].into(),
            i18n::count(r.count),
            i18n::last_month_count(r.prev_count, lang),
            "",
        ),
        share(
            text.responded_header(),
            r.responded_in_time_share,
            r.responded_in_time_n,
            r.prev_responded_in_time_share,
            r.responded_in_time_change_q_value,
        ),
        share(
            text.closed_header(),
            r.closed_in_time_share,
            r.closed_in_time_n,
            r.prev_closed_in_time_share,
            r.closed_in_time_change_q_value,
        ),
        line(
            labels[2].into(),
            r.open_count.map_or_else(na, i18n::count),
            String::new(),
            "",
        ),
    ];
    // The mart gives the rate where it knows the active customers (the company).
    if let Some(x) = r.rate_per_1000 {
        lines.push(line(labels[1].into(), format!("{x:.1}"), String::new(), ""));
    }
    (lines, None)
}

/// The card's improvement actions (a region's: its stores'), open ones first, at most six.
pub(super) fn action_rows<'a>(cx: &Ctx<'a>, s: &Scope<'a>) -> (Vec<Vec<String>>, Option<String>) {
    let lang = cx.inp.lang;
    let mut mine: Vec<&Action> = cx
        .inp
        .marts
        .actions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter(|a| match (s.kind, a.store.as_deref()) {
            (CardKind::Store, Some(st)) => st == s.id,
            (CardKind::Region, Some(st)) => cx.region_of.get(st) == Some(&s.id),
            _ => false,
        })
        .collect();
    if mine.is_empty() {
        return (Vec::new(), Some(i18n::no_actions(s.kind, lang).into()));
    }
    mine.sort_by(|a, b| {
        (a.status != "open")
            .cmp(&(b.status != "open"))
            .then(b.opened.cmp(&a.opened))
            .then(a.action_id.cmp(&b.action_id))
    });
    let more = mine.len().saturating_sub(6);
    let rows = mine
        .iter()
        .take(6)
        .map(|a| {
            vec![
                format!("{} {}", a.action_id, a.title),
                a.owner.clone().unwrap_or_default(),
                format!(
                    "{} – {}",
                    a.opened.as_deref().unwrap_or_default(),
                    a.closed.as_deref().filter(|c| !c.is_empty()).unwrap_or("…")
                ),
                a.diff.map_or_else(
                    || "—".into(),
                    |d| {
                        format!(
                            "{} {}",
                            i18n::signed_plus(d, 2),
                            ci_text(a.diff_ci_low.zip(a.diff_ci_high), 2)
                        )
                    },
                ),
                action_state(a, lang),
            ]
        })
        .collect();
    let note = (more > 0).then(|| i18n::more_actions(more, lang));
    (rows, note)
}

/// The trend box from the trend mart: the card's series and the company's.
pub(super) fn spark<'a>(cx: &Ctx<'a>, s: &Scope<'a>, measure: &str) -> Option<Spark> {
    let (lang, period) = (cx.inp.lang, cx.inp.period);
    cx.inp.marts.trend.as_ref()?;
    let mut months = vec![period];
    for _ in 0..12 {
        months.push(months.last().copied()?.prev());
    }
    months.reverse();
    let months: Vec<String> = months.iter().map(|m| m.to_string()).collect();
    let series = |seg: &str, id: &str| -> Vec<Option<&Trend>> {
        months
            .iter()
            .map(|m| cx.trend.get(&(seg, id, measure, m.as_str())).copied())
            .collect()
    };
    let own = series(s.segment, s.id);
    if own.iter().all(Option::is_none) {
        return None;
    }
    let chain = series("all", "all");
    let values: Vec<f64> = own
        .iter()
        .chain(&chain)
        .flatten()
        .map(|t| t.value)
        .collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let pad = ((hi - lo) * 0.1).max(0.05);
    let (lo, hi) = (lo - pad, hi + pad);
    let xy = |i: usize, v: f64| [i as f64 / 12.0, (v - lo) / (hi - lo)];
    let lines = |s: &[Option<&Trend>]| -> Vec<Vec<[f64; 2]>> {
        let mut out: Vec<Vec<[f64; 2]>> = Vec::new();
        let mut cur = Vec::new();
        for (i, t) in s.iter().enumerate() {
            match t {
                Some(t) => cur.push(xy(i, t.value)),
                None if !cur.is_empty() => out.push(std::mem::take(&mut cur)),
                None => {}
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    };
    // The current month only, as the report's findings do: a chart per store and measure over
    // twelve months raises some alarms by chance alone (3σ limits: 0.27% of in-control
    // points), which a one-page card cannot put in context.
    let alarms: Vec<[f64; 2]> = own
        .iter()
        .enumerate()
        .skip(12)
        .filter_map(|(i, t)| {
            t.filter(|t| t.out_of_control == Some(true))
                .map(|t| xy(i, t.value))
        })
        .collect();
    let (legend_own, legend_chain) = i18n::spark_legend(s.kind, lang);
    let now = own[12];
    Some(Spark {
        title: i18n::spark_title(&measure_name(cx.inp.cfg, measure, lang), lang),
        own: lines(&own),
        chain: lines(&chain),
        alarms,
        first: months[0].clone(),
        last: months[12].clone(),
        low: i18n::signed(lo, 2),
        high: i18n::signed(hi, 2),
        last_value: now.map(|t| i18n::signed(t.value, 2)),
        legend_own: legend_own.into(),
        legend_chain: legend_chain.into(),
        note: now
            .filter(|t| t.out_of_control == Some(true))
            .map(|t| i18n::out_of_control(&t.month, lang)),
    })
}
