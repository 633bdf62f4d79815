//! Store and region scorecards as data: one card per store and per region of the period's
//! marts, every figure formatted from a mart row (the unweighted ones, as in the report), so
//! that a card says exactly what the marts say. `render::scorecards` lays each card out on
//! one A4 page (`scorecard.typ`).

use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::config::Role;
use crate::mart::{Action, Complaints, Nps, Satisfaction, Trend};
use i18n::CardKind;

mod blocks;
use blocks::*;

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
fn ranks(values: &[(&str, f64)]) -> BTreeMap<String, usize> {
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
        CardKind::Store => cx
            .region_of
            .get(s.id)
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

#[cfg(test)]
mod tests;
