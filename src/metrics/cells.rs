//! The columnar part of the metrics: one month of the long `responses` table → its
//! observations (items, dimensions, CSI and loyalty per response) → sufficient statistics
//! per month × segment × value × measure. Everything downstream works on these small tables.
//!
//! This is one pass of plain Rust over integer-coded columns, not a chain of dataframe
//! queries: strings are coded once per month (codes in sorted order of the strings, so
//! sorting rows is sorting integers), rows are put in a fixed order (source, response,
//! item), and every sum is added in that order. The order makes the floating-point sums,
//! and so the marts, byte-identical run to run; the single pass keeps the time linear in the
//! number of answers and the memory to a few integer columns of one month. (It replaced
//! polars lazy queries — join, sort, two group-bys, a second sort — that cost 15 µs and
//! 1 KB per answer; see tests/bench/RESULTS.md.)

use std::collections::{BTreeMap, HashMap};

use super::stats::Sums;
use crate::config::{Config, Role};
use crate::frame::{self, DataFrame, FrameResult};
use crate::period::Period;
use crate::schema::SourceKind;

/// The measure id of the weighted composite index.
pub const CSI: &str = "csi";
/// The measure id of the loyalty index.
pub const LOYALTY: &str = "loyalty";

/// A string column as codes into its sorted distinct values (`None` stays `None`).
struct Coded {
    codes: Vec<Option<u32>>,
    names: Vec<String>,
}

impl Coded {
    fn of(df: &DataFrame, column: &str) -> FrameResult<Coded> {
        let (codes, names) = frame::codes(df, column)?;
        // Renumber so that code order is string order (bytewise, as a sort of the strings).
        let mut order: Vec<u32> = (0..names.len() as u32).collect();
        order.sort_by(|a, b| names[*a as usize].cmp(&names[*b as usize]));
        let mut rank = vec![0u32; names.len()];
        for (r, c) in order.iter().enumerate() {
            rank[*c as usize] = r as u32;
        }
        let mut sorted = names;
        sorted.sort();
        Ok(Coded {
            codes: codes
                .into_iter()
                .map(|c| c.map(|c| rank[c as usize]))
                .collect(),
            names: sorted,
        })
    }

    fn code_of(&self, s: &str) -> Option<u32> {
        self.names
            .binary_search_by(|n| n.as_str().cmp(s))
            .ok()
            .map(|i| i as u32)
    }

    fn name(&self, row: usize) -> Option<&str> {
        self.codes[row].map(|c| self.names[c as usize].as_str())
    }
}

/// What the configuration says about an item, looked up by the item's code.
#[derive(Clone, Copy)]
struct ItemMeta {
    role: Role,
    min: f64,
    max: f64,
    /// Index into [`Month::dims`] (dimension ids in sorted order).
    dim: Option<usize>,
}

/// One month of the `responses` table, decoded once.
pub struct Month {
    period: String,
    source: Coded,
    response: Coded,
    item: Coded,
    channel: Coded,
    brand: Coded,
    segs: Vec<Coded>,
    score: Vec<Option<f64>>,
    weight: Vec<Option<f64>>,
    /// Per item code: its metadata when it is a configured, non-comment item.
    meta: Vec<Option<ItemMeta>>,
    /// Dimension ids of the configured items, sorted, with their CSI weight if configured.
    dims: Vec<(String, Option<f64>)>,
    /// Rows of our own brand from our own surveys with a score and a known item, in
    /// (source, response, item) order: the answers the survey marts count.
    ours: Vec<usize>,
    /// Sources of kind `competitor`, as codes.
    competitor: Vec<u32>,
}

