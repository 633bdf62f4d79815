//! Store and region scorecards as data: one card per store and per region of the period's
//! marts, every figure formatted from a mart row (the unweighted ones, as in the report), so
//! that a card says exactly what the marts say. `render::scorecards` lays each card out on
//! one A4 page (`scorecard.typ`).

use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::config::Role;
use crate::mart::{Action, Complaints, Nps, Satisfaction, Trend};
use i18n::CardKind;

/// Every card of the period and the words they share.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Deck {
    pub lang: &'static str,
    pub title: String,
    pub org: String,
    pub period: String,
    pub period_long: String,
    pub generated_on: String,
    pub accent: String,
    pub legend: String,
    pub cards: Vec<Card>,
}

/// One store's or region's page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Card {
    /// The file name without `.pdf`: the store's id, `region_<id>` for a region.
    pub file: String,
    pub title: String,
    pub name: String,
    pub subtitle: String,
    /// The banner of a card with fewer answers than `min_n`.
    pub too_few: Option<String>,
    pub tiles: Vec<Tile>,
    pub spark: Option<Spark>,
    /// A region's stores by their overall item (empty on a store's card).
    pub stores_title: String,
    pub stores_header: Vec<String>,
    pub stores: Vec<Marked>,
    pub stores_note: Option<String>,
    pub weakest_title: String,
    pub weakest_header: Vec<String>,
    pub weakest: Vec<Marked>,
    pub complaints_title: String,
    pub complaints: Vec<Marked>,
    pub complaints_note: Option<String>,
    pub actions_title: String,
    pub actions_header: Vec<String>,
    pub actions: Vec<Vec<String>>,
    pub actions_note: Option<String>,
}

/// A headline figure: value, interval, rank and the two comparisons, each comparison with
/// its tone (`up`/`down` when significant, else empty).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tile {
    pub label: String,
    pub value: String,
    pub ci: String,
    pub rank: String,
    pub change: String,
    pub change_tone: &'static str,
    pub vs: String,
    pub vs_tone: &'static str,
}

/// A row of cells with the tone of its comparison.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Marked {
    pub cells: Vec<String>,
    pub tone: &'static str,
}

/// The 13-month trend of the overall item, in coordinates of a unit box (x to the right,
/// y upwards, both 0–1): the card's line (broken where a month has no answers), the
/// company's, and the current month when it is outside the card's control limits.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Spark {
    pub title: String,
    pub own: Vec<Vec<[f64; 2]>>,
    pub chain: Vec<Vec<[f64; 2]>>,
    pub alarms: Vec<[f64; 2]>,
    pub first: String,
    pub last: String,
    pub low: String,
    pub high: String,
    pub last_value: Option<String>,
    pub legend_own: String,
    pub legend_chain: String,
    pub note: Option<String>,
}

/// The tone of a comparison: only a significant one has a direction.
fn tone(delta: Option<f64>, significant: Option<bool>) -> &'static str {
    match (delta, significant) {
        (Some(d), Some(true)) if d < 0.0 => "down",
        (Some(d), Some(true)) if d > 0.0 => "up",
        _ => "",
    }
}

/// A change as the card prints it, with ● when significant.
fn change_text(delta: Option<f64>, significant: Option<bool>, d: usize) -> Option<String> {
    delta.map(|x| {
        let mark = if significant == Some(true) {
            " ●"
        } else {
            ""
        };
        format!("{}{mark}", i18n::signed_plus(x, d))
    })
}

/// Competition ranks ("1224") of the values, highest first; ties share a rank. One sort, so
/// ranking hundreds of dealers stays cheap.
pub(crate) fn ranks(values: &[(&str, f64)]) -> BTreeMap<String, usize> {
    let mut sorted: Vec<&(&str, f64)> = values.iter().collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut out = BTreeMap::new();
    let mut rank = 0;
    for (i, (id, v)) in sorted.iter().enumerate() {
        if i == 0 || *v < sorted[i - 1].1 {
            rank = i + 1;
        }
        out.insert(id.to_string(), rank);
    }
    out
}

/// The ranks of one figure among the peers that have enough answers, and how many they are.
type Ranking = (BTreeMap<String, usize>, usize);

fn ranking(values: Vec<(&str, f64)>) -> Ranking {
    (ranks(&values), values.len())
}

/// The rows one card reads: its segment and value, unweighted.
struct Scope<'a> {
    kind: CardKind,
    segment: &'static str,
    id: &'a str,
}

