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

mod cases;
pub use cases::*;

#[cfg(test)]
mod tests;