impl Month {
    /// Decode `df` (one month of `responses`, with the columns of
    /// [`super::scan::needed_columns`]) for `period`.
    pub fn new(df: &DataFrame, cfg: &Config, period: Period) -> FrameResult<Month> {
        let item = Coded::of(df, "item_id")?;
        let mut dims: Vec<(String, Option<f64>)> = Vec::new();
        for i in cfg.items.iter().filter(|i| i.role != Role::Comment) {
            if let Some(d) = &i.dimension {
                if !dims.iter().any(|(id, _)| id == d) {
                    let w = cfg.dimensions.iter().find(|x| &x.id == d).map(|x| x.weight);
                    dims.push((d.clone(), w));
                }
            }
        }
        dims.sort_by(|a, b| a.0.cmp(&b.0));
        let meta = item
            .names
            .iter()
            .map(|name| {
                cfg.items
                    .iter()
                    .find(|i| &i.id == name && i.role != Role::Comment)
                    .map(|i| ItemMeta {
                        role: i.role,
                        min: i.min,
                        max: i.max,
                        dim: i
                            .dimension
                            .as_ref()
                            .and_then(|d| dims.iter().position(|(id, _)| id == d)),
                    })
            })
            .collect();
        let source = Coded::of(df, "source")?;
        let competitor = cfg
            .sources
            .iter()
            .filter(|s| s.kind == SourceKind::Competitor)
            .filter_map(|s| source.code_of(&s.name))
            .collect();
        let mut m = Month {
            period: period.to_string(),
            response: Coded::of(df, "response_id")?,
            channel: Coded::of(df, "channel")?,
            brand: Coded::of(df, "brand")?,
            segs: cfg
                .report_segments
                .iter()
                .map(|s| Coded::of(df, s))
                .collect::<FrameResult<_>>()?,
            score: frame::f64s(df, "score")?,
            weight: frame::f64s(df, "weight")?,
            source,
            item,
            meta,
            dims,
            ours: Vec::new(),
            competitor,
        };
        let ours_brand = m.brand.code_of("ours");
        let mut rows: Vec<usize> = (0..m.score.len())
            .filter(|&i| {
                m.brand.codes[i].is_some()
                    && m.brand.codes[i] == ours_brand
                    && m.score[i].is_some()
                    && m.source.codes[i].is_some_and(|s| !m.competitor.contains(&s))
                    && m.item.codes[i].is_some_and(|c| m.meta[c as usize].is_some())
            })
            .collect();
        rows.sort_by_key(|&i| (m.source.codes[i], m.response.codes[i], m.item.codes[i]));
        m.ours = rows;
        Ok(m)
    }

    fn meta(&self, row: usize) -> ItemMeta {
        self.item.codes[row]
            .and_then(|c| self.meta[c as usize])
            .expect("rows in `ours` have a known item")
    }

    /// The 0–100 index of a row's score.
    fn index(&self, row: usize) -> f64 {
        let m = self.meta(row);
        let score = self.score[row].expect("rows in `ours` have a score");
        (score - m.min) / (m.max - m.min) * 100.0
    }

    /// The rows of `ours` grouped by response (consecutive (source, response) codes).
    fn responses(&self) -> impl Iterator<Item = &[usize]> + '_ {
        self.ours.chunk_by(move |&a, &b| {
            self.source.codes[a] == self.source.codes[b]
                && self.response.codes[a] == self.response.codes[b]
        })
    }
}

/// A month's answers with their analysis weight `w`: the source's weight, times the
/// raking weight when raking (a response without one keeps its own weight).
pub struct Answers<'a> {
    month: &'a Month,
    /// Per row of the month (indexed like its columns).
    w: std::borrow::Cow<'a, [Option<f64>]>,
}

/// The answers of `month`, unweighted by raking (`rake` = None) or raked with
/// (response_id, period, source, rake_w) rows from [`super::rake_weights`].
pub fn answers<'a>(month: &'a Month, rake: Option<&DataFrame>) -> FrameResult<Answers<'a>> {
    let Some(rake) = rake else {
        return Ok(Answers {
            month,
            w: std::borrow::Cow::Borrowed(&month.weight),
        });
    };
    let (ids, srcs, ws) = (
        frame::strs(rake, "response_id")?,
        frame::strs(rake, "source")?,
        frame::f64s(rake, "rake_w")?,
    );
    let mut by: HashMap<(&str, &str), f64> = HashMap::new();
    for ((id, src), w) in ids.iter().zip(&srcs).zip(&ws) {
        if let (Some(id), Some(src), Some(w)) = (id, src, w) {
            by.insert((src.as_str(), id.as_str()), *w);
        }
    }
    let w: Vec<Option<f64>> = (0..month.weight.len())
        .map(|i| {
            let r = match (month.source.name(i), month.response.name(i)) {
                (Some(s), Some(id)) => by.get(&(s, id)).copied(),
                _ => None,
            };
            month.weight[i].map(|w| w * r.unwrap_or(1.0))
        })
        .collect();
    Ok(Answers {
        month,
        w: std::borrow::Cow::Owned(w),
    })
}