/// The marts' rows the cards read, indexed once (every card looks its rows up instead of
/// scanning the marts, so the deck is linear in the number of stores).
struct Ctx<'a> {
    inp: &'a Inputs<'a>,
    /// Unweighted satisfaction rows by (segment, value), in mart order.
    sat: HashMap<(&'a str, &'a str), Vec<&'a Satisfaction>>,
    /// Unweighted NPS rows by (segment, value).
    nps: HashMap<(&'a str, &'a str), &'a Nps>,
    /// Ranks by (segment, measure); the NPS under measure `nps`.
    ranks: HashMap<(&'a str, &'a str), Ranking>,
    complaints: HashMap<(&'a str, &'a str), &'a Complaints>,
    /// Trend points by (segment, value, measure, month).
    trend: HashMap<(&'a str, &'a str, &'a str, &'a str), &'a Trend>,
    region_of: HashMap<&'a str, &'a str>,
    overall: Option<String>,
}

impl<'a> Ctx<'a> {
    fn new(inp: &'a Inputs<'a>) -> Ctx<'a> {
        let cfg = inp.cfg;
        let mut sat: HashMap<(&str, &str), Vec<&Satisfaction>> = HashMap::new();
        let mut peers: HashMap<(&str, &str), Vec<(&str, f64)>> = HashMap::new();
        for r in inp.marts.satisfaction.as_deref().unwrap_or_default() {
            if !unweighted(&r.weighting) {
                continue;
            }
            let key = (r.segment.as_str(), r.segment_value.as_str());
            sat.entry(key).or_default().push(r);
            if !r.suppressed {
                let group = peers.entry((r.segment.as_str(), r.measure.as_str()));
                group.or_default().push((key.1, r.mean));
            }
        }
        let mut nps = HashMap::new();
        for r in inp.marts.nps.as_deref().unwrap_or_default() {
            if unweighted(&r.weighting) {
                nps.entry((r.segment.as_str(), r.segment_value.as_str()))
                    .or_insert(r);
                if !r.suppressed {
                    let group = peers.entry((r.segment.as_str(), "nps"));
                    group.or_default().push((r.segment_value.as_str(), r.nps));
                }
            }
        }
        let mut complaints = HashMap::new();
        for r in inp.marts.complaints.as_deref().unwrap_or_default() {
            complaints
                .entry((r.segment.as_str(), r.segment_value.as_str()))
                .or_insert(r);
        }
        let mut trend = HashMap::new();
        for t in inp.marts.trend.as_deref().unwrap_or_default() {
            let key = (t.segment.as_str(), t.segment_value.as_str());
            trend
                .entry((key.0, key.1, t.measure.as_str(), t.month.as_str()))
                .or_insert(t);
        }
        let region_of = cfg
            .catalog
            .get("store")
            .into_iter()
            .flatten()
            .filter_map(|e| e.region.as_deref().map(|r| (e.id.as_str(), r)))
            .collect();
        Ctx {
            inp,
            sat,
            nps,
            ranks: peers.into_iter().map(|(k, v)| (k, ranking(v))).collect(),
            complaints,
            trend,
            region_of,
            overall: cfg
                .items_with_role(Role::Overall)
                .next()
                .map(|i| i.id.clone()),
        }
    }

    /// The card's unweighted satisfaction rows.
    fn rows(&self, s: &Scope<'a>) -> &[&'a Satisfaction] {
        self.sat.get(&(s.segment, s.id)).map_or(&[], Vec::as_slice)
    }

    fn sat(&self, s: &Scope<'a>, measure: &str) -> Option<&'a Satisfaction> {
        self.rows(s).iter().copied().find(|r| r.measure == measure)
    }

    /// The rank of the card's `measure` (or `nps`) among the peers with enough answers.
    fn rank(&self, s: &Scope<'a>, measure: &str) -> Option<(usize, usize)> {
        let (ranks, k) = self.ranks.get(&(s.segment, measure))?;
        ranks.get(s.id).map(|&r| (r, *k))
    }

    /// Whether the marts have any figure of the card.
    fn present(&self, segment: &str, id: &str) -> bool {
        self.sat.contains_key(&(segment, id)) || self.complaints.contains_key(&(segment, id))
    }

    fn sat_tile(&self, s: &Scope<'a>, measure: &str, label: String, d: usize) -> Option<Tile> {
        let r = self.sat(s, measure)?;
        let lang = self.inp.lang;
        let ci = r.ci_low.zip(r.ci_high);
        Some(Tile {
            label,
            value: i18n::signed(r.mean, d),
            ci: ci.map_or_else(|| "—".into(), |(l, h)| i18n::interval(l, h, d)),
            rank: rank_text(self.rank(s, measure), r.suppressed, lang),
            change: i18n::vs_last(change_text(r.delta, r.significant, d), lang),
            change_tone: tone(r.delta, r.significant),
            vs: i18n::vs_others(
                change_text(r.vs_rest_delta, r.vs_rest_significant, d),
                s.kind,
                lang,
            ),
            vs_tone: tone(r.vs_rest_delta, r.vs_rest_significant),
        })
    }

    fn nps_tile(&self, s: &Scope<'a>) -> Option<Tile> {
        let r = *self.nps.get(&(s.segment, s.id))?;
        let lang = self.inp.lang;
        let rank = self.rank(s, "nps");
        Some(Tile {
            label: i18n::nps_label(lang).into(),
            value: i18n::signed(r.nps, 1),
            ci: i18n::interval(r.ci_low, r.ci_high, 1),
            rank: rank_text(rank, r.suppressed, lang),
            change: i18n::vs_last(change_text(r.delta, r.significant, 1), lang),
            change_tone: tone(r.delta, r.significant),
            // The NPS mart has no test against the other segments: its mix instead.
            vs: i18n::nps_mix(
                r.promoters as f64 / r.n.max(1) as f64,
                r.detractors as f64 / r.n.max(1) as f64,
                lang,
            ),
            vs_tone: "",
        })
    }
}

