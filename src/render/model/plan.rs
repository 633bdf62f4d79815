//! The appendix's sample-size plan: the `[plan]` segment's rows of the plan mart, the
//! company first and the segment's total last.

use super::*;
use crate::mart::Plan;

fn dec(v: Option<f64>, places: usize) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.places$}"))
}

fn whole(v: Option<usize>) -> String {
    v.map_or_else(|| "–".into(), i18n::count)
}

/// One plan row's cells: what it achieved and what it needs (corrected where the
/// population is known).
fn cells(r: &Plan, label: String) -> Vec<String> {
    vec![
        label,
        i18n::count(r.n),
        dec(r.margin, 2),
        whole(r.n_needed_fpc.or(r.n_needed)),
        r.share_margin
            .map_or_else(|| "–".into(), |x| format!("{:.1}", x * 100.0)),
        whole(r.share_n_needed_fpc.or(r.share_n_needed)),
        dec(r.nps_margin, 1),
        whole(r.nps_n_needed_fpc.or(r.nps_n_needed)),
        whole(r.population),
        whole(r.completes_needed),
        whole(r.invitations_needed),
    ]
}

/// The plan table and its note; `None` without a plan mart or rows of the planned segment.
pub(super) fn plan_table(inp: &Inputs) -> Option<(Table, String)> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let plan = inp.marts.plan.as_deref()?;
    let unweighted = |r: &&Plan| r.weighting != "raked";
    let seg = &cfg.plan.segment;
    let rows: Vec<&Plan> = plan
        .iter()
        .filter(unweighted)
        .filter(|r| &r.segment == seg)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let all = plan.iter().filter(unweighted).find(|r| r.segment == "all");
    let mut out: Vec<Vec<String>> = Vec::new();
    if let Some(a) = all {
        out.push(cells(a, Msg::AllCustomers.text(lang).into()));
    }
    for r in &rows {
        out.push(cells(
            r,
            cfg.segment_label(seg, &r.segment_value, lang).to_string(),
        ));
    }
    let total = |f: fn(&Plan) -> Option<usize>| rows.iter().map(|r| f(r)).sum::<Option<usize>>();
    let mut last = vec![String::new(); 11];
    last[0] = i18n::plan_total(rows.len(), lang);
    last[1] = i18n::count(rows.iter().map(|r| r.n).sum());
    last[9] = whole(total(|r| r.completes_needed));
    last[10] = whole(total(|r| r.invitations_needed));
    out.push(last);
    let mut header = vec![i18n::segment_name(cfg, seg, lang)];
    header.extend(i18n::plan_header(lang).iter().map(|h| h.to_string()));
    let first = rows[0];
    let rate = first.response_rate.zip(first.rate_channels.as_deref());
    let n = out.len();
    Some((
        Table {
            caption: Some(i18n::plan_caption(&cfg.plan, cfg.confidence, lang)),
            header,
            align: std::iter::once("left")
                .chain(std::iter::repeat_n("right", 10))
                .collect(),
            rows: out,
            muted: vec![false; n],
        },
        i18n::plan_note(rate, lang),
    ))
}