/// Running sums of one cell.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    n: i64,
    sw: f64,
    sw2: f64,
    swx: f64,
    swx2: f64,
    swt: f64,
    kt: f64,
    // NPS: weighted and unweighted promoters and detractors.
    swp: f64,
    swd: f64,
    kp: f64,
    kd: f64,
}

impl Acc {
    fn add(&mut self, x: f64, w: f64, top2: Option<f64>) {
        self.n += 1;
        self.sw += w;
        self.sw2 += w * w;
        self.swx += w * x;
        self.swx2 += w * x * x;
        if let Some(t) = top2 {
            self.swt += w * t;
            self.kt += t;
        }
    }
}

/// What an observation measures: an item (by code), a dimension (by index), the loyalty
/// index or the CSI. Its kind is the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Measure {
    Item(u32),
    Dimension(usize),
    Loyalty,
    Csi,
}

/// The cells of one month in one dense array (no hashing per answer): a slot per segment
/// value (slot 0 is "all") × a measure (`None` for the NPS sums, then the items, the
/// dimensions, loyalty and CSI). A cell exists when something was added to it (`n > 0`).
struct Cells {
    /// First slot of each segment (index 0: "all").
    offsets: Vec<usize>,
    n_items: usize,
    n_dims: usize,
    n_measures: usize,
    accs: Vec<Acc>,
}

impl Cells {
    fn new(month: &Month) -> Cells {
        let mut offsets = vec![0];
        let mut slots = 1;
        for seg in &month.segs {
            offsets.push(slots);
            slots += seg.names.len();
        }
        let (n_items, n_dims) = (month.item.names.len(), month.dims.len());
        let n_measures = 1 + n_items + n_dims + 2;
        Cells {
            offsets,
            n_items,
            n_dims,
            n_measures,
            accs: vec![Acc::default(); slots * n_measures],
        }
    }

    fn measure_index(&self, m: Option<Measure>) -> usize {
        match m {
            None => 0,
            Some(Measure::Item(c)) => 1 + c as usize,
            Some(Measure::Dimension(d)) => 1 + self.n_items + d,
            Some(Measure::Loyalty) => 1 + self.n_items + self.n_dims,
            Some(Measure::Csi) => 2 + self.n_items + self.n_dims,
        }
    }

    fn measure_of(&self, i: usize) -> Option<Measure> {
        let (items, dims) = (self.n_items, self.n_dims);
        match i {
            0 => None,
            i if i <= items => Some(Measure::Item((i - 1) as u32)),
            i if i <= items + dims => Some(Measure::Dimension(i - 1 - items)),
            i if i == items + dims + 1 => Some(Measure::Loyalty),
            _ => Some(Measure::Csi),
        }
    }

    fn at(&mut self, segment: usize, value: u32, m: Option<Measure>) -> &mut Acc {
        let i = (self.offsets[segment] + value as usize) * self.n_measures + self.measure_index(m);
        &mut self.accs[i]
    }
}

/// Add an observation of the response whose first row is `row` to "all" and to each
/// segment the row has a value of.
fn add_to_cells(
    cells: &mut Cells,
    month: &Month,
    row: usize,
    measure: Option<Measure>,
    f: impl Fn(&mut Acc),
) {
    f(cells.at(0, 0, measure));
    for (si, seg) in month.segs.iter().enumerate() {
        if let Some(v) = seg.codes[row] {
            f(cells.at(si + 1, v, measure));
        }
    }
}

type CellKey = (String, String, String, String, String);