fn rank_text(rank: Option<(usize, usize)>, suppressed: bool, lang: Lang) -> String {
    match rank {
        Some((r, k)) if !suppressed => i18n::rank(r, k, lang),
        _ => i18n::not_ranked(lang).into(),
    }
}

/// A file name from an id: letters, digits, `-` and `_` kept, anything else `_`.
fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The cards of the period: each region of the catalogue with its stores after it (the
/// combined file reads region by region), then stores without a region; only those the
/// marts have rows for. `None` when the marts have no store or region rows.
pub fn scorecards(inp: &Inputs) -> Option<Deck> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let cx = Ctx::new(inp);
    let present = |seg: &str, id: &str| cx.present(seg, id);
    let entries = |seg: &str| cfg.catalog.get(seg).map(Vec::as_slice).unwrap_or_default();
    let (regions, stores) = (entries("region"), entries("store"));
    let mut order: Vec<Scope> = Vec::new();
    for g in regions {
        if present("region", &g.id) {
            order.push(Scope {
                kind: CardKind::Region,
                segment: "region",
                id: &g.id,
            });
        }
        for s in stores.iter().filter(|s| s.region.as_deref() == Some(&g.id)) {
            if present("store", &s.id) {
                order.push(Scope {
                    kind: CardKind::Store,
                    segment: "store",
                    id: &s.id,
                });
            }
        }
    }
    let known = |r: &Option<String>| {
        r.as_ref()
            .is_some_and(|r| regions.iter().any(|g| &g.id == r))
    };
    for s in stores.iter().filter(|s| !known(&s.region)) {
        if present("store", &s.id) {
            order.push(Scope {
                kind: CardKind::Store,
                segment: "store",
                id: &s.id,
            });
        }
    }
    if order.is_empty() {
        return None;
    }
    let cards = order.iter().map(|s| card(&cx, s)).collect();
    Some(Deck {
        lang: lang.code(),
        title: i18n::deck_title(lang).into(),
        org: match lang {
            Lang::Zh => cfg.org_zh.clone(),
            Lang::En => cfg.org_en.clone(),
        },
        period: inp.period.to_string(),
        period_long: period_long(inp.period, lang),
        generated_on: inp.generated_on.clone(),
        accent: cfg.accent.clone(),
        legend: i18n::legend(cfg.confidence, cfg.min_n, lang),
        cards,
    })
}