/// The cells with string keys, in the order of the published tables.
fn named(month: &Month, cells: Cells, segments: &[String]) -> BTreeMap<CellKey, Acc> {
    let mut out = BTreeMap::new();
    for (i, a) in cells.accs.iter().enumerate().filter(|(_, a)| a.n > 0) {
        let (slot, mi) = (i / cells.n_measures, i % cells.n_measures);
        let s = cells.offsets.partition_point(|&o| o <= slot) - 1;
        let (segment, value) = if s == 0 {
            ("all".to_string(), "all".to_string())
        } else {
            (
                segments[s - 1].clone(),
                month.segs[s - 1].names[slot - cells.offsets[s]].clone(),
            )
        };
        let (measure, kind) = match cells.measure_of(mi) {
            None => (String::new(), String::new()),
            Some(Measure::Item(c)) => (month.item.names[c as usize].clone(), "item".into()),
            Some(Measure::Dimension(d)) => (month.dims[d].0.clone(), "dimension".into()),
            Some(Measure::Loyalty) => (LOYALTY.into(), "loyalty".into()),
            Some(Measure::Csi) => (CSI.into(), "csi".into()),
        };
        out.insert((month.period.clone(), segment, value, measure, kind), *a);
    }
    out
}

/// Sufficient statistics of one cell of [`sums`]: month × segment × value × measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub period: String,
    /// A report segment, or `"all"` (everyone).
    pub segment: String,
    pub value: String,
    /// An item, a dimension, [`LOYALTY`] or [`CSI`].
    pub measure: String,
    /// `item`, `dimension`, `loyalty` or `csi`.
    pub kind: String,
    /// n, Σw, Σw², Σwx, Σwx².
    pub sums: Sums,
    /// Σw·top2 (items; 0 for the indices).
    pub swt: f64,
    /// The unweighted top-2 count.
    pub kt: f64,
}

/// NPS counts of one cell of [`nps_sums`]: month × segment × value.
#[derive(Debug, Clone, PartialEq)]
pub struct NpsCell {
    pub period: String,
    pub segment: String,
    pub value: String,
    pub n: usize,
    pub sw: f64,
    pub sw2: f64,
    /// Weighted promoters and detractors.
    pub swp: f64,
    pub swd: f64,
    /// Unweighted promoters and detractors.
    pub kp: f64,
    pub kd: f64,
}

fn sums_of(a: &Acc) -> Sums {
    Sums {
        n: a.n as usize,
        sw: a.sw,
        sw2: a.sw2,
        swx: a.swx,
        swx2: a.swx2,
    }
}

/// A response's dimension indices: (dimension index, mean index of its rating items),
/// in dimension-id order.
fn dimension_scores(month: &Month, rows: &[usize]) -> Vec<(usize, f64)> {
    let mut sums: BTreeMap<usize, (f64, usize)> = BTreeMap::new();
    for &r in rows {
        let m = month.meta(r);
        if let (Role::Rating, Some(d)) = (m.role, m.dim) {
            let e = sums.entry(d).or_insert((0.0, 0));
            e.0 += month.index(r);
            e.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(d, (s, n))| (d, s / n as f64))
        .collect()
}

/// Sufficient statistics per month × segment × value × measure (+ kind): n, Σw, Σw², Σwx,
/// Σwx², Σw·top2 and the unweighted top-2 count, over the observations: every answer to a
/// non-NPS item (x = score, top2 = in the item's top box, [`stats::in_top_box`]), and per response each dimension's
/// index (the mean 0–100 index of its answered rating items), the loyalty index (the mean
/// index of its loyalty items) and the CSI (the mean of its dimension indices weighted by
/// the configured weights, renormalised over the dimensions it answered).
/// `segment = "all"` is everyone.
pub fn sums(a: &Answers, segments: &[String]) -> Vec<Cell> {
    let m = a.month;
    let mut cells = Cells::new(m);
    for rows in m.responses() {
        let first = rows[0];
        for &r in rows {
            let meta = m.meta(r);
            let (Some(x), Some(w)) = (m.score[r], a.w[r]) else {
                continue;
            };
            if meta.role == Role::Nps {
                continue;
            }
            let top2 = if super::stats::in_top_box(x, meta.min, meta.max) {
                1.0
            } else {
                0.0
            };
            let item = Measure::Item(m.item.codes[r].expect("known item"));
            add_to_cells(&mut cells, m, r, Some(item), |c| c.add(x, w, Some(top2)));
        }
        let Some(w) = a.w[first] else {
            continue;
        };
        let dims = dimension_scores(m, rows);
        for &(d, x) in &dims {
            add_to_cells(&mut cells, m, first, Some(Measure::Dimension(d)), |c| {
                c.add(x, w, None)
            });
        }
        let loyal: Vec<f64> = rows
            .iter()
            .filter(|&&r| m.meta(r).role == Role::Loyalty)
            .map(|&r| m.index(r))
            .collect();
        if !loyal.is_empty() {
            let x = loyal.iter().sum::<f64>() / loyal.len() as f64;
            add_to_cells(&mut cells, m, first, Some(Measure::Loyalty), |c| {
                c.add(x, w, None)
            });
        }
        if let Some(x) = csi(m, &dims) {
            add_to_cells(&mut cells, m, first, Some(Measure::Csi), |c| {
                c.add(x, w, None)
            });
        }
    }
    named(m, cells, segments)
        .into_iter()
        .map(|((period, segment, value, measure, kind), a)| Cell {
            period,
            segment,
            value,
            measure,
            kind,
            sums: sums_of(&a),
            swt: a.swt,
            kt: a.kt,
        })
        .collect()
}

/// A response's CSI from its dimension indices (in dimension-id order): Σ x·weight / Σ
/// weight over the answered dimensions that have a configured weight; `None` without any.
fn csi(month: &Month, dims: &[(usize, f64)]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for &(d, x) in dims {
        if let Some(w) = month.dims[d].1 {
            num += x * w;
            den += w;
        }
    }
    (den > 0.0).then(|| num / den)
}

/// NPS counts per month × segment × value: n, Σw, Σw², weighted and unweighted promoters
/// (9–10) and detractors (0–6).
pub fn nps_sums(a: &Answers, segments: &[String]) -> Vec<NpsCell> {
    let m = a.month;
    let mut cells = Cells::new(m);
    for &r in &m.ours {
        let (Some(x), Some(w)) = (m.score[r], a.w[r]) else {
            continue;
        };
        if m.meta(r).role != Role::Nps {
            continue;
        }
        let (pro, det) = (
            (x >= super::stats::PROMOTER_MIN) as u8 as f64,
            (x <= super::stats::DETRACTOR_MAX) as u8 as f64,
        );
        add_to_cells(&mut cells, m, r, None, |a| {
            a.n += 1;
            a.sw += w;
            a.sw2 += w * w;
            a.swp += w * pro;
            a.swd += w * det;
            a.kp += pro;
            a.kd += det;
        });
    }
    named(m, cells, segments)
        .into_iter()
        .map(|((period, segment, value, _, _), a)| NpsCell {
            period,
            segment,
            value,
            n: a.n as usize,
            sw: a.sw,
            sw2: a.sw2,
            swp: a.swp,
            swd: a.swd,
            kp: a.kp,
            kd: a.kd,
        })
        .collect()
}

/// The overall item's id ("" when none is configured).
fn overall_item(cfg: &Config) -> String {
    cfg.items_with_role(Role::Overall)
        .next()
        .map(|i| i.id.clone())
        .unwrap_or_default()
}

/// One complete case of the drivers model: a response's overall score and the index of
/// each configured dimension (in configuration order).
#[derive(Debug, Clone, PartialEq)]
pub struct DriverCase {
    pub period: String,
    pub source: Option<String>,
    pub response_id: Option<String>,
    pub overall: Option<f64>,
    pub dims: Vec<f64>,
}

/// Per response: each configured dimension's index and the overall item's score,
/// complete cases only, in (source, response) order — the drivers model's input.
pub fn driver_matrix(a: &Answers, cfg: &Config) -> Vec<DriverCase> {
    let m = a.month;
    let overall = m.item.code_of(&overall_item(cfg));
    let wanted: Vec<Option<usize>> = cfg
        .dimensions
        .iter()
        .map(|d| m.dims.iter().position(|(id, _)| *id == d.id))
        .collect();
    let mut out = Vec::new();
    for rows in m.responses() {
        let Some(o) = rows
            .iter()
            .find(|&&r| overall.is_some() && m.item.codes[r] == overall)
        else {
            continue;
        };
        let dims = dimension_scores(m, rows);
        let vals: Option<Vec<f64>> = wanted
            .iter()
            .map(|d| d.and_then(|d| dims.iter().find(|(x, _)| *x == d).map(|(_, v)| *v)))
            .collect();
        let Some(vals) = vals else {
            continue;
        };
        out.push(DriverCase {
            period: m.period.clone(),
            source: m.source.name(rows[0]).map(str::to_string),
            response_id: m.response.name(rows[0]).map(str::to_string),
            overall: m.score[*o],
            dims: vals,
        });
    }
    out
}

/// Unweighted sums of the competitor-survey answers to one item about one brand.
#[derive(Debug, Clone, PartialEq)]
pub struct BrandCell {
    pub brand: String,
    pub item_id: String,
    pub n: usize,
    pub sx: f64,
    pub sx2: f64,
}

/// Competitor-survey answers of the month per brand × item: n, Σx, Σx² (unweighted),
/// sorted by item, then brand.
pub fn brand_sums(month: &Month) -> Vec<BrandCell> {
    let mut acc: BTreeMap<(&str, &str), (i64, f64, f64)> = BTreeMap::new();
    for i in 0..month.score.len() {
        let (Some(x), Some(s)) = (month.score[i], month.source.codes[i]) else {
            continue;
        };
        if !month.competitor.contains(&s) {
            continue;
        }
        let (Some(brand), Some(item)) = (month.brand.name(i), month.item.name(i)) else {
            continue;
        };
        let e = acc.entry((item, brand)).or_insert((0, 0.0, 0.0));
        e.0 += 1;
        e.1 += x;
        e.2 += x * x;
    }
    acc.into_iter()
        .map(|((item, brand), (n, sx, sx2))| BrandCell {
            brand: brand.to_string(),
            item_id: item.to_string(),
            n: n as usize,
            sx,
            sx2,
        })
        .collect()
}

/// The overall item's sums of one channel in one month, and its responses.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelCell {
    pub period: String,
    pub channel: String,
    /// Responses with at least one scored answer.
    pub responses: usize,
    /// The overall item's n, Σw, Σw², Σwx, Σwx².
    pub sums: Sums,
}