fn card<'a>(cx: &Ctx<'a>, s: &Scope<'a>) -> Card {
    let (cfg, lang) = (cx.inp.cfg, cx.inp.lang);
    let name = cfg.segment_label(s.segment, s.id, lang).to_string();
    let overall = cx.overall.as_deref();
    let head = overall.and_then(|m| cx.sat(s, m));
    let n = head.map_or(0, |r| r.n);
    let parent = match s.kind {
        CardKind::Store => cfg
            .catalog
            .get("store")
            .and_then(|c| c.iter().find(|e| e.id == s.id))
            .and_then(|e| e.region.as_deref())
            .map(|r| cfg.segment_label("region", r, lang).to_string()),
        CardKind::Region => Some(i18n::stores_in_region(
            cfg.catalog.get("store").map_or(0, |c| {
                c.iter()
                    .filter(|e| e.region.as_deref() == Some(s.id))
                    .count()
            }),
            lang,
        )),
    };
    let mut tiles = Vec::new();
    if !cfg.dimensions.is_empty() {
        tiles.extend(cx.sat_tile(s, "csi", i18n::csi_label(lang).into(), 1));
    }
    if let Some(m) = overall {
        tiles.extend(cx.sat_tile(s, m, measure_name(cfg, m, lang), 2));
    }
    tiles.extend(cx.nps_tile(s));
    let (complaints, complaints_note) = complaint_lines(cx, s);
    let (actions, actions_note) = action_rows(cx, s);
    let (stores, stores_note) = match (s.kind, overall) {
        (CardKind::Region, Some(m)) => region_stores(cx, s, m),
        _ => (Vec::new(), None),
    };
    Card {
        file: match s.kind {
            CardKind::Store => file_stem(s.id),
            CardKind::Region => format!("region_{}", file_stem(s.id)),
        },
        title: i18n::card_title(s.kind, lang).into(),
        name,
        subtitle: i18n::answers_line(
            parent.as_deref(),
            n,
            &overall.map_or_else(String::new, |m| measure_name(cfg, m, lang)),
            lang,
        ),
        too_few: head
            .filter(|r| r.suppressed)
            .map(|r| i18n::too_few(r.n, cfg.min_n, s.kind, lang)),
        tiles,
        spark: overall.and_then(|m| spark(cx, s, m)),
        stores_title: i18n::region_stores_title(lang).into(),
        stores_header: i18n::region_stores_header(
            &measure_name(cfg, overall.unwrap_or(""), lang),
            lang,
        ),
        stores,
        stores_note,
        weakest_title: i18n::weakest_title(s.kind, lang),
        weakest_header: i18n::weakest_header(s.kind, lang),
        weakest: weakest(cx, s),
        complaints_title: i18n::complaints_title(lang).into(),
        complaints,
        complaints_note,
        actions_title: i18n::actions_title(lang).into(),
        actions_header: i18n::actions_header(lang),
        actions,
        actions_note,
    }
}

/// A region's stores, the best overall item first (those with too few answers last): all of
/// them up to ten, else the five best and the five weakest, so the page stays one page.
fn region_stores<'a>(cx: &Ctx<'a>, s: &Scope<'a>, overall: &str) -> (Vec<Marked>, Option<String>) {
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
fn weakest<'a>(cx: &Ctx<'a>, s: &Scope<'a>) -> Vec<Marked> {
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
fn complaint_lines<'a>(cx: &Ctx<'a>, s: &Scope<'a>) -> (Vec<Marked>, Option<String>) {
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
fn action_rows<'a>(cx: &Ctx<'a>, s: &Scope<'a>) -> (Vec<Vec<String>>, Option<String>) {
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
fn spark<'a>(cx: &Ctx<'a>, s: &Scope<'a>, measure: &str) -> Option<Spark> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_are_competition_ranks_highest_first() {
        let r = ranks(&[("a", 4.1), ("b", 4.5), ("c", 4.1), ("d", 3.9)]);
        assert_eq!(r["b"], 1);
        assert_eq!(r["a"], 2);
        assert_eq!(r["c"], 2);
        assert_eq!(r["d"], 4);
    }

    #[test]
    fn only_significant_changes_have_a_tone() {
        assert_eq!(tone(Some(-0.2), Some(true)), "down");
        assert_eq!(tone(Some(0.2), Some(true)), "up");
        assert_eq!(tone(Some(-0.2), Some(false)), "");
        assert_eq!(tone(Some(-0.2), None), "");
        assert_eq!(tone(None, Some(true)), "");
        assert_eq!(change_text(Some(-0.123), Some(true), 2).unwrap(), "−0.12 ●");
        assert_eq!(change_text(Some(0.1), None, 1).unwrap(), "+0.1");
    }

    #[test]
    fn file_names_keep_ids_and_replace_the_rest() {
        assert_eq!(file_stem("S01"), "S01");
        assert_eq!(file_stem("a/b c"), "a_b_c");
        assert_eq!(file_stem("上海-1"), "上海-1");
    }
}