/// Answers to the overall item per month × channel: n, Σw, Σw², Σwx, Σwx² (the channels
/// mart's responses and mean), sorted by channel.
pub fn channel_sums(a: &Answers, cfg: &Config) -> Vec<ChannelCell> {
    let m = a.month;
    let overall = m.item.code_of(&overall_item(cfg));
    // Per channel: the overall item's sums, and the responses (with at least one scored
    // answer, whether or not they answered the overall item). `ours` is in (source,
    // response, item) order, so a response's rows are adjacent.
    let mut acc: BTreeMap<&str, (Acc, i64)> = BTreeMap::new();
    let mut last = None;
    for &r in &m.ours {
        let Some(ch) = m.channel.name(r) else {
            continue;
        };
        let key = (m.source.codes[r], m.response.codes[r]);
        if last != Some(key) {
            last = Some(key);
            acc.entry(ch).or_default().1 += 1;
        }
        if overall.is_none() || m.item.codes[r] != overall {
            continue;
        }
        let (Some(x), Some(w)) = (m.score[r], a.w[r]) else {
            continue;
        };
        acc.entry(ch).or_default().0.add(x, w, None);
    }
    acc.into_iter()
        .map(|(c, (a, k))| ChannelCell {
            period: m.period.clone(),
            channel: c.to_string(),
            responses: k as usize,
            sums: sums_of(&a),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    //! Expected values are worked by hand from the answers below (1–5 items: index =
    //! (score − 1)/4·100; CSI weights from the demo's csat.toml).
    use super::*;
    use crate::frame::Values;
    use crate::schema::ColType;

    fn cfg() -> Config {
        Config::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/csat.toml"
        )))
        .unwrap()
    }

    /// (response, source, store, brand, item, score)
    const ANSWERS: [(&str, &str, &str, &str, &str, f64); 19] = [
        // r3 first: input order must not matter.
        ("r3", "web_survey", "S01", "ours", "q01", 5.0),
        ("r3", "web_survey", "S01", "ours", "q02", 4.0),
        ("r3", "web_survey", "S01", "ours", "q03", 3.0),
        ("r3", "web_survey", "S01", "ours", "q04", 2.0),
        ("r3", "web_survey", "S01", "ours", "q06", 1.0),
        ("r3", "web_survey", "S01", "ours", "q08", 5.0),
        ("r3", "web_survey", "S01", "ours", "q09", 4.0),
        ("r3", "web_survey", "S01", "ours", "q10", 4.0),
        ("r1", "web_survey", "S01", "ours", "q04", 4.0),
        ("r1", "web_survey", "S01", "ours", "q05", 2.0),
        ("r1", "web_survey", "S01", "ours", "q10", 5.0),
        ("r1", "web_survey", "S01", "ours", "q11", 9.0),
        ("r1", "web_survey", "S01", "ours", "q12", 3.0),
        ("r2", "web_survey", "S02", "ours", "q04", 5.0),
        ("r2", "web_survey", "S02", "ours", "q10", 3.0),
        ("r2", "web_survey", "S02", "ours", "q11", 6.0),
        // The competitor survey: benchmarks only, also when it rates us.
        ("c1", "competitor_survey", "", "meijufang", "q04", 5.0),
        ("c2", "competitor_survey", "", "ours", "q04", 1.0),
        ("c2", "competitor_survey", "", "ours", "q10", 2.0),
    ];

    fn month() -> Month {
        type Answer = (
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            f64,
        );
        let s = |f: fn(&Answer) -> &'static str| {
            Values::Str(
                ANSWERS
                    .iter()
                    .map(|a| Some(f(a)).filter(|v| !v.is_empty()).map(str::to_string))
                    .collect(),
            )
        };
        let c = |v: &str| Values::Str(ANSWERS.iter().map(|_| Some(v.to_string())).collect());
        let df = frame::build(vec![
            ("response_id", ColType::Str, s(|a| a.0)),
            ("source", ColType::Cat, s(|a| a.1)),
            ("channel", ColType::Cat, c("web")),
            ("region", ColType::Cat, c("east")),
            ("store", ColType::Cat, s(|a| a.2)),
            ("tier", ColType::Cat, c("loyal")),
            ("product_line", ColType::Cat, c("sofa")),
            ("brand", ColType::Cat, s(|a| a.3)),
            ("item_id", ColType::Cat, s(|a| a.4)),
            (
                "score",
                ColType::F64,
                Values::F64(ANSWERS.iter().map(|a| Some(a.5)).collect()),
            ),
            (
                "weight",
                ColType::F64,
                Values::F64(ANSWERS.iter().map(|_| Some(1.0)).collect()),
            ),
        ])
        .unwrap();
        Month::new(&df, &cfg(), "2026-10".parse().unwrap()).unwrap()
    }

    /// (n, Σw, Σwx, Σwx²) of a cell of `sums`.
    fn cell(cells: &[Cell], segment: &str, value: &str, measure: &str) -> (f64, f64, f64, f64) {
        let c = cells
            .iter()
            .find(|c| c.segment == segment && c.value == value && c.measure == measure)
            .unwrap_or_else(|| panic!("no cell {segment}/{value}/{measure}"));
        (c.sums.n as f64, c.sums.sw, c.sums.swx, c.sums.swx2)
    }

    #[test]
    fn sums_cover_items_dimensions_loyalty_and_csi_of_our_own_answers() {
        let cfg = cfg();
        let m = month();
        let df = sums(&answers(&m, None).unwrap(), &cfg.report_segments);
        // q04 from r1, r2, r3 (not the competitor survey's ratings): 4, 5, 2.
        assert_eq!(cell(&df, "all", "all", "q04"), (3.0, 3.0, 11.0, 45.0));
        assert_eq!(cell(&df, "store", "S01", "q04"), (2.0, 2.0, 6.0, 20.0));
        // Delivery = mean index of q04 and q05: r1 (75 + 25)/2 = 50, r2 100, r3 25.
        assert_eq!(
            cell(&df, "all", "all", "delivery"),
            (3.0, 3.0, 175.0, 2500.0 + 10000.0 + 625.0)
        );
        // Loyalty index: r1's q12 = 3 → 50.
        assert_eq!(cell(&df, "all", "all", "loyalty"), (1.0, 1.0, 50.0, 2500.0));
        // CSI: r1 and r2 answered delivery only (50, 100); r3 all seven dimensions:
        // (100·.16 + 75·.10 + 50·.11 + 25·.12 + 0·.21 + 100·.15 + 75·.15) / 1 = 58.25.
        let (n, _, swx, _) = cell(&df, "all", "all", CSI);
        assert_eq!(n, 3.0);
        assert!((swx - (50.0 + 100.0 + 58.25)).abs() < 1e-9, "{swx}");
        // Top-2-box of q04 (4 or 5 on 1–5): r1 and r2.
        let kt = df
            .iter()
            .find(|c| c.measure == "q04" && c.segment == "all")
            .map(|c| c.kt);
        assert_eq!(kt, Some(2.0));
        // NPS is not an observation of `sums`.
        assert!(!df.iter().any(|c| c.measure == "q11"));
    }

    #[test]
    fn raking_weights_multiply_the_source_weight() {
        let cfg = cfg();
        let m = month();
        let rake = frame::build_plain(vec![
            ("response_id", Values::Str(vec![Some("r1".into())])),
            ("period", Values::Str(vec![Some("2026-10".into())])),
            ("source", Values::Str(vec![Some("web_survey".into())])),
            ("rake_w", Values::F64(vec![Some(2.0)])),
        ])
        .unwrap();
        let df = sums(&answers(&m, Some(&rake)).unwrap(), &cfg.report_segments);
        // r1 weighs 2, r2 and r3 keep 1: Σw = 4, Σwx = 2·4 + 5 + 2.
        assert_eq!(
            cell(&df, "all", "all", "q04"),
            (3.0, 4.0, 15.0, 32.0 + 25.0 + 4.0)
        );
    }

    #[test]
    fn nps_channels_drivers_and_brands() {
        let cfg = cfg();
        let m = month();
        let a = answers(&m, None).unwrap();
        let nps = nps_sums(&a, &cfg.report_segments);
        let all = nps.iter().find(|c| c.segment == "all").unwrap();
        assert_eq!((all.n as f64, all.kp, all.kd), (2.0, 1.0, 1.0));

        let ch = channel_sums(&a, &cfg);
        assert_eq!(
            ch.iter().map(|c| c.channel.as_str()).collect::<Vec<_>>(),
            ["web"]
        );
        let s = ch[0].sums;
        assert_eq!((s.n as f64, s.swx, s.swx2), (3.0, 12.0, 50.0));

        // Only r3 answered the overall item and every dimension.
        let d = driver_matrix(&a, &cfg);
        assert_eq!(
            d.iter()
                .map(|c| c.response_id.as_deref())
                .collect::<Vec<_>>(),
            [Some("r3")]
        );
        let dim = |id: &str| {
            let i = cfg.dimensions.iter().position(|d| d.id == id).unwrap();
            d[0].dims[i]
        };
        assert_eq!(
            [
                d[0].overall.unwrap(),
                dim("friendliness"),
                dim("initiative"),
                dim("supervision"),
                dim("delivery"),
                dim("product"),
                dim("service"),
                dim("handover")
            ],
            [4.0, 100.0, 75.0, 50.0, 25.0, 0.0, 100.0, 75.0]
        );

        // The competitor survey per item × brand, sorted by item then brand.
        let b = brand_sums(&m);
        assert_eq!(
            b.iter().map(|c| c.brand.as_str()).collect::<Vec<_>>(),
            ["meijufang", "ours", "ours"]
        );
        assert_eq!(
            b.iter().map(|c| c.item_id.as_str()).collect::<Vec<_>>(),
            ["q04", "q04", "q10"]
        );
        assert_eq!(b.iter().map(|c| c.sx).collect::<Vec<_>>(), [5.0, 1.0, 2.0]);
    }
}
